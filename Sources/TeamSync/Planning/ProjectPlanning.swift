import AccountModels
import Crypto
import Foundation

/// Plans one project: its groups, roster, roles, permissions and limits. Pure; used by ``Planner``.
///
/// Every difference goes where the provider's capabilities send it (``ProviderCapabilities/treatment(of:)``):
/// a change, a manual item a refresh verifies, or one a person acknowledges. The words of manual items come from
/// the provider's ``ManualWording``.
struct ProjectPlanning {
    let manifest: TeamManifest
    let observed: ObservedState
    let capabilities: ProviderCapabilities
    let wording: any ManualWording
    let options: PlanOptions
    private(set) var work = PlanWork()

    private var project: String { manifest.project }
    private var facility: String { observed.facility }
    private var caller: String { observed.caller }
    private var today: CalendarDay { options.today }
    private let seen: ObservedProject
    private let protected: Set<String>
    private let active: Set<String>
    /// Who the plan adds to and takes out of the project (when the roster is writable).
    private var joining: Set<String> = []
    private var leaving: Set<String> = []

    init(
        manifest: TeamManifest, observed: ObservedState, capabilities: ProviderCapabilities,
        wording: any ManualWording, options: PlanOptions
    ) {
        self.manifest = manifest
        self.observed = observed
        self.capabilities = capabilities
        self.wording = wording
        self.options = options
        self.seen = observed.projects[manifest.project] ?? ObservedProject()
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
        if groupWrites, seen.callerCanManage != true {
            let role = seen.callerRole.map { "a \(wording.roleName($0))" } ?? "not a member"
            work.warnings.append(
                PlanWarning(
                    kind: .callerCannotManage, project: project, subject: caller,
                    message: "\(caller) is \(role) of \(project) as last observed; creating groups and changing "
                        + "members needs \(wording.roleName(.pi)) or \(wording.roleName(.piProxy)), so these "
                        + "requests will likely fail"))
        }
        for user in addedToGroups.filter({ !observed.knownUsers.contains($0) }).sorted() {
            work.warnings.append(
                PlanWarning(
                    kind: .unknownUser, project: project, subject: user,
                    message: "\(user) was not seen at \(facility) in any group; the add may fail if "
                        + "the username is wrong or they are not yet in the project"))
        }
        planRoster()
        planRoles()
        planPermissions()
        planLimits()
        warnNearExpiry()
    }

    // MARK: Ids and items

    private func changeID(_ parts: String...) -> String { ([facility, project] + parts).joined(separator: "/") }

    private mutating func change(_ action: PlannedChange.Action, id: String) {
        work.changes.append(PlannedChange(id: id, facility: facility, project: project, action: action))
    }

    /// Adds a manual item worded by the provider; an acknowledged one is left out (only unverifiable items can be).
    private mutating func item(_ draft: ManualItemDraft, id: String, action: String) {
        if !draft.verifiable, options.acknowledged.contains(id) { return }
        work.manualItems.append(
            ManualItem(
                id: id, facility: facility, aspect: draft.aspect, project: project, subject: draft.subject,
                action: action, where: wording.place(of: draft), verifiable: draft.verifiable,
                note: wording.note(for: draft)))
    }

    private func draft(
        _ aspect: ProviderCapabilities.Aspect, _ operation: ManualItemDraft.Operation, subject: String,
        object: String? = nil, value: String? = nil, reason: String? = nil
    ) -> ManualItemDraft {
        ManualItemDraft(
            facility: facility, aspect: aspect, operation: operation, project: project, subject: subject,
            object: object, value: value, verifiable: capabilities.treatment(of: aspect) != .acknowledgedItem,
            reason: reason)
    }

    // MARK: Groups

