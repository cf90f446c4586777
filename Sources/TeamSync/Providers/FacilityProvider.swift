import AccountModels

/// A facility back end that planning and applying talk to.
///
/// A provider declares what it can read and write. The planner turns whatever the provider cannot
/// write into a manual item; the applier only ever calls the write methods for aspects the provider
/// declares writable. SFAPI v1.2 is the first provider; Slurm accounting (slurmrestd) is meant to follow.
public protocol FacilityProvider: Sendable {
    /// A short name for messages and the journal, e.g. `sfapi`.
    var name: String { get }
    /// What this back end can read and write.
    var capabilities: ProviderCapabilities { get }
    /// Whether the account system is up. Returns the system's status record, or nil when the
    /// provider has no status to report.
    func accountSystemStatus() async throws -> SystemStatus?
    /// Reads one group by name; nil when the facility says it does not exist.
    func readGroup(named name: String) async throws -> GroupStats?
    /// Creates a group owned by `project`.
    func createGroup(named name: String, project: String) async throws -> GroupStats
    /// Adds usernames to a group in one request (set semantics: adding a member twice changes nothing).
    func addMembers(_ usernames: [String], to group: String) async throws -> GroupStats
    /// Removes usernames from a group in one request (set semantics).
    func removeMembers(_ usernames: [String], from group: String) async throws -> GroupStats
}
