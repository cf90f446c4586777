/// What a provider observed of one facility, in the domain's terms: the value the planner diffs the manifests
/// against. Providers produce it from their own wire data; nothing here names a back end.
///
/// Within an aspect the provider observes, a single fact can still be unknown: a member whose role the provider
/// cannot see has a nil role, and someone who may or may not still be in a project is a possible member.
public struct ObservedState: Sendable, Hashable {
    /// The facility profile name, e.g. `nersc`.
    public var facility: String
    /// The username the credentials belong to.
    public var caller: String
    /// The cache's id of the snapshot this was read from (0 when not stored).
    public var snapshotID: Int64
    /// A content hash of the snapshot, when the cache has one.
    public var snapshotHash: String?
    /// When the facility was read, seconds since 1970 (UTC).
    public var fetchedAt: Double
    /// Unix groups by name with their members (sorted); only groups that exist.
    public var groups: [String: [String]]
    /// Groups asked about that do not exist.
    public var missingGroups: Set<String>
    /// Each project asked about, by name.
    public var projects: [String: ObservedProject]
    /// Everyone the provider saw anywhere at the facility, the caller included (for "unknown user" warnings).
    public var knownUsers: Set<String>

    /// Creates an observed state.
    public init(
        facility: String, caller: String, snapshotID: Int64 = 0, snapshotHash: String? = nil, fetchedAt: Double,
        groups: [String: [String]] = [:], missingGroups: Set<String> = [], projects: [String: ObservedProject] = [:],
        knownUsers: Set<String> = []
    ) {
        self.facility = facility
        self.caller = caller
        self.snapshotID = snapshotID
        self.snapshotHash = snapshotHash
        self.fetchedAt = fetchedAt
        self.groups = groups
        self.missingGroups = missingGroups
        self.projects = projects
        self.knownUsers = knownUsers
    }

    /// The state of one target, as a plan's basis and the applier's re-reads describe it.
    public func target(_ target: ChangeTarget) -> TargetState {
        switch target {
        case .group(let name):
            guard let members = groups[name] else { return TargetState(exists: false) }
            return TargetState(values: Set(members))
        case .roster(let project):
            return TargetState(values: Set(projects[project]?.members.keys.map { $0 } ?? []))
        case .roles(let project):
            let members = projects[project]?.members ?? [:]
            return TargetState(values: Set(members.compactMap { user, role in role.map { "\(user)=\($0.rawValue)" } }))
        case .permission(let project, let name):
            return TargetState(values: projects[project]?.permissions[name] ?? [])
        case .limits(let project, let subject):
            let limits = projects[project]?.limits[subject] ?? [:]
            return TargetState(values: Set(limits.map { "\($0.key.rawValue)=\($0.value)" }))
        }
    }
}

/// What a provider observed of one project.
public struct ObservedProject: Sendable, Hashable {
    /// The members and their roles; a nil role means the provider cannot see that member's role.
    public var members: [String: Role?]
    /// People who may still be members though the provider cannot tell (only a person can check).
    public var possibleMembers: Set<String>
    /// Holders of each permission the provider read, by permission name.
    public var permissions: [String: Set<String>]
    /// Limits by subject (a username, or `""` for the project itself), then by resource.
    public var limits: [String: [LimitResource: LimitValue]]
    /// The permissions someone added to the project holds from the start (Slurm: a new association inherits the
    /// account's QOS list).
    public var joinerPermissions: Set<String>
    /// Members the provider cannot take out of the project, with why and what a person must do instead (e.g. the
    /// project is their only account, and the back end needs them to keep one).
    public var removalBlocked: [String: String]
    /// Whether the caller may change the project's groups and members; nil when unknown.
    public var callerCanManage: Bool?
    /// The caller's role in the project, when the provider shows it (for messages).
    public var callerRole: Role?

    /// Creates an observed project.
    public init(
        members: [String: Role?] = [:], possibleMembers: Set<String> = [], permissions: [String: Set<String>] = [:],
        limits: [String: [LimitResource: LimitValue]] = [:], joinerPermissions: Set<String> = [],
        removalBlocked: [String: String] = [:], callerCanManage: Bool? = nil, callerRole: Role? = nil
    ) {
        self.joinerPermissions = joinerPermissions
        self.members = members
        self.possibleMembers = possibleMembers
        self.permissions = permissions
        self.limits = limits
        self.removalBlocked = removalBlocked
        self.callerCanManage = callerCanManage
        self.callerRole = callerRole
    }
}

