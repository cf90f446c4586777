import AccountModels

/// The SFAPI v1.2 back end for planning and applying: file groups read and written through ``SFAPIClient``.
public struct SFAPIProvider: FacilityProvider {
    /// The client calls go through.
    public let client: SFAPIClient

    /// Wraps a client.
    public init(client: SFAPIClient) { self.client = client }

    public var name: String { "sfapi" }
    public var capabilities: ProviderCapabilities { .sfapiV1_2 }

    /// The status of `iris`, NERSC's account system.
    public func accountSystemStatus() async throws -> SystemStatus? { try await client.system(named: "iris") }

    public func readGroup(named name: String) async throws -> GroupStats? { try await client.group(named: name) }

    public func createGroup(named name: String, project: String) async throws -> GroupStats {
        try await client.createGroup(name: name, repoName: project)
    }

    public func addMembers(_ usernames: [String], to group: String) async throws -> GroupStats {
        try await client.updateGroup(name: group, usernames: usernames, action: .batchAdd)
    }

    public func removeMembers(_ usernames: [String], from group: String) async throws -> GroupStats {
        try await client.updateGroup(name: group, usernames: usernames, action: .batchRemove)
    }
}
