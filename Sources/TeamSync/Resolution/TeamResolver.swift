import AccountModels

/// What resolution needs to know of a facility profile without talking to it: its back end, and which aspects of
/// a team that back end's facility holds at all (whether it can show or write them or not).
public struct FacilityTraits: Sendable, Hashable {
    /// The back end's name, e.g. `sfapi` or `slurm`.
    public var provider: String
    /// The aspects the facility has: an aspect outside these cannot be scoped to it.
    public var holds: Set<ProviderCapabilities.Aspect>

    /// Creates traits.
    public init(provider: String, holds: Set<ProviderCapabilities.Aspect>) {
        self.provider = provider
        self.holds = holds
    }
}

/// One facility of a resolved team: the team as that facility's manifest, keyed by its usernames.
public struct ResolvedFacility: Sendable, Hashable {
    /// The facility profile.
    public var name: String
    /// The manifest for this facility (`facility:` set, members by username), placed at the team file.
    public var manifest: LoadedManifest
    /// Each member's username here, by person id.
    public var usernames: [String: String]
}

/// A team resolved against its people file and the facility profiles, one manifest per facility.
public struct ResolvedTeam: Sendable, Hashable {
    /// The team manifest.
    public var team: LoadedTeam
    /// Its people file.
    public var people: LoadedPeople
    /// The facilities to act on, by name.
    public var facilities: [ResolvedFacility]

    /// The person holding `username` at `facility`, if the people file knows them.
    public func person(withUsername username: String, at facility: String) -> Person? {
        people.directory.person(withUsername: username, at: facility)
    }
}

/// Resolution: person ids to per-facility usernames, a pure stage before planning. Every problem is a diagnostic at
/// the place in the team manifest (or the people file) that causes it; nothing here reads a file or a facility.
public enum TeamResolver {
    /// Resolves `team` for each of its facilities (only those in `only`, when given).
    ///
    /// - Parameters:
    ///   - profiles: The facility profiles the configuration defines, with their traits.
    ///   - profilesSource: Where the profiles come from, for messages (the config file's path).
    public static func resolve(
        team: LoadedTeam, people: LoadedPeople, profiles: [String: FacilityTraits], profilesSource: String,
        only: Set<String>? = nil
    ) -> (resolved: ResolvedTeam?, diagnostics: [Diagnostic]) {
        var run = Resolution(team: team, people: people, profiles: profiles, profilesSource: profilesSource)
        let facilities = run.resolve(only: only)
        let diagnostics = run.diagnostics.sorted { ($0.file, $0.line, $0.column) < ($1.file, $1.line, $1.column) }
        guard !diagnostics.contains(where: { $0.severity == .error }) else { return (nil, diagnostics) }
        return (ResolvedTeam(team: team, people: people, facilities: facilities), diagnostics)
    }
}

/// One resolution's working state.
private struct Resolution {
    let team: LoadedTeam
    let people: LoadedPeople
    let profiles: [String: FacilityTraits]
    let profilesSource: String
    var diagnostics: [Diagnostic] = []

    var spec: TeamSpec { team.spec }

    init(team: LoadedTeam, people: LoadedPeople, profiles: [String: FacilityTraits], profilesSource: String) {
        self.team = team
        self.people = people
        self.profiles = profiles
        self.profilesSource = profilesSource
    }

    mutating func error(_ message: String, at position: SourcePosition?, hint: String? = nil) {
        let place = position ?? SourcePosition(line: 1, column: 1)
        diagnostics.append(.error(message, file: team.path, line: place.line, column: place.column, hint: hint))
    }

    /// The facilities a member is on.
    func facilities(of id: String) -> Set<String> {
        guard let member = spec.members[id] else { return [] }
        return member.facilities.map(Set.init) ?? Set(spec.facilities.keys)
    }

    mutating func resolve(only: Set<String>?) -> [ResolvedFacility] {
        checkFacilities(only: only)
        checkReferences()
        let usernames = checkMembers()
        guard !diagnostics.contains(where: { $0.severity == .error }) else { return [] }
        return spec.facilities.keys.sorted().filter { only?.contains($0) ?? true }.map { name in
            manifest(at: name, usernames: usernames[name] ?? [:])
        }
    }

    // MARK: - checks

    mutating func checkFacilities(only: Set<String>?) {
        let known = profiles.keys.sorted()
        for name in spec.facilities.keys.sorted() where profiles[name] == nil {
            error(
                "facility \(quote(name)) is not a profile", at: team.facilityLocations[name],
                hint: "add it under 'profiles:' in \(profilesSource)"
                    + (known.isEmpty ? "" : " (it defines \(known.joined(separator: ", ")))")
                    + (Suggestion.closest(to: name, among: known).map { "; did you mean '\($0)'?" } ?? ""))
        }
        for name in (only ?? []).sorted() where spec.facilities[name] == nil {
            error(
                "--facility \(name): the team has no facility \(quote(name))", at: nil,
                hint: "its facilities are \(spec.facilities.keys.sorted().joined(separator: ", "))")
        }
    }

