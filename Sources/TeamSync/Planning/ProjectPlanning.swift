import AccountModels

/// Plans one project: its groups, its roster, roles and permissions. Pure; used by ``Planner``.
struct ProjectPlanning {
    let manifest: TeamManifest
    let observed: FacilitySnapshot
    let capabilities: ProviderCapabilities
    let options: PlanOptions
    private(set) var work = PlanWork()

    private var project: String { manifest.project }
    private var caller: String { observed.caller }
    private var today: CalendarDay { options.today }
    private let protected: Set<String>
    private let active: Set<String>
    /// Everyone in any observed group, plus the caller: the same for every project, so ``Planner``
    /// computes it once per plan (``everyoneSeen(in:)``) instead of once per project.
    private let seen: Set<String>

    init(
        manifest: TeamManifest, observed: FacilitySnapshot, capabilities: ProviderCapabilities, options: PlanOptions,
        seen: Set<String>? = nil
    ) {
        self.seen = seen ?? Self.everyoneSeen(in: observed)
        self.manifest = manifest
        self.observed = observed
        self.capabilities = capabilities
        self.options = options
        self.protected = Set(manifest.policy.protected)
        self.active = manifest.activeMembers(on: options.today)
    }

    mutating func run() {
        var addedToGroups: Set<String> = []
        var groupWrites = false
        for (name, spec) in manifest.groups.sorted(by: { $0.key < $1.key }) {
            let result = planGroup(name, spec)
            addedToGroups.formUnion(result.added)
            groupWrites = groupWrites || result.wrote
        }
        if groupWrites, observed.callerRole(in: project)?.canManageGroups != true {
            let role = observed.callerRole(in: project).map { "a \($0.rawValue)" } ?? "not a member"
            work.warnings.append(
                PlanWarning(
                    kind: .callerCannotManage, project: project, subject: caller,
                    message: "\(caller) is \(role) of \(project) as last observed; creating groups and changing "
                        + "members needs PI or PI Proxy, so these requests will likely fail"))
        }
        // Filtered against the snapshot-wide set rather than `subtracting` it: that walks the whole set
        // (every user seen at the facility) for each project, however few users were added.
        for user in addedToGroups.filter({ !seen.contains($0) }).sorted() {
            work.warnings.append(
                PlanWarning(
                    kind: .unknownUser, project: project, subject: user,
                    message: "\(user) was not seen at \(observed.facility) in any group; the add may fail if "
                        + "the username is wrong or they are not yet in the project"))
        }
        planRoster()
        planRoles()
        planPermissions()
        warnNearExpiry()
    }

    // MARK: Groups

    private mutating func planGroup(_ name: String, _ spec: GroupSpec) -> (added: Set<String>, wrote: Bool) {
        // Same as `manifest.desiredMembers(of:on:)`, without recomputing the active roster per group.
        let desired: Set<String>
        switch spec.members {
        case .all: desired = active
        case .list(let names): desired = Set(names).intersection(active)
        }
        guard let group = observed.groups[name] else {
            work.missingGroups.insert(name)
            emitGroupCreation(name, members: desired.sorted())
            return (desired, capabilities.writable.contains(.groups))
        }
        let current = Set(group.memberNames)
        let adds = desired.subtracting(current).sorted()
        var removes: [String] = []
        for user in current.subtracting(desired).sorted() {
            if spec.mode == .additive {
                if let until = manifest.members[user]?.until, until < today {
                    work.warnings.append(
                        PlanWarning(
                            kind: .additiveKept, project: project, group: name, subject: user,
                            message: "\(user)'s membership ended \(until) but group \(name) is additive, so teamctl "
                                + "leaves them in it; remove them by hand if they should go"))
                }
            } else if let reason = keepReason(user) {
                work.warnings.append(
                    PlanWarning(
                        kind: reason, project: project, group: name, subject: user,
                        message: keptMessage(user, reason: reason, from: "group \(name)")))
            } else {
                removes.append(user)
            }
        }
        if !adds.isEmpty || !removes.isEmpty { work.observedGroups[name] = group.memberNames }
        emitMembership(name, adds: adds, removes: removes)
        return (Set(adds), capabilities.writable.contains(.groups) && !(adds.isEmpty && removes.isEmpty))
    }

