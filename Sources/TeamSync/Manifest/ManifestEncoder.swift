import AccountModels
import Yams

/// Writes a `TeamManifest` as manifest YAML, in a stable order so the output diffs well in git.
///
/// Keys come in the documented order (version, project, facility, limits, members, groups, permissions, policy);
/// usernames, groups and permissions are sorted; lists keep their order. Each member and group is one
/// flow mapping on one line, as people write them. Defaults (role `member`, mode `authoritative`, empty
/// sections) are left out.
public enum ManifestEncoder {
    /// The manifest as YAML text that `ManifestLoader` reads back to the same value.
    public static func yaml(_ manifest: TeamManifest) throws -> String {
        var top: [(Node, Node)] = [
            (key("version"), Node(String(manifest.version))),
            (key("project"), text(manifest.project)),
        ]
        if let facility = manifest.facility { top.append((key("facility"), text(facility))) }

        let members = manifest.members.keys.sorted().map { name -> (Node, Node) in
            // The spec exists: the name came from the dictionary's own keys.
            let spec = manifest.members[name] ?? MemberSpec()
            var fields: [(Node, Node)] = []
            if spec.role != .member { fields.append((key("role"), Node(spec.role.rawValue))) }
            if let until = spec.until { fields.append((key("until"), Node(until.description))) }
            if !spec.limits.isEmpty { fields.append((key("limits"), limits(spec.limits))) }
            return (text(name), Node(fields, .implicit, .flow))
        }
        if !manifest.limits.isEmpty { top.append((key("limits"), limits(manifest.limits))) }
        top.append((key("members"), Node(members, .implicit, .block)))

        if !manifest.groups.isEmpty {
            let groups = manifest.groups.keys.sorted().map { name -> (Node, Node) in
                let spec = manifest.groups[name] ?? GroupSpec(members: .list([]))
                let members: Node
                switch spec.members {
                case .all: members = Node("all")
                case .list(let names): members = Node(names.map { text($0) }, .implicit, .flow)
                }
                var fields: [(Node, Node)] = [(key("members"), members)]
                if spec.mode != .authoritative { fields.append((key("mode"), Node(spec.mode.rawValue))) }
                return (text(name), Node(fields, .implicit, .flow))
            }
            top.append((key("groups"), Node(groups, .implicit, .block)))
        }
        if !manifest.permissions.isEmpty {
            let permissions = manifest.permissions.keys.sorted().map { name -> (Node, Node) in
                (text(name), Node((manifest.permissions[name] ?? []).map { text($0) }, .implicit, .flow))
            }
            top.append((key("permissions"), Node(permissions, .implicit, .block)))
        }
        var policy: [(Node, Node)] = []
        if !manifest.policy.protected.isEmpty {
            policy.append((key("protected"), Node(manifest.policy.protected.map { text($0) }, .implicit, .flow)))
        }
        if let limit = manifest.policy.max_removals {
            policy.append((key("max_removals"), Node(String(limit))))
        }
        if !policy.isEmpty { top.append((key("policy"), Node(policy, .implicit, .block))) }

        return try serialize(node: Node(top, .implicit, .block), width: -1, allowUnicode: true)
    }

    private static func key(_ name: String) -> Node { Node(name) }

    /// Hour limits as a flow mapping, resources in name order.
    private static func limits(_ limits: [LimitResource: LimitValue]) -> Node {
        Node(
            limits.sorted { $0.key < $1.key }.map { (key($0.key.rawValue), Node($0.value.description)) }, .implicit,
            .flow)
    }

    /// A text value; one that would read back as YAML null (`~`, `null`, empty) is quoted.
    private static func text(_ value: String) -> Node {
        ["", "~", "null", "Null", "NULL"].contains(value) ? Node(value, .implicit, .singleQuoted) : Node(value)
    }
}
