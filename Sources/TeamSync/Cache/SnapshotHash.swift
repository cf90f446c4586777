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
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var hasher = SHA256()
        hasher.update(
            data: try encoder.encode(
                HashedHeader(
                    facility: content.facility, caller: content.caller, user: content.user,
                    projects: content.projects, roles: content.roles, missingGroups: content.missingGroups,
                    clients: content.clients)))
        for name in content.groups.keys.sorted() {
            hasher.update(data: Data([0x1E]) + Data(name.utf8) + Data([0x1F]))
            hasher.update(data: try encoder.encode(content.groups[name]))
        }
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
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