    /// Why `user` must not be removed, if they must not.
    private func keepReason(_ user: String) -> PlanWarning.Kind? {
        if protected.contains(user) { return .protectedKept }
        if user == caller { return .callerKept }
        return nil
    }

    private func keptMessage(_ user: String, reason: PlanWarning.Kind, from place: String) -> String {
        reason == .protectedKept
            ? "\(user) is protected by the policy of \(project), so teamctl keeps them in \(place)"
            : "\(user) runs teamctl, so teamctl keeps them in \(place) (they may need it); "
                + "remove them by hand if intended"
    }

    private mutating func emitGroupCreation(_ name: String, members: [String]) {
        if capabilities.writable.contains(.groups) {
            work.changes.append(
                PlannedChange(
                    id: "\(project)/\(name)/create", kind: .createGroup, project: project, group: name, usernames: []))
            if !members.isEmpty {
                work.changes.append(
                    PlannedChange(
                        id: "\(project)/\(name)/add", kind: .addMembers, project: project, group: name,
                        usernames: members))
            }
            return
        }
        work.manualItems.append(
            ManualItem(
                id: "\(project)/groups/\(name)/create", aspect: .groups, project: project, subject: name,
                action: "create group \(name)", where: iris("Groups"), verifiable: true))
        emitMembership(name, adds: members, removes: [])
    }

    private mutating func emitMembership(_ name: String, adds: [String], removes: [String]) {
        if capabilities.writable.contains(.groups) {
            if !adds.isEmpty {
                work.changes.append(
                    PlannedChange(
                        id: "\(project)/\(name)/add", kind: .addMembers, project: project, group: name, usernames: adds)
                )
            }
            if !removes.isEmpty {
                work.changes.append(
                    PlannedChange(
                        id: "\(project)/\(name)/remove", kind: .removeMembers, project: project, group: name,
                        usernames: removes))
            }
            return
        }
        for user in adds {
            work.manualItems.append(
                ManualItem(
                    id: "\(project)/groups/\(name)/\(user)/add", aspect: .groups, project: project, subject: user,
                    action: "add to group \(name)", where: iris("Groups → \(name)"), verifiable: true))
        }
        for user in removes {
            work.manualItems.append(
                ManualItem(
                    id: "\(project)/groups/\(name)/\(user)/remove", aspect: .groups, project: project, subject: user,
                    action: "remove from group \(name)", where: iris("Groups → \(name)"), verifiable: true))
        }
    }

    // MARK: Roster, roles, permissions

    /// The best-known roster: SFAPI cannot list a project's members, so it is everyone in the project's
    /// observed groups (its default group, named like the project, and the groups its manifest owns),
    /// plus the caller when they hold a role in the project.
    func observedRoster() -> Set<String> {
        var roster: Set<String> = []
        for name in Set(manifest.groups.keys).union([project]) {
            roster.formUnion(observed.groups[name]?.memberNames ?? [])
        }
        if observed.callerRole(in: project) != nil { roster.insert(caller) }
        return roster
    }

    static func everyoneSeen(in observed: FacilitySnapshot) -> Set<String> {
        var seen: Set<String> = []
        for group in observed.groups.values {
            for user in group.users ?? [] { seen.insert(user.name) }
        }
        seen.insert(observed.caller)
        if let user = observed.user?.name { seen.insert(user) }
        return seen
    }

