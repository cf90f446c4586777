/// Whether a facility's account system is up, in the domain's terms.
public struct AccountSystemStatus: Sendable, Hashable, Codable {
    /// The system's name as the facility calls it, e.g. `iris` or `slurmdbd`.
    public var name: String
    /// Whether changes can be made now.
    public var isActive: Bool
    /// The facility's word for the state, e.g. `active`, `degraded`, `unavailable`.
    public var state: String
    /// Notes the facility gave, e.g. a maintenance window.
    public var notes: [String]

    /// Creates a status.
    public init(name: String, isActive: Bool, state: String, notes: [String] = []) {
        self.name = name
        self.isActive = isActive
        self.state = state
        self.notes = notes
    }
}
