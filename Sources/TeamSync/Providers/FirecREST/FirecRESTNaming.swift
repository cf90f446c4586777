/// Names at CSCS. FirecREST writes nothing, so no name is ever sent through it; plans keep the portable POSIX rules for
/// what they show (lowercase ASCII letters, digits, `_`, `-` and `.`, starting with a letter or `_`).
public struct FirecRESTNaming: NamingRules {
    /// Creates the rules.
    public init() {}

    public var backEnd: String { "CSCS" }

    public func problem(with name: String, as kind: NameKind) -> String? {
        PortableNaming().problem(with: name, as: kind)
    }
}