    private mutating func planGroup(_ name: String, _ spec: GroupSpec) -> (added: Set<String>, wrote: Bool) {
        let desired: Set<String>
        switch spec.members {
        case .all: desired = active
        case .list(let names): desired = Set(names).intersection(active)
        }
        let treatment = capabilities.treatment(of: .groups)
        guard treatment != .acknowledgedItem else {
            // The provider cannot see groups: one item per group, naming who it should hold. Its id carries a
            // digest of that list, so an acknowledgement lapses when the wanted members change.
            let members = desired.sorted()
            let digest = SHA256.hash(data: Data(members.joined(separator: ",").utf8)).prefix(4)
                .map { String(format: "%02x", $0) }.joined()
            item(
                draft(.groups, .create, subject: name, object: name),
                id: changeID("groups", name, digest),
                action: "make group \(name) hold exactly: "
                    + (members.isEmpty ? "nobody" : members.joined(separator: ", "))
                    + (spec.mode == .additive ? " (additive: remove nobody)" : ""))
            return (desired, false)
        }
        guard let current = observed.groups[name] else {
            emitGroupCreation(name, members: desired.sorted())
            return (desired, treatment == .change)
        }
        let currentSet = Set(current)
        let adds = desired.subtracting(currentSet).sorted()
        var removes: [String] = []
        for user in currentSet.subtracting(desired).sorted() {
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
        emitMembership(name, adds: adds, removes: removes)
        return (Set(adds), treatment == .change && !(adds.isEmpty && removes.isEmpty))
    }

    /// Those of `users` who may be taken out of `place`, sorted; protected users and the caller stay, each with a
    /// warning.
    private mutating func removable(_ users: Set<String>, from place: String) -> [String] {
        var removes: [String] = []
        for user in users.sorted() {
            if let reason = keepReason(user) {
                work.warnings.append(
                    PlanWarning(
                        kind: reason, project: project, subject: user,
                        message: keptMessage(user, reason: reason, from: place)))
            } else {
                removes.append(user)
            }
        }
        return removes
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
        if capabilities.treatment(of: .groups) == .change {
            change(.createGroup(group: name), id: changeID("groups", name, "create"))
            if !members.isEmpty {
                change(.addGroupMembers(group: name, usernames: members), id: changeID("groups", name, "add"))
            }
            return
        }
        item(
            draft(.groups, .create, subject: name, object: name), id: changeID("groups", name, "create"),
            action: "create group \(name)")
        emitMembership(name, adds: members, removes: [])
    }

    private mutating func emitMembership(_ name: String, adds: [String], removes: [String]) {
        if capabilities.treatment(of: .groups) == .change {
            if !adds.isEmpty {
                change(.addGroupMembers(group: name, usernames: adds), id: changeID("groups", name, "add"))
            }
            if !removes.isEmpty {
                change(.removeGroupMembers(group: name, usernames: removes), id: changeID("groups", name, "remove"))
            }
            return
        }
        for user in adds {
            item(
                draft(.groups, .add, subject: user, object: name), id: changeID("groups", name, user, "add"),
                action: "add to group \(name)")
        }
        for user in removes {
            item(
                draft(.groups, .remove, subject: user, object: name), id: changeID("groups", name, user, "remove"),
                action: "remove from group \(name)")
        }
    }

    // MARK: Roster

    private mutating func planRoster() {
        let treatment = capabilities.treatment(of: .roster)
        guard treatment != .acknowledgedItem else {
            // Who is in the project cannot be seen: ask once per wanted member; nobody is removed blind.
            for user in active.sorted() {
                item(
                    draft(.roster, .add, subject: user), id: changeID("roster", user, "add"),
                    action: "add to project \(project)")
            }
            return
        }
        let roster = Set(seen.members.keys)
        let adds = active.subtracting(roster).sorted()
        var removes = removable(roster.subtracting(active), from: "project \(project)")
        if treatment == .change {
            // Those the provider cannot take out: a person does it, and a refresh shows it done.
            for user in removes {
                guard let why = seen.removalBlocked[user] else { continue }
                item(
                    draft(.roster, .remove, subject: user, reason: "\(removalReason(user)); \(why)"),
                    id: changeID("roster", user, "remove"), action: "remove from project \(project)")
            }
            removes.removeAll { seen.removalBlocked[$0] != nil }
            joining = Set(adds)
            leaving = Set(removes)
            if !adds.isEmpty { change(.addProjectMembers(usernames: adds), id: changeID("roster", "add")) }
            if !removes.isEmpty { change(.removeProjectMembers(usernames: removes), id: changeID("roster", "remove")) }
        } else {
            for user in adds {
                item(
                    draft(.roster, .add, subject: user), id: changeID("roster", user, "add"),
                    action: "add to project \(project)")
            }
            for user in removes {
                item(
                    draft(.roster, .remove, subject: user, reason: removalReason(user)),
                    id: changeID("roster", user, "remove"), action: "remove from project \(project)")
            }
        }
        // People who may still be in the project though the provider cannot tell: only a person can check.
        for user in seen.possibleMembers.subtracting(roster).subtracting(active).sorted() where keepReason(user) == nil
        {
            var unknowable = draft(.roster, .remove, subject: user, reason: removalReason(user))
            unknowable.verifiable = false
            item(unknowable, id: changeID("roster", user, "remove"), action: "remove from project \(project)")
        }
    }

    /// Why a roster member should leave the project.
    private func removalReason(_ user: String) -> String {
        if let until = manifest.members[user]?.until, until < today { return "membership ended \(until)" }
        return "not in the manifest"
    }

    // MARK: Roles

    private mutating func planRoles() {
        let treatment = capabilities.treatment(of: .roles)
        var changesByRole: [Role: [String]] = [:]
        // In no particular order: changes sort their usernames and the plan sorts items by id, so the plan is the
        // same, without sorting every member of every project (9% of plan on 100,000 people).
        for (user, spec) in manifest.members where active.contains(user) {
            let role = capabilities.storedRole(spec.role)
            let wanted = wording.roleName(role)
            // A member's current role: observed, or the default for someone the apply itself adds to the roster.
            let current: Role?
            if treatment == .acknowledgedItem {
                current = nil
            } else if let entry = seen.members[user] {
                current = entry
            } else {
                current = capabilities.treatment(of: .roster) == .change ? .member : nil
            }
            guard let current else {
                guard role != .member else { continue }
                var unknowable = draft(.roles, .setRole, subject: user, object: role.rawValue)
                unknowable.verifiable = false
                item(unknowable, id: changeID("roles", user, role.rawValue), action: "set role \(wanted)")
                continue
            }
            guard current != role else { continue }
            if treatment == .change && !(role == .member && capabilities.restrictions.contains(.roleRemoval)) {
                changesByRole[role, default: []].append(user)
            } else {
                item(
                    draft(
                        .roles, .setRole, subject: user, object: role.rawValue,
                        reason: "currently \(wording.roleName(current))"),
                    id: changeID("roles", user, role.rawValue), action: "set role \(wanted)")
            }
        }
        for (role, users) in changesByRole.sorted(by: { $0.key < $1.key }) {
            change(.setRole(role, usernames: users), id: changeID("roles", role.rawValue))
        }
    }

    // MARK: Permissions

    /// `permissions:` is authoritative over the names it lists, and only those: a permission the manifest never
    /// names is left as it is on everyone.
    private mutating func planPermissions() {
        let treatment = capabilities.treatment(of: .permissions)
        for (permission, holders) in manifest.permissions.sorted(by: { $0.key < $1.key }) {
            let desired = Set(holders).intersection(active)
            guard treatment != .acknowledgedItem else {
                for user in desired.sorted() {
                    item(
                        draft(.permissions, .grant, subject: user, object: permission),
                        id: changeID("permissions", permission, user), action: "grant \(permission)")
                }
                continue
            }
            // Those joining hold what joiners start with; those leaving lose everything with the project.
            let current = (seen.permissions[permission] ?? [])
                .union(seen.joinerPermissions.contains(permission) ? joining : []).subtracting(leaving)
            let grants = desired.subtracting(current).sorted()
            let revokes = removable(current.subtracting(desired), from: "permission \(permission)")
            if treatment == .change {
                if !grants.isEmpty {
                    change(
                        .grantPermission(permission, usernames: grants),
                        id: changeID("permissions", permission, "grant"))
                }
                if !revokes.isEmpty {
                    change(
                        .revokePermission(permission, usernames: revokes),
                        id: changeID("permissions", permission, "revoke"))
                }
                continue
            }
            for user in grants {
                item(
                    draft(.permissions, .grant, subject: user, object: permission),
                    id: changeID("permissions", permission, user), action: "grant \(permission)")
            }
            for user in revokes {
                item(
                    draft(.permissions, .revoke, subject: user, object: permission),
                    id: changeID("permissions", permission, user, "revoke"), action: "revoke \(permission)")
            }
        }
    }

    // MARK: Limits

    /// Only the limits the manifest states are enforced; `unlimited` clears one.
    private mutating func planLimits() {
        var wanted: [(subject: String, limits: [LimitResource: LimitValue])] = [("", manifest.limits)]
        // Filtered before sorting: on 100,000 people, sorting every member for the few with limits cost 3% of plan.
        for (user, spec) in manifest.members.filter({ active.contains($0.key) && !$0.value.limits.isEmpty })
            .sorted(by: { $0.key < $1.key })
        {
            wanted.append((user, spec.limits))
        }
        let treatment = capabilities.treatment(of: .limits)
        for (subject, limits) in wanted {
            let current = seen.limits[subject] ?? [:]
            for (resource, value) in limits.sorted(by: { $0.key < $1.key }) {
                let who = subject.isEmpty ? "-" : subject
                if treatment != .acknowledgedItem, current[resource] ?? .unlimited == value { continue }
                if treatment == .change && !(subject.isEmpty && capabilities.restrictions.contains(.projectLimits)) {
                    change(
                        .setLimit(subject: subject, resource: resource, value: value),
                        id: changeID("limits", who, resource.rawValue))
                } else {
                    let reason = current[resource].map { "currently \($0)" } ?? "currently unlimited"
                    item(
                        draft(
                            .limits, .setLimit, subject: subject, object: resource.rawValue, value: "\(value)",
                            reason: treatment == .acknowledgedItem ? nil : reason),
                        id: changeID("limits", who, resource.rawValue, "\(value)"),
                        action: "set \(resource.rawValue) to \(value)"
                            + (subject.isEmpty ? " for project \(project)" : ""))
                }
            }
        }
    }

    private mutating func warnNearExpiry() {
        for (user, spec) in manifest.members.filter({ $0.value.until != nil }).sorted(by: { $0.key < $1.key }) {
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
}
