/// What teamctl observed of a facility in one refresh: the caller's own view of `/account`.
///
/// A snapshot is immutable once stored. Plans name the snapshot they were computed from, and
/// usage reports read the history of snapshots.
public struct FacilitySnapshot: Sendable, Codable, Hashable {
    /// The cache's id for this snapshot (0 until stored).
    public var id: Int64
    /// When the refresh finished, in seconds since 1970 (UTC).
    public var fetchedAt: Double
    /// The facility profile name, e.g. `nersc`.
    public var facility: String
    /// The username the credentials belong to.
    public var caller: String
    /// The caller's own user record.
    public var user: UserInfo?
    /// The caller's projects.
    public var projects: [ProjectStats]
    /// The caller's Iris roles.
    public var roles: [RoleStats]
    /// Every group read, keyed by name; includes the caller's groups and every group a manifest names.
    public var groups: [String: GroupStats]
    /// Groups a manifest named that the facility answered 404 for (they do not exist yet).
    public var missingGroups: [String]
    /// The caller's API clients.
    public var clients: [APIClient]

    /// Creates a snapshot.
    public init(
        id: Int64 = 0, fetchedAt: Double, facility: String, caller: String, user: UserInfo? = nil,
        projects: [ProjectStats] = [], roles: [RoleStats] = [], groups: [String: GroupStats] = [:],
        missingGroups: [String] = [], clients: [APIClient] = []
    ) {
        self.id = id
        self.fetchedAt = fetchedAt
        self.facility = facility
        self.caller = caller
        self.user = user
        self.projects = projects
        self.roles = roles
        self.groups = groups
        self.missingGroups = missingGroups
        self.clients = clients
    }

    /// The caller's Iris role in a project, if they have one.
    public func callerRole(in repoName: String) -> IrisRole? {
        let raw =
            roles.first { $0.repo_name == repoName }?.iris_role
            ?? projects.first { $0.repo_name == repoName }?.iris_role
        return raw.flatMap(IrisRole.init(rawValue:))
    }
}
