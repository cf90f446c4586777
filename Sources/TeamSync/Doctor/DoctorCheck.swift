import Foundation

/// One finding of `teamctl doctor`: what was checked, how it went, and one line saying what was found or
/// what to fix. The line never holds a token, a key or an assertion.
public struct DoctorCheck: Sendable, Hashable, CustomStringConvertible {
    /// How a check went.
    public enum Outcome: String, Sendable, Hashable {
        /// Ready for a first run.
        case ok
        /// Works, but something deserves attention.
        case warning = "warn"
        /// A first run would fail here; the message says what to fix.
        case failed = "FAIL"
        /// Not checked, because something it needs failed first.
        case skipped = "skip"
    }

    /// What was checked: `config`, `key`, `cache`, `facility`, `credentials` or `clock`.
    public var subject: String
    /// How it went.
    public var outcome: Outcome
    /// One line: what was found, or what to do.
    public var message: String

    /// Creates a finding; line breaks in `message` are folded so it stays one line.
    public init(_ subject: String, _ outcome: Outcome, _ message: String) {
        self.subject = subject
        self.outcome = outcome
        self.message = message.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            .joined(separator: "; ")
    }

    /// `FAIL  key          the key file ... has mode 0644; ...`; what the facility said is escaped for the terminal.
    public var description: String {
        outcome.rawValue.padding(toLength: 6, withPad: " ", startingAt: 0)
            + subject.padding(toLength: 13, withPad: " ", startingAt: 0) + message.escapedForTerminal
    }
}

extension Array where Element == DoctorCheck {
    /// Whether any check failed.
    public var hasFailures: Bool { contains { $0.outcome == .failed } }
}
