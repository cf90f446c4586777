import AccountModels
import Foundation
import Testing

@testable import TeamSync

/// Manifests built to hurt: each must be refused with a clear error, without a crash or unbounded work.
/// (No timing asserts here; the benchmark target measures speed. A regression shows as a hang or a crash.)
struct HostileManifestTests {
    static let today = CalendarDay(year: 2026, month: 11, day: 25)!

    func diagnostics(_ yaml: String) -> [Diagnostic] {
        ManifestLoader.validate(text: yaml, file: "hostile.yaml", today: Self.today).diagnostics
    }

    @Test func billionLaughsIsRefusedAtTheFirstAnchor() {
        var yaml = "version: 1\nproject: m1\nlol0: &l0 [lol]\n"
        for level in 1...30 {
            let refs = Array(repeating: "*l\(level - 1)", count: 10).joined(separator: ", ")
            yaml += "lol\(level): &l\(level) [\(refs)]\n"
        }
        yaml += "members: {? *l30 : {}}\n"
        let found = diagnostics(yaml)
        #expect(found.count == 1)
        #expect(found.first?.message == "YAML anchors and aliases are not allowed in a manifest")
        #expect(found.first?.line == 3 && found.first?.column == 7)
    }

    @Test func anAnchorInsideAQuotedLineIsStillRefused() {
        // The `#` is inside quotes on this line, so the scan cannot take it for a comment.
        let found = diagnostics("version: 1\nproject: m1\nmembers: {\"a #\": &x {}, b: *x}\n")
        #expect(found.map(\.message) == ["YAML anchors and aliases are not allowed in a manifest"])
    }

    @Test func anAmpersandInAPlainCommentIsFine() {
        let found = diagnostics("# R&D &co: calibration & simulation\nversion: 1\nproject: m1\nmembers: {}\n")
        #expect(found.isEmpty, "\(found.map(\.description))")
    }

    @Test func tenThousandDeepFlowNestingIsRefused() {
        let depth = 10_000
        let yaml =
            "version: 1\nproject: m1\nmembers: " + String(repeating: "[", count: depth)
            + String(repeating: "]", count: depth) + "\n"
        let found = diagnostics(yaml)
        #expect(found.map(\.message) == ["the manifest is nested more than 32 levels deep"])
        #expect(found.first?.line == 3 && found.first?.column == 42)
    }

