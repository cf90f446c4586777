import AccountModels

/// The inputs of a plan besides manifests, snapshot and capabilities.
public struct PlanOptions: Sendable, Hashable {
    /// The day membership ends are judged against.
    public var today: CalendarDay
    /// `--max-removals`: replaces every manifest's `max_removals` with one limit for the whole plan.
    public var maxRemovalsOverride: Int?
    /// Ids of unverifiable manual items a person has marked done; the planner omits them.
    ///
    /// Only unverifiable items (permissions, other users' roles) are ever omitted this way: an
    /// item a refresh can check (roster, groups) stays until the facility shows it done.
    public var acknowledged: Set<String>
    /// When the plan is made, seconds since 1970; recorded in the plan but not part of its id.
    public var createdAt: Double?
    /// The teamctl version recorded in the plan.
    public var toolVersion: String
    /// The content hash of the snapshot, when the cache has one.
    public var snapshotHash: String?
    /// Where people do what the API cannot, for manual items.
    public var irisURL: String
    /// Per project, everyone earlier snapshots showed in the project's groups. SFAPI cannot list a
    /// project's members, so once someone leaves every group they vanish from the observed roster; this
    /// history keeps their "remove from project" item listed (unverifiable, until acknowledged).
    public var formerMembers: [String: Set<String>]

    /// Creates options.
    public init(
        today: CalendarDay, maxRemovalsOverride: Int? = nil, acknowledged: Set<String> = [],
        createdAt: Double? = nil, toolVersion: String = "0.1.0", snapshotHash: String? = nil,
        irisURL: String = "https://iris.nersc.gov/", formerMembers: [String: Set<String>] = [:]
    ) {
        self.today = today
        self.maxRemovalsOverride = maxRemovalsOverride
        self.acknowledged = acknowledged
        self.createdAt = createdAt
        self.toolVersion = toolVersion
        self.snapshotHash = snapshotHash
        self.irisURL = irisURL
        self.formerMembers = formerMembers
    }
}
