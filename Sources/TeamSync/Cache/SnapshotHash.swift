import AccountModels
import Crypto
import Foundation

extension FacilitySnapshot {
    /// The snapshot with every list in a fixed order, so equal facility states encode equally.
    public func canonicalized() -> FacilitySnapshot {
        var copy = self
        copy.projects.sort { ($0.repo_name, $0.id) < ($1.repo_name, $1.id) }
        copy.roles.sort { ($0.repo_name, $0.id) < ($1.repo_name, $1.id) }
        copy.missingGroups = Array(Set(missingGroups)).sorted()
        copy.clients.sort { $0.clientId < $1.clientId }
        copy.groups = groups.mapValues { group in
            var group = group
            group.users = group.users?.sorted { ($0.name, $0.uid) < ($1.name, $1.uid) }
            return group
        }
        return copy
    }

    /// SHA-256 (hex) of the canonical JSON of what was observed: facility, caller and every object,
    /// but not the id or the time, so two refreshes that saw the same state share a hash.
    ///
    /// The hash is fed one group at a time (name, then the group's canonical JSON, in name order) after
    /// the rest of the snapshot, so a facility with hundreds of thousands of memberships is never
    /// encoded into one buffer: that buffer was most of a large refresh's peak memory.
    public func computeContentHash() throws -> String {
        let content = canonicalized()
        var hasher = try ContentHasher(canonical: content)
        for name in content.groups.keys.sorted() {
            guard let group = content.groups[name] else { continue }
            try hasher.add(group, named: name)
        }
        return hasher.finalize()
    }
}

/// Feeds a canonical snapshot to SHA-256 in the order ``FacilitySnapshot/computeContentHash()`` reads it:
/// the header when created, then each group in name order. The cache's store feeds it as it writes each
/// group's row, so every group is encoded once for both.
struct ContentHasher {
    private var sha = SHA256()
    private let encoder: JSONEncoder

    /// Starts the hash of `content`, which must be canonical, with everything but its groups.
    init(canonical content: FacilitySnapshot) throws {
        encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        sha.update(
            data: try encoder.encode(
                HashedHeader(
                    facility: content.facility, caller: content.caller, user: content.user,
                    projects: content.projects, roles: content.roles, missingGroups: content.missingGroups,
                    clients: content.clients)))
    }

    /// Adds the next group (in name order) with its canonical JSON as `JSONEncoder` writes it with
    /// `.sortedKeys` and `.withoutEscapingSlashes`.
    mutating func add(_ group: GroupStats, named name: String) throws {
        if let json = GroupJSONWriter.json(group) {
            add(json: json, named: name)
        } else {
            add(json: try encoder.encode(group), named: name)
        }
    }

    /// Adds the next group (in name order) from JSON already written (by ``GroupJSONWriter``).
    mutating func add(json: some DataProtocol, named name: String) {
        sha.update(data: [0x1E] + Array(name.utf8) + [0x1F])
        sha.update(data: json)
    }

    /// The hash, as lower-case hex.
    func finalize() -> String {
        sha.finalize().map { String(format: "%02x", $0) }.joined()
    }
}

/// Everything in a snapshot but its id, its time and its groups, in the order the hash reads it.
private struct HashedHeader: Encodable {
    var facility: String
    var caller: String
    var user: UserInfo?
    var projects: [ProjectStats]
    var roles: [RoleStats]
    var missingGroups: [String]
    var clients: [APIClient]
}
