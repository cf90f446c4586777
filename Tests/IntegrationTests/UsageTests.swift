import AccountModels
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
        // Two snapshots moments apart are no window: the rate, if any, is the year's average so far.
        if let burn = cpu["burn"] as? [String: Any] {
            #expect(cpu["burnBasis"] as? String == "year-to-date-average")
            #expect((burn["hoursPerDay"] as? Double ?? 0) > 0)
            #expect(burn["points"] as? Int == 1)
        } else {
            #expect(cpu["burnBasis"] as? String == "none", "no rate only in the first day of the year: \(cpu)")
        }

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

    /// The issue's scenario: a day's batch of jobs lands between two refreshes seconds apart.
    static let batchSeed = """
        users:
          - {name: pat, uid: 2001}
          - {name: sam, uid: 2002}
        projects:
          - id: 9001
            repo_name: m9001
            description: Survey reprocessing
            cpu_hours_given: 200000
            members:
              - {user: pat, role: PI, cpu_hours_given: 100000, cpu_hours_used: 30000}
              - {user: sam, role: Member, cpu_hours_given: 100000, cpu_hours_used: 20000}
        groups:
          - {name: m9001g, gid: 69001, repo_name: m9001, members: [pat, sam]}
        tokens:
          - {token: dev-pat, user: pat}
        systems:
          - {name: iris, status: active}
        """

    @Test func aBatchBetweenRefreshesSecondsApartRaisesNoAlarm() async throws {
        let harness = try await TeamctlHarness.start(seedYAML: Self.batchSeed, token: "dev-pat")
        defer { Task { await harness.shutdown() } }
        let first = try await harness.run(["refresh"])
        #expect(first.status == 0, "\(first.output)")
        try await harness.control("usage", #"{"repo_name": "m9001", "user": "pat", "cpu_hours": 30000}"#)
        let second = try await harness.run(["refresh"])
        #expect(second.status == 0, "\(second.output)")

        let table = try await harness.run(["usage", "--warn-at", "95"])
        #expect(table.status == 0, "40% used and no window burn: nothing to alert on. \(table.output)")
        #expect(!table.stdout.contains("warning:"), "\(table.output)")
        #expect(table.stdout.contains("BASIS"), "\(table.output)")

        let json = try await harness.run(["usage", "--warn-at", "95", "--format", "json"])
        #expect(json.status == 0, "\(json.output)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect((report["warnings"] as? [Any])?.isEmpty == true)
        let project = try #require((report["projects"] as? [[String: Any]])?.first)
        let cpu = try #require(project["cpu"] as? [String: Any])
        #expect(cpu["projectUsed"] as? Double == 80_000)
        #expect(cpu["percentUsed"] as? Double == 40)
        let year = try #require(report["allocationYear"] as? [String: Any])
        let yearStart = try #require(CalendarDay(year["start"] as? String ?? ""), "\(year)")
        let asOfText = try #require(project["asOf"] as? String)
        let asOf = try #require(ISO8601DateFormatter().date(from: asOfText), "\(asOfText)")
        let daysElapsed = asOf.timeIntervalSince1970 / 86_400 - Double(yearStart.daysSinceEpoch)
        if daysElapsed >= 1 {
            // The year's average: 80,000 hours over the days since the year began, not 30,000 over seconds.
            #expect(cpu["burnBasis"] as? String == "year-to-date-average", "\(cpu)")
            let rate = try #require((cpu["burn"] as? [String: Any])?["hoursPerDay"] as? Double)
            #expect(rate <= 80_000 / daysElapsed * 1.001, "burn \(rate) above the year's average")
            #expect(rate >= 80_000 / daysElapsed * 0.99, "burn \(rate) is not the year's average")
            #expect(table.stdout.contains("year-to-date average"), "\(table.output)")
        } else {
            // In the first day of the year there is no day to average over: no rate at all.
            #expect(cpu["burnBasis"] as? String == "none", "\(cpu)")
        }

        let over = try await harness.run(["usage", "--warn-at", "30"])
        #expect(over.status == 4, "40% is over 30%: \(over.output)")
        #expect(
            over.stdout.contains(
                "warning: m9001: CPU at 40.0% of its allocation (80.0k of 200k hours), at or over the 30.0% threshold"),
            "\(over.output)")
    }

    @Test(arguments: [
        (["usage", "--window", "0"], "--window is a number of days from 1 to 366"),
        (["usage", "--window", "400"], "--window is a number of days from 1 to 366"),
        (["usage", "--warn-on-average"], "--warn-on-average needs --warn-at"),
    ])
    func refusesBadBurnOptions(_ arguments: [String], _ message: String) async throws {
        let run = try await TeamctlHarness.runAlone(arguments)
        #expect(run.status == 64, "\(run.output)")
        #expect(run.stderr.contains(message), "\(run.output)")
    }
}
