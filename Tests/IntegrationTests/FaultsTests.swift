import FacilityEmulator
import Foundation
import Testing

/// Apply through failures (500s) and dropped answers (the change is made, the answer lost): rerunning
/// converges, and nothing outside the plan is ever changed.
struct FaultsTests {
    /// The rates with two fault seeds, and a harsh case that loses nearly every answer to a change.
    @Test(arguments: [(0.2, 0.05, UInt64(1)), (0.2, 0.05, 7), (0.2, 0.9, 3)])
    func repeatedAppliesConvergeUnderFaultsAndChangeNothingOutsideThePlan(
        failRate: Double, dropRate: Double, faultSeed: UInt64
    ) async throws {
        let harness = try await TeamctlHarness.examples()
        defer { Task { await harness.shutdown() } }
        let today = PlanApplyTests.today
        let planned = try await harness.run(["plan", "-f", "team.yaml", "--today", today, "--format", "json"])
        let plan = try PlanJSON(planned.stdout)
        // Every (group, user) pair the plan may touch; created groups are touched as a whole.
        var allowed = Set<String>()
        for change in plan.changes {
            let group = change["group"] as? String ?? ""
            for user in change["usernames"] as? [String] ?? [] { allowed.insert("\(group)/\(user)") }
        }
        let created = Set(plan.changes(kind: "createGroup").map(\.group))
        let before = await harness.server.stateSnapshot()

        await harness.server.setFaults(FaultSettings(failRate: failRate, dropRate: dropRate), seed: faultSeed)
        var runs: [TeamctlRun] = []
        for _ in 0..<8 {
            let run = try await harness.run(["apply", "-f", "team.yaml", "--today", today, "--yes"])
            runs.append(run)
            if run.status == 0 && run.stdout.contains("Nothing to apply") { break }
        }
        await harness.server.setFaults(.none)
        let last = try #require(runs.last)
        #expect(
            last.stdout.contains("Nothing to apply"),
            "did not converge in \(runs.count) runs:\n\(runs.map(\.output).joined(separator: "\n---\n"))")

        let again = try await harness.run(["plan", "-f", "team.yaml", "--today", today, "--format", "json"])
        #expect(try PlanJSON(again.stdout).changes.isEmpty, "\(again.output)")

        // The facility changed only where the plan said: compare every group, member by member.
        let after = await harness.server.stateSnapshot()
        #expect(after.users == before.users)
        #expect(after.projects.map(\.members) == before.projects.map(\.members), "the roster is never changed")
        let oldGroups = Dictionary(uniqueKeysWithValues: before.groups.map { ($0.name, Set($0.members)) })
        for group in after.groups {
            if created.contains(group.name) {
                #expect(oldGroups[group.name] == nil)
                continue
            }
            let old = try #require(oldGroups[group.name], "\(group.name) appeared outside the plan")
            let touched = old.symmetricDifference(Set(group.members))
            for user in touched {
                #expect(allowed.contains("\(group.name)/\(user)"), "\(group.name)/\(user) changed outside the plan")
            }
        }
        #expect(after.groups.count == before.groups.count + created.count)
        let log = await harness.server.requestLog()
        #expect(log.contains { $0.status >= 500 }, "faults were injected")
        if dropRate >= 0.9 { #expect(log.contains { $0.dropped }, "answers were dropped") }
        let writes = await harness.mutatingRequests()
        #expect(
            writes.filter { $0.method == "POST" && $0.effect == true }.count == created.count, "each group created once"
        )
    }
}
