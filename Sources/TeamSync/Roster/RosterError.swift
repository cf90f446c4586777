/// Why a roster comparison cannot go on: a file that cannot be read, or is not of the shape expected, with where.
///
/// It reads like a manifest diagnostic, `roster.csv:7: error: MESSAGE` with a `hint:` line saying what to fix.
public struct RosterError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The file the problem is in, as the user named it.
    public var file: String
    /// The 1-based line; 0 when the problem concerns the file as a whole.
    public var line: Int
    /// The 1-based column in Unicode scalars; 0 when only the line is known.
    public var column: Int
    /// What is wrong, in one sentence.
    public var message: String
    /// What to do about it.
    public var hint: String?

    /// Creates an error.
    public init(file: String, line: Int = 0, column: Int = 0, message: String, hint: String? = nil) {
        self.file = file
        self.line = line
        self.column = column
        self.message = message
        self.hint = hint
    }

    /// `FILE:LINE[:COLUMN]: error: MESSAGE`, then `  hint: HINT` on its own line when there is a hint.
    public var description: String {
        var place = file
        if line > 0 { place += ":\(line)" }
        if line > 0, column > 0 { place += ":\(column)" }
        let head = "\(place): error: \(message)"
        guard let hint else { return head }
        return head + "\n  hint: " + hint
    }
}
