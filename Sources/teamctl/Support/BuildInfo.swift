/// What `teamctl --version` prints. A plain `swift build` compiles these defaults; `scripts/package`
/// replaces this file with the release's commit and build date for the duration of its build and then
/// puts it back, so the tree stays clean.
enum BuildInfo {
    /// The release version (semantic versioning); plans record it.
    static let version = "0.1.0"
    /// The commit the binary was built from (`git rev-parse --short HEAD`), or `unknown`.
    static let commit = "unknown"
    /// When the binary was built, UTC ISO 8601, or `unknown`.
    static let date = "unknown"

    /// `0.1.0 (commit 0b6ef2f, built 2026-11-29T23:40:00Z)`
    static var versionLine: String { "\(version) (commit \(commit), built \(date))" }
}
