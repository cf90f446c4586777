import AccountModels
import Foundation
import Testing

@testable import TeamSync

struct ManifestLoaderTests {
    static let today = CalendarDay(year: 2026, month: 11, day: 25)!

    @Test func theExamplesDirectoryIsValid() throws {
        let (manifests, diagnostics) = ManifestLoader.validate(
            paths: [ManifestFixtures.examplesDirectory], today: Self.today)
        #expect(!diagnostics.contains { $0.severity == .error }, "\(diagnostics.map(\.description))")
        let example = try #require(manifests.first)
        #expect(manifests.count == 1)
        #expect(example.path.hasSuffix("examples/team.yaml"))
        #expect(example.manifest.project == "m4812")
        #expect(example.manifest.members.count == 30)
        #expect(example.manifest.groups.count == 5)
        #expect(example.manifest.members["amorales"]?.role == .pi)
        #expect(example.manifest.groups["lumrel"]?.mode == .additive)
        #expect(example.manifest.groups["m4812"]?.members == .all)
        #expect(example.manifest.policy == Policy(protected: ["amorales", "bchen"], max_removals: 10))
        let amorales = try #require(example.location(ofMember: "amorales"))
        #expect(amorales.line == 15 && amorales.column == 3)
        let lumrel = try #require(example.location(ofGroup: "lumrel"))
        #expect(lumrel.line == 58 && lumrel.column == 3)
        // cyilmaz left in September; bferreira leaves within 14 days of the test's today.
        let warnings = diagnostics.map(\.message)
        #expect(warnings.contains("membership of 'cyilmaz' ended on 2026-09-30; they count as absent"))
        #expect(warnings.contains("membership of 'bferreira' ends on 2026-12-05, in 10 days"))
    }

    @Test func aFileWithAByteOrderMarkAndWindowsLineEndsReadsLikeAnyOther() throws {
        let directory = try ManifestFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("m1.yaml")
        let text = "version: 1\r\nproject: m1\r\nmembers:\r\n  alice: {role: pi}\r\n  bob: {}\r\n  bob: {}\r\n"
        try (Data([0xEF, 0xBB, 0xBF]) + Data(text.utf8)).write(to: file)
        let (manifests, diagnostics) = ManifestLoader.validate(paths: [file.path], today: Self.today)
        #expect(manifests.isEmpty)
        #expect(diagnostics.map { "\($0.line):\($0.column) \($0.message)" } == ["6:3 duplicate key 'bob'"])
        try (Data([0xEF, 0xBB, 0xBF]) + Data(text.replacingOccurrences(of: "  bob: {}\r\n  bob", with: "  bob").utf8))
            .write(to: file)
        let fixed = ManifestLoader.validate(paths: [file.path], today: Self.today)
        #expect(fixed.diagnostics.isEmpty)
        #expect(fixed.manifests.first?.manifest.members.keys.sorted() == ["alice", "bob"])
        #expect(fixed.manifests.first?.location(ofMember: "alice")?.column == 3)
    }

    @Test func theFullFixtureParsesEveryFieldKind() throws {
        let loaded = try ManifestLoader.load(paths: [ManifestFixtures.path("valid/full.yaml")], today: Self.today)
        let manifest = try #require(loaded.first).manifest
        #expect(manifest.facility == "nersc")
        #expect(manifest.members["erin"] == MemberSpec())
        #expect(manifest.members["dave"]?.role == .piProxy)
        #expect(manifest.members["carol"]?.until == CalendarDay(year: 2027, month: 6, day: 30))
        #expect(manifest.groups["rel-mgr"] == GroupSpec(members: .list(["alice", "dave"]), mode: .additive))
        #expect(manifest.groups["empty"] == GroupSpec(members: .list([])))
        #expect(manifest.permissions["realtime_qos"] == ["alice", "dave", "erin"])
    }

