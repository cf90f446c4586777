import AccountModels

extension ManifestParser {
    static let teamTopLevelKeys = [
        "version", "team", "people", "facilities", "members", "groups", "permissions", "limits", "policy",
    ]
    static let facilityKeys = ["project", "groups", "permissions", "limits", "members"]
    static let teamMemberKeys = ["role", "until", "limits", "facilities"]
    static let overrideKeys = ["role", "limits"]

    /// Parses and checks the text of a team manifest of version 2 (one team across facilities). People and
    /// facilities are checked against the people file and the profiles later, by resolution.
    static func parseTeam(
        _ text: String, file: String, today: CalendarDay, limits: ManifestLimits
    ) -> (team: LoadedTeam?, diagnostics: [Diagnostic]) {
        var parser = ManifestParser(file: file, today: today, limits: limits)
        var loaded: LoadedTeam?
        if let root = parser.document(text) { loaded = parser.team(from: root) }
        let diagnostics = parser.finishedDiagnostics()
        return (diagnostics.contains { $0.severity == .error } ? nil : loaded, diagnostics)
    }

    mutating func team(from root: YAMLNode) -> LoadedTeam? {
        guard case .mapping(let mapping, _) = root else {
            error(
                "the team manifest must be a mapping of keys (version, team, ...), found \(describeRoot(root))",
                at: root)
            return nil
        }
        var fields: [String: Entry] = [:]
        for entry in entries(of: mapping, allowed: Self.teamTopLevelKeys) { fields[entry.key] = entry }
        let suggested = Set(
            mapping.compactMap { pair -> String? in
                guard case .scalar(let key) = pair.key, !Self.teamTopLevelKeys.contains(key.string) else { return nil }
                return Suggestion.closest(to: key.string, among: Self.teamTopLevelKeys)
            })
        for key in ["version", "team", "people", "facilities", "members"]
        where fields[key] == nil && !suggested.contains(key) {
            error("missing required key '\(key)'", at: root)
        }
        if let entry = fields["version"], let value = integer(entry.value, named: "'version'"), value != 2 {
            error(
                "unsupported manifest version \(value) for a team spanning facilities", at: entry.value,
                hint: "version 2 is the team format; version 1 is one facility's project keyed by usernames")
        }
        var spec = TeamSpec(name: "", peopleFile: "")
        if let entry = fields["team"], let value = text(entry.value, named: "'team'") { spec.name = value }
        var peopleLocation = SourcePosition(line: 1, column: 1)
        if let entry = fields["people"], let value = text(entry.value, named: "'people'") {
            spec.peopleFile = value
            peopleLocation = entry.value.position
        }
        var references: [TeamReference] = []
        var memberLocations: [String: SourcePosition] = [:]
        if let entry = fields["members"] {
            spec.members = teamMembers(entry.value, locations: &memberLocations, references: &references)
        }
        // Person lists are checked against the members here; resolution checks facilities and usernames.
        let roster = spec.members.mapValues { _ in MemberSpec() }
        var facilityLocations: [String: SourcePosition] = [:]
        var projectLocations: [String: SourcePosition] = [:]
        if let entry = fields["facilities"] {
            spec.facilities = facilitySpecs(
                entry.value, roster: roster, locations: &facilityLocations, projects: &projectLocations,
                references: &references)
        }
        if let entry = fields["groups"] {
            spec.groups = groupSpecs(entry.value, roster: roster)
            references.append(TeamReference(kind: .teamAspect(.groups), context: "groups", position: entry.keyPosition))
            references += personReferences(inGroups: entry.value, facility: nil)
        }
        if let entry = fields["permissions"] {
            spec.permissions = permissionSpecs(entry.value, roster: roster)
            references.append(
                TeamReference(kind: .teamAspect(.permissions), context: "permissions", position: entry.keyPosition))
            references += personReferences(inLists: entry.value, facility: nil, kind: "permission")
        }
        if let entry = fields["limits"] {
            spec.limits = limitSpec(entry.value, owner: "the team")
            references.append(TeamReference(kind: .teamAspect(.limits), context: "limits", position: entry.keyPosition))
        }
        if let entry = fields["policy"] {
            spec.policy = policySpec(entry.value, roster: roster)
        }
        return LoadedTeam(
            path: file, spec: spec, peopleLocation: peopleLocation, facilityLocations: facilityLocations,
            projectLocations: projectLocations, memberLocations: memberLocations, references: references)
    }

    // MARK: - members

