import AccountModels
import Foundation
import Testing

@testable import TeamSync

extension SlurmStacks {
    /// `teamctl drift` on real Slurm accounting: changes made with the stack's own sacctmgr behind teamctl's back show
    /// with the facility and the day; what teamctl applied does not.
    @Suite(SlurmStack.enabled)
    struct SlurmDriftTests {
        @Test(arguments: SlurmStack.testedVersions)
        func sacctmgrChangesShowAsDriftAndTeamctlsOwnDoNot(version: String) async throws {
            try await SlurmStackLock.exclusive(version) {
                let s = try await Scenario(version, .sacctmgr)
                defer { s.cleanUp() }
                let f = s.fixture
                let (pi, bob, carol, dave) = (f.user(), f.user(), f.user(), f.user())
                try f.admin("add", "user", [pi, bob].joined(separator: ","), "account=\(f.account)")
                try s.writeManifest(
                    """
                    version: 1
                    facility: site
                    project: \(f.account)
                    members:
                      \(pi): {role: pi}
                      \(bob): {limits: {cpu_hours: 100}}
                      \(carol): {}
                    """)
                let apply = try await s.cli.run(["apply", "-f", "team.yaml", "--yes"])
                #expect(apply.status == 0, "\(apply.output)")
                let quiet = try await s.cli.run(["drift", "-f", "team.yaml", "--refresh"])
                #expect(quiet.status == 0, "\(quiet.output)")
                #expect(quiet.stdout.hasPrefix("No changes made outside teamctl at site"), "\(quiet.output)")

                // An administrator adds dave and raises bob's limit with sacctmgr.
                try f.admin("add", "user", dave, "account=\(f.account)")
                try f.admin(
                    "modify", "user", "where", "name=\(bob)", "account=\(f.account)", "set", "grptresmins=cpu=12000")
                let run = try await s.cli.run(["drift", "-f", "team.yaml", "--refresh", "--format", "json"])
                #expect(run.status == 0, "\(run.output)")
                let report = try JSONDecoder().decode(DriftReport.self, from: Data(run.stdout.utf8))
                let today = CalendarDay(utcDayOf: Date()).description
                #expect(
                    report.events.map { "\($0.facility) \($0.kind.rawValue) \($0.user ?? "-")" }.sorted()
                        == ["site joined \(dave)", "site limit-changed \(bob)"], "\(run.output)")
                #expect(report.events.allSatisfy { $0.day == today }, "\(run.output)")
                let limit = report.events.first { $0.kind == .limitChanged }
                #expect(limit?.before == "cpu_hours 100" && limit?.after == "cpu_hours 200", "\(run.output)")

                // The plan takes dave out and puts bob's limit back, and says both undo outside changes.
                let plan = try await s.cli.run(["plan", "-f", "team.yaml", "--no-refresh"])
                #expect(
                    plan.stdout.contains("\(dave) joined \(f.account) at site (first seen \(today))"), "\(plan.output)")
                #expect(plan.stdout.contains("\(bob)'s limit in \(f.account) changed"), "\(plan.output)")
            }
        }
    }
}
