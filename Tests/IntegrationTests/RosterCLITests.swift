import Foundation
import Testing

/// `teamctl roster diff` as a user runs it on the Lumen Survey example: exit codes, the three sections, --write.
struct RosterCLITests {
    /// A temporary copy of examples/multi (people file, team manifest v2, the collaboration's list).
    static func copyOfExample() throws -> String {
        let directory = try RefreshFixture.tempDirectory()
        for name in ["people.yaml", "team.yaml", "roster.csv"] {
            try FileManager.default.copyItem(
                atPath: TeamctlHarness.repoPath("examples/multi/\(name)"), toPath: directory + "/" + name)
        }
        return directory
    }

    @Test func diffShowsTheSectionsThenWriteBringsTheFilesInLine() async throws {
        let directory = try Self.copyOfExample()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let arguments = [
            "roster", "diff", "-f", directory + "/team.yaml", "--csv", directory + "/roster.csv", "--today",
            "2026-11-30", "--detailed-exitcode",
        ]
        let diff = try await TeamctlHarness.runAlone(arguments)
        #expect(diff.status == 2, "\(diff.output)")
        #expect(diff.stdout.contains("+ on the list, not in the team\n  + nobi  "), "\(diff.output)")
        #expect(diff.stdout.contains("- in the team, not on the list\n  - hkim  "), "\(diff.output)")
        #expect(diff.stdout.contains("~ details that differ\n  ~ dpatel"), "\(diff.output)")

        let written = try await TeamctlHarness.runAlone(arguments + ["--write", "--format", "json"])
        #expect(written.status == 2, "\(written.output)")
        let json = try #require(
            try JSONSerialization.jsonObject(with: Data(written.stdout.utf8)) as? [String: Any])
        let write = try #require(json["write"] as? [String: Any])
        #expect((write["written"] as? [Any])?.count == 5)

        let again = try await TeamctlHarness.runAlone(arguments)
        #expect(again.status == 0, "\(again.output)")
        #expect(again.stdout == "The list and the team agree.\n")
    }

    @Test func aBrokenListIsAnErrorWithItsFileAndLine() async throws {
        let directory = try Self.copyOfExample()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try "Name,Email\nAna,a@x.org\nOkafor, Chidi,c@x.org\n".write(
            toFile: directory + "/roster.csv", atomically: true, encoding: .utf8)
        let run = try await TeamctlHarness.runAlone([
            "roster", "diff", "-f", directory + "/team.yaml", "--csv", directory + "/roster.csv",
        ])
        #expect(run.status == 1, "\(run.output)")
        #expect(run.stderr.contains("roster.csv:3: error: this row has 3 fields but the header (line 1) has 2"))
    }
}
