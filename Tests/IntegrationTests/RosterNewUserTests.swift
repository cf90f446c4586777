import AccountModels
import Foundation
import Testing

@testable import TeamSync

/// `roster diff` as a new user meets it on the stock example: naming one column keeps the rest guessed, and
/// `--write` leaves a team that validates and resolves (so the next plan can run).
struct RosterNewUserTests {
    static func arguments(_ directory: String, _ extra: [String]) -> [String] {
        ["roster", "diff", "-f", directory + "/team.yaml", "--csv", directory + "/roster.csv", "--today", "2026-11-30"]
            + extra
    }

    @Test(arguments: [
        ["--account-column", "frontier=Frontier username"], ["--account-column", "nersc=NERSC username"],
        ["--account-column", "nersc=NERSC username", "--account-column", "frontier=Frontier username"],
    ])
    func anAccountColumnStillFindsNewcomersNamesAndEmailDifferences(_ columns: [String]) async throws {
        let directory = try RosterCLITests.copyOfExample()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let run = try await TeamctlHarness.runAlone(Self.arguments(directory, columns + ["--format", "json"]))
        #expect(run.status == 0, "\(run.output)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let diff = try #require(json["diff"] as? [String: Any])
        let newcomers = try #require(diff["newcomers"] as? [[String: Any]])
        let people = newcomers.compactMap { $0["person"] as? [String: Any] }
        #expect(
            people.contains { $0["id"] as? String == "praman" && $0["name"] as? String == "Priya Raman" }, "\(people)")
        #expect(!people.contains { $0["id"] as? String == "person" }, "\(people)")
        let differences = try #require(diff["differences"] as? [[String: Any]])
        #expect(
            differences.contains {
                $0["id"] as? String == "dpatel" && $0["facility"] == nil
                    && $0["listValue"] as? String == "divya.patel@lumen-survey.example.org"
            }, "\(differences)")
    }

    @Test func writingTheStockExampleLeavesATeamThatValidatesAndResolves() async throws {
        let directory = try RosterCLITests.copyOfExample()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let written = try await TeamctlHarness.runAlone(Self.arguments(directory, ["--write"]))
        #expect(written.status == 0, "\(written.output)")
        let team = try String(contentsOfFile: directory + "/team.yaml", encoding: .utf8)
        #expect(!team.contains("nobi: {}"), "\(team)")

        let validate = try await TeamctlHarness.runAlone([
            "validate", directory + "/team.yaml", "--today", "2026-11-30",
        ])
        #expect(validate.status == 0, "\(validate.output)")
        #expect(!validate.stderr.contains("error:"), "\(validate.output)")

        // The next plan resolves the team against real profiles first: that step must now pass.
        let profiles = [
            "nersc": ProviderFactory.traits(provider: nil), "frontier": ProviderFactory.traits(provider: "slurm"),
        ]
        let (resolved, diagnostics) = TeamLoader.validate(
            path: directory + "/team.yaml", today: try #require(CalendarDay("2026-11-30")), profiles: profiles,
            profilesSource: "config.yaml")
        #expect(resolved != nil, "\(diagnostics)")
        #expect(resolved?.facilities.first { $0.name == "nersc" }?.usernames["nobi"] == "nobi")
        #expect(resolved?.facilities.first { $0.name == "frontier" }?.usernames["nobi"] == nil)
    }
}
