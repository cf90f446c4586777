/// Names as slurmdbd takes them through either channel. sacctmgr reads `name=a,b` as two names and a space or `=` as
/// another argument; slurmrestd splits a query's `user=` at commas (encoded or not); both fold upper case, so `BCHEN`
/// is bchen. A name outside these rules is never sent, and a username must already be lower case: teamctl's policy
/// compares names exactly, so one that Slurm would fold onto another user is refused rather than folded.
public struct SlurmNaming: NamingRules {
    /// Creates the rules.
    public init() {}

    public var backEnd: String { "Slurm" }

    /// The rule for usernames, in words.
    public static let usernameRule =
        "lowercase ASCII letters, digits, '_', '.', '@' and '-', starting with a letter, digit or '_', at most 64"
    /// The rule for accounts and QOS, in words (upper case is folded, as Slurm does).
    public static let accountRule =
        "ASCII letters, digits, '_', '.' and '-', starting with a letter, digit or '_', at most 64"
    /// The rule for TRES names (`cpu`, `gres/gpu`, `gres/gpu:a100`), in words.
    public static let tresRule = "ASCII letters, digits, '_', '.', '-', '/' and ':', starting with a letter"

    public func problem(with name: String, as kind: NameKind) -> String? {
        switch kind {
        case .username:
            return NameText.problem(
                name, maxLength: 64, first: { NameText.isLowercaseLetter($0) || NameText.isDigit($0) || $0 == "_" },
                rest: { NameText.isLowercaseLetter($0) || NameText.isDigit($0) || "_.@-".unicodeScalars.contains($0) },
                rule: Self.usernameRule)
        case .project, .permission:
            return NameText.problem(
                name, maxLength: 64, first: { Self.isLetter($0) || NameText.isDigit($0) || $0 == "_" },
                rest: { Self.isLetter($0) || NameText.isDigit($0) || "_.-".unicodeScalars.contains($0) },
                rule: Self.accountRule)
        case .group:
            return "Slurm accounting holds no Unix groups"
        }
    }

    /// Why a TRES name is not one; nil when it is.
    public func tresProblem(_ name: String) -> String? {
        NameText.problem(
            name, maxLength: 64, first: Self.isLetter,
            rest: { Self.isLetter($0) || NameText.isDigit($0) || "_.-/:".unicodeScalars.contains($0) },
            rule: Self.tresRule)
    }

    /// A username as a channel sends it: refused (``SlurmError``) unless it passes the rules.
    func user(_ name: String) throws -> String {
        if let rule = problem(with: name, as: .username) { throw Self.error(name, "username", rule) }
        return name
    }

    /// An account or QOS name as a channel sends it: lower case, refused unless it passes the rules.
    func account(_ name: String, as kind: NameKind = .project) throws -> String {
        if let rule = problem(with: name, as: kind) {
            throw Self.error(name, kind == .permission ? "QOS name" : "account name", rule)
        }
        return name.lowercased()
    }

    /// A TRES name as a channel sends it: lower case, refused unless it passes the rules.
    func tres(_ name: String) throws -> String {
        if let rule = tresProblem(name) { throw Self.error(name, "TRES name", rule) }
        return name.lowercased()
    }

    private static func error(_ name: String, _ what: String, _ rule: String) -> SlurmError {
        SlurmError(
            .failed, "\(NameText.quoted(name)) is not a valid Slurm \(what) (\(rule)); nothing naming it was sent")
    }

    private static func isLetter(_ scalar: Unicode.Scalar) -> Bool {
        NameText.isLowercaseLetter(scalar) || NameText.isUppercaseLetter(scalar)
    }
}
