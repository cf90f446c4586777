import AccountModels

/// One write the applier performs: a typed action on one facility's project.
///
/// Saved plans store it flat (`kind` and the action's fields, see `docs/plan-format.md`); in code it is the
/// ``Action`` enum, so a change can only carry the payload its kind needs.
public struct PlannedChange: Sendable, Hashable {
    /// What a change does, with its payload.
    public enum Action: Sendable, Hashable {
        /// Create a Unix group owned by the project.
        case createGroup(group: String)
        /// Add usernames to a group (set semantics: adding a member twice changes nothing).
        case addGroupMembers(group: String, usernames: [String])
        /// Remove usernames from a group.
        case removeGroupMembers(group: String, usernames: [String])
        /// Add usernames to the project's roster.
        case addProjectMembers(usernames: [String])
        /// Remove usernames from the project's roster.
        case removeProjectMembers(usernames: [String])
        /// Give usernames a role in the project.
        case setRole(Role, usernames: [String])
        /// Give usernames a permission.
        case grantPermission(String, usernames: [String])
        /// Take a permission from usernames.
        case revokePermission(String, usernames: [String])
        /// Set one subject's limit on a resource (`subject` empty for the project itself).
        case setLimit(subject: String, resource: LimitResource, value: LimitValue)
    }

    /// The kind of an action, as plan files spell it.
    public enum Kind: String, Sendable, Codable, Hashable, CaseIterable {
        case createGroup, addMembers, removeMembers, addToProject, removeFromProject, setRole
        case grantPermission, revokePermission, setLimit
    }

    /// A stable id, e.g. `nersc/m4812/lumcal/add`; the journal keys its records by it.
    public var id: String
    /// The facility profile the change is for.
    public var facility: String
    /// The facility project the change belongs to.
    public var project: String
    /// What the change does.
    public var action: Action

    /// Creates a change; usernames are sorted.
    public init(id: String, facility: String, project: String, action: Action) {
        self.id = id
        self.facility = facility
        self.project = project
        self.action = action.sorted()
    }

    /// The kind of the action.
    public var kind: Kind {
        switch action {
        case .createGroup: return .createGroup
        case .addGroupMembers: return .addMembers
        case .removeGroupMembers: return .removeMembers
        case .addProjectMembers: return .addToProject
        case .removeProjectMembers: return .removeFromProject
        case .setRole: return .setRole
        case .grantPermission: return .grantPermission
        case .revokePermission: return .revokePermission
        case .setLimit: return .setLimit
        }
    }

    /// The group the change touches, for group actions.
    public var group: String? {
        switch action {
        case .createGroup(let group), .addGroupMembers(let group, _), .removeGroupMembers(let group, _): return group
        default: return nil
        }
    }

    /// The usernames the change adds, removes, grants or sets, sorted; empty for group creation and project limits.
    public var usernames: [String] {
        switch action {
        case .createGroup: return []
        case .addGroupMembers(_, let names), .removeGroupMembers(_, let names), .addProjectMembers(let names),
            .removeProjectMembers(let names), .setRole(_, let names), .grantPermission(_, let names),
            .revokePermission(_, let names):
            return names
        case .setLimit(let subject, _, _): return subject.isEmpty ? [] : [subject]
        }
    }

    /// The role `setRole` gives.
    public var role: Role? {
        if case .setRole(let role, _) = action { return role }
        return nil
    }

    /// The permission a grant or revoke is about.
    public var permission: String? {
        switch action {
        case .grantPermission(let name, _), .revokePermission(let name, _): return name
        default: return nil
        }
    }

    /// What the change acts on.
    public var target: ChangeTarget {
        switch action {
        case .createGroup(let group), .addGroupMembers(let group, _), .removeGroupMembers(let group, _):
            return .group(group)
        case .addProjectMembers, .removeProjectMembers: return .roster(project: project)
        case .setRole: return .roles(project: project)
        case .grantPermission(let name, _), .revokePermission(let name, _):
            return .permission(project: project, name: name)
        case .setLimit(let subject, _, _): return .limits(project: project, subject: subject)
        }
    }

    /// Whether this change takes a membership or a permission away from someone (counted against `max_removals`).
    public var isRemoval: Bool {
        switch action {
        case .removeGroupMembers, .removeProjectMembers, .revokePermission: return true
        default: return false
        }
    }

    /// When in an apply this change runs.
    public var phase: ChangePhase {
        switch action {
        case .addProjectMembers: return .join
        case .createGroup, .addGroupMembers, .removeGroupMembers, .setRole, .grantPermission, .revokePermission,
            .setLimit:
            return .adjust
        case .removeProjectMembers: return .leave
        }
    }

    /// The order within a target: creation first, then additions, then removals.
    var step: Int {
        switch action {
        case .createGroup: return 0
        case .addGroupMembers, .addProjectMembers, .grantPermission, .setRole, .setLimit: return 1
        case .removeGroupMembers, .removeProjectMembers, .revokePermission: return 2
        }
    }

    /// The change's effect on its target's state: what a re-read shows once it took effect.
    public func applied(to state: TargetState) -> TargetState {
        var state = state
        switch action {
        case .createGroup: state.exists = true
        case .addGroupMembers(_, let names), .addProjectMembers(let names), .grantPermission(_, let names):
            state.values.formUnion(names)
        case .removeGroupMembers(_, let names), .removeProjectMembers(let names), .revokePermission(_, let names):
            state.values.subtract(names)
        case .setRole(let role, let names):
            let users = Set(names)
            state.values = state.values.filter { !users.contains(String(Self.subject(of: $0))) }
            state.values.formUnion(names.map { "\($0)=\(role.rawValue)" })
        case .setLimit(_, let resource, let value):
            // No entry means no limit: that is how observed states and re-reads show `unlimited`.
            state.values = state.values.filter { Self.subject(of: $0) != resource.rawValue }
            if value != .unlimited { state.values.insert("\(resource.rawValue)=\(value)") }
        }
        return state
    }

