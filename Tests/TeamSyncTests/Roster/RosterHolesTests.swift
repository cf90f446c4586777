import AccountModels
import Foundation
import Testing

@testable import TeamSync

#if canImport(Glibc)
    import Glibc
#endif

/// What a new user met with `roster diff`: naming one column stopped the others being guessed (a newcomer became
/// `person`, email differences went unseen); `--write` added a member at a facility where they have no username (so
/// every later plan failed); and the rewritten files were created under the umask's mode before their chmod.
struct RosterHolesTests {
    static let today = CalendarDay("2026-11-30")!

    static func compare(_ directory: URL, columns: RosterColumns?, csv: String = "roster.csv") throws
        -> RosterComparison
    {
        try RosterComparison.load(
            teamFile: directory.appendingPathComponent("team.yaml").path,
            csvFile: directory.appendingPathComponent(csv).path, columns: columns, today: today)
    }

    // MARK: Naming one column keeps the others guessed

    @Test func anAccountColumnAloneStillGuessesNameAndEmail() throws {
        let directory = try RosterGoldenTests.copyOfExample()
        defer { try? FileManager.default.removeItem(at: directory) }
        let guessed = try Self.compare(directory, columns: nil)
        let named = try Self.compare(directory, columns: RosterColumns(accounts: ["frontier": "Frontier username"]))
        #expect(named.columns.name == "Name" && named.columns.email == "Email", "\(named.columns)")
        #expect(named.columns.accounts == ["nersc": "NERSC username", "frontier": "Frontier username"])
        let newcomer = try #require(named.diff.newcomers.first { $0.kind == .newPerson })
        #expect(newcomer.person.id == "praman")
        #expect(newcomer.person.name == "Priya Raman")
        #expect(named.diff.differences.contains { $0.id == "dpatel" && $0.facility == nil })
        #expect(named.diff == guessed.diff)
    }

    @Test func anyOneNamedColumnKeepsTheRestGuessedAndNoColumnStandsForTwoThings() throws {
        let directory = try RosterGoldenTests.copyOfExample()
        defer { try? FileManager.default.removeItem(at: directory) }
        // Other header names, the list's own contact column named as the email, and another "E-mail" column that
        // must then not be read as a second email.
        let csv = """
            Full name,Contact,E-mail,nersc user,FRONTIER
            Priya Raman,praman@lumen-survey.example.org,old@elsewhere.example,praman,praman
            Divya Patel,divya.patel@lumen-survey.example.org,,dpatel,dpatel

            """
        try csv.write(to: directory.appendingPathComponent("other.csv"), atomically: true, encoding: .utf8)
        let comparison = try Self.compare(directory, columns: RosterColumns(email: "Contact"), csv: "other.csv")
        #expect(
            comparison.columns
                == RosterColumns(
                    name: "Full name", email: "Contact", accounts: ["nersc": "nersc user", "frontier": "FRONTIER"]))
        let newcomer = try #require(comparison.diff.newcomers.first { $0.kind == .newPerson })
        #expect(newcomer.person.id == "praman" && newcomer.person.name == "Priya Raman")
        #expect(newcomer.person.email == "praman@lumen-survey.example.org")
        #expect(
            comparison.diff.differences.contains {
                $0.id == "dpatel" && $0.listValue == "divya.patel@lumen-survey.example.org"
            })

    }

    // MARK: A newcomer is a member only where they have a username

    static let profiles = [
        "nersc": ProviderFactory.traits(provider: nil), "frontier": ProviderFactory.traits(provider: "slurm"),
    ]

    @Test func writingTheStockExampleLeavesATeamThatResolvesWithNobiAtNERSCOnly() throws {
        let directory = try RosterGoldenTests.copyOfExample()
        defer { try? FileManager.default.removeItem(at: directory) }
        let report = try Self.compare(directory, columns: nil).write()
        #expect(report.written.contains { $0.change.hasPrefix("added member nobi at nersc only") }, "\(report)")
        let team = try String(contentsOf: directory.appendingPathComponent("team.yaml"), encoding: .utf8)
        #expect(team.contains("  nobi: {facilities: [nersc]}\n"), "\(team)")
        #expect(!team.contains("nobi: {}"))

        let (resolved, diagnostics) = TeamLoader.validate(
            path: directory.appendingPathComponent("team.yaml").path, today: Self.today, profiles: Self.profiles,
            profilesSource: "test profiles")
        #expect(diagnostics.filter { $0.severity == .error } == [], "\(diagnostics)")
        let facilities = try #require(resolved?.facilities)
        let nersc = try #require(facilities.first { $0.name == "nersc" })
        let frontier = try #require(facilities.first { $0.name == "frontier" })
        #expect(nersc.usernames["nobi"] == "nobi")
        #expect(frontier.usernames["nobi"] == nil)
        #expect(nersc.usernames["praman"] == "praman" && frontier.usernames["praman"] == "praman")
    }

    @Test func aNewcomerWithOneFacilitysUsernameOrNoneIsAddedThereOrLeftForAPerson() throws {
        let directory = try RosterGoldenTests.copyOfExample()
        defer { try? FileManager.default.removeItem(at: directory) }
        var csv = try String(contentsOf: directory.appendingPathComponent("roster.csv"), encoding: .utf8)
        csv += "Sam Okoro,sokoro@lumen-survey.example.org,,sokoro,Visitor\n"
        csv += "Lee Park,lpark@lumen-survey.example.org,,,No account yet\n"
        try csv.write(to: directory.appendingPathComponent("roster.csv"), atomically: true, encoding: .utf8)
        let report = try Self.compare(directory, columns: nil).write()
        let team = try String(contentsOf: directory.appendingPathComponent("team.yaml"), encoding: .utf8)
        #expect(team.contains("  sokoro: {facilities: [frontier]}\n"), "\(team)")
        #expect(!team.contains("lpark"), "\(team)")
        #expect(report.leftAlone.contains { $0.contains("lpark") && $0.contains("no username") }, "\(report)")
        let (_, diagnostics) = TeamLoader.validate(
            path: directory.appendingPathComponent("team.yaml").path, today: Self.today, profiles: Self.profiles,
            profilesSource: "test profiles")
        #expect(diagnostics.filter { $0.severity == .error } == [], "\(diagnostics)")
    }
}
