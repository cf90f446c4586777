import AccountModels
import Foundation
import Testing

@testable import TeamSync

/// Builds snapshot histories with known usage for report tests.
enum UsageHistory {
    /// Seconds since 1970 at `hour` o'clock UTC on `day` (`YYYY-MM-DD`).
    static func time(_ day: String, hour: Double = 0) throws -> Double {
        let parsed = try #require(CalendarDay(day))
        return Double(parsed.daysSinceEpoch) * 86_400 + hour * 3600
    }

    /// The same instant as a `Date`.
    static func date(_ day: String, hour: Double = 0) throws -> Date {
        Date(timeIntervalSince1970: try time(day, hour: hour))
    }

    /// A project record with CPU and optionally GPU hours; the caller's share is a tenth of the project's.
    static func project(
        _ name: String, cpuGiven: Double?, cpuUsed: Double?, gpuGiven: Double? = nil, gpuUsed: Double? = nil,
        description: String = "A science project", storage: [StorageStats]? = nil, hpss: [StorageStats]? = nil
    ) -> ProjectStats {
        ProjectStats(
            id: abs(name.hashValue % 100_000), description: description, repo_name: name, iris_role: "PI",
            cpu_hours_given: cpuGiven.map { $0 / 10 }, cpu_hours_used: cpuUsed.map { $0 / 10 },
            cpu_project_hours_given: cpuGiven, cpu_project_hours_used: cpuUsed,
            gpu_hours_given: gpuGiven.map { $0 / 10 }, gpu_hours_used: gpuUsed.map { $0 / 10 },
            gpu_project_hours_given: gpuGiven, gpu_project_hours_used: gpuUsed,
            project_projdir_usage: storage?.first, hpss_usage: hpss)
    }

    /// One snapshot per step: `days` steps of `stepDays` starting at `start`, each built by `projects`
    /// from the number of days since `start`.
    static func daily(
        from start: String, steps: Int, stepDays: Double = 1, projects: (Double) -> [ProjectStats]
    ) throws -> [FacilitySnapshot] {
        let origin = try time(start)
        return (0..<steps).map { step in
            let elapsed = Double(step) * stepDays
            return FacilitySnapshot(
                id: Int64(step + 1), fetchedAt: origin + elapsed * 86_400, facility: "nersc", caller: "alice",
                projects: projects(elapsed))
        }
    }

    /// The example a PI would see in late September: one project burning GPU hours too fast, one
    /// over its CPU threshold with a full project directory, one new project with a single snapshot.
    static func example() throws -> (snapshots: [FacilitySnapshot], now: Date) {
        let tb = 1e12
        var snapshots = try daily(from: "2026-01-01", steps: 267) { day in
            var projects = [
                project(
                    "m1234", cpuGiven: 2_000_000, cpuUsed: 4_000 * day, gpuGiven: 280_000, gpuUsed: 800 * day,
                    description: "Lattice QCD & cosmology <flagship>",
                    storage: [
                        StorageStats(
                            name: "m1234", bytes_given: 20 * tb, bytes_used: 9 * tb + day * 0.02 * tb, files_given: 5e6,
                            files_used: 1.2e6 + day * 3000)
                    ],
                    hpss: [
                        StorageStats(
                            name: "m1234", bytes_given: 500 * tb, bytes_used: 120 * tb, files_given: 1e7,
                            files_used: 2.2e6)
                    ]),
                project(
                    "m5678", cpuGiven: 500_000, cpuUsed: 1_650 * day + (day > 120 ? 300 * (day - 120) : 0),
                    description: "Climate ensemble runs",
                    storage: [
                        StorageStats(
                            name: "m5678", bytes_given: 10 * tb, bytes_used: 9.3 * tb, files_given: 2e6,
                            files_used: 1.1e6)
                    ]),
            ]
            if day == 266 {
                projects.append(project("m9012", cpuGiven: 50_000, cpuUsed: 1_200, description: "Startup allocation"))
            }
            return projects
        }
        // Refreshes do not happen at midnight: spread them over the day.
        for index in snapshots.indices { snapshots[index].fetchedAt += Double(index % 7) * 1_800 }
        return (snapshots, try date("2026-09-24", hour: 15))
    }
}