/// What a change acts on: the unit a plan's basis records, the applier re-reads and changes run in order within.
public enum ChangeTarget: Sendable, Hashable, Comparable {
    /// A Unix group, by name.
    case group(String)
    /// A project's roster.
    case roster(project: String)
    /// A project's roles.
    case roles(project: String)
    /// One permission's holders in a project.
    case permission(project: String, name: String)
    /// One subject's limits in a project (`""` for the project itself).
    case limits(project: String, subject: String)

    /// A stable key, e.g. `group lumcal`, `roster m4812`, `permission m4812 premium`, `limits m4812 alice`.
    public var key: String {
        switch self {
        case .group(let name): return "group \(name)"
        case .roster(let project): return "roster \(project)"
        case .roles(let project): return "roles \(project)"
        case .permission(let project, let name): return "permission \(project) \(name)"
        case .limits(let project, let subject): return "limits \(project) \(subject.isEmpty ? "-" : subject)"
        }
    }

    /// Reads a key written by ``key``.
    public init?(key: String) {
        // A permission's name is last and may itself contain spaces.
        let parts = key.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false).map(String.init)
        switch (parts.first, parts.count) {
        case ("group", 2): self = .group(parts[1])
        case ("roster", 2): self = .roster(project: parts[1])
        case ("roles", 2): self = .roles(project: parts[1])
        case ("permission", 3): self = .permission(project: parts[1], name: parts[2])
        case ("limits", 3): self = .limits(project: parts[1], subject: parts[2] == "-" ? "" : parts[2])
        default: return nil
        }
    }

    /// The project a target belongs to; nil for a group (groups are the facility's, not a project's).
    public var project: String? {
        switch self {
        case .group: return nil
        case .roster(let project), .roles(let project), .permission(let project, _), .limits(let project, _):
            return project
        }
    }

    public static func < (lhs: ChangeTarget, rhs: ChangeTarget) -> Bool { lhs.key < rhs.key }
}

/// A target's observed state: whether it exists and its values (members, holders, `user=role`, `resource=value`).
public struct TargetState: Sendable, Hashable, Codable {
    /// Whether the target exists (a group can be missing; rosters and permissions always exist).
    public var exists: Bool
    /// The values, sorted when encoded.
    public var values: Set<String>

    /// Creates a target state.
    public init(exists: Bool = true, values: Set<String> = []) {
        self.exists = exists
        self.values = exists ? values : []
    }

    enum CodingKeys: String, CodingKey { case exists, values }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        exists = try container.decode(Bool.self, forKey: .exists)
        values = Set(try container.decode([String].self, forKey: .values))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(exists, forKey: .exists)
        try container.encode(values.sorted(), forKey: .values)
    }
}

/// A resource an hour limit applies to.
public enum LimitResource: String, Sendable, Codable, CodingKeyRepresentable, Hashable, CaseIterable, Comparable {
    /// CPU hours (`cpu_hours` in the manifest).
    case cpuHours = "cpu_hours"
    /// GPU hours (`gpu_hours` in the manifest).
    case gpuHours = "gpu_hours"

    public static func < (lhs: LimitResource, rhs: LimitResource) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// An hour limit: a number of hours, or none.
public enum LimitValue: Sendable, Hashable, Codable, CustomStringConvertible, Comparable {
    /// At most this many hours.
    case hours(Int64)
    /// No limit.
    case unlimited

    public var description: String {
        switch self {
        case .hours(let hours): return "\(hours)"
        case .unlimited: return "unlimited"
        }
    }

    /// Reads `unlimited` or a whole number of hours.
    public init?(text: String) {
        if text == "unlimited" {
            self = .unlimited
        } else if let hours = Int64(text), hours >= 0 {
            self = .hours(hours)
        } else {
            return nil
        }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let hours = try? container.decode(Int64.self) {
            self = .hours(hours)
        } else if let text = try? container.decode(String.self), let value = LimitValue(text: text) {
            self = value
        } else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "expected a whole number of hours or 'unlimited'")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .hours(let hours): try container.encode(hours)
        case .unlimited: try container.encode("unlimited")
        }
    }

    public static func < (lhs: LimitValue, rhs: LimitValue) -> Bool {
        switch (lhs, rhs) {
        case (.hours(let a), .hours(let b)): return a < b
        case (.hours, .unlimited): return true
        default: return false
        }
    }
}
