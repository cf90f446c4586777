import AccountModels
import Foundation
import TeamSync
import Testing

/// A directory of examples holds the emulator's seed beside the manifests: validating the directory
/// skips the seed with a warning, while naming the seed directly still reports it as no manifest.
struct EmulatorSeedSkipTests {
    let today = CalendarDay(year: 2026, month: 11, day: 25)!

    func directory() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("seedskip-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        try "version: 1\nproject: m1\nmembers:\n  alice: {role: pi}\ngroups:\n  g1: {members: all}\n"
            .write(toFile: path + "/team.yaml", atomically: true, encoding: .utf8)
        try "users:\n  - {name: alice, uid: 1}\nprojects: []\n"
            .write(toFile: path + "/facility.yaml", atomically: true, encoding: .utf8)
        return path
    }

    @Test func aSeedInADirectoryIsSkippedWithAWarning() throws {
        let path = try directory()
        let (manifests, diagnostics) = ManifestLoader.validate(paths: [path], today: today)
        #expect(manifests.map(\.manifest.project) == ["m1"])
        #expect(diagnostics.count == 1)
        let only = try #require(diagnostics.first)
        #expect(only.severity == .warning)
        #expect(only.file.hasSuffix("/facility.yaml"))
        #expect(only.message.hasPrefix("skipped: this is a teamctl-emulator seed"))
    }

    @Test func aSeedNamedDirectlyIsAnError() throws {
        let path = try directory()
        let (manifests, diagnostics) = ManifestLoader.validate(paths: [path + "/facility.yaml"], today: today)
        #expect(manifests.isEmpty)
        #expect(diagnostics.contains { $0.severity == .error && $0.message == "unknown key 'users'" })
    }

    @Test func aManifestWithUsersKeyIsNeverSkipped() throws {
        let path = try directory()
        try "version: 1\nproject: m2\nusers: []\nmembers:\n  bob: {}\n"
            .write(toFile: path + "/m2.yaml", atomically: true, encoding: .utf8)
        let (_, diagnostics) = ManifestLoader.validate(paths: [path], today: today)
        #expect(diagnostics.contains { $0.file.hasSuffix("/m2.yaml") && $0.message == "unknown key 'users'" })
    }
}
