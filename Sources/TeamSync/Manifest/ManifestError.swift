/// Why manifests could not be loaded.
public enum ManifestError: Error, Sendable, CustomStringConvertible {
    /// The manifests have error-severity diagnostics (warnings are included too, for context).
    case invalid([Diagnostic])

    /// Every diagnostic, one per line, then a line saying what to do.
    public var description: String {
        switch self {
        case .invalid(let diagnostics):
            let errors = diagnostics.filter { $0.severity == .error }.count
            let lines = diagnostics.map(\.description)
            let summary =
                "the team manifest has \(errors) error\(errors == 1 ? "" : "s"); "
                + "fix them (run 'teamctl validate' to see them all) and try again"
            return (lines + [summary]).joined(separator: "\n")
        }
    }
}
