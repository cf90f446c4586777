import AccountModels

/// Something the facility's back end cannot do, which a person does by hand (where, the provider says).
///
/// Manual items never block the rest of a plan. Ids are stable, so an item can be tracked across plans:
/// a verifiable item disappears once a later refresh shows it done; an unverifiable one (the back end cannot
/// show it) disappears once its id is acknowledged (see `PlanOptions.acknowledged`).
public struct ManualItem: Sendable, Codable, Hashable {
    /// A stable id, e.g. `nersc/m4812/roster/newbie/add` or `nersc/m4812/permissions/premium_qos/jlarsen`.
    public var id: String
    /// The facility profile the item is for.
    public var facility: String
    /// Which kind of account data the item is about.
    public var aspect: ProviderCapabilities.Aspect
    /// The facility project.
    public var project: String
    /// The user the item is about.
    public var subject: String
    /// What to do, e.g. `add to project`, `set role PI Proxy`, `grant premium_qos`.
    public var action: String
    /// Where to do it, e.g. `Account portal: https://accounts.example.org/ → project m4812 → Roster`.
    public var `where`: String
    /// Whether a later refresh can show the item done; false items stay until acknowledged.
    public var verifiable: Bool
    /// Why the item exists or how to close it, when that is not obvious.
    public var note: String?

    /// Creates a manual item.
    public init(
        id: String, facility: String, aspect: ProviderCapabilities.Aspect, project: String, subject: String,
        action: String, where: String, verifiable: Bool, note: String? = nil
    ) {
        self.id = id
        self.facility = facility
        self.aspect = aspect
        self.project = project
        self.subject = subject
        self.action = action
        self.where = `where`
        self.verifiable = verifiable
        self.note = note
    }
}
