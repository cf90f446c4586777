import AccountModels
import Foundation
import Testing

@testable import TeamSync

#if canImport(Glibc)
    import Glibc
#endif

/// A team manifest's `people:` names a file in the team's folder or below it; one that leads elsewhere (an
/// absolute path, `..`, a link) is an error at the `people:` line, and the file is never opened.
struct PeopleFileOutsideTests {
    static let today = CalendarDay("2026-11-30")!

    /// A folder `root` holding `team/` (the team manifest's folder) and `outside/` (a secret beside it).
    struct Layout {
        let root: String
        var team: String { root + "/team" }
        var outside: String { root + "/outside" }
        var secret: String { outside + "/people.yaml" }
        /// A line of the secret file that must never be shown.
        static let secretLine = "AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY"

        init() throws {
            root = NSTemporaryDirectory() + "teamctl-people-\(UUID().uuidString.prefix(8))"
            for folder in [root + "/team/sub", root + "/outside"] {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            }
            // A valid people file, so that reading it would succeed: only the location check can refuse it.
            try (TeamFixture.people + "# \(Self.secretLine)\n").write(
                toFile: secret, atomically: true, encoding: .utf8)
            try Self.secretLine.write(toFile: outside + "/.env", atomically: true, encoding: .utf8)
        }

        func remove() { try? FileManager.default.removeItem(atPath: root) }

        /// Writes the team manifest with `people: PEOPLE` and validates it.
        func validate(people: String, peopleOutside: Bool = false) throws -> (ResolvedTeam?, [Diagnostic]) {
            let text = TeamFixture.team.replacingOccurrences(of: "people: people.yaml", with: "people: \(people)")
            try text.write(toFile: team + "/team.yaml", atomically: true, encoding: .utf8)
            return TeamLoader.validate(
                path: team + "/team.yaml", today: PeopleFileOutsideTests.today, profiles: TeamFixture.profiles,
                profilesSource: "config.yaml", peopleOutside: peopleOutside)
        }
    }

    @Test(arguments: [
        "/etc/shadow", "/etc/passwd", "../outside/people.yaml", "../../../../../../../etc/passwd",
        "sub/../../outside/.env",
        "./../outside/people.yaml",
    ])
    func aPeopleFileOutsideTheTeamFolderIsRefusedUnread(people: String) throws {
        let layout = try Layout()
        defer { layout.remove() }
        let (team, diagnostics) = try layout.validate(people: people)
        #expect(team == nil)
        let diagnostic = try #require(diagnostics.first)
        #expect(diagnostics.count == 1, "\(diagnostics)")
        #expect(diagnostic.file == layout.team + "/team.yaml")
        #expect(diagnostic.line == 3)
        #expect(diagnostic.message.hasPrefix("the people file '\(people)' lies outside this team manifest's folder"))
        #expect(diagnostic.message.hasSuffix("it was not read"))
        #expect(diagnostic.hint?.contains("--people-outside") == true)
        #expect(!diagnostic.description.contains("AWS_SECRET"))
        #expect(!diagnostic.description.contains("root:"))
    }

    @Test func aLinkInsideTheFolderThatLeadsOutsideIsRefused() throws {
        let layout = try Layout()
        defer { layout.remove() }
        try FileManager.default.createSymbolicLink(
            atPath: layout.team + "/people.yaml", withDestinationPath: layout.secret)
        let (team, diagnostics) = try layout.validate(people: "people.yaml")
        #expect(team == nil)
        #expect(diagnostics.map(\.line) == [3])
        #expect(diagnostics.first?.message.contains("(\(Self.real(layout.secret)) is not under") == true)
    }

    @Test func aLinkedFolderInsideThatLeadsOutsideIsRefused() throws {
        let layout = try Layout()
        defer { layout.remove() }
        try FileManager.default.createSymbolicLink(atPath: layout.team + "/shared", withDestinationPath: layout.outside)
        let (team, diagnostics) = try layout.validate(people: "shared/people.yaml")
        #expect(team == nil)
        #expect(diagnostics.first?.message.contains("lies outside") == true)
    }

    @Test func aKeyFileNamedAsThePeopleFileIsRefusedUnread() throws {
        let layout = try Layout()
        defer { layout.remove() }
        let key = layout.outside + "/client.pem"
        try "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----\n".write(
            toFile: key, atomically: true, encoding: .utf8)
        let (_, diagnostics) = try layout.validate(people: key)
        #expect(diagnostics.count == 1)
        #expect(diagnostics.allSatisfy { !$0.description.contains("BEGIN") && !$0.description.contains("MIIE") })
    }

    @Test func aPeopleFileInTheFolderOrBelowIsRead() throws {
        let layout = try Layout()
        defer { layout.remove() }
        try TeamFixture.people.write(toFile: layout.team + "/sub/people.yaml", atomically: true, encoding: .utf8)
        let (below, belowDiagnostics) = try layout.validate(people: "sub/people.yaml")
        #expect(below != nil, "\(belowDiagnostics)")
        // `..` that stays inside is fine, and so is a link that stays inside.
        let (roundabout, _) = try layout.validate(people: "sub/../sub/people.yaml")
        #expect(roundabout != nil)
        try FileManager.default.createSymbolicLink(
            atPath: layout.team + "/people.yaml", withDestinationPath: "sub/people.yaml")
        let (linked, linkedDiagnostics) = try layout.validate(people: "people.yaml")
        #expect(linked != nil, "\(linkedDiagnostics)")
    }

    @Test func peopleOutsideLetsTheUserReadOneElsewhere() throws {
        let layout = try Layout()
        defer { layout.remove() }
        let (team, diagnostics) = try layout.validate(people: "../outside/people.yaml", peopleOutside: true)
        #expect(team != nil, "\(diagnostics)")
        #expect(team?.people.path == layout.team + "/../outside/people.yaml")
    }

    @Test func aFIFOAsThePeopleFileIsRefusedWithoutHanging() throws {
        let layout = try Layout()
        defer { layout.remove() }
        let fifo = layout.team + "/people.yaml"
        try #require(mkfifo(fifo, 0o600) == 0)
        let diagnostics = try #require(
            Deadline.run(seconds: 10, unblocking: fifo) { try? layout.validate(people: "people.yaml").1 },
            "validating a team whose people file is a FIFO did not finish within 10 s")
        let diagnostic = try #require(diagnostics?.first)
        #expect(diagnostic.file == layout.team + "/team.yaml")
        #expect(diagnostic.line == 3)
        #expect(
            diagnostic.message
                == "cannot read the people file \(fifo): the file is a FIFO (named pipe), not a regular file; "
                + "teamctl reads only regular files")
    }

    @Test func aDirectoryOrADanglingLinkAsThePeopleFileIsAClearError() throws {
        let layout = try Layout()
        defer { layout.remove() }
        let (_, asFolder) = try layout.validate(people: "sub")
        #expect(
            asFolder.first?.message.hasSuffix(
                "the file is a directory, not a regular file; teamctl reads only regular files") == true)
        try FileManager.default.createSymbolicLink(
            atPath: layout.team + "/gone.yaml", withDestinationPath: "nowhere.yaml")
        let (_, dangling) = try layout.validate(people: "gone.yaml")
        #expect(dangling.first?.message.hasSuffix("a symbolic link to 'nowhere.yaml', which does not exist") == true)
    }

    static func real(_ path: String) -> String {
        guard let pointer = realpath(path, nil) else { return path }
        defer { free(pointer) }
        return String(cString: pointer)
    }
}
