import AccountModels
import Foundation

/// One change at a facility that no teamctl apply made: seen between two snapshots of the cache.
public struct DriftEvent: Sendable, Codable, Hashable {
    /// What changed.
    public enum Kind: String, Sendable, Codable, Hashable, CaseIterable {
        case joined, left
        case addedToGroup = "added-to-group"
        case removedFromGroup = "removed-from-group"
        case groupCreated = "group-created"
        case groupDeleted = "group-deleted"
        case roleChanged = "role-changed"
        case permissionGranted = "permission-granted"
        case permissionRevoked = "permission-revoked"
        case limitChanged = "limit-changed"
    }

    /// The facility profile.
    public var facility: String
    /// What changed.
    public var kind: Kind
    /// The target's key, as plans spell it (`group lumcal`, `roster m4812`, `limits m4812 alice`).
    public var target: String
    /// The project, when the target is a project's (nil for a group).
    public var project: String?
    /// The group, for group events.
    public var group: String?
    /// The user concerned, when there is one.
    public var user: String?
    /// The value before, e.g. a role or a limit (`none` when there was none); nil where it means nothing.
    public var before: String?
    /// The value after.
    public var after: String?
    /// When the newer snapshot showing the change was taken: the change was first seen then.
    public var firstSeenAt: Double
    /// When the snapshot before it was taken: the change happened after this.
    public var notBefore: Double
    /// One line for people.
    public var message: String
}

/// A change a teamctl apply sent, with when it was sent: drift leaves out what these explain.
public struct AppliedChange: Sendable, Hashable {
    /// When the change was sent (or confirmed), seconds since 1970.
    public var at: Double
    /// The change.
    public var change: PlannedChange

    /// Creates one.
    public init(at: Double, change: PlannedChange) {
        self.at = at
        self.change = change
    }
}

/// Finds drift: every difference between consecutive snapshots of a facility that no journaled apply explains.
///
/// Pure: the observed states (oldest first, each from one snapshot) and the applied changes in, events out, newest
/// first. A target is compared only between snapshots that read it (a refresh reads what the manifests of the day
/// name, and a usage refresh reads no groups), so a group left out of a read is not "deleted".
public enum DriftDetector {
    /// The events, newest first; those at or after `since` (seconds since 1970) when given.
    public static func events(
        states: [ObservedState], applied: [AppliedChange], since: Double? = nil
    ) -> [DriftEvent] {
        let ordered = states.sorted { ($0.fetchedAt, $0.snapshotID) < ($1.fetchedAt, $1.snapshotID) }
        var previous: [ChangeTarget: (state: TargetState, at: Double)] = [:]
        var events: [DriftEvent] = []
        for observed in ordered {
            var now: [ChangeTarget: TargetState] = [:]
            for target in readTargets(of: observed) { now[target] = observed.target(target) }
            var found: [(event: DriftEvent, explained: Bool)] = []
            for (target, state) in now {
                if let (old, at) = previous[target], old != state {
                    found += differences(
                        target: target, from: old, to: state, facility: observed.facility, notBefore: at,
                        seenAt: observed.fetchedAt, applied: applied)
                }
                previous[target] = (state, observed.fetchedAt)
            }
            // Echoes are judged against every group change, teamctl's own too: a member teamctl took out of the
            // project's groups "left" a roster a back end derives from them.
            events += withoutEchoes(found).filter { !$0.explained }.map(\.event)
        }
        if let since { events = events.filter { $0.firstSeenAt >= since } }
        return events.sorted {
            ($0.firstSeenAt, $0.facility, $0.target, $0.user ?? "", $0.kind.rawValue)
                > ($1.firstSeenAt, $1.facility, $1.target, $1.user ?? "", $1.kind.rawValue)
        }
    }

    /// The targets one observed state actually read: groups it found or found missing, and every aspect of each
    /// project it read.
    static func readTargets(of observed: ObservedState) -> [ChangeTarget] {
        var targets = Set(observed.groups.keys).union(observed.missingGroups).map(ChangeTarget.group)
        for (name, project) in observed.projects {
            targets.append(.roster(project: name))
            targets.append(.roles(project: name))
            for permission in project.permissions.keys { targets.append(.permission(project: name, name: permission)) }
            for subject in project.limits.keys { targets.append(.limits(project: name, subject: subject)) }
        }
        return targets
    }

    static func values(_ state: TargetState, of subject: String) -> Set<String> {
        state.values.filter { PlannedChange.subject(of: $0) == subject }
    }

