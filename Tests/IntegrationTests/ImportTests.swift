import FacilityEmulator
import Foundation
import Testing

/// `teamctl import` writes a manifest from the live facility that validates and plans no change.
struct ImportTests {
    @Test func anImportedManifestValidatesAndPlansNothing() async throws {
        let harness = try await TeamctlHarness.examples()
        defer { Task { await harness.shutdown() } }
        let imported = try await harness.run(["import", "--project", "m4812", "-o", "imported.yaml"])
        #expect(imported.status == 0, "\(imported.output)")
        let text = try String(contentsOfFile: harness.path("imported.yaml"), encoding: .utf8)
        #expect(text.contains("project: m4812"))
        #expect(text.contains("#"), "the manifest is commented")
        #expect(text.contains("lumcal"))
        #expect(text.contains("amorales"))

        let validate = try await harness.run(["validate", "imported.yaml", "--today", PlanApplyTests.today])
        #expect(validate.status == 0, "\(validate.output)")

        let plan = try await harness.run(
            ["plan", "-f", "imported.yaml", "--today", PlanApplyTests.today, "--format", "json", "--detailed-exitcode"])
        #expect(plan.status == 0 || plan.status == 3, "\(plan.output)")
        #expect(try PlanJSON(plan.stdout).changes.isEmpty, "\(plan.output)")
        let apply = try await harness.run(["apply", "-f", "imported.yaml", "--today", PlanApplyTests.today, "--yes"])
        #expect(apply.status == 0, "\(apply.output)")
        #expect(await harness.mutatingRequests().isEmpty, "applying an import right away changes nothing")
    }

    @Test func importRefusesToOverwriteWithoutForce() async throws {
        let harness = try await TeamctlHarness.examples()
        defer { Task { await harness.shutdown() } }
        try harness.write("existing.yaml", "keep me\n")
        let run = try await harness.run(["import", "--project", "m4812", "-o", "existing.yaml"])
        #expect(run.status != 0, "\(run.output)")
        #expect(try String(contentsOfFile: harness.path("existing.yaml"), encoding: .utf8) == "keep me\n")
    }
}
