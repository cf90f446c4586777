import AccountModels

extension ManifestParser {
    /// Days before a membership's end that it is worth a warning.
    static let endingSoonDays = 14

    /// Builds the manifest from the root node, checking every field; nil when the root is not a mapping.
    /// (The caller drops the result when any error was reported.)
    mutating func manifest(from root: YAMLNode) -> LoadedManifest? {
        guard case .mapping(let mapping, _) = root else {
            error(
                "the manifest must be a mapping of keys (version, project, members, ...), found \(describeRoot(root))",
                at: root)
            return nil
        }
        var fields: [String: Entry] = [:]
        for entry in entries(of: mapping, allowed: Self.topLevelKeys) { fields[entry.key] = entry }
        // A misspelt key ('membres') was already reported with its suggestion; do not also call it missing.
        let suggested = Set(
            mapping.compactMap { pair -> String? in
                guard case .scalar(let key) = pair.key, !Self.topLevelKeys.contains(key.string) else { return nil }
                return Suggestion.closest(to: key.string, among: Self.topLevelKeys)
            })
        let missing = ["version", "project", "members"].filter { fields[$0] == nil && !suggested.contains($0) }
        for key in missing { error("missing required key '\(key)'", at: root) }

        var version = 1
        if let entry = fields["version"], let value = integer(entry.value, named: "'version'") {
            version = value
            if value != 1 {
                error("unsupported manifest version \(value)", at: entry.value, hint: "only version 1 exists")
            }
        }
        var project = ""
        var projectLocation = SourcePosition(line: 1, column: 1)
        if let entry = fields["project"], let value = text(entry.value, named: "'project'") {
            project = value
            projectLocation = entry.value.position
            if !Self.isProjectName(value) {
                error(
                    "project \(quote(value)) does not look like a NERSC project name", at: entry.value,
                    hint: "project names are letters, digits and '_', starting with a letter, e.g. m1234")
            }
        }
        var facility: String?
        if let entry = fields["facility"] { facility = text(entry.value, named: "'facility'") }

        let members = fields["members"].map { roster($0.value) } ?? [:]
        let groups = fields["groups"].map { groupSpecs($0.value, roster: members) } ?? [:]
        let permissions = fields["permissions"].map { permissionSpecs($0.value, roster: members) } ?? [:]
        let policy = fields["policy"].map { policySpec($0.value, roster: members) } ?? Policy()
        let limits = fields["limits"].map { limitSpec($0.value, owner: "the project") } ?? [:]

        let manifest = TeamManifest(
            version: version, project: project, facility: facility, members: members, groups: groups,
            permissions: permissions, policy: policy, limits: limits)
        return LoadedManifest(
            path: file, manifest: manifest, memberLocations: memberLocations, groupLocations: groupLocations,
            projectLocation: projectLocation)
    }

    // MARK: - members

    mutating func roster(_ node: YAMLNode) -> [String: MemberSpec] {
        if isNull(node) { return [:] }
        guard case .mapping(let mapping, _) = node else {
            error(
                "'members' must be a mapping of username to settings, found \(describe(node))", at: node,
                hint: "write one member per line, e.g. 'alice: {role: pi}'")
            return [:]
        }
        var members: [String: MemberSpec] = [:]
        members.reserveCapacity(mapping.count)
        memberLocations.reserveCapacity(memberLocations.count + mapping.count)
        for entry in entries(of: mapping, allowed: nil) {
            if !Self.isUsername(entry.key) {
                error(
                    "\(quote(entry.key)) is not a valid username", at: entry.keyNode,
                    hint: "usernames are lowercase letters, digits, '_' and '-', starting with a letter or '_', "
                        + "at most 32 characters")
            }
            memberLocations[entry.key] = entry.keyPosition
            members[entry.key] = memberSpec(entry.value, username: entry.key)
        }
        return members
    }