    /// The events of one target between two reads, less what an apply in between explains.
    static func differences(
        target: ChangeTarget, from old: TargetState, to new: TargetState, facility: String, notBefore: Double,
        seenAt: Double, applied: [AppliedChange]
    ) -> [(event: DriftEvent, explained: Bool)] {
        let candidates = applied.filter {
            $0.change.facility == facility && $0.change.target == target && $0.at > notBefore && $0.at <= seenAt
        }
        func explained(_ subject: String?) -> Bool {
            candidates.contains { candidate in
                let after = candidate.change.applied(to: old)
                guard let subject else { return after.exists == new.exists && !old.exists }
                let wanted = values(new, of: subject)
                return values(after, of: subject) == wanted && values(old, of: subject) != wanted
            }
        }
        func event(_ kind: DriftEvent.Kind, user: String?, before: String? = nil, after: String? = nil) -> DriftEvent {
            var group: String?
            if case .group(let name) = target { group = name }
            return DriftEvent(
                facility: facility, kind: kind, target: target.key, project: target.project, group: group, user: user,
                before: before, after: after, firstSeenAt: seenAt, notBefore: notBefore,
                message: message(kind, target: target, user: user, before: before, after: after))
        }
        var events: [(event: DriftEvent, explained: Bool)] = []
        if old.exists != new.exists {
            events.append((event(new.exists ? .groupCreated : .groupDeleted, user: nil), explained(nil)))
        }
        // The subject of `user=role` or `resource=value` is before the `=`; a plain value is its own subject.
        let subjects = Set(old.values.union(new.values).map { String(PlannedChange.subject(of: $0)) })
        for subject in subjects.sorted() {
            let before = values(old, of: subject)
            let after = values(new, of: subject)
            guard before != after else { continue }
            let done = explained(subject)
            switch target {
            case .group:
                // A group that came or went takes its members with it: the group event says it.
                guard old.exists && new.exists else { continue }
                events.append((event(after.isEmpty ? .removedFromGroup : .addedToGroup, user: subject), done))
            case .roster:
                events.append((event(after.isEmpty ? .left : .joined, user: subject), done))
            case .roles:
                events.append(
                    (event(.roleChanged, user: subject, before: value(before), after: value(after)), done))
            case .permission(_, let name):
                events.append(
                    (event(after.isEmpty ? .permissionRevoked : .permissionGranted, user: subject, before: name), done))
            case .limits(_, let user):
                events.append(
                    (
                        event(
                            .limitChanged, user: user.isEmpty ? nil : user,
                            before: "\(subject) \(value(before))", after: "\(subject) \(value(after))"),
                        done
                    ))
            }
        }
        return events
    }

    /// One change seen as several: where a back end derives its roster from groups, a user added to a project's
    /// group also "joins" the project; and someone who joins or leaves a project gains or loses a role, the
    /// permissions a newcomer inherits (``ObservedProject/joinerPermissions``) and their limits with it. The group or
    /// roster event says it once. Judged against every event, teamctl's own too.
    static func withoutEchoes(
        _ events: [(event: DriftEvent, explained: Bool)]
    ) -> [(event: DriftEvent, explained: Bool)] {
        let all = events.map(\.event)
        let grouped = Set(
            all.filter { $0.kind == .addedToGroup || $0.kind == .removedFromGroup }.compactMap { event in
                event.user.map { "\($0) \(event.kind == .addedToGroup ? "in" : "out")" }
            })
        let moved = Set(
            all.filter { $0.kind == .joined || $0.kind == .left }.compactMap { event in
                event.user.map { "\($0) \(event.project ?? "") \(event.kind == .joined ? "in" : "out")" }
            })
        return events.filter { entry in
            let event = entry.event
            guard let user = event.user else { return true }
            let project = event.project ?? ""
            let joined = moved.contains("\(user) \(project) in")
            let left = moved.contains("\(user) \(project) out")
            switch event.kind {
            case .joined: return !grouped.contains("\(user) in")
            case .left: return !grouped.contains("\(user) out")
            case .roleChanged: return !(joined && event.before == "none") && !(left && event.after == "none")
            case .permissionGranted: return !joined
            case .permissionRevoked: return !left
            case .limitChanged: return !joined && !left
            default: return true
            }
        }
    }

    /// The part after the `=` of a subject's `user=role` or `resource=value`; `none` when it has none.
    static func value(_ values: Set<String>) -> String {
        values.sorted().first.map { String($0.split(separator: "=", maxSplits: 1).last ?? "") } ?? "none"
    }

