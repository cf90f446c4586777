import Foundation
import Testing

/// Paths to the test fixtures and the repository's examples, and scratch directories.
enum ManifestFixtures {
    /// A fixture under `Fixtures/manifests/`, as copied into the test bundle.
    static func path(_ relative: String) throws -> String {
        let base = try #require(Bundle.module.resourceURL)
        return base.appendingPathComponent("Fixtures/manifests/\(relative)").path
    }

    /// The repository's `examples/` directory.
    static var examplesDirectory: String {
        URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("examples").path
    }

    /// A fresh temporary directory, removed by the caller with `FileManager.default.removeItem`.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("teamctl-manifest-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