    mutating func memberSpec(_ node: YAMLNode, username: String) -> MemberSpec {
        var spec = MemberSpec()
        if isNull(node) { return spec }
        guard case .mapping(let mapping, _) = node else {
            error(
                "settings for member \(quote(username)) must be a mapping like {role: member}, found \(describe(node))",
                at: node)
            return spec
        }
        for entry in entries(of: mapping, allowed: Self.memberKeys) {
            switch entry.key {
            case "limits":
                spec.limits = limitSpec(entry.value, owner: "member \(quote(username))")
            case "role":
                guard let word = text(entry.value, named: "'role'") else { continue }
                if let role = Role(rawValue: word) {
                    spec.role = role
                } else {
                    let names = Role.allCases.map(\.rawValue)
                    error(
                        "unknown role \(quote(word))", at: entry.value,
                        hint: Suggestion.closest(to: word, among: names).map { "did you mean '\($0)'?" }
                            ?? "roles are pi, pi_proxy and member")
                }
            default:  // "until"
                guard case .scalar(let scalar) = entry.value, !isNull(entry.value) else {
                    error("'until' must be a date (YYYY-MM-DD), found \(describe(entry.value))", at: entry.value)
                    continue
                }
                guard checkLength(scalar.string, at: entry.value) else { continue }
                guard let day = CalendarDay(scalar.string) else {
                    error(
                        "\(quote(scalar.string)) is not a valid date", at: entry.value,
                        hint: "write dates as YYYY-MM-DD, e.g. 2027-06-30")
                    continue
                }
                spec.until = day
                let left = today.days(until: day)
                if left < 0 {
                    report(
                        .warning, "membership of \(quote(username)) ended on \(day); they count as absent",
                        at: entry.value.position,
                        hint: "plans remove them everywhere; delete the entry once that is applied")
                } else if left <= Self.endingSoonDays {
                    report(
                        .warning,
                        "membership of \(quote(username)) ends on \(day), in \(left) day\(left == 1 ? "" : "s")",
                        at: entry.value.position)
                }
            }
        }
        return spec
    }

    // MARK: - limits

    /// `{cpu_hours: N, gpu_hours: N}`: whole hours, or `unlimited` to clear a limit. A resource not named is left
    /// as the facility has it.
    mutating func limitSpec(_ node: YAMLNode, owner: String) -> [LimitResource: LimitValue] {
        var limits: [LimitResource: LimitValue] = [:]
        if isNull(node) { return limits }
        guard case .mapping(let mapping, _) = node else {
            error(
                "'limits' of \(owner) must be a mapping like {cpu_hours: 500, gpu_hours: 100}, found \(describe(node))",
                at: node)
            return limits
        }
        for entry in entries(of: mapping, allowed: Self.limitKeys) {
            guard let resource = LimitResource(rawValue: entry.key) else { continue }
            guard case .scalar(let scalar) = entry.value, let value = LimitValue(text: scalar.string) else {
                error(
                    "'\(entry.key)' of \(owner) must be a whole number of hours or 'unlimited', "
                        + "found \(describe(entry.value))", at: entry.value,
                    hint: "write e.g. '\(entry.key): 500', or '\(entry.key): unlimited' to clear the limit")
                continue
            }
            limits[resource] = value
        }
        return limits
    }

    // MARK: - groups

    mutating func groupSpecs(_ node: YAMLNode, roster: [String: MemberSpec]) -> [String: GroupSpec] {
        if isNull(node) { return [:] }
        guard case .mapping(let mapping, _) = node else {
            error("'groups' must be a mapping of group name to settings, found \(describe(node))", at: node)
            return [:]
        }
        var groups: [String: GroupSpec] = [:]
        for entry in entries(of: mapping, allowed: nil) {
            let name = entry.key
            if name.isEmpty || !Self.hasGroupNameCharacters(name) {
                error(
                    "group name \(quote(name)) may only contain ASCII letters, digits, '_' and '-'",
                    at: entry.keyNode)
            } else if name.unicodeScalars.count > 8 {
                error(
                    "group name \(quote(name)) is longer than 8 characters", at: entry.keyNode,
                    hint: "Unix group names at the facility are at most 8 characters")
            }
            groupLocations[name] = entry.keyPosition
            if let spec = groupSpec(entry.value, name: name, roster: roster) { groups[name] = spec }
        }
        return groups
    }

