import FacilityEmulator
import Foundation
import Testing

/// `teamctl history` lists applies from the journal; `teamctl ack` silences unverifiable manual items.
struct HistoryTests {
    @Test func historyListsEachApplyAndShowsOneInFull() async throws {
        let harness = try await TeamctlHarness.examples()
        defer { Task { await harness.shutdown() } }
        let empty = try await harness.run(["history"])
        #expect(empty.status == 0, "\(empty.output)")
        #expect(empty.stdout.contains("No applies recorded"))

        let apply = try await harness.run(["apply", "-f", "team.yaml", "--today", PlanApplyTests.today, "--yes"])
        #expect(apply.status == 0, "\(apply.output)")
        let planned = try await harness.run(["plan", "-f", "team.yaml", "--today", PlanApplyTests.today])
        #expect(planned.status == 0)

        let list = try await harness.run(["history"])
        #expect(list.status == 0, "\(list.output)")
        let rows = list.stdout.split(separator: "\n").dropFirst()
        #expect(rows.count == 1, "one apply, one row (a plan is not a run): \(list.stdout)")
        let row = try #require(rows.first)
        #expect(row.contains("succeeded"))
        let runID = try #require(row.split(separator: " ").first.map(String.init))

        let detail = try await harness.run(["history", runID])
        #expect(detail.status == 0, "\(detail.output)")
        #expect(detail.stdout.contains("nersc/m4812/groups/lumsim/create"), "\(detail.stdout)")
        #expect(detail.stdout.contains("confirmed"))

        let unknown = try await harness.run(["history", "zzzz"])
        #expect(unknown.status == 1)
        #expect(unknown.stderr.contains("teamctl history"))
    }

    @Test func ackSilencesAnUnverifiableManualItemInTheNextPlan() async throws {
        let harness = try await TeamctlHarness.examples()
        defer { Task { await harness.shutdown() } }
        let first = try PlanJSON(
            try await harness.run(["plan", "-f", "team.yaml", "--today", PlanApplyTests.today, "--format", "json"])
                .stdout)
        let unverifiable = try #require(first.manualItems.first { $0["verifiable"] as? Bool == false })
        let verifiable = try #require(first.manualItems.first { $0["verifiable"] as? Bool == true })
        let quiet = try #require(unverifiable["id"] as? String)
        let checked = try #require(verifiable["id"] as? String)

        let ack = try await harness.run(["ack", quiet, checked, "--note", "done in Iris, ticket 42"])
        #expect(ack.status == 0, "\(ack.output)")

        let next = try PlanJSON(
            try await harness.run(["plan", "-f", "team.yaml", "--today", PlanApplyTests.today, "--format", "json"])
                .stdout)
        let ids = next.manualItems.compactMap { $0["id"] as? String }
        #expect(!ids.contains(quiet), "the acknowledged permission is left out")
        #expect(ids.contains(checked), "an item a refresh can verify stays until the facility shows it done")
        #expect(ids.count == first.manualItems.count - 1)
    }

    @Test func someoneRemovedFromEveryGroupKeepsAnItemToLeaveTheProject() async throws {
        let harness = try await TeamctlHarness.examples()
        defer { Task { await harness.shutdown() } }
        let plan = ["plan", "-f", "team.yaml", "--today", PlanApplyTests.today, "--format", "json"]
        let item = "nersc/m4812/roster/olduser/remove"
        let before = try PlanJSON(try await harness.run(plan).stdout)
        let verifiable = before.manualItems.first { $0["id"] as? String == item }?["verifiable"] as? Bool
        #expect(verifiable == true, "olduser is still in the project's groups: a refresh can check the removal")

        let apply = try await harness.run(["apply", "-f", "team.yaml", "--today", PlanApplyTests.today, "--yes"])
        #expect(apply.status == 0, "\(apply.output)")

        // Now no group shows olduser, so the roster the facility shows no longer has them, but the project
        // may: the history keeps the item, as one no refresh can verify.
        let after = try PlanJSON(try await harness.run(plan).stdout)
        #expect(after.changes.isEmpty, "converged")
        let kept = try #require(after.manualItems.first { $0["id"] as? String == item }, "\(after.manualItems)")
        #expect(kept["verifiable"] as? Bool == false)
    }
}
