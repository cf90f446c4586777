import AccountModels

/// Writes a team manifest from what the facility shows, so a team can start from the live state.
///
/// SFAPI v1.2 cannot list a project's members or say which project owns a group, so the manifest is
/// built from the groups the caller can see: their members become the roster (the caller with their
/// Iris role, everyone else as `member`) and each group keeps exactly its current members. Applying the
/// result right away plans nothing.
public enum ManifestImporter {
    /// What an import produced: the manifest value and its commented YAML text.
    public struct Result: Sendable {
        public var manifest: TeamManifest
        public var yaml: String
    }

    /// Errors an import reports.
    public enum ImportError: Error, CustomStringConvertible, Equatable {
        case unknownProject(String, known: [String])

        public var description: String {
            switch self {
            case .unknownProject(let name, let known):
                let list = known.isEmpty ? "none" : known.sorted().joined(separator: ", ")
                return "project '\(name)' is not among the caller's projects (\(list)); pass one of them with --project"
            }
        }
    }

    /// Builds the manifest for `project` from a snapshot.
    ///
    /// - Parameter groupNames: the groups to include; nil means every group in the snapshot that the
    ///   caller is a member of (what `/account/groups` listed) plus any read by name.
    public static func importManifest(
        project: String, from snapshot: FacilitySnapshot, groupNames: [String]? = nil, facility: String? = nil
    ) throws -> Result {
        guard snapshot.projects.contains(where: { $0.repo_name == project })
            || snapshot.roles.contains(where: { $0.repo_name == project })
        else {
            throw ImportError.unknownProject(project, known: snapshot.projects.map(\.repo_name))
        }
        let selected = (groupNames ?? Array(snapshot.groups.keys)).sorted()
            .compactMap { snapshot.groups[$0] }

        var members: [String: MemberSpec] = [:]
        for group in selected {
            for user in group.memberNames { members[user] = MemberSpec() }
        }
        let callerRole = snapshot.callerRole(in: project).flatMap { Role(irisRole: $0.rawValue) } ?? .member
        if members[snapshot.caller] != nil || callerRole != .member {
            members[snapshot.caller] = MemberSpec(role: callerRole)
        }
        var groups: [String: GroupSpec] = [:]
        for group in selected { groups[group.name] = GroupSpec(members: .list(group.memberNames)) }
        let manifest = TeamManifest(
            project: project, facility: facility, members: members, groups: groups,
            policy: Policy(protected: [snapshot.caller], max_removals: 10))
        return Result(manifest: manifest, yaml: render(manifest, snapshot: snapshot))
    }

    static func render(_ manifest: TeamManifest, snapshot: FacilitySnapshot) -> String {
        var out: [String] = []
        let description = snapshot.projects.first { $0.repo_name == manifest.project }?.description ?? ""
        out.append("# yaml-language-server: $schema=https://raw.githubusercontent.com/teamctl/teamctl/main/schema/teamctl-manifest.schema.json")
        out.append("#")
        out.append("# Imported by `teamctl import` from \(snapshot.facility) as \(snapshot.caller) (snapshot \(snapshot.id)).")
        if !description.isEmpty { out.append("# Project \(manifest.project): \(oneLine(description))") }
        out.append("#")
        out.append("# SFAPI v1.2 cannot list project members or say which project owns a group: the roster below")
        out.append("# is everyone in the groups you can see, each with role `member` except you. Check the roster,")
        out.append("# roles and groups against Iris, remove groups that belong to other projects, then commit.")
        out.append("version: 1")
        out.append("project: \(scalar(manifest.project))")
        if let facility = manifest.facility { out.append("facility: \(scalar(facility))") }
        out.append("")
        out.append("members:")
        if manifest.members.isEmpty { out[out.count - 1] += " {}" }
        for name in manifest.members.keys.sorted() {
            let spec = manifest.members[name]!
            let body = spec.role == .member ? "{}" : "{role: \(spec.role.rawValue)}"
            out.append("  \(scalar(name)): \(body)")
        }
        out.append("")
        out.append("groups:")
        if manifest.groups.isEmpty { out[out.count - 1] += " {}" }
        for name in manifest.groups.keys.sorted() {
            guard case .list(let names) = manifest.groups[name]!.members else { continue }
            let gid = snapshot.groups[name].map { " # gid \($0.gid)" } ?? ""
            out.append("  \(scalar(name)):\(gid)")
            out.append("    members: [\(names.sorted().map(scalar).joined(separator: ", "))]")
        }
        out.append("")
        out.append("policy:")
        out.append("  protected: [\(manifest.policy.protected.map(scalar).joined(separator: ", "))]")
        if let limit = manifest.policy.max_removals { out.append("  max_removals: \(limit)") }
        return out.joined(separator: "\n") + "\n"
    }

    /// A plain scalar when safe, otherwise double-quoted.
    static func scalar(_ text: String) -> String {
        let plain = !text.isEmpty && text.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "_-.".contains($0)) }
            && !["true", "false", "null", "yes", "no", "on", "off", "~"].contains(text.lowercased())
            && !(text.first?.isNumber ?? false)
        if plain { return text }
        let escaped = text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
        return "\"\(escaped)\""
    }

    static func oneLine(_ text: String) -> String {
        String(text.map { $0.isNewline ? " " : $0 })
    }
}
