import FacilityEmulator
import Foundation
import Testing

/// The committed shell completions are what the binary generates now: rerun scripts/generate-docs
/// after changing a command, or this fails.
struct CompletionScriptsTests {
    @Test(arguments: ["bash", "zsh", "fish"])
    func committedCompletionMatchesTheBinary(shell: String) async throws {
        let run = try await TeamctlHarness.runAlone(["--generate-completion-script", shell])
        #expect(run.status == 0, "\(run.output)")
        let path = TeamctlHarness.repoPath("completions/teamctl.\(shell)")
        let committed = try #require(
            try? String(contentsOfFile: path, encoding: .utf8), "\(path) is missing: run scripts/generate-docs")
        #expect(committed == run.stdout, "\(path) is stale: run scripts/generate-docs and commit the result")
        #expect(committed.contains("apply"))
    }

    @Test func theManPageNamesEveryCommand() throws {
        let path = TeamctlHarness.repoPath("docs/man/teamctl.1")
        let page = try #require(
            try? String(contentsOfFile: path, encoding: .utf8), "\(path) is missing: run scripts/generate-docs")
        #expect(page.hasPrefix(".") || page.hasPrefix("'\\\""), "a roff document")
        for command in [
            "validate", "refresh", "status", "plan", "apply", "history", "ack", "usage", "import", "demo", "doctor",
        ] {
            #expect(page.contains(command), "the man page lacks \(command)")
        }
    }
}