    mutating func checkReferences() {
        let teamFacilities = spec.facilities.keys.sorted()
        for reference in team.references {
            switch reference.kind {
            case .memberFacility(let name, _):
                if spec.facilities[name] == nil {
                    error(
                        "\(quote(name)) in \(reference.context) is not a facility of the team", at: reference.position,
                        hint: "the team's facilities are \(teamFacilities.joined(separator: ", "))"
                            + (Suggestion.closest(to: name, among: teamFacilities).map { "; did you mean '\($0)'?" }
                                ?? ""))
                }
            case .person(let id, let facility?):
                guard spec.members[id] != nil, !facilities(of: id).contains(facility) else { continue }
                error(
                    "\(quote(id)) in \(reference.context) is not on \(facility)", at: reference.position,
                    hint: "their 'facilities' leaves \(facility) out; add it there, or remove them here")
            case .person(_, nil):
                continue  // team-wide lists take each person where they are
            case .scopedAspect(let aspect, let facility):
                guard let traits = profiles[facility], !traits.holds.contains(aspect) else { continue }
                error(
                    "\(reference.context): the \(traits.provider) back end of \(facility) has no \(aspect.rawValue)",
                    at: reference.position,
                    hint: "\(facility) can neither hold nor show \(aspect.rawValue); remove this block, or scope it to "
                        + "a facility that has them")
            case .teamAspect(let aspect):
                let holders = teamFacilities.filter { profiles[$0]?.holds.contains(aspect) ?? true }
                if holders.isEmpty {
                    error(
                        "\(reference.context): none of the team's facilities has \(aspect.rawValue)",
                        at: reference.position,
                        hint:
                            "\(teamFacilities.joined(separator: ", ")) can neither hold nor show them; remove this block"
                    )
                }
            }
        }
    }

    /// Checks every member against the people file; returns each facility's usernames by person id.
    mutating func checkMembers() -> [String: [String: String]] {
        var usernames: [String: [String: String]] = [:]
        let known = people.directory.people.keys.sorted()
        for id in spec.members.keys.sorted() {
            let place = team.memberLocations[id]
            guard let person = people.directory.people[id] else {
                error(
                    "\(quote(id)) is not in the people file \(people.path)", at: place,
                    hint: Suggestion.closest(to: id, among: known).map { "did you mean '\($0)'?" }
                        ?? "add them to \(people.path) (name and accounts), or remove them here")
                continue
            }
            for facility in facilities(of: id).sorted() where spec.facilities[facility] != nil {
                guard let username = person.accounts[facility] else {
                    let line = people.personLocations[id].map { " (line \($0.line))" } ?? ""
                    error(
                        "\(quote(id)) has no username at \(facility)", at: place,
                        hint: "add '\(facility): USERNAME' to the accounts of \(quote(id)) in \(people.path)\(line), "
                            + "or give the member 'facilities:' without \(facility)")
                    continue
                }
                usernames[facility, default: [:]][id] = username
            }
        }
        return usernames
    }

    // MARK: - the manifest at one facility

    func manifest(at name: String, usernames: [String: String]) -> ResolvedFacility {
        let facility = spec.facilities[name] ?? FacilitySpec(project: "")
        let holds = profiles[name]?.holds ?? Set(ProviderCapabilities.Aspect.allCases)
        func map(_ ids: [String]) -> [String] { ids.compactMap { usernames[$0] } }
        var members: [String: MemberSpec] = [:]
        var memberLocations: [String: SourcePosition] = [:]
        for (id, username) in usernames {
            guard let member = spec.members[id] else { continue }
            let override = facility.members[id]
            let ends = [member.until, people.directory.people[id]?.until].compactMap { $0 }.min()
            members[username] = MemberSpec(
                role: override?.role ?? member.role, until: ends,
                limits: member.limits.merging(override?.limits ?? [:]) { $1 })
            memberLocations[username] = team.memberLocations[id]
        }
        var groups: [String: GroupSpec] = [:]
        let teamGroups = holds.contains(.groups) ? spec.groups : [:]
        for (group, groupSpec) in teamGroups.merging(facility.groups, uniquingKeysWith: { $1 }) {
            var resolved = groupSpec
            if case .list(let ids) = groupSpec.members { resolved.members = .list(map(ids)) }
            groups[group] = resolved
        }
        let teamPermissions = holds.contains(.permissions) ? spec.permissions : [:]
        let permissions = teamPermissions.merging(facility.permissions) { $1 }.mapValues(map)
        let limits = (holds.contains(.limits) ? spec.limits : [:]).merging(facility.limits) { $1 }
        let manifest = TeamManifest(
            version: 1, project: facility.project, facility: name, members: members, groups: groups,
            permissions: permissions,
            policy: Policy(protected: map(spec.policy.protected), max_removals: spec.policy.max_removals),
            limits: limits)
        let loaded = LoadedManifest(
            path: team.path, manifest: manifest, memberLocations: memberLocations, groupLocations: [:],
            projectLocation: team.projectLocations[name] ?? SourcePosition(line: 1, column: 1))
        return ResolvedFacility(name: name, manifest: loaded, usernames: usernames)
    }

    func quote(_ text: String) -> String { "'\(text)'" }
}
