import AccountModels
import Foundation

/// Where one person is, facility by facility: as the team manifest wants them and as the last refresh saw them.
public struct PersonReport: Sendable, Hashable, Codable {
    /// One facility's two sides.
    public struct Facility: Sendable, Hashable, Codable {
        /// The facility profile.
        public var facility: String
        /// The project or account there.
        public var project: String
        /// The person's username there; nil when the people file gives none.
        public var username: String?
        /// What the manifest wants; nil when the person is not (or no longer) a member here.
        public var wanted: Side?
        /// What the newest snapshot shows; nil when the person is not in the project there, or no snapshot exists.
        public var seen: Side?
        /// When the snapshot was taken (ISO 8601 UTC); nil without one.
        public var seenAt: String?
        /// What a plan would do about it, in a few words: `in sync`, `to add`, `to remove`, `to change`.
        public var state: String
    }

    /// One side: membership with role, groups, permissions and limits.
    public struct Side: Sendable, Hashable, Codable {
        public var role: String?
        public var until: String?
        public var groups: [String]
        public var permissions: [String]
        public var limits: [String: String]
    }

    public var id: String
    public var name: String
    public var email: String?
    public var orcid: String?
    /// The person's last day in the collaboration, from the people file.
    public var until: String?
    /// Whether the person is a member of the team (and still active).
    public var activeMember: Bool
    public var facilities: [Facility]

    /// Builds the report from the resolved team and each facility's observed state (nil: never refreshed).
    public static func build(
        person: Person, team: ResolvedTeam, observed: [String: ObservedState], today: CalendarDay
    ) -> PersonReport {
        var facilities: [Facility] = []
        for resolved in team.facilities {
            let manifest = resolved.manifest.manifest
            let username = person.accounts[resolved.name]
            var wanted: Side?
            if let username, let spec = manifest.members[username], spec.isActive(on: today) {
                wanted = Side(
                    role: spec.role.rawValue, until: spec.until?.description,
                    groups: manifest.groups.filter {
                        manifest.desiredMembers(of: $0.value, on: today).contains(username)
                    }
                    .keys.sorted(),
                    permissions: manifest.permissions.filter { $0.value.contains(username) }.keys.sorted(),
                    limits: Dictionary(uniqueKeysWithValues: spec.limits.map { ($0.key.rawValue, "\($0.value)") }))
            }
            var seen: Side?
            let state = observed[resolved.name]
            if let username, let state, let project = state.projects[manifest.project],
                let role = project.members[username]
            {
                seen = Side(
                    role: role?.rawValue, until: nil,
                    groups: state.groups.filter { $0.value.contains(username) }.keys.sorted(),
                    permissions: project.permissions.filter { $0.value.contains(username) }.keys.sorted(),
                    limits: Dictionary(
                        uniqueKeysWithValues: (project.limits[username] ?? [:]).map { ($0.key.rawValue, "\($0.value)") }
                    ))
            }
            let word: String
            switch (wanted, seen) {
            case (nil, nil)
            where username.map { state?.projects[manifest.project]?.possibleMembers.contains($0) ?? false }
                ?? false:
                word = "possibly still in the project (the facility cannot tell; see the plan's manual items)"
            case (nil, nil): word = state == nil ? "not refreshed" : "absent, as wanted"
            case (.some, nil): word = state == nil ? "not refreshed" : "to add"
            case (nil, .some): word = "to remove"
            case (let want?, let have?):
                // Only what the manifest manages counts: other groups and permissions are left alone by plans.
                let groupsMatch = Set(want.groups) == Set(have.groups).intersection(manifest.groups.keys)
                let same =
                    groupsMatch
                    && Set(want.permissions) == Set(have.permissions).intersection(manifest.permissions.keys)
                    && want.limits.allSatisfy { have.limits[$0.key] == $0.value }
                    && (have.role == nil || have.role == want.role
                        || (want.role == Role.piProxy.rawValue && have.role == Role.pi.rawValue))
                word = same ? "in sync" : "to change"
            }
            facilities.append(
                Facility(
                    facility: resolved.name, project: manifest.project, username: username, wanted: wanted, seen: seen,
                    seenAt: state.map { Plan.isoTimestamp($0.fetchedAt) }, state: word))
        }
        let member = team.team.spec.members[person.id]
        let active =
            member != nil && (person.until.map { today <= $0 } ?? true)
            && (member?.until.map { today <= $0 } ?? true)
        return PersonReport(
            id: person.id, name: person.name, email: person.email, orcid: person.orcid,
            until: person.until?.description, activeMember: active, facilities: facilities)
    }

    /// The report as a few lines per facility.
    public func text() -> String {
        var lines = ["\(name) (\(id))" + (email.map { " <\($0)>" } ?? "") + (orcid.map { ", ORCID \($0)" } ?? "")]
        if let until { lines.append("  leaves the collaboration after \(until)") }
        lines.append(activeMember ? "  a member of the team" : "  not an active member of the team")
        for facility in facilities {
            lines.append("")
            lines.append(
                "\(facility.facility) (project \(facility.project)) as \(facility.username ?? "(no username)"): "
                    + facility.state)
            lines.append("  wanted: " + (facility.wanted.map(Self.describe) ?? "not a member"))
            let when = facility.seenAt.map { " (snapshot of \($0))" } ?? ""
            lines.append(
                "  seen:   "
                    + (facility.seen.map(Self.describe)
                        ?? (facility.seenAt == nil ? "never refreshed; run 'teamctl refresh -f TEAM'" : "not a member"))
                    + (facility.seen == nil ? "" : when))
        }
        // Every line holds names from the people file or the facility, and none holds a control character of
        // its own: each is escaped whole, so no name can break a line or steer the terminal.
        return lines.map(\.escapedForTerminal).joined(separator: "\n") + "\n"
    }

    static func describe(_ side: Side) -> String {
        var parts = ["member" + (side.role.map { ", role \($0)" } ?? "")]
        if let until = side.until { parts.append("until \(until)") }
        if !side.groups.isEmpty { parts.append("groups " + side.groups.joined(separator: ", ")) }
        if !side.permissions.isEmpty { parts.append("permissions " + side.permissions.joined(separator: ", ")) }
        if !side.limits.isEmpty {
            parts.append(
                "limits "
                    + side.limits.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
                    .joined(separator: ", "))
        }
        return parts.joined(separator: "; ")
    }
}
