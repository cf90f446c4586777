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

    /// The demo's output with what differs from run to run (the emulator's port, how long a step took) set aside.
    static func normalized(_ text: String) -> String {
        text.replacing(/127\.0\.0\.1:\d+/, with: "127.0.0.1:PORT").replacing(/in \d+\.\d+ s/, with: "in N.NN s")
    }

    /// The demo runs on the day the examples describe, not today: its output is examples/demo-output.txt on any day.
    /// Checked on the real date and, where libfaketime is installed (Debian's `faketime`), with the whole process's
    /// clock (teamctl, the emulator, SQLite) 400 days ahead and 400 days behind.
    @Test func theDemoShowsTheSameOnAnyDay() async throws {
        let golden = try String(contentsOfFile: TeamctlHarness.repoPath("examples/demo-output.txt"), encoding: .utf8)
        let binary = try RefreshFixture.teamctlBinary().path
        var runs = [("today", "'\(binary)' demo")]
        if FileManager.default.isExecutableFile(atPath: "/usr/bin/faketime") {
            runs += [
                ("+400 days", "faketime -f '+400d' '\(binary)' demo"),
                ("-400 days", "faketime -f '-400d' '\(binary)' demo"),
            ]
        }
        for (clock, command) in runs {
            let run = try await ExamplesValidateTests.shell(command)
            #expect(run.status == 0, "\(clock): \(run.output)")
            #expect(Self.normalized(run.stdout) == golden, "\(clock): the demo's output changed with the date")
        }
    }
}
