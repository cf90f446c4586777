import FacilityEmulator
import Foundation
import Testing

/// `teamctl apply --dry-run` reads the facility and sends no change, as the emulator's request log shows.
struct DryRunTests {
    @Test func dryRunMakesNoMutatingRequest() async throws {
        let harness = try await TeamctlHarness.examples()
        defer { Task { await harness.shutdown() } }
        let before = await harness.server.stateSnapshot()
        let run = try await harness.run(["apply", "-f", "team.yaml", "--today", PlanApplyTests.today, "--dry-run"])
        #expect(run.status == 0, "\(run.output)")
        #expect(run.stdout.contains("would be sent"), "\(run.output)")
        #expect(run.stdout.contains("Dry run: nothing was sent."))
        let log = await harness.server.requestLog()
        #expect(log.contains { $0.method == "GET" }, "a dry run still reads the facility")
        #expect(await harness.mutatingRequests().isEmpty, "\(log.filter { $0.method != "GET" })")
        #expect(await harness.server.stateSnapshot() == before)
    }

    @Test func dryRunOfASavedPlanSendsNothingEither() async throws {
        let harness = try await TeamctlHarness.examples()
        defer { Task { await harness.shutdown() } }
        let plan = try await harness.run([
            "plan", "-f", "team.yaml", "--today", PlanApplyTests.today, "--out", "plan.json",
        ])
        #expect(plan.status == 0, "\(plan.output)")
        let run = try await harness.run(["apply", "plan.json", "--dry-run"])
        #expect(run.status == 0, "\(run.output)")
        #expect(await harness.mutatingRequests().isEmpty)
    }
}
