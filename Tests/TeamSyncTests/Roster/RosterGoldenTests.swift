import AccountModels
import Foundation
import Testing

@testable import TeamSync

/// `roster diff --write` on the Lumen Survey example (examples/multi/) and its list (roster.csv), compared byte for
/// byte with the files a person checked: Fixtures/roster/{people,team}.yaml.golden.
struct RosterGoldenTests {
    static let today = CalendarDay("2026-11-30")!

    static var multiDirectory: URL {
        URL(fileURLWithPath: ManifestFixtures.examplesDirectory).appendingPathComponent("multi")
    }

    /// A temporary copy of examples/multi's people file, team manifest and list.
    static func copyOfExample() throws -> URL {
        let directory = try ManifestFixtures.temporaryDirectory()
        for name in ["people.yaml", "team.yaml", "roster.csv"] {
            try FileManager.default.copyItem(
                at: multiDirectory.appendingPathComponent(name), to: directory.appendingPathComponent(name))
        }
        return directory
    }

    static func golden(_ name: String) throws -> String {
        let base = try #require(Bundle.module.resourceURL)
        return try String(contentsOf: base.appendingPathComponent("Fixtures/roster/\(name).golden"), encoding: .utf8)
    }

    static func compare(in directory: URL) throws -> RosterComparison {
        try RosterComparison.load(
            teamFile: directory.appendingPathComponent("team.yaml").path,
            csvFile: directory.appendingPathComponent("roster.csv").path, columns: nil, today: today)
    }

    @Test func theExampleListShowsTwoNewcomersOneMissingMemberAndOneNewEmail() throws {
        let directory = try Self.copyOfExample()
        defer { try? FileManager.default.removeItem(at: directory) }
        let diff = try Self.compare(in: directory).diff
        #expect(diff.newcomers.map(\.person.id) == ["nobi", "praman"])
        #expect(diff.newcomers.map(\.kind) == [.notMember, .newPerson])
        #expect(diff.missing.map(\.person.id) == ["hkim"])
        #expect(diff.differences.map(\.id) == ["dpatel"])
        #expect(diff.differences.first?.listValue == "divya.patel@lumen-survey.example.org")
    }

    @Test func writingTheExampleGivesTheGoldenFiles() throws {
        let directory = try Self.copyOfExample()
        defer { try? FileManager.default.removeItem(at: directory) }
        let report = try Self.compare(in: directory).write()
        let people = try String(contentsOf: directory.appendingPathComponent("people.yaml"), encoding: .utf8)
        let team = try String(contentsOf: directory.appendingPathComponent("team.yaml"), encoding: .utf8)
        #expect(people == (try Self.golden("people.yaml")))
        #expect(team == (try Self.golden("team.yaml")))
        #expect(report.leftAlone.isEmpty)
        #expect(report.written.count == 5)
    }

    @Test func writingKeepsEveryCommentAndBlankLineInOrder() throws {
        let directory = try Self.copyOfExample()
        defer { try? FileManager.default.removeItem(at: directory) }
        _ = try Self.compare(in: directory).write()
        for name in ["people.yaml", "team.yaml"] {
            let before = try String(contentsOf: Self.multiDirectory.appendingPathComponent(name), encoding: .utf8)
            let after = try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
            #expect(
                Self.isSubsequence(Self.commentsAndBlankLines(before), of: after.components(separatedBy: "\n")),
                "\(name) lost or reordered a comment or blank line")
            let trailing = Self.trailingComments(before)
            #expect(trailing.allSatisfy { after.contains($0) }, "\(name) lost a trailing comment")
        }
    }

    @Test func writingTwiceChangesNothingTheSecondTime() throws {
        let directory = try Self.copyOfExample()
        defer { try? FileManager.default.removeItem(at: directory) }
        _ = try Self.compare(in: directory).write()
        let files = ["people.yaml", "team.yaml"].map { directory.appendingPathComponent($0) }
        let first = try files.map { try Data(contentsOf: $0) }
        let again = try Self.compare(in: directory)
        #expect(again.diff.isEmpty)
        let report = try again.write()
        #expect(report.written.isEmpty && report.leftAlone.isEmpty)
        #expect(try files.map { try Data(contentsOf: $0) } == first)
    }

    @Test func writingKeepsEachFilesMode() throws {
        let directory = try Self.copyOfExample()
        defer { try? FileManager.default.removeItem(at: directory) }
        let team = directory.appendingPathComponent("team.yaml").path
        try FileManager.default.setAttributes([.posixPermissions: 0o640], ofItemAtPath: team)
        _ = try Self.compare(in: directory).write()
        let mode = try FileManager.default.attributesOfItem(atPath: team)[.posixPermissions] as? NSNumber
        #expect(mode?.intValue == 0o640)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasPrefix(".") }
        #expect(leftovers.isEmpty)
    }

    @Test func refusesToWriteWhenAFileChangedSinceItWasRead() throws {
        let directory = try Self.copyOfExample()
        defer { try? FileManager.default.removeItem(at: directory) }
        let comparison = try Self.compare(in: directory)
        let team = directory.appendingPathComponent("team.yaml")
        let edited = try String(contentsOf: team, encoding: .utf8) + "# edited meanwhile\n"
        try edited.write(to: team, atomically: true, encoding: .utf8)
        let error = try #require(throws: RosterError.self) { try comparison.write() }
        #expect(error.message.contains("changed since roster diff read it"))
        #expect(try String(contentsOf: team, encoding: .utf8) == edited)
    }

    /// Lines that are empty or hold only a comment.
    static func commentsAndBlankLines(_ text: String) -> [String] {
        text.components(separatedBy: "\n").filter {
            let trimmed = $0.trimmingCharacters(in: .whitespaces)
            return trimmed.isEmpty || trimmed.hasPrefix("#")
        }
    }

    /// The comments at the end of content lines, from ` #` on.
    static func trailingComments(_ text: String) -> [String] {
        text.components(separatedBy: "\n").compactMap { line in
            guard !line.trimmingCharacters(in: .whitespaces).hasPrefix("#"), let hash = line.range(of: " #") else {
                return nil
            }
            return String(line[hash.lowerBound...])
        }
    }

    static func isSubsequence(_ needles: [String], of haystack: [String]) -> Bool {
        var index = haystack.startIndex
        for needle in needles {
            guard let found = haystack[index...].firstIndex(of: needle) else { return false }
            index = found + 1
        }
        return true
    }
}
