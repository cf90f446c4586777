/// What a facility back end can read and write. Planning turns every change a provider cannot
/// write into a manual item; it is never an error and never silently skipped.
public struct ProviderCapabilities: Sendable, Codable, Hashable {
    /// One kind of account data.
    public enum Aspect: String, Sendable, Codable, Hashable, CaseIterable, Comparable {
        /// Who is in the project.
        case roster
        /// Members' roles (PI, PI proxy, member).
        case roles
        /// Unix file groups: creation and membership.
        case groups
        /// Named capabilities such as premium QOS.
        case permissions
        /// Per-user hour shares.
        case allocations

        public static func < (lhs: Aspect, rhs: Aspect) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    /// The aspects the provider can read.
    public var readable: Set<Aspect>
    /// The aspects the provider can change.
    public var writable: Set<Aspect>

    /// Creates a capability set.
    public init(readable: Set<Aspect>, writable: Set<Aspect>) {
        self.readable = readable
        self.writable = writable
    }

    /// SFAPI v1.2: groups are readable and writable; roster and roles are visible only through groups
    /// and the caller's own role; nothing else can be written.
    public static let sfapiV1_2 = ProviderCapabilities(readable: [.groups, .allocations], writable: [.groups])
}
