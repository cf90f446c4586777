import FacilityEmulator
import Foundation
import GRDB
import Testing

/// A write whose answer is lost never fails an apply: the applier re-reads the target and confirms it, instead
/// of the transport re-sending the write blind (which met "409 already exists" and failed the create).
struct LostAnswerTests {
    /// The case: `--drop-rate 0.4` alone, twenty fault seeds, one apply each.
    @Test(arguments: Array(UInt64(1)...20))
    func oneApplyConvergesWhenFortyPercentOfAnswersAreLost(faultSeed: UInt64) async throws {
        let harness = try await TeamctlHarness.examples()
        defer { Task { await harness.shutdown() } }
        let today = PlanApplyTests.today
        await harness.server.setFaults(FaultSettings(dropRate: 0.4), seed: faultSeed)
        let applied = try await harness.run(["apply", "-f", "team.yaml", "--today", today, "--yes"])
        await harness.server.setFaults(.none)
        #expect(applied.status == 0, "seed \(faultSeed): \(applied.output)")
        #expect(!applied.stdout.contains("FAILED"), "seed \(faultSeed): \(applied.output)")

        let again = try await harness.run(["plan", "-f", "team.yaml", "--today", today, "--format", "json"])
        #expect(try PlanJSON(again.stdout).changes.isEmpty, "seed \(faultSeed) did not converge: \(again.output)")

        // Every mutating request the emulator dropped was confirmed by a re-read, and the journal says so.
        let dropped = await harness.server.requestLog().filter { $0.dropped }
        let database = try DatabaseQueue(path: harness.path("cache.sqlite"))
        let confirmations = try await database.read { db in
            try String.fetchAll(
                db, sql: "SELECT detail FROM apply_event WHERE state = 'confirmed' AND detail LIKE '%re-read%'")
        }
        #expect(confirmations.count >= dropped.count, "seed \(faultSeed): \(dropped.count) dropped, \(confirmations)")
        #expect(confirmations.allSatisfy { $0.contains("the answer was lost") })
        let failed = try await database.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM apply_event WHERE state = 'failed'") ?? -1
        }
        #expect(failed == 0)
        // Nothing was sent blind: each dropped write is followed by a read, never by the same write again at once.
        let writes = await harness.server.requestLog().filter { $0.method != "GET" }
        for (index, write) in writes.enumerated() where write.dropped && index + 1 < writes.count {
            let next = writes[index + 1]
            #expect(!(next.method == write.method && next.path == write.path && next.status == 409))
        }
    }
}
