import AccountModels
import Foundation
import Testing

@testable import TeamSync

/// Usage reports read from a real SQLite cache filled with a constructed history, as `teamctl usage` does.
struct UsageReportCacheTests {
    func temporaryCache() throws -> AccountCache {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("teamctl-usage-\(UUID().uuidString)")
        return try AccountCache(path: folder.appendingPathComponent("cache.sqlite").path)
    }

    @Test func reportsTheKnownBurnOfAStoredHistory() throws {
        let cache = try temporaryCache()
        let tb = 1e12
        // 31 daily refreshes in March: CPU 100 h/day from 1,000 to 4,000 of 10,000; a refresh of another
        // facility in between must not leak into the report.
        let history = try UsageHistory.daily(from: "2026-03-01", steps: 31) { day in
            [
                UsageHistory.project(
                    "m1234", cpuGiven: 10_000, cpuUsed: 1_000 + 100 * day, gpuGiven: 2_000, gpuUsed: 20 * day,
                    storage: [
                        StorageStats(
                            name: "m1234", bytes_given: 20 * tb, bytes_used: 5 * tb, files_given: 1e6, files_used: 2e5)
                    ],
                    hpss: [StorageStats(name: "m1234", bytes_given: 100 * tb, bytes_used: 40 * tb)])
            ]
        }
        for snapshot in history { try cache.store(snapshot) }
        try cache.store(
            FacilitySnapshot(
                fetchedAt: try UsageHistory.time("2026-03-15", hour: 6), facility: "olcf", caller: "alice",
                projects: [UsageHistory.project("m1234", cpuGiven: 1, cpuUsed: 1)]))

        let stored = try cache.snapshots(facility: "nersc", since: nil)
        #expect(stored.count == 31)
        let report = UsageReport.build(
            snapshots: stored, now: try UsageHistory.date("2026-03-31", hour: 12), warnAt: 80)
        let project = try #require(report.projects.first)
        #expect(report.projects.count == 1)
        #expect(project.cpu.burn?.hoursPerDay == 100)
        #expect(project.cpu.runOutDay == CalendarDay("2026-05-30"))
        #expect(project.gpu.burn?.hoursPerDay == 20)
        // 1,400 GPU hours left at 20 a day: 70 days after 2026-03-31.
        #expect(project.gpu.runOutDay == CalendarDay("2026-06-09"))
        #expect(project.storage.map(\.area) == [.projdir, .hpss])
        #expect(project.storage.first?.bytesPercentUsed == 25)
        #expect(project.storage.last?.bytesPercentUsed == 40)
        #expect(report.warnings.map(\.subject) == ["cpu", "gpu"])
        #expect(report.exitCode == 4)
    }

    @Test func reportsFromASingleStoredSnapshot() throws {
        let cache = try temporaryCache()
        try cache.store(
            FacilitySnapshot(
                fetchedAt: try UsageHistory.time("2026-03-01"), facility: "nersc", caller: "alice",
                projects: [UsageHistory.project("m1234", cpuGiven: 10_000, cpuUsed: 1_000)]))
        let report = UsageReport.build(
            snapshots: try cache.snapshots(facility: "nersc", since: nil), now: try UsageHistory.date("2026-03-02"))
        // One snapshot: the year's average, 1,000 hours in the 59 days since 1 January.
        let cpu = try #require(report.projects.first?.cpu)
        #expect(cpu.burnBasis == .yearToDateAverage)
        #expect(cpu.burn?.hoursPerDay == 1_000.0 / 59)
        #expect(cpu.burnUnavailable == nil)
        #expect(cpu.percentUsed == 10)
    }
}
