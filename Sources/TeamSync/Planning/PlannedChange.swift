import AccountModels

/// One write the applier performs against the facility.
///
/// Group changes batch every username of one group into one request (`batch_add` / `batch_remove`).
/// Roster and role kinds exist for providers that can write them (Slurm accounting); SFAPI v1.2 never
/// gets them, because its capabilities turn those into manual items.
public struct PlannedChange: Sendable, Codable, Hashable {
    /// What a change does.
    public enum Kind: String, Sendable, Codable, Hashable, CaseIterable {
        /// Create a Unix file group owned by the project.
        case createGroup
        /// Add usernames to a group in one request.
        case addMembers
        /// Remove usernames from a group in one request.
        case removeMembers
        /// Add usernames to the project's roster (providers with a writable roster only).
        case addToProject
        /// Remove usernames from the project's roster (providers with a writable roster only).
        case removeFromProject
        /// Give usernames a role in the project (providers with writable roles only).
        case setRole
    }

    /// A stable id, e.g. `m4812/lumcal/add`; the journal keys its records by it.
    public var id: String
    /// What the change does.
    public var kind: Kind
    /// The facility project the change belongs to.
    public var project: String
    /// The group the change touches; nil for roster and role changes.
    public var group: String?
    /// The usernames the change adds, removes or sets, sorted; empty for `createGroup`.
    public var usernames: [String]
    /// The role `setRole` gives, as the manifest spells it (`pi`, `pi_proxy`, `member`).
    public var role: Role?

    /// Creates a change; usernames are sorted.
    public init(id: String, kind: Kind, project: String, group: String?, usernames: [String], role: Role? = nil) {
        self.id = id
        self.kind = kind
        self.project = project
        self.group = group
        self.usernames = usernames.sorted()
        self.role = role
    }

    /// Whether this change takes a membership away from someone.
    public var isRemoval: Bool { kind == .removeMembers || kind == .removeFromProject }
}