    private mutating func planRoster() {
        let roster = observedRoster()
        let adds = active.subtracting(roster).sorted()
        var removes: [String] = []
        for user in roster.subtracting(active).sorted() {
            if let reason = keepReason(user) {
                work.warnings.append(
                    PlanWarning(
                        kind: reason, project: project, subject: user,
                        message: keptMessage(user, reason: reason, from: "project \(project)")))
            } else {
                removes.append(user)
            }
        }
        if capabilities.writable.contains(.roster) {
            if !adds.isEmpty {
                work.changes.append(
                    PlannedChange(
                        id: "\(project)/roster/add", kind: .addToProject, project: project, group: nil, usernames: adds)
                )
            }
            if !removes.isEmpty {
                work.changes.append(
                    PlannedChange(
                        id: "\(project)/roster/remove", kind: .removeFromProject, project: project, group: nil,
                        usernames: removes))
            }
            return
        }
        for user in adds {
            work.manualItems.append(
                ManualItem(
                    id: "\(project)/roster/\(user)/add", aspect: .roster, project: project, subject: user,
                    action: "add to project \(project)", where: iris("Roster"), verifiable: true,
                    note: "done once a refresh shows \(user) in one of the project's groups"))
        }
        for user in removes {
            let why = removalReason(user)
            work.manualItems.append(
                ManualItem(
                    id: "\(project)/roster/\(user)/remove", aspect: .roster, project: project, subject: user,
                    action: "remove from project \(project)", where: iris("Roster"), verifiable: true, note: why))
        }
        // People earlier snapshots showed in the project's groups who are gone from every group now and not
        // wanted: probably still in the project (the API cannot tell), so the item stays until acknowledged.
        let former = (options.formerMembers[project] ?? []).subtracting(roster).subtracting(active)
        for user in former.sorted() where keepReason(user) == nil {
            let why = removalReason(user)
            appendUnverifiable(
                ManualItem(
                    id: "\(project)/roster/\(user)/remove", aspect: .roster, project: project, subject: user,
                    action: "remove from project \(project)", where: iris("Roster"), verifiable: false,
                    note: "\(why); no longer in any of the project's groups, and \(observed.facility) cannot show "
                        + "project membership: acknowledge this item once Iris no longer lists them"))
        }
    }

    /// Why a roster member should leave the project.
    private func removalReason(_ user: String) -> String {
        if let until = manifest.members[user]?.until, until < today { return "membership ended \(until)" }
        return "not in the manifest"
    }

    /// Only the caller's own role is observable under SFAPI v1.2. A difference there is a change or a
    /// verifiable manual item; other members' non-default roles become unverifiable manual items that
    /// stay until acknowledged.
    private mutating func planRoles() {
        for (user, spec) in manifest.members.sorted(by: { $0.key < $1.key }) where active.contains(user) {
            let wanted = spec.role.irisRole.rawValue
            if user == caller {
                guard let current = observed.callerRole(in: project), current != spec.role.irisRole else { continue }
                if capabilities.writable.contains(.roles) {
                    work.changes.append(
                        PlannedChange(
                            id: "\(project)/roles/\(spec.role.rawValue)", kind: .setRole, project: project, group: nil,
                            usernames: [user], role: spec.role))
                } else {
                    work.manualItems.append(
                        ManualItem(
                            id: "\(project)/roles/\(user)/\(spec.role.rawValue)", aspect: .roles, project: project,
                            subject: user, action: "set role \(wanted)", where: iris("Roster"), verifiable: true,
                            note: "currently \(current.rawValue)"))
                }
                continue
            }
            guard spec.role != .member else { continue }
            appendUnverifiable(
                ManualItem(
                    id: "\(project)/roles/\(user)/\(spec.role.rawValue)", aspect: .roles, project: project,
                    subject: user,
                    action: "set role \(wanted)", where: iris("Roster"), verifiable: false,
                    note:
                        "\(observed.facility) shows only the caller's own role; "
                        + "acknowledge this item once Iris shows it"
                ))
        }
    }

    private mutating func planPermissions() {
        for (permission, holders) in manifest.permissions.sorted(by: { $0.key < $1.key }) {
            for user in Set(holders).intersection(active).sorted() {
                appendUnverifiable(
                    ManualItem(
                        id: "\(project)/permissions/\(permission)/\(user)", aspect: .permissions, project: project,
                        subject: user, action: "grant \(permission)", where: iris("Roster → \(user) → Permissions"),
                        verifiable: false,
                        note: "the API cannot show permissions; acknowledge this item once it is granted"))
            }
        }
    }

    private mutating func appendUnverifiable(_ item: ManualItem) {
        guard !options.acknowledged.contains(item.id) else { return }
        work.manualItems.append(item)
    }

    private mutating func warnNearExpiry() {
        for (user, spec) in manifest.members.sorted(by: { $0.key < $1.key }) {
            guard let until = spec.until else { continue }
            let days = today.days(until: until)
            guard (0...Planner.nearExpiryDays).contains(days) else { continue }
            let when = days == 0 ? "today" : days == 1 ? "tomorrow" : "in \(days) days"
            work.warnings.append(
                PlanWarning(
                    kind: .nearExpiry, project: project, subject: user,
                    message: "\(user)'s membership ends \(until) (\(when)); teamctl removes them after that day"))
        }
    }

    private func iris(_ place: String) -> String {
        "Iris: \(options.irisURL) → project \(project) → \(place)"
    }
}