    mutating func teamMembers(
        _ node: YAMLNode, locations: inout [String: SourcePosition], references: inout [TeamReference]
    ) -> [String: TeamMemberSpec] {
        if isNull(node) { return [:] }
        guard case .mapping(let pairs, _) = node else {
            error(
                "'members' must be a mapping of person id to settings, found \(describe(node))", at: node,
                hint: "write one member per line, e.g. 'amorales: {role: pi}'")
            return [:]
        }
        var members: [String: TeamMemberSpec] = [:]
        for entry in entries(of: pairs, allowed: nil) {
            if !Self.isUsername(entry.key) {
                error(
                    "\(quote(entry.key)) is not a valid person id", at: entry.keyNode,
                    hint: "members are person ids from the people file")
            }
            locations[entry.key] = entry.keyPosition
            members[entry.key] = teamMember(entry.value, id: entry.key, references: &references)
        }
        return members
    }

    mutating func teamMember(_ node: YAMLNode, id: String, references: inout [TeamReference]) -> TeamMemberSpec {
        var spec = TeamMemberSpec()
        if isNull(node) { return spec }
        guard case .mapping(let pairs, _) = node else {
            error(
                "settings for member \(quote(id)) must be a mapping like {role: member}, found \(describe(node))",
                at: node)
            return spec
        }
        for entry in entries(of: pairs, allowed: Self.teamMemberKeys) {
            switch entry.key {
            case "role": spec.role = role(entry.value) ?? spec.role
            case "limits": spec.limits = limitSpec(entry.value, owner: "member \(quote(id))")
            case "until":
                guard let day = day(entry.value) else { continue }
                spec.until = day
                if today.days(until: day) < 0 {
                    report(
                        .warning, "membership of \(quote(id)) ended on \(day); they count as absent",
                        at: entry.value.position,
                        hint: "plans remove them at every facility; delete the entry once that is applied")
                }
            default:  // "facilities"
                guard case .sequence = entry.value else {
                    error(
                        "'facilities' of \(quote(id)) must be a list of facility names, found \(describe(entry.value))",
                        at: entry.value, hint: "write e.g. 'facilities: [nersc]'; leave it out for every facility")
                    continue
                }
                let names = usernames(entry.value, in: "'facilities' of \(quote(id))")
                if names.isEmpty {
                    error(
                        "'facilities' of \(quote(id)) is empty", at: entry.value,
                        hint: "name at least one facility, or remove the member")
                }
                spec.facilities = names.map(\.name)
                for (name, item) in names {
                    references.append(
                        TeamReference(
                            kind: .memberFacility(name, member: id), context: "'facilities' of \(quote(id))",
                            position: item.position))
                }
            }
        }
        return spec
    }

    mutating func role(_ node: YAMLNode) -> Role? {
        guard let word = text(node, named: "'role'") else { return nil }
        if let role = Role(rawValue: word) { return role }
        error(
            "unknown role \(quote(word))", at: node,
            hint: Suggestion.closest(to: word, among: Role.allCases.map(\.rawValue)).map { "did you mean '\($0)'?" }
                ?? "roles are pi, pi_proxy and member")
        return nil
    }

    // MARK: - facilities

    mutating func facilitySpecs(
        _ node: YAMLNode, roster: [String: MemberSpec], locations: inout [String: SourcePosition],
        projects: inout [String: SourcePosition], references: inout [TeamReference]
    ) -> [String: FacilitySpec] {
        guard case .mapping(let pairs, _) = node, !pairs.isEmpty else {
            error(
                "'facilities' must map each facility profile to its project, found \(describe(node))", at: node,
                hint: "write e.g. 'nersc: {project: m4812}'")
            return [:]
        }
        var facilities: [String: FacilitySpec] = [:]
        for entry in entries(of: pairs, allowed: nil) {
            locations[entry.key] = entry.keyPosition
            let name = entry.key
            guard case .mapping(let fields, _) = entry.value else {
                error(
                    "facility \(quote(name)) must be a mapping like {project: m4812}, found \(describe(entry.value))",
                    at: entry.value)
                continue
            }
            var spec = FacilitySpec(project: "")
            var hasProject = false
            for field in entries(of: fields, allowed: Self.facilityKeys) {
                let scope = "at \(name)"
                switch field.key {
                case "project":
                    guard let value = text(field.value, named: "'project'") else { continue }
                    if !Self.isAccountName(value) {
                        error(
                            "project \(quote(value)) does not look like a project or account name", at: field.value,
                            hint: "use letters, digits, '_', '-' and '.', starting with a letter, e.g. m4812")
                    }
                    spec.project = value
                    hasProject = true
                    projects[name] = field.value.position
                case "groups":
                    spec.groups = groupSpecs(field.value, roster: roster)
                    references.append(
                        TeamReference(
                            kind: .scopedAspect(.groups, facility: name), context: "groups \(scope)",
                            position: field.keyPosition))
                    references += personReferences(inGroups: field.value, facility: name)
                case "permissions":
                    spec.permissions = permissionSpecs(field.value, roster: roster)
                    references.append(
                        TeamReference(
                            kind: .scopedAspect(.permissions, facility: name), context: "permissions \(scope)",
                            position: field.keyPosition))
                    references += personReferences(inLists: field.value, facility: name, kind: "permission")
                case "limits":
                    spec.limits = limitSpec(field.value, owner: "the project \(scope)")
                    references.append(
                        TeamReference(
                            kind: .scopedAspect(.limits, facility: name), context: "limits \(scope)",
                            position: field.keyPosition))
                default:  // "members"
                    spec.members = overrides(field.value, facility: name, roster: roster, references: &references)
                }
            }
            if !hasProject {
                error(
                    "facility \(quote(name)) has no 'project'", at: entry.keyNode,
                    hint: "name the project or account the team holds there, e.g. {project: m4812}")
            }
            facilities[name] = spec
        }
        return facilities
    }

