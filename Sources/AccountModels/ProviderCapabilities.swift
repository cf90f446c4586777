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

    /// The aspects the provider can read.
    public var observable: Set<Aspect>
    /// The aspects the provider can change.
    public var writable: Set<Aspect>

    /// Creates a capability set.
    public init(observable: Set<Aspect>, writable: Set<Aspect>) {
        self.observable = observable
        self.writable = writable
    }

    /// How the planner treats a difference in `aspect`.
    public func treatment(of aspect: Aspect) -> Treatment {
        guard observable.contains(aspect) else { return .acknowledgedItem }
        return writable.contains(aspect) ? .change : .verifiableItem
    }
}
