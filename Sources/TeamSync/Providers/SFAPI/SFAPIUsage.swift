import AccountModels
import Foundation

/// SFAPI's project statistics as the back-end-neutral figures ``UsageReport`` is built from.
extension UsageObservation {
    /// The figures of one SFAPI snapshot: each project's CPU and GPU hours (the project's and the caller's share)
    /// and its storage areas.
    public init(snapshot: FacilitySnapshot) {
        self.init(
            fetchedAt: snapshot.fetchedAt, facility: snapshot.facility, caller: snapshot.caller,
            projects: snapshot.projects.map { stats in
                Project(
                    name: stats.repo_name, description: stats.description, callerRole: stats.iris_role,
                    cpu: Hours(
                        projectGiven: stats.cpu_project_hours_given, projectUsed: stats.cpu_project_hours_used,
                        callerGiven: stats.cpu_hours_given, callerUsed: stats.cpu_hours_used),
                    gpu: Hours(
                        projectGiven: stats.gpu_project_hours_given, projectUsed: stats.gpu_project_hours_used,
                        callerGiven: stats.gpu_hours_given, callerUsed: stats.gpu_hours_used),
                    storage: Self.storage(of: stats))
            })
    }

    static func storage(of stats: ProjectStats) -> [StorageUsage] {
        let areas: [(StorageArea, [StorageStats])] = [
            (.projdir, stats.project_projdir_usage.map { [$0] } ?? []),
            (.projdirCaller, stats.projdir_usage ?? []),
            (.hpss, stats.hpss_usage ?? []),
        ]
        return areas.flatMap { area, entries in
            entries.map {
                StorageUsage(
                    area: area, name: $0.name, bytesGiven: $0.bytes_given, bytesUsed: $0.bytes_used,
                    bytesPercentUsed: reportPercent($0.bytes_used, of: $0.bytes_given), filesGiven: $0.files_given,
                    filesUsed: $0.files_used, filesPercentUsed: reportPercent($0.files_used, of: $0.files_given))
            }
        }
    }
}

extension UsageReport {
    /// A report from SFAPI snapshots (see ``build(observations:projects:since:now:allocationYear:warnAt:windowDays:warnOnAverage:)``).
    public static func build(
        snapshots: [FacilitySnapshot], projects: [String] = [], since: CalendarDay? = nil, now: Date,
        allocationYear: AllocationYear = .january, warnAt: Double? = nil,
        windowDays: Int = BurnEstimate.defaultWindowDays, warnOnAverage: Bool = false
    ) -> UsageReport {
        build(
            observations: snapshots.map(UsageObservation.init(snapshot:)), projects: projects, since: since, now: now,
            allocationYear: allocationYear, warnAt: warnAt, windowDays: windowDays, warnOnAverage: warnOnAverage)
    }
}
