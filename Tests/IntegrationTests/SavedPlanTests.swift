import FacilityEmulator
import Foundation
import Testing

/// `teamctl plan --out FILE` then `teamctl apply FILE`: exactly the reviewed plan, or nothing.
struct SavedPlanTests {
    @Test func aSavedPlanAppliesExactlyAndIsThenDone() async throws {
        let harness = try await TeamctlHarness.examples()
        defer { Task { await harness.shutdown() } }
        let plan = try await harness.run([
            "plan", "-f", "team.yaml", "--today", PlanApplyTests.today, "--out", "plan.json",
        ])
        #expect(plan.status == 0, "\(plan.output)")
        let attributes = try FileManager.default.attributesOfItem(atPath: harness.path("plan.json"))
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        let savedText = try String(contentsOfFile: harness.path("plan.json"), encoding: .utf8)
        #expect(!savedText.contains(harness.token), "no credential in a plan file")
        let saved = try PlanJSON(savedText)

        let apply = try await harness.run(["apply", "plan.json"])
        #expect(apply.status != 0, "no terminal and no --yes: refused")
        let applied = try await harness.run(["apply", "plan.json", "--yes"])
        #expect(applied.status == 0, "\(applied.output)")
        #expect(await harness.mutatingRequests().count == saved.changes.count)

        let again = try await harness.run(["apply", "plan.json", "--yes"])
        #expect(again.status == 0, "\(again.output)")
        #expect(await harness.mutatingRequests().count == saved.changes.count, "a second apply repeats nothing")
    }

    @Test func aSavedPlanIsRefusedAfterSomeoneElseChangedTheGroup() async throws {
        let harness = try await TeamctlHarness.examples()
        defer { Task { await harness.shutdown() } }
        let plan = try await harness.run([
            "plan", "-f", "team.yaml", "--today", PlanApplyTests.today, "--out", "plan.json",
        ])
        #expect(plan.status == 0, "\(plan.output)")
        // Someone else (another session of the PI, in Iris) adds hkim to lumcal in the meantime.
        try await harness.changeGroupOutOfBand("lumcal", action: "batch_add", usernames: ["hkim"], token: "demo-pi")
        let writesBefore = await harness.mutatingRequests().count

        let apply = try await harness.run(["apply", "plan.json", "--yes"])
        #expect(apply.status == 1, "\(apply.output)")
        #expect(apply.stdout.contains("lumcal"), "the refusal names the group that moved: \(apply.output)")
        #expect(await harness.mutatingRequests().count == writesBefore, "nothing sent")
    }

    @Test(arguments: [
        ("changes", #""zlindqvist"]"#, #""olduser"]"#),
        ("planID", #""planID":""#, #""planID":"0"#),
    ])
    func aTamperedPlanFileIsRefused(field: String, original: String, replacement: String) async throws {
        let harness = try await TeamctlHarness.examples()
        defer { Task { await harness.shutdown() } }
        let plan = try await harness.run([
            "plan", "-f", "team.yaml", "--today", PlanApplyTests.today, "--out", "plan.json",
        ])
        #expect(plan.status == 0, "\(plan.output)")
        let text = try String(contentsOfFile: harness.path("plan.json"), encoding: .utf8)
        let compact = try compactJSON(text)
        try #require(compact.contains(original), "the saved plan has \(original) in \(field)")
        try harness.write("plan.json", compact.replacingOccurrences(of: original, with: replacement))

        let apply = try await harness.run(["apply", "plan.json", "--yes"])
        #expect(apply.status != 0, "\(apply.output)")
        #expect(apply.stderr.contains("plan.json"), "\(apply.output)")
        #expect(await harness.mutatingRequests().isEmpty)
    }

    private func compactJSON(_ text: String) throws -> String {
        let object = try JSONSerialization.jsonObject(with: Data(text.utf8))
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self)
    }

    @Test func aSavedPlanIsRefusedWithAnotherCallersCredentials() async throws {
        let harness = try await TeamctlHarness.examples()
        defer { Task { await harness.shutdown() } }
        let plan = try await harness.run([
            "plan", "-f", "team.yaml", "--today", PlanApplyTests.today, "--out", "plan.json",
        ])
        #expect(plan.status == 0, "\(plan.output)")
        let apply = try await harness.run(
            ["apply", "plan.json", "--yes"], environment: ["TEAMCTL_ACCESS_TOKEN": "demo-member"])
        #expect(apply.status == 1, "\(apply.output)")
        #expect(apply.stderr.contains("'amorales'") && apply.stderr.contains("'dpatel'"), "\(apply.output)")
        #expect(!apply.stderr.contains("demo-member"), "the token is never printed")
        #expect(await harness.mutatingRequests().isEmpty)
    }
}