    @Test func tenThousandDeepBlockNestingIsRefused() {
        // Block sequences nest without brackets: "- - - - x". libyaml stops at 1000 levels.
        let yaml = "version: 1\nproject: m1\nmembers:\n" + String(repeating: "- ", count: 10_000) + "x\n"
        let found = diagnostics(yaml)
        #expect(found.count == 1)
        #expect(
            found.first?.message.hasPrefix("invalid YAML: Maximum nesting level reached") == true,
            "\(found.map(\.description))")
    }

    @Test func deepIndentedMappingsAreRefused() {
        var yaml = "version: 1\nproject: m1\nmembers:\n"
        for level in 0..<2_000 { yaml += String(repeating: " ", count: level + 1) + "k\(level):\n" }
        let found = diagnostics(yaml)
        #expect(found.count == 1)
        #expect(
            found.first?.message.hasPrefix("invalid YAML: Maximum nesting level reached") == true,
            "\(found.map(\.description))")
    }

    @Test func aHugeScalarIsRefused() {
        let yaml =
            "version: 1\nproject: m1\nmembers:\n  alice: {role: " + String(repeating: "x", count: 1_000_000) + "}\n"
        let found = diagnostics(yaml)
        #expect(found.map(\.message) == ["value is too long (1000000 characters; at most 1024)"])
        #expect(found.first?.line == 4 && found.first?.column == 17)
    }

    @Test func aHugeKeyIsRefusedWithoutEchoingIt() {
        // libyaml itself refuses implicit keys over 1024 characters; an explicit `? key` gets past it to our check.
        let key = String(repeating: "k", count: 100_000)
        let plain = diagnostics("version: 1\nproject: m1\nmembers: {}\n\(key): 1\n")
        #expect(plain.count == 1)
        #expect(plain.allSatisfy { $0.message.hasPrefix("invalid YAML") && !$0.description.contains(key) })
        let quoted = diagnostics("version: 1\nproject: m1\nmembers:\n  ? \(key)\n  : {}\n")
        #expect(quoted.map(\.message) == ["value is too long (100000 characters; at most 1024)"])
        #expect(quoted.allSatisfy { !$0.description.contains(String(key.prefix(41))) })
    }

    @Test func aHundredMegabyteFileIsRefusedBeforeReading() throws {
        let directory = try ManifestFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("huge.yaml")
        #expect(FileManager.default.createFile(atPath: file.path, contents: Data("version: 1\n".utf8)))
        let handle = try FileHandle(forWritingTo: file)
        try handle.truncate(atOffset: 100 << 20)  // sparse: 100 MiB without writing them
        try handle.close()
        let (manifests, diagnostics) = ManifestLoader.validate(paths: [file.path], today: Self.today)
        #expect(manifests.isEmpty)
        #expect(
            diagnostics == [
                .error(
                    "the file is larger than 4194304 bytes, the most a manifest may be",
                    file: file.path, line: 0, column: 0,
                    hint: "a team manifest is a few kilobytes; check that this is the file you meant")
            ])
    }

    @Test func anEndlessStreamIsRefusedBeforeItIsRead() throws {
        // /dev/zero reports size 0 and never ends: it is refused as a device, before it is opened.
        guard FileManager.default.fileExists(atPath: "/dev/zero") else { return }
        let (_, diagnostics) = ManifestLoader.validate(paths: ["/dev/zero"], today: Self.today)
        #expect(
            diagnostics.map(\.message) == [
                "the file is a character device, not a regular file; teamctl reads only regular files"
            ])
    }

    @Test func manyDuplicateKeysAreReportedUpToTheCap() {
        let yaml = "version: 1\nproject: m1\nmembers:\n" + String(repeating: "  alice: {}\n", count: 5_000)
        let found = diagnostics(yaml)
        let limit = ManifestLimits.standard.maxDiagnosticsPerFile
        #expect(found.count == limit + 1)
        #expect(
            found.prefix(limit).allSatisfy {
                $0.message == "duplicate key 'alice'" && $0.hint == "first defined at line 4"
            })
        #expect(found.prefix(limit).map(\.line) == Array(5..<(5 + limit)))
        #expect(found.last?.message == "\(4_999 - limit) more problems not shown")
    }

    @Test func controlCharactersAreAYAMLErrorNotACrash() {
        let found = diagnostics("version: 1\nproject: m1\u{07}\nmembers: {}\n")
        #expect(found.count == 1)
        #expect(found.first?.message.hasPrefix("invalid YAML") == true, "\(found.map(\.description))")
    }
}

extension HostileManifestTests {
    @Test func aFloodOfProblemsIsCappedPerFile() {
        let yaml =
            "version: 1\nproject: m1\nmembers: {a: {}}\npermissions:\n  p: ["
            + Array(repeating: "a", count: 50_000).joined(separator: ",") + "]\n"
        let found = diagnostics(yaml)
        let limit = ManifestLimits.standard.maxDiagnosticsPerFile
        #expect(found.count == limit + 1)
        #expect(found.last?.message == "\(50_000 - 1 - limit) more problems not shown")
    }
}

extension HostileManifestTests {
    @Test func flowNestingThatHidesFromThePreScanIsStoppedByTheParser() {
        // A "]" inside quotes makes the pre-scan's bracket count stay flat; libyaml still stops at 1000 levels.
        let yaml =
            "version: 1\nproject: m1\nmembers: " + String(repeating: "[\"]\", ", count: 10_000) + "x"
            + String(repeating: "]", count: 10_000) + "\n"
        let found = diagnostics(yaml)
        #expect(found.count == 1)
        #expect(
            found.first?.message.hasPrefix("invalid YAML: Maximum nesting level reached") == true,
            "\(found.map(\.description))")
    }
}