    /// Whether a target's state shows the change in effect.
    public func isInEffect(in state: TargetState) -> Bool {
        guard state.exists else { return false }
        switch action {
        case .createGroup: return true
        case .addGroupMembers, .addProjectMembers, .grantPermission, .setRole:
            return applied(to: state).values.isSubset(of: state.values)
        case .setLimit(_, let resource, _):
            let current = state.values.filter { Self.subject(of: $0) == resource.rawValue }
            return current == applied(to: state).values.filter { Self.subject(of: $0) == resource.rawValue }
        case .removeGroupMembers(_, let names), .removeProjectMembers(let names), .revokePermission(_, let names):
            return state.values.isDisjoint(with: names)
        }
    }

    /// The change without `names` among its usernames; nil when none would be left (or it is a limit of one of them).
    func removing(_ names: Set<String>) -> PlannedChange? {
        let rest = usernames.filter { !names.contains($0) }
        guard !rest.isEmpty else { return nil }
        let action: Action
        switch self.action {
        case .createGroup: return self
        case .setLimit: return names.isEmpty ? self : nil
        case .addGroupMembers(let group, _): action = .addGroupMembers(group: group, usernames: rest)
        case .removeGroupMembers(let group, _): action = .removeGroupMembers(group: group, usernames: rest)
        case .addProjectMembers: action = .addProjectMembers(usernames: rest)
        case .removeProjectMembers: action = .removeProjectMembers(usernames: rest)
        case .setRole(let role, _): action = .setRole(role, usernames: rest)
        case .grantPermission(let name, _): action = .grantPermission(name, usernames: rest)
        case .revokePermission(let name, _): action = .revokePermission(name, usernames: rest)
        }
        return PlannedChange(id: id, facility: facility, project: project, action: action)
    }

    /// The part of `user=role` or `resource=value` before the `=`.
    static func subject(of value: String) -> Substring {
        value.split(separator: "=", maxSplits: 1).first ?? Substring(value)
    }
}

/// The three phases of an apply, which also order a plan: people join a project, then its groups, roles,
/// permissions and limits change, then people leave it.
public enum ChangePhase: Int, Sendable, Codable, Hashable, CaseIterable, Comparable {
    /// Roster additions.
    case join = 0
    /// Groups, roles, permissions and limits.
    case adjust = 1
    /// Roster removals.
    case leave = 2

    public static func < (lhs: ChangePhase, rhs: ChangePhase) -> Bool { lhs.rawValue < rhs.rawValue }
}

extension PlannedChange.Action {
    fileprivate func sorted() -> Self {
        switch self {
        case .createGroup, .setLimit: return self
        case .addGroupMembers(let group, let names): return .addGroupMembers(group: group, usernames: names.sorted())
        case .removeGroupMembers(let group, let names):
            return .removeGroupMembers(group: group, usernames: names.sorted())
        case .addProjectMembers(let names): return .addProjectMembers(usernames: names.sorted())
        case .removeProjectMembers(let names): return .removeProjectMembers(usernames: names.sorted())
        case .setRole(let role, let names): return .setRole(role, usernames: names.sorted())
        case .grantPermission(let name, let names): return .grantPermission(name, usernames: names.sorted())
        case .revokePermission(let name, let names): return .revokePermission(name, usernames: names.sorted())
        }
    }
}

extension PlannedChange: Codable {
    enum CodingKeys: String, CodingKey {
        case id, facility, project, kind, group, usernames, role, permission, subject, resource, limit
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let kind = try c.decode(Kind.self, forKey: .kind)
        func names() throws -> [String] { try c.decode([String].self, forKey: .usernames) }
        func group() throws -> String { try c.decode(String.self, forKey: .group) }
        func permission() throws -> String { try c.decode(String.self, forKey: .permission) }
        let action: Action
        switch kind {
        case .createGroup: action = .createGroup(group: try group())
        case .addMembers: action = .addGroupMembers(group: try group(), usernames: try names())
        case .removeMembers: action = .removeGroupMembers(group: try group(), usernames: try names())
        case .addToProject: action = .addProjectMembers(usernames: try names())
        case .removeFromProject: action = .removeProjectMembers(usernames: try names())
        case .setRole: action = .setRole(try c.decode(Role.self, forKey: .role), usernames: try names())
        case .grantPermission: action = .grantPermission(try permission(), usernames: try names())
        case .revokePermission: action = .revokePermission(try permission(), usernames: try names())
        case .setLimit:
            action = .setLimit(
                subject: try c.decode(String.self, forKey: .subject),
                resource: try c.decode(LimitResource.self, forKey: .resource),
                value: try c.decode(LimitValue.self, forKey: .limit))
        }
        self.init(
            id: try c.decode(String.self, forKey: .id), facility: try c.decode(String.self, forKey: .facility),
            project: try c.decode(String.self, forKey: .project), action: action)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(facility, forKey: .facility)
        try c.encode(project, forKey: .project)
        try c.encode(kind, forKey: .kind)
        try c.encodeIfPresent(group, forKey: .group)
        try c.encodeIfPresent(role, forKey: .role)
        try c.encodeIfPresent(permission, forKey: .permission)
        if case .setLimit(let subject, let resource, let value) = action {
            try c.encode(subject, forKey: .subject)
            try c.encode(resource, forKey: .resource)
            try c.encode(value, forKey: .limit)
        } else {
            try c.encode(usernames, forKey: .usernames)
        }
    }
}
