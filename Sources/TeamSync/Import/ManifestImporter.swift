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
        guard
            snapshot.projects.contains(where: { $0.repo_name == project })
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
        return Result(manifest: manifest, yaml: try render(manifest, snapshot: snapshot))
    }

    /// A comment header saying where the manifest came from and what to check, then the manifest as
    /// ``ManifestEncoder`` writes it (so import and every other writer quote and order the same way).
    static func render(_ manifest: TeamManifest, snapshot: FacilitySnapshot) throws -> String {
        var header = [
            "# yaml-language-server: $schema=https://raw.githubusercontent.com/teamctl/teamctl/main/schema/teamctl-manifest.schema.json",
            "#",
            "# Imported by `teamctl import` from \(snapshot.facility) as \(snapshot.caller) (snapshot \(snapshot.id)).",
        ]
        if let description = snapshot.projects.first(where: { $0.repo_name == manifest.project })?.description,
            !description.isEmpty
        {
            header.append("# Project \(manifest.project): \(oneLine(description))")
        }
        let gids = manifest.groups.keys.sorted().compactMap { name in
            snapshot.groups[name].map { "\(name) (gid \($0.gid))" }
        }
        if !gids.isEmpty { header.append("# Groups: \(gids.joined(separator: ", ")).") }
        header += [
            "#",
            "# SFAPI v1.2 cannot list project members or say which project owns a group: the roster below",
            "# is everyone in the groups you can see, each with role `member` except you. Check the roster,",
            "# roles and groups against Iris, remove groups that belong to other projects, then commit.",
        ]
        return header.joined(separator: "\n") + "\n" + (try ManifestEncoder.yaml(manifest))
    }

    static func oneLine(_ text: String) -> String {
        String(text.map { $0.isNewline ? " " : $0 })
    }
}
