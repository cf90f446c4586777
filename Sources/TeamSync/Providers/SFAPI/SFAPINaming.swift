/// NERSC's names as SFAPI v1.2 takes them. `PUT /account/groups/{group}` joins its usernames with commas into one form
/// field, and the group is a path segment, so a name with a comma, a space, a slash or anything outside these rules
/// could name someone or something else at the facility: such a name is never sent.
public struct SFAPINaming: NamingRules {
    /// Creates the rules.
    public init() {}

    public var backEnd: String { "SFAPI" }

    /// The rule for each kind, in words.
    public static let usernameRule = "lowercase letters, digits, '_' and '-', starting with a letter or '_', at most 32"
    public static let groupRule = "ASCII letters, digits, '_' and '-', at most 8"
    public static let projectRule = "ASCII letters, digits and '_', starting with a letter, at most 32"

    public func problem(with name: String, as kind: NameKind) -> String? {
        switch kind {
        case .username, .permission:
            // Unix usernames as NERSC issues them (the manifest's own rule): no upper case, which the facility might
            // fold onto another user, and nothing that a form field or a comma-separated list would split.
            return NameText.problem(
                name, maxLength: 32, first: { NameText.isLowercaseLetter($0) || $0 == "_" },
                rest: { NameText.isLowercaseLetter($0) || NameText.isDigit($0) || $0 == "_" || $0 == "-" },
                rule: Self.usernameRule)
        case .group:
            // `POST /account/groups` takes at most 8 ASCII characters; the group is also a path segment.
            let allowed: (Unicode.Scalar) -> Bool = {
                NameText.isLowercaseLetter($0) || NameText.isUppercaseLetter($0) || NameText.isDigit($0) || $0 == "_"
                    || $0 == "-"
            }
            return NameText.problem(name, maxLength: 8, first: allowed, rest: allowed, rule: Self.groupRule)
        case .project:
            return NameText.problem(
                name, maxLength: 32, first: { NameText.isLowercaseLetter($0) || NameText.isUppercaseLetter($0) },
                rest: {
                    NameText.isLowercaseLetter($0) || NameText.isUppercaseLetter($0) || NameText.isDigit($0)
                        || $0 == "_"
                },
                rule: Self.projectRule)
        }
    }
}