    @Test func aDirectoryExpandsToItsYAMLFilesInNameOrder() throws {
        let directory = try ManifestFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        for (name, project) in [("b.yml", "m2"), ("a.yaml", "m1"), ("notes.txt", "x")] {
            try "version: 1\nproject: \(project)\nmembers: {}\n".write(
                to: directory.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        let nested = directory.appendingPathComponent("archive")
        try FileManager.default.createDirectory(at: nested, withIntermediateDirectories: true)
        try "version: 1\nproject: m3\nmembers: {}\n".write(
            to: nested.appendingPathComponent("c.yaml"), atomically: true, encoding: .utf8)

        let manifests = try ManifestLoader.load(paths: [directory.path], today: Self.today)
        #expect(manifests.map(\.manifest.project) == ["m1", "m2"])
        #expect(manifests.map { URL(fileURLWithPath: $0.path).lastPathComponent } == ["a.yaml", "b.yml"])
    }

    @Test func anEmptyDirectoryIsAnError() throws {
        let directory = try ManifestFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let (_, diagnostics) = ManifestLoader.validate(paths: [directory.path], today: Self.today)
        #expect(
            diagnostics == [
                .error(
                    "the directory holds no *.yaml or *.yml files", file: directory.path, line: 0,
                    column: 0, hint: "name manifest files like m1234.yaml")
            ])
    }

    @Test func aPathThatDoesNotExistIsReportedAndTheRestStillChecked() throws {
        let missing = "/nonexistent/teamctl/team.yaml"
        let (manifests, diagnostics) = ManifestLoader.validate(
            paths: [missing, try ManifestFixtures.path("valid/minimal.yaml")], today: Self.today)
        #expect(manifests.map(\.manifest.project) == ["m9"])
        let diagnostic = try #require(diagnostics.first)
        #expect(diagnostics.count == 1)
        #expect(diagnostic.file == missing)
        #expect(diagnostic.message == "no such file or directory")
        #expect(diagnostic.description.hasPrefix("/nonexistent/teamctl/team.yaml: error: no such file or directory"))
    }

    @Test func aFileThatIsNotUTF8IsRefusedWithThePlace() throws {
        let directory = try ManifestFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("latin1.yaml")
        var bytes = Array("version: 1\nproject: m1\nmembers:\n  jos".utf8)
        bytes += [0xE9, 0x3A, 0x20, 0x7B, 0x7D, 0x0A]  // "josé: {}" in Latin-1
        try Data(bytes).write(to: file)
        let (manifests, diagnostics) = ManifestLoader.validate(paths: [file.path], today: Self.today)
        #expect(manifests.isEmpty)
        #expect(
            diagnostics == [
                .error(
                    "the file is not valid UTF-8 (byte 0xE9 cannot start or continue a character)",
                    file: file.path, line: 4, column: 6, hint: "save the file as UTF-8")
            ])
    }

    @Test func aUTF16FileGetsAHintToConvertIt() throws {
        let directory = try ManifestFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("utf16.yaml")
        try "version: 1\n".write(to: file, atomically: true, encoding: .utf16)
        let (_, diagnostics) = ManifestLoader.validate(paths: [file.path], today: Self.today)
        let diagnostic = try #require(diagnostics.first)
        #expect(diagnostic.hint == "it looks like UTF-16; save it as UTF-8")
    }

    @Test func theSameProjectInTwoFilesIsAnErrorNamingBoth() throws {
        let directory = try ManifestFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        for name in ["a.yaml", "b.yaml"] {
            try "version: 1\nproject: m1234\nmembers: {}\n".write(
                to: directory.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        let (manifests, diagnostics) = ManifestLoader.validate(paths: [directory.path], today: Self.today)
        let a = directory.appendingPathComponent("a.yaml").path
        let b = directory.appendingPathComponent("b.yaml").path
        #expect(manifests.map(\.path) == [a])
        #expect(
            diagnostics == [
                .error(
                    "project 'm1234' is also governed by \(a)", file: b, line: 2, column: 10,
                    hint: "a project appears in one file only; merge \(b) into \(a)")
            ])
        #expect(throws: ManifestError.self) { try ManifestLoader.load(paths: [directory.path], today: Self.today) }
    }

    @Test func loadThrowsEveryDiagnosticWhenAnyIsAnError() throws {
        let path = try ManifestFixtures.path("broken/two-errors.yaml")
        let error = try #require(throws: ManifestError.self) {
            try ManifestLoader.load(paths: [path], today: Self.today)
        }
        guard case .invalid(let diagnostics) = error else { return }
        #expect(
            diagnostics.map(\.message) == [
                "unknown role 'admin'",
                "group name 'toolonggroup' is longer than 8 characters",
                "'zed' in group 'toolonggroup' is not in the members roster",
            ])
        #expect(error.description.contains("the team manifest has 3 errors"))
    }

    @Test func aFileNamedTwiceIsReadOnce() throws {
        let example = ManifestFixtures.examplesDirectory + "/team.yaml"
        let (manifests, diagnostics) = ManifestLoader.validate(
            paths: [ManifestFixtures.examplesDirectory, example], today: Self.today)
        #expect(manifests.count == 1)
        #expect(!diagnostics.contains { $0.severity == .error }, "\(diagnostics.map(\.description))")
    }

    @Test func diagnosticsFollowTheOrderOfThePaths() throws {
        let broken = try ManifestFixtures.path("broken/two-errors.yaml")
        let (_, diagnostics) = ManifestLoader.validate(paths: [broken, "/nonexistent.yaml"], today: Self.today)
        #expect(diagnostics.map(\.file) == [broken, broken, broken, "/nonexistent.yaml"])
    }
}
