/// The bounds that keep a hostile manifest from using unbounded time or memory.
///
/// A real team manifest is a few kilobytes, four levels deep, with short values; these limits are far above
/// that and far below what could hurt.
public struct ManifestLimits: Sendable, Hashable {
    /// The largest file read, in bytes; larger files are refused before they are read.
    public var maxFileBytes: Int
    /// The deepest nesting of flow collections (`[`, `{`) the pre-scan lets through to the YAML parser.
    public var maxNesting: Int
    /// The longest value (scalar), in characters.
    public var maxScalarLength: Int
    /// The most diagnostics reported for one file; the rest are summed up in one last diagnostic.
    public var maxDiagnosticsPerFile: Int

    /// Creates limits.
    public init(
        maxFileBytes: Int = 4 << 20, maxNesting: Int = 32, maxScalarLength: Int = 1024, maxDiagnosticsPerFile: Int = 200
    ) {
        self.maxFileBytes = maxFileBytes
        self.maxNesting = maxNesting
        self.maxScalarLength = maxScalarLength
        self.maxDiagnosticsPerFile = maxDiagnosticsPerFile
    }

    /// The limits `teamctl` uses.
    public static let standard = ManifestLimits()
}
