import AccountModels

/// An error that can say whether the request may have taken effect anyway (a timeout, a dropped
/// connection). The applier re-reads before retrying such failures; providers' errors conform.
public protocol AmbiguityReporting: Error {
    /// Whether the request may have reached the facility and taken effect.
    var isAmbiguous: Bool { get }
}

extension TransportError: AmbiguityReporting {}

/// A provider that can change project rosters and roles (Slurm accounting, one day). SFAPI v1.2 cannot,
/// so its plans never contain roster or role changes; the applier fails such changes on other providers.
public protocol RosterWriting: Sendable {
    /// Adds usernames to a project in one request.
    func addToProject(_ usernames: [String], project: String) async throws
    /// Removes usernames from a project in one request.
    func removeFromProject(_ usernames: [String], project: String) async throws
    /// Gives usernames a role in a project in one request.
    func setRole(_ role: Role, for usernames: [String], project: String) async throws
}
