/// One problem found in a manifest, with the exact place it was found.
///
/// Its description reads like a compiler's, so editors and CI logs can jump to it:
/// `team.yaml:12:5: error: unknown role 'admin'` and, when a hint helps, a second line `  hint: ...`.
public struct Diagnostic: Sendable, Hashable, CustomStringConvertible {
    /// How serious a diagnostic is.
    public enum Severity: String, Sendable, Hashable, Codable {
        /// The manifest cannot be used until this is fixed.
        case error
        /// The manifest is usable, but this is probably not what was meant.
        case warning
    }

    /// How serious the problem is.
    public var severity: Severity
    /// The file the problem is in, as the user named it (or as found in a directory they named).
    public var file: String
    /// The 1-based line; 0 when the problem concerns the file as a whole and it has no lines to point at.
    public var line: Int
    /// The 1-based column, counted in Unicode scalars; 0 like `line`.
    public var column: Int
    /// What is wrong, in one sentence.
    public var message: String
    /// What to do about it, when that is not obvious from the message.
    public var hint: String?

    /// Creates a diagnostic.
    public init(
        severity: Severity, file: String, line: Int, column: Int, message: String, hint: String? = nil
    ) {
        self.severity = severity
        self.file = file
        self.line = line
        self.column = column
        self.message = message
        self.hint = hint
    }

    /// Creates an error diagnostic.
    public static func error(_ message: String, file: String, line: Int, column: Int, hint: String? = nil) -> Diagnostic
    {
        Diagnostic(severity: .error, file: file, line: line, column: column, message: message, hint: hint)
    }

    /// Creates a warning diagnostic.
    public static func warning(_ message: String, file: String, line: Int, column: Int, hint: String? = nil)
        -> Diagnostic
    {
        Diagnostic(severity: .warning, file: file, line: line, column: column, message: message, hint: hint)
    }

    /// `FILE:LINE:COLUMN: SEVERITY: MESSAGE`, then `  hint: HINT` on its own line when there is a hint.
    ///
    /// The file name, the message and the hint are escaped for the terminal (a file name from a directory listing
    /// or a value quoted from the file may hold anything), so a diagnostic is always these one or two lines.
    public var description: String {
        let name = file.escapedForTerminal
        let place = line > 0 ? "\(name):\(line):\(column)" : name
        let head = "\(place): \(severity.rawValue): \(message.escapedForTerminal)"
        guard let hint else { return head }
        return head + "\n  hint: " + hint.escapedForTerminal
    }
}

extension Diagnostic: Codable {}
