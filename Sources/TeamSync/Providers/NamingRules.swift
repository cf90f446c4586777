import AccountModels

/// What a name in a change names, for a back end's ``NamingRules``.
public enum NameKind: String, Sendable, Hashable, CaseIterable {
    /// A person's username at the facility.
    case username
    /// A Unix group.
    case group
    /// The facility project (a NERSC repo, a Slurm account).
    case project
    /// A permission (a Slurm QOS).
    case permission
}

/// A back end's rules for the names it writes. Every username and group name that came from a facility or a file is
/// checked against them before it enters a write: the planner leaves a name that fails out of every change and
/// refuses the plan, the applier refuses a plan that names one before its first write, and the provider refuses to
/// perform such a change. Each back end declares its own (`SFAPINaming`, `SlurmNaming`, ...): what one reads as one
/// name another may read as two (SFAPI joins usernames with commas; sacctmgr splits arguments at `=`).
public protocol NamingRules: Sendable {
    /// The back end, as messages name it, e.g. `SFAPI`.
    var backEnd: String { get }
    /// Why `name` is not a valid name of `kind` at this back end (the rule, in words); nil when it is one.
    func problem(with name: String, as kind: NameKind) -> String?
}

extension NamingRules {
    /// Every name `change` would send that breaks the rules, each as a sentence naming the change, the value (quoted
    /// and escaped, see ``NameText/quoted(_:)``) and the rule.
    public func problems(in change: PlannedChange) -> [String] {
        names(in: change).compactMap { name, kind in
            problem(with: name, as: kind).map {
                "change \(NameText.plain(change.id)): \(NameText.quoted(name)) is not a valid \(backEnd) "
                    + "\(kind.words) (\($0))"
            }
        }
    }

    /// The error for the first name of `change` that breaks the rules, if any: what a provider throws instead of
    /// performing the change.
    public func check(_ change: PlannedChange) throws {
        for (name, kind) in names(in: change) {
            if let rule = problem(with: name, as: kind) {
                throw InvalidName(name: name, kind: kind, backEnd: backEnd, rule: rule)
            }
        }
    }

    /// Throws ``InvalidName`` when `name` breaks the rules for `kind`.
    public func check(_ name: String, as kind: NameKind) throws {
        if let rule = problem(with: name, as: kind) {
            throw InvalidName(name: name, kind: kind, backEnd: backEnd, rule: rule)
        }
    }

    /// The names a change sends, with what each names.
    func names(in change: PlannedChange) -> [(String, NameKind)] {
        var names: [(String, NameKind)] = [(change.project, .project)]
        if let group = change.group { names.append((group, .group)) }
        if let permission = change.permission { names.append((permission, .permission)) }
        names += change.usernames.map { ($0, .username) }
        return names
    }
}

/// A name that breaks its back end's rules: nothing naming it is sent.
public struct InvalidName: Error, Sendable, Hashable, CustomStringConvertible, ChangeFailureReporting {
    /// The name as given.
    public var name: String
    /// What it names.
    public var kind: NameKind
    /// The back end whose rules it breaks.
    public var backEnd: String
    /// The rule, in words.
    public var rule: String

    /// Creates one.
    public init(name: String, kind: NameKind, backEnd: String, rule: String) {
        self.name = name
        self.kind = kind
        self.backEnd = backEnd
        self.rule = rule
    }

    /// Refused before sending: nothing can have happened.
    public var isAmbiguous: Bool { false }

    public var description: String {
        "\(NameText.quoted(name)) is not a valid \(backEnd) \(kind.words) (\(rule)); nothing naming it was sent"
    }
}

/// Portable POSIX names (lowercase ASCII letters, digits, `_`, `-` and `.`, starting with a letter or `_`, at most 32
/// characters): the rules of a back end that declares none of its own.
public struct PortableNaming: NamingRules {
    /// Creates the rules.
    public init() {}

    public var backEnd: String { "POSIX" }

    public func problem(with name: String, as kind: NameKind) -> String? {
        NameText.problem(
            name, maxLength: 32, first: { NameText.isLowercaseLetter($0) || $0 == "_" },
            rest: { NameText.isLowercaseLetter($0) || NameText.isDigit($0) || "_-.".unicodeScalars.contains($0) },
            rule: "lowercase ASCII letters, digits, '_', '-' and '.', starting with a letter or '_', at most 32")
    }
}

extension NameKind {
    /// The kind in words, e.g. `username`.
    var words: String {
        switch self {
        case .username: return "username"
        case .group: return "group name"
        case .project: return "project name"
        case .permission: return "permission name"
        }
    }
}

/// How names from a facility or a file appear in messages, and the character tests naming rules are built from.
public enum NameText {
    /// `name` in double quotes, with every character outside printable ASCII, a backslash and a quote escaped
    /// (`"rsato\nbchen"`, `"bchen "`, `"b\u{0441}hen"`): it cannot move the cursor or clear the screen, and two
    /// names that look alike show differently. Long names are cut after `limit` characters.
    public static func quoted(_ name: String, limit: Int = 64) -> String {
        var out = "\""
        var count = 0
        for scalar in name.unicodeScalars {
            count += 1
            if count > limit {
                out += "..."
                break
            }
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default:
                if scalar.value >= 0x20 && scalar.value < 0x7F {
                    out.unicodeScalars.append(scalar)
                } else {
                    // As ``Swift/String/escapedForTerminal`` writes it: upper-case hex, at least two digits.
                    let hex = String(scalar.value, radix: 16, uppercase: true)
                    out += "\\u{" + (hex.count < 2 ? "0" + hex : hex) + "}"
                }
            }
        }
        return out + "\""
    }

    /// `text` as it is when it is printable ASCII (no quote) without spaces at its ends, else ``quoted(_:)``: for ids,
    /// target keys and names that are almost always plain.
    public static func plain(_ text: String) -> String {
        let printable = text.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value < 0x7F && $0 != "\"" }
        let trimmed = text.first != " " && text.last != " "
        return printable && trimmed && !text.isEmpty && text.count <= 200 ? text : quoted(text)
    }

    /// The rule's words when `name` is empty, too long, or has a character `first` (for the first) or `rest` (for the
    /// others) refuses; nil when it passes.
    static func problem(
        _ name: String, maxLength: Int, first: (Unicode.Scalar) -> Bool, rest: (Unicode.Scalar) -> Bool, rule: String
    ) -> String? {
        var count = 0
        for scalar in name.unicodeScalars {
            count += 1
            guard count <= maxLength, count == 1 ? first(scalar) : rest(scalar) else { return rule }
        }
        return count == 0 ? rule : nil
    }

    static func isLowercaseLetter(_ scalar: Unicode.Scalar) -> Bool { ("a"..."z").contains(scalar) }
    static func isUppercaseLetter(_ scalar: Unicode.Scalar) -> Bool { ("A"..."Z").contains(scalar) }
    static func isDigit(_ scalar: Unicode.Scalar) -> Bool { ("0"..."9").contains(scalar) }
}