    static func message(
        _ kind: DriftEvent.Kind, target: ChangeTarget, user: String?, before: String?, after: String?
    ) -> String {
        let who = user ?? "?"
        switch (kind, target) {
        case (.groupCreated, .group(let name)): return "group \(name) created"
        case (.groupDeleted, .group(let name)): return "group \(name) deleted"
        case (.addedToGroup, .group(let name)): return "\(who) added to group \(name)"
        case (.removedFromGroup, .group(let name)): return "\(who) removed from group \(name)"
        case (.joined, .roster(let project)): return "\(who) joined \(project)"
        case (.left, .roster(let project)): return "\(who) left \(project)"
        case (.roleChanged, .roles(let project)):
            return "\(who)'s role in \(project) changed from \(before ?? "none") to \(after ?? "none")"
        case (.permissionGranted, .permission(let project, let name)): return "\(who) given \(name) in \(project)"
        case (.permissionRevoked, .permission(let project, let name)): return "\(who) lost \(name) in \(project)"
        case (.limitChanged, .limits(let project, let subject)):
            let whose = subject.isEmpty ? "\(project)'s own limit" : "\(subject)'s limit in \(project)"
            return "\(whose) changed from \(before ?? "none") to \(after ?? "none")"
        default: return "\(target.key) changed"
        }
    }
}

extension DriftDetector {
    /// A warning for each change of `plan` that undoes drift: the newest outside change to the same target and user
    /// is what the planned change reverses ("added by hand on 2026-11-20, not in the manifest").
    public static func revertWarnings(for plan: Plan, drift: [DriftEvent]) -> [PlanWarning] {
        var newest: [String: DriftEvent] = [:]
        for event in drift {
            let key = "\(event.facility)|\(event.target)|\(event.user ?? "")"
            if let seen = newest[key], seen.firstSeenAt >= event.firstSeenAt { continue }
            newest[key] = event
        }
        var warnings: [PlanWarning] = []
        for change in plan.changes {
            var users: [String?] = change.usernames.map { $0 }
            if case .createGroup = change.action { users = [nil] }
            if case .setLimit(let subject, _, _) = change.action { users = [subject.isEmpty ? nil : subject] }
            for user in users {
                guard let event = newest["\(change.facility)|\(change.target.key)|\(user ?? "")"],
                    reverses(change, event)
                else { continue }
                let day = CalendarDay(utcDayOf: Date(timeIntervalSince1970: event.firstSeenAt))
                warnings.append(
                    PlanWarning(
                        kind: .revertsDrift, project: change.project, group: change.group, subject: user,
                        message:
                            "\(change.id) undoes a change made outside teamctl: \(event.message) at \(event.facility)"
                            + " (first seen \(day)), not in the manifest"))
            }
        }
        for item in plan.manualItems {
            guard let (target, user, kinds) = reversal(of: item),
                let event = newest["\(item.facility)|\(target)|\(user ?? "")"], kinds.contains(event.kind)
            else { continue }
            let day = CalendarDay(utcDayOf: Date(timeIntervalSince1970: event.firstSeenAt))
            warnings.append(
                PlanWarning(
                    kind: .revertsDrift, project: item.project, subject: user,
                    message:
                        "\(item.id) undoes a change made outside teamctl: \(event.message) at \(event.facility)"
                        + " (first seen \(day)), not in the manifest"))
        }
        return warnings
    }

    /// The target, user and drift kinds a manual item would undo, from its aspect and action.
    static func reversal(of item: ManualItem) -> (target: String, user: String?, kinds: Set<DriftEvent.Kind>)? {
        let action = item.action
        func after(_ prefix: String) -> String? {
            action.hasPrefix(prefix) ? String(action.dropFirst(prefix.count)) : nil
        }
        switch item.aspect {
        case .roster:
            if action.hasPrefix("remove from project") { return ("roster \(item.project)", item.subject, [.joined]) }
            if action.hasPrefix("add to project") { return ("roster \(item.project)", item.subject, [.left]) }
        case .groups:
            if let group = after("add to group ") { return ("group \(group)", item.subject, [.removedFromGroup]) }
            if let group = after("remove from group ") { return ("group \(group)", item.subject, [.addedToGroup]) }
            if let group = after("create group ") { return ("group \(group)", nil, [.groupDeleted]) }
        case .roles:
            return ("roles \(item.project)", item.subject, [.roleChanged])
        case .permissions:
            if let name = after("grant ") {
                return ("permission \(item.project) \(name)", item.subject, [.permissionRevoked])
            }
            if let name = after("revoke ") {
                return ("permission \(item.project) \(name)", item.subject, [.permissionGranted])
            }
        case .limits:
            let own = item.subject.isEmpty || item.subject == item.project
            return ("limits \(item.project) \(own ? "-" : item.subject)", own ? nil : item.subject, [.limitChanged])
        }
        return nil
    }

    static func reverses(_ change: PlannedChange, _ event: DriftEvent) -> Bool {
        switch (change.action, event.kind) {
        case (.createGroup, .groupDeleted), (.removeGroupMembers, .addedToGroup), (.addGroupMembers, .removedFromGroup),
            (.removeProjectMembers, .joined), (.addProjectMembers, .left), (.revokePermission, .permissionGranted),
            (.grantPermission, .permissionRevoked), (.setRole, .roleChanged), (.setLimit, .limitChanged):
            return true
        default:
            return false
        }
    }
}
