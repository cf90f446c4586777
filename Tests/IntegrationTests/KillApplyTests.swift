import FacilityEmulator
import Foundation
import Testing

/// `kill -9` in the middle of an apply, then apply again: the journal and the facility agree, the rerun
/// finishes the plan without repeating what was done, and a second plan is empty.
struct KillApplyTests {
    @Test func applyAfterAKillNineMidRunConverges() async throws {
        let harness = try await TeamctlHarness.examples()
        defer { Task { await harness.shutdown() } }
        let today = PlanApplyTests.today
        let planned = try await harness.run(["plan", "-f", "team.yaml", "--today", today, "--format", "json"])
        let plan = try PlanJSON(planned.stdout)
        try #require(plan.changes.count >= 3)

        // Slow answers and one request at a time, so the kill lands between two writes.
        await harness.server.setFaults(FaultSettings(latencyMs: 150))
        let child = try harness.launch(
            ["apply", "-f", "team.yaml", "--today", today, "--yes"], environment: ["TEAMCTL_CONCURRENCY": "1"])
        let deadline = Date().addingTimeInterval(30)
        while await harness.mutatingRequests().isEmpty, Date() < deadline, child.process.isRunning {
            try await Task.sleep(for: .milliseconds(10))
        }
        child.kill9()
        let killed = await child.finish()
        #expect(killed.status == 9, "killed by SIGKILL: \(killed.output)")
        let writesAtKill = await harness.mutatingRequests().count
        #expect(
            writesAtKill >= 1 && writesAtKill < plan.changes.count, "the kill landed mid-run (\(writesAtKill) writes)")

        await harness.server.setFaults(.none)
        let rerun = try await harness.run(["apply", "-f", "team.yaml", "--today", today, "--yes"])
        #expect(rerun.status == 0, "\(rerun.output)")

        let again = try await harness.run(["plan", "-f", "team.yaml", "--today", today, "--format", "json"])
        #expect(try PlanJSON(again.stdout).changes.isEmpty, "\(again.output)")
        let writes = await harness.mutatingRequests()
        #expect(writes.filter { $0.method == "POST" }.count == plan.changes(kind: "createGroup").count)
        #expect(writes.count <= plan.changes.count + 1, "at most the interrupted write is sent twice: \(writes)")

        let history = try await harness.run(["history"])
        #expect(history.stdout.contains("unfinished"), "the killed run stays visible: \(history.output)")
        #expect(history.stdout.contains("succeeded"), "\(history.output)")
    }

    @Test func applyingTheSameSavedPlanAfterAKillNineResumesIt() async throws {
        let harness = try await TeamctlHarness.examples()
        defer { Task { await harness.shutdown() } }
        let planned = try await harness.run(
            ["plan", "-f", "team.yaml", "--today", PlanApplyTests.today, "--out", "plan.json"])
        #expect(planned.status == 0, "\(planned.output)")
        let plan = try PlanJSON(try String(contentsOfFile: harness.path("plan.json"), encoding: .utf8))

        await harness.server.setFaults(FaultSettings(latencyMs: 150))
        let child = try harness.launch(["apply", "plan.json", "--yes"], environment: ["TEAMCTL_CONCURRENCY": "1"])
        let deadline = Date().addingTimeInterval(30)
        while await harness.mutatingRequests().isEmpty, Date() < deadline, child.process.isRunning {
            try await Task.sleep(for: .milliseconds(10))
        }
        child.kill9()
        _ = await child.finish()
        let writesAtKill = await harness.mutatingRequests().count
        #expect(
            writesAtKill >= 1 && writesAtKill < plan.changes.count, "the kill landed mid-run (\(writesAtKill) writes)")

        // The groups the first run already changed have moved since the plan; the journal says why,
        // so the same plan resumes instead of being refused as stale.
        await harness.server.setFaults(.none)
        let resumed = try await harness.run(["apply", "plan.json", "--yes"])
        #expect(resumed.status == 0, "\(resumed.output)")
        let again = try await harness.run([
            "plan", "-f", "team.yaml", "--today", PlanApplyTests.today, "--format", "json",
        ])
        #expect(try PlanJSON(again.stdout).changes.isEmpty, "\(again.output)")
        let writes = await harness.mutatingRequests()
        #expect(writes.filter { $0.method == "POST" }.count == plan.changes(kind: "createGroup").count)
        #expect(writes.count <= plan.changes.count + 1, "at most the interrupted write is sent twice: \(writes)")
    }
}
