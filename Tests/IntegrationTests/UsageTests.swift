import FacilityEmulator
import Foundation
import Testing

/// `teamctl usage` reads the snapshot history: hours burnt between two refreshes show up.
struct UsageTests {
    @Test func usageBetweenRefreshesShowsTheBurn() async throws {
        let harness = try await TeamctlHarness.examples()
        defer { Task { await harness.shutdown() } }
        let first = try await harness.run(["refresh"])
        #expect(first.status == 0, "\(first.output)")
        try await harness.control(
            "usage", #"{"repo_name": "m4812", "user": "dpatel", "cpu_hours": 500, "gpu_hours": 20}"#)
        try await Task.sleep(for: .milliseconds(50))
        let run = try await harness.run(["usage", "--project", "m4812", "--format", "json", "--refresh"])
        #expect(run.status == 0, "\(run.output)")

        let report = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        #expect(report["snapshotCount"] as? Int == 2)
        let projects = try #require(report["projects"] as? [[String: Any]])
        let project = try #require(projects.first)
        #expect(projects.count == 1 && project["project"] as? String == "m4812")
        let series = try #require(project["series"] as? [[String: Any]])
        #expect(series.count == 2)
        let cpuBefore = try #require(series.first?["cpuUsed"] as? Double)
        let cpuAfter = try #require(series.last?["cpuUsed"] as? Double)
        #expect(abs(cpuAfter - cpuBefore - 500) < 0.001, "the 500 hours appear between the snapshots")
        let cpu = try #require(project["cpu"] as? [String: Any])
        let burn = try #require(cpu["burn"] as? [String: Any], "a burn rate from two snapshots: \(cpu)")
        #expect((burn["hoursPerDay"] as? Double ?? 0) > 0)
        #expect(burn["points"] as? Int == 2)

        let table = try await harness.run(["usage", "--project", "m4812"])
        #expect(table.status == 0, "\(table.output)")
        #expect(table.stdout.contains("m4812"))
    }

    @Test func aCSVReportForAnUnknownProjectSaysSoOnStandardError() async throws {
        let harness = try await TeamctlHarness.examples()
        defer { Task { await harness.shutdown() } }
        let run = try await harness.run(["usage", "--refresh", "--project", "m9999", "--format", "csv"])
        #expect(run.status == 0, "\(run.output)")
        #expect(run.stdout.split(separator: "\n").count == 1, "the header only: \(run.stdout)")
        #expect(run.stderr.contains("project m9999 is in no snapshot"), "\(run.output)")
    }
}