    mutating func overrides(
        _ node: YAMLNode, facility: String, roster: [String: MemberSpec], references: inout [TeamReference]
    ) -> [String: MemberOverride] {
        if isNull(node) { return [:] }
        guard case .mapping(let pairs, _) = node else {
            error(
                "'members' of facility \(quote(facility)) must map member ids to a role or limits there, "
                    + "found \(describe(node))", at: node)
            return [:]
        }
        var result: [String: MemberOverride] = [:]
        for entry in entries(of: pairs, allowed: nil) {
            if roster[entry.key] == nil {
                error(
                    "\(quote(entry.key)) has settings at \(facility) but is not in the team's members",
                    at: entry.keyNode,
                    hint: "add \(quote(entry.key)) under the top-level 'members', or remove these settings")
                continue
            }
            references.append(
                TeamReference(
                    kind: .person(entry.key, facility: facility), context: "the members of \(facility)",
                    position: entry.keyPosition))
            var override = MemberOverride()
            if isNull(entry.value) {
                result[entry.key] = override
                continue
            }
            guard case .mapping(let fields, _) = entry.value else {
                error(
                    "settings for \(quote(entry.key)) at \(facility) must be a mapping like {limits: {cpu_hours: 500}}, "
                        + "found \(describe(entry.value))", at: entry.value)
                continue
            }
            for field in entries(of: fields, allowed: Self.overrideKeys) {
                if field.key == "role" {
                    override.role = role(field.value)
                } else {
                    override.limits = limitSpec(field.value, owner: "member \(quote(entry.key)) at \(facility)")
                }
            }
            result[entry.key] = override
        }
        return result
    }

    // MARK: - references

    /// Every person named in a `groups` block's member lists.
    func personReferences(inGroups node: YAMLNode, facility: String?) -> [TeamReference] {
        guard case .mapping(let groups, _) = node else { return [] }
        var result: [TeamReference] = []
        for group in groups {
            guard case .scalar(let name) = group.key, case .mapping(let fields, _) = group.value else { continue }
            for field in fields {
                guard case .scalar(let key) = field.key, key.string == "members" else { continue }
                result += personReferences(
                    inList: field.value, facility: facility, context: "group '\(name.string)'")
            }
        }
        return result
    }

    /// Every person named in a mapping of lists (a `permissions` block).
    func personReferences(inLists node: YAMLNode, facility: String?, kind: String) -> [TeamReference] {
        guard case .mapping(let lists, _) = node else { return [] }
        return lists.flatMap { pair -> [TeamReference] in
            guard case .scalar(let name) = pair.key else { return [] }
            return personReferences(inList: pair.value, facility: facility, context: "\(kind) '\(name.string)'")
        }
    }

    func personReferences(inList node: YAMLNode, facility: String?, context: String) -> [TeamReference] {
        guard case .sequence(let items, _) = node else { return [] }
        let place = facility.map { " at \($0)" } ?? ""
        return items.compactMap { item in
            guard case .scalar(let scalar) = item else { return nil }
            return TeamReference(
                kind: .person(scalar.string, facility: facility), context: context + place, position: scalar.position)
        }
    }

    /// Project and account names across back ends: letters, digits, `_`, `-` and `.`, starting with a letter.
    static func isAccountName(_ name: String) -> Bool {
        let scalars = Array(name.unicodeScalars)
        guard let first = scalars.first, scalars.count <= 64, first.properties.isAlphabetic, first.isASCII else {
            return false
        }
        return scalars.allSatisfy {
            $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "_-.".unicodeScalars.contains($0))
        }
    }
}
