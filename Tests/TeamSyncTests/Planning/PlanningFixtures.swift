import AccountModels

@testable import TeamSync

/// Small builders for manifests and snapshots, so each test states only what matters to it.
enum Fixture {
    static let today = CalendarDay(year: 2026, month: 11, day: 25)!
    static let caller = "pi1"

    static func day(_ offset: Int) -> CalendarDay { today.adding(days: offset) }

    static func manifest(
        project: String = "m1", members: [String: MemberSpec] = [:], groups: [String: GroupSpec] = [:],
        permissions: [String: [String]] = [:], protected: [String] = [], maxRemovals: Int? = nil,
        facility: String? = nil
    ) -> TeamManifest {
        TeamManifest(
            project: project, facility: facility, members: members, groups: groups, permissions: permissions,
            policy: Policy(protected: protected, max_removals: maxRemovals))
    }

    /// Members by name, all plain members except those given roles or ends.
    static func members(
        _ names: [String], roles: [String: Role] = [:], until: [String: CalendarDay] = [:]
    ) -> [String: MemberSpec] {
        var result: [String: MemberSpec] = [:]
        for name in names { result[name] = MemberSpec(role: roles[name] ?? .member, until: until[name]) }
        return result
    }

    static func snapshot(
        groups: [String: [String]] = [:], missing: [String] = [], callerRoles: [String: String] = ["m1": "PI"],
        caller: String = Fixture.caller, facility: String = "nersc"
    ) -> FacilitySnapshot {
        var gid = 60_000
        var stats: [String: GroupStats] = [:]
        for name in groups.keys.sorted() {
            gid += 1
            let users = (groups[name] ?? []).enumerated().map { UserStats(uid: 10_000 + $0.offset, name: $0.element) }
            stats[name] = GroupStats(gid: gid, name: name, users: users)
        }
        let roles = callerRoles.keys.sorted().enumerated().map {
            RoleStats(
                id: $0.offset + 1, description: "project \($0.element)", repo_name: $0.element,
                iris_role: callerRoles[$0.element])
        }
        return FacilitySnapshot(
            id: 7, fetchedAt: 1_795_600_800, facility: facility, caller: caller, roles: roles, groups: stats,
            missingGroups: missing)
    }

    static func options(
        maxRemovals: Int? = nil, acknowledged: Set<String> = [], today: CalendarDay = Fixture.today
    ) -> PlanOptions {
        PlanOptions(today: today, maxRemovalsOverride: maxRemovals, acknowledged: acknowledged)
    }

    /// One line per change, e.g. `add m1 alice,bob`, for compact expectations.
    static func describe(_ change: PlannedChange) -> String {
        let verb: String
        switch change.kind {
        case .createGroup: verb = "create"
        case .addMembers: verb = "add"
        case .removeMembers: verb = "remove"
        case .addToProject: verb = "join"
        case .removeFromProject: verb = "leave"
        case .setRole: verb = "role-\(change.role?.rawValue ?? "?")"
        case .grantPermission: verb = "grant-\(change.permission ?? "?")"
        case .revokePermission: verb = "revoke-\(change.permission ?? "?")"
        case .setLimit:
            guard case .setLimit(let subject, let resource, let value) = change.action else { return "?" }
            return "limit \(change.project) \(subject.isEmpty ? "-" : subject) \(resource.rawValue)=\(value)"
        }
        let target = change.group ?? change.project
        return ([verb, target] + (change.usernames.isEmpty ? [] : [change.usernames.joined(separator: ",")]))
            .joined(separator: " ")
    }

    static func describe(_ warning: PlanWarning) -> String {
        "\(warning.kind.rawValue) \(warning.subject ?? "-")"
    }
}