    mutating func groupSpec(_ node: YAMLNode, name: String, roster: [String: MemberSpec]) -> GroupSpec? {
        guard case .mapping(let mapping, _) = node else {
            error("group \(quote(name)) must be a mapping like {members: all}, found \(describe(node))", at: node)
            return nil
        }
        let context = "group \(quote(name))"
        var members: GroupSpec.Members?
        var mode = GroupSpec.Mode.authoritative
        for entry in entries(of: mapping, allowed: Self.groupKeys) {
            switch entry.key {
            case "members":
                if case .scalar(let scalar) = entry.value, scalar.string == "all" {
                    members = .all
                } else if case .sequence = entry.value {
                    let names = usernames(entry.value, in: context)
                    for (username, item) in names where roster[username] == nil {
                        error(
                            "\(quote(username)) in \(context) is not in the members roster", at: item,
                            hint: "add \(quote(username)) under 'members', or remove it from this group")
                    }
                    members = .list(names.map(\.name))
                } else {
                    error(
                        "'members' of \(context) must be 'all' or a list of usernames, found \(describe(entry.value))",
                        at: entry.value)
                    members = .list([])
                }
            default:  // "mode"
                guard let word = text(entry.value, named: "'mode'") else { continue }
                if let value = GroupSpec.Mode(rawValue: word) {
                    mode = value
                } else {
                    error(
                        "unknown mode \(quote(word)) for \(context)", at: entry.value,
                        hint: "modes are authoritative (the default) and additive")
                }
            }
        }
        guard let members else {
            error("\(context) has no 'members'", at: node, hint: "write 'members: all' or a list of usernames")
            return nil
        }
        return GroupSpec(members: members, mode: mode)
    }

    // MARK: - permissions and policy

    mutating func permissionSpecs(_ node: YAMLNode, roster: [String: MemberSpec]) -> [String: [String]] {
        if isNull(node) { return [:] }
        guard case .mapping(let mapping, _) = node else {
            error(
                "'permissions' must be a mapping of permission name to a list of usernames, found \(describe(node))",
                at: node)
            return [:]
        }
        var permissions: [String: [String]] = [:]
        for entry in entries(of: mapping, allowed: nil) {
            let context = "permission \(quote(entry.key))"
            guard case .sequence = entry.value else {
                error(
                    "\(context) must be a list of usernames, found \(describe(entry.value))", at: entry.value,
                    hint: "write e.g. '\(entry.key): [alice, bob]'")
                continue
            }
            let names = usernames(entry.value, in: context)
            for (username, item) in names where roster[username] == nil {
                error(
                    "\(quote(username)) holds \(context) but is not in the members roster", at: item,
                    hint: "add \(quote(username)) under 'members', or remove it from this permission")
            }
            permissions[entry.key] = names.map(\.name)
        }
        return permissions
    }

    mutating func policySpec(_ node: YAMLNode, roster: [String: MemberSpec]) -> Policy {
        var policy = Policy()
        if isNull(node) { return policy }
        guard case .mapping(let mapping, _) = node else {
            error("'policy' must be a mapping with 'protected' and 'max_removals', found \(describe(node))", at: node)
            return policy
        }
        for entry in entries(of: mapping, allowed: Self.policyKeys) {
            switch entry.key {
            case "protected":
                guard case .sequence = entry.value else {
                    error("'protected' must be a list of usernames, found \(describe(entry.value))", at: entry.value)
                    continue
                }
                let names = usernames(entry.value, in: "'protected'")
                for (username, item) in names where roster[username] == nil {
                    report(
                        .warning, "protected user \(quote(username)) is not in the members roster",
                        at: item.position, hint: "check the spelling; protection applies to roster members")
                }
                policy.protected = names.map(\.name)
            default:  // "max_removals"
                guard let value = integer(entry.value, named: "'max_removals'") else { continue }
                if value < 0 {
                    error("'max_removals' must be 0 or more, found \(value)", at: entry.value)
                } else {
                    policy.max_removals = value
                }
            }
        }
        return policy
    }
}
