/// What a facility back end can observe and write, aspect by aspect. The planner decides from these alone what
/// becomes a change, a manual item a later refresh can verify, or a manual item a person must acknowledge: a
/// difference is never an error and never silently skipped.
public struct ProviderCapabilities: Sendable, Codable, Hashable {
    /// One kind of account data.
    public enum Aspect: String, Sendable, Codable, Hashable, CaseIterable, Comparable {
        /// Who is in the project.
        case roster
        /// Members' roles (PI, PI proxy, member).
        case roles
        /// Unix file groups: creation and membership.
        case groups
        /// Named capabilities such as a premium QOS.
        case permissions
        /// Hour limits, per member and for the project.
        case limits

        public static func < (lhs: Aspect, rhs: Aspect) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    /// What the planner does with a difference in one aspect.
    public enum Treatment: String, Sendable, Codable, Hashable, CaseIterable {
        /// A change the applier performs (observable and writable).
        case change
        /// A manual item that disappears once a refresh shows it done (observable, not writable).
        case verifiableItem
        /// A manual item that stays until a person acknowledges it: the provider cannot observe the aspect,
        /// so it could neither tell what a write would change nor confirm it (never written blind).
        case acknowledgedItem
    }

    /// A write inside a writable aspect that a back end still cannot make (one API version ignores it, say).
    public enum Restriction: String, Sendable, Codable, Hashable, CaseIterable, Comparable {
        /// The project's own limits (per-member limits are writable).
        case projectLimits = "project_limits"
        /// Taking a role away (making a PI or PI proxy a plain member); giving one is writable.
        case roleRemoval = "role_removal"

        public static func < (lhs: Restriction, rhs: Restriction) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    /// The aspects the provider can read.
    public var observable: Set<Aspect>
    /// The aspects the provider can change.
    public var writable: Set<Aspect>
    /// Writes within writable aspects the provider cannot make: each becomes a manual item a refresh verifies.
    public var restrictions: Set<Restriction>
    /// Roles the back end does not tell apart, each mapped to the one it stores and shows (Slurm has one
    /// coordinator role for both PI and PI proxy: `[.piProxy: .pi]`). Observed states only use stored roles.
    public var roleAliases: [Role: Role]

    /// Creates a capability set.
    public init(
        observable: Set<Aspect>, writable: Set<Aspect>, restrictions: Set<Restriction> = [],
        roleAliases: [Role: Role] = [:]
    ) {
        self.observable = observable
        self.writable = writable
        self.restrictions = restrictions
        self.roleAliases = roleAliases
    }

    /// The role the back end stores for a manifest's role.
    public func storedRole(_ role: Role) -> Role { roleAliases[role] ?? role }

    /// How the planner treats a difference in `aspect`.
    public func treatment(of aspect: Aspect) -> Treatment {
        guard observable.contains(aspect) else { return .acknowledgedItem }
        return writable.contains(aspect) ? .change : .verifiableItem
    }
}
