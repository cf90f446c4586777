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
    public func computeContentHash() throws -> String {
        var content = canonicalized()
        content.id = 0
        content.fetchedAt = 0
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(content)
        return SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }
}
