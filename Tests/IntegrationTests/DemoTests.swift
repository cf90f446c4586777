import FacilityEmulator
import Foundation
import Testing

/// `teamctl demo`, the README's first command, as a subprocess from the repository root.
struct DemoTests {
    @Test func demoRunsTheWholeFlowAndExitsZero() async throws {
        let run = try await TeamctlHarness.runAlone(
            ["demo", "--today", PlanApplyTests.today], cwd: TeamctlHarness.packageRoot.path)
        #expect(run.status == 0, "\(run.output)")
        for step in 1...6 { #expect(run.stdout.contains("==> \(step). "), "step \(step) missing:\n\(run.stdout)") }
        #expect(run.stdout.contains("examples/team.yaml: ok"))
        #expect(run.stdout.contains("confirmed"))
        #expect(run.stdout.contains("the second plan is not empty") == false)
        #expect(!run.stdout.contains("\u{1B}["), "no colour when stdout is a pipe")
        #expect(!run.stdout.contains("demo-pi"), "the static token is never printed")
    }

    @Test func demoOutsideTheRepositorySaysWhereToRunIt() async throws {
        let run = try await TeamctlHarness.runAlone(["demo"])
        #expect(run.status == 1, "\(run.output)")
        #expect(run.stderr.contains("repository root"), "\(run.output)")
    }
}
