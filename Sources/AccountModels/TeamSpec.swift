/// A team that spans facilities (team manifest version 2): members are person ids from a people file, and each
/// facility names the project or account the team holds there. Resolution turns it into one ``TeamManifest`` per
/// facility, keyed by that facility's usernames.
public struct TeamSpec: Sendable, Hashable {
    /// The team's name.
    public var name: String
    /// The people file, as written in the manifest (relative to the manifest's folder).
    public var peopleFile: String
    /// The facilities the team lives on, by profile name.
    public var facilities: [String: FacilitySpec]
    /// The members, by person id.
    public var members: [String: TeamMemberSpec]
    /// Groups at every facility whose back end holds groups, by name; members are person ids.
    public var groups: [String: GroupSpec]
    /// Permissions at every facility, by name: person ids.
    public var permissions: [String: [String]]
    /// The project's limits at every facility that has limits.
    public var limits: [LimitResource: LimitValue]
    /// Safety rules; `protected` lists person ids.
    public var policy: Policy

    /// Creates a team.
    public init(
        name: String, peopleFile: String, facilities: [String: FacilitySpec] = [:],
        members: [String: TeamMemberSpec] = [:], groups: [String: GroupSpec] = [:],
        permissions: [String: [String]] = [:], limits: [LimitResource: LimitValue] = [:], policy: Policy = Policy()
    ) {
        self.name = name
        self.peopleFile = peopleFile
        self.facilities = facilities
        self.members = members
        self.groups = groups
        self.permissions = permissions
        self.limits = limits
        self.policy = policy
    }
}

/// What a team holds at one facility: the project, and what applies there only.
public struct FacilitySpec: Sendable, Hashable {
    /// The project or account name at the facility.
    public var project: String
    /// Groups at this facility only (members are person ids).
    public var groups: [String: GroupSpec]
    /// Permissions at this facility only.
    public var permissions: [String: [String]]
    /// The project's limits here (each resource named overrides the team-wide one).
    public var limits: [LimitResource: LimitValue]
    /// Per-member settings here: a role or limits that differ from the team-wide entry.
    public var members: [String: MemberOverride]

    /// Creates one.
    public init(
        project: String, groups: [String: GroupSpec] = [:], permissions: [String: [String]] = [:],
        limits: [LimitResource: LimitValue] = [:], members: [String: MemberOverride] = [:]
    ) {
        self.project = project
        self.groups = groups
        self.permissions = permissions
        self.limits = limits
        self.members = members
    }
}

/// A member of a multi-facility team.
public struct TeamMemberSpec: Sendable, Hashable {
    /// The role at every facility (unless overridden there).
    public var role: Role
    /// The last day of membership in this team (the people file's `until` ends the person everywhere).
    public var until: CalendarDay?
    /// The member's limits at every facility (each resource overridable per facility).
    public var limits: [LimitResource: LimitValue]
    /// The facilities the member is on; nil means every facility of the team.
    public var facilities: [String]?

    /// Creates a member entry.
    public init(
        role: Role = .member, until: CalendarDay? = nil, limits: [LimitResource: LimitValue] = [:],
        facilities: [String]? = nil
    ) {
        self.role = role
        self.until = until
        self.limits = limits
        self.facilities = facilities
    }
}

/// A member's settings at one facility that differ from the team-wide entry.
public struct MemberOverride: Sendable, Hashable {
    /// The role here, when it differs.
    public var role: Role?
    /// Limits here; each resource named overrides the team-wide value.
    public var limits: [LimitResource: LimitValue]

    /// Creates one.
    public init(role: Role? = nil, limits: [LimitResource: LimitValue] = [:]) {
        self.role = role
        self.limits = limits
    }
}
