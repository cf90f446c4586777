/// The desired state of one facility project, as a team manifest file declares it.
public struct TeamManifest: Sendable, Codable, Hashable {
    /// The manifest format version; only `1` exists.
    public var version: Int
    /// The facility project (`repo_name`) this manifest governs, e.g. `m1234`.
    public var project: String
    /// The named facility profile from the config file, if any.
    public var facility: String?
    /// The desired roster, keyed by facility username.
    public var members: [String: MemberSpec]
    /// The Unix file groups the project owns, keyed by group name.
    public var groups: [String: GroupSpec]
    /// Named capabilities (e.g. `premium_qos`) and who holds them.
    public var permissions: [String: [String]]
    /// Safety rules for planning and applying.
    public var policy: Policy
    /// The project's own hour limits; a resource not named is left as it is.
    public var limits: [LimitResource: LimitValue]

    /// Creates a manifest.
    public init(
        version: Int = 1, project: String, facility: String? = nil, members: [String: MemberSpec] = [:],
        groups: [String: GroupSpec] = [:], permissions: [String: [String]] = [:], policy: Policy = Policy(),
        limits: [LimitResource: LimitValue] = [:]
    ) {
        self.limits = limits
        self.version = version
        self.project = project
        self.facility = facility
        self.members = members
        self.groups = groups
        self.permissions = permissions
        self.policy = policy
    }

    /// The members whose membership is in force on `day` (those past `until` count as absent).
    public func activeMembers(on day: CalendarDay) -> Set<String> {
        Set(members.filter { $0.value.isActive(on: day) }.keys)
    }

    /// The usernames a group should contain on `day`, expanding `all` to the active roster.
    public func desiredMembers(of group: GroupSpec, on day: CalendarDay) -> Set<String> {
        let active = activeMembers(on: day)
        switch group.members {
        case .all: return active
        case .list(let names): return Set(names).intersection(active)
        }
    }
}

/// A roster entry: the member's role and, optionally, when their membership ends.
public struct MemberSpec: Sendable, Codable, Hashable {
    public var role: Role
    /// The last day of membership; after it the member counts as absent.
    public var until: CalendarDay?
    /// The member's own hour limits; a resource not named is left as it is.
    public var limits: [LimitResource: LimitValue]

    /// Creates a roster entry.
    public init(role: Role = .member, until: CalendarDay? = nil, limits: [LimitResource: LimitValue] = [:]) {
        self.role = role
        self.until = until
        self.limits = limits
    }

    /// Whether the membership is in force on `day`.
    public func isActive(on day: CalendarDay) -> Bool { until.map { day <= $0 } ?? true }

    enum CodingKeys: String, CodingKey { case role, until, limits }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        role = try container.decodeIfPresent(Role.self, forKey: .role) ?? .member
        until = try container.decodeIfPresent(CalendarDay.self, forKey: .until)
        let named = try container.decodeIfPresent([String: LimitValue].self, forKey: .limits) ?? [:]
        limits = Dictionary(
            uniqueKeysWithValues: named.compactMap { key, value in
                LimitResource(rawValue: key).map { ($0, value) }
            })
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        if role != .member { try container.encode(role, forKey: .role) }
        try container.encodeIfPresent(until, forKey: .until)
        if !limits.isEmpty {
            try container.encode(
                Dictionary(uniqueKeysWithValues: limits.map { ($0.key.rawValue, $0.value) }), forKey: .limits)
        }
    }
}

/// A member's role in the project, as the manifest spells it.
public enum Role: String, Sendable, Codable, Hashable, CaseIterable, Comparable {
    case pi
    case piProxy = "pi_proxy"
    case member

    public static func < (lhs: Role, rhs: Role) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// A Unix file group's desired members and how strictly they are enforced.
public struct GroupSpec: Sendable, Codable, Hashable {
    /// Who belongs in the group.
    public enum Members: Sendable, Hashable {
        /// Every active roster member.
        case all
        /// These usernames (each must be in the roster).
        case list([String])
    }

    /// How the group's membership is reconciled.
    public enum Mode: String, Sendable, Codable, Hashable, CaseIterable {
        /// The group holds exactly the desired members: others are removed.
        case authoritative
        /// Desired members are added; nobody is ever removed.
        case additive
    }

    public var members: Members
    public var mode: Mode

    /// Creates a group spec.
    public init(members: Members, mode: Mode = .authoritative) {
        self.members = members
        self.mode = mode
    }

    enum CodingKeys: String, CodingKey { case members, mode }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        if let word = try? container.decode(String.self, forKey: .members) {
            guard word == "all" else {
                throw DecodingError.dataCorruptedError(
                    forKey: .members, in: container, debugDescription: "expected 'all' or a list of usernames")
            }
            members = .all
        } else {
            members = .list(try container.decodeIfPresent([String].self, forKey: .members) ?? [])
        }
        mode = try container.decodeIfPresent(Mode.self, forKey: .mode) ?? .authoritative
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch members {
        case .all: try container.encode("all", forKey: .members)
        case .list(let names): try container.encode(names, forKey: .members)
        }
        if mode != .authoritative { try container.encode(mode, forKey: .mode) }
    }
}

/// Safety rules that planning and applying enforce.
public struct Policy: Sendable, Codable, Hashable {
    /// Users never removed from anything.
    public var protected: [String]
    /// The most membership removals one plan may contain; nil means no limit.
    public var max_removals: Int?

    /// Creates a policy.
    public init(protected: [String] = [], max_removals: Int? = nil) {
        self.protected = protected
        self.max_removals = max_removals
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        protected = try container.decodeIfPresent([String].self, forKey: .protected) ?? []
        max_removals = try container.decodeIfPresent(Int.self, forKey: .max_removals)
    }
}
