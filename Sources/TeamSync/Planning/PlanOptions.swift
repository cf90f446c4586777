import AccountModels

/// The inputs of a plan besides manifests, the observed state and the provider.
public struct PlanOptions: Sendable, Hashable {
    /// The day membership ends are judged against.
    public var today: CalendarDay
    /// `--max-removals`: replaces every manifest's `max_removals` with one limit for the whole plan.
    public var maxRemovalsOverride: Int?
    /// Ids of manual items a person has marked done that no refresh can verify; the planner omits them.
    ///
    /// Only items the provider cannot observe are ever omitted this way: an item a refresh can check stays until
    /// the facility shows it done.
    public var acknowledged: Set<String>
    /// When the plan is made, seconds since 1970; recorded in the plan but not part of its id.
    public var createdAt: Double?
    /// The teamctl version recorded in the plan.
    public var toolVersion: String
    /// The files and day the plan is made from, recorded in it (see ``PlanSource``).
    public var source: PlanSource?

    /// Creates options.
    public init(
        today: CalendarDay, maxRemovalsOverride: Int? = nil, acknowledged: Set<String> = [],
        createdAt: Double? = nil, toolVersion: String = "0.1.0", source: PlanSource? = nil
    ) {
        self.today = today
        self.maxRemovalsOverride = maxRemovalsOverride
        self.acknowledged = acknowledged
        self.createdAt = createdAt
        self.toolVersion = toolVersion
        self.source = source
    }
}
