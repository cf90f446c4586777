import AccountModels
import Foundation

/// Everything `teamctl report` shows on one page: the roster across facilities with each person's state, the open
/// manual items with their age, recent drift and the usage. Built purely from what the caller read (cached states,
/// plans, drift, usage); rendered by ``TeamPageRenderer``.
public struct TeamPage: Sendable, Hashable, Codable {
    /// One facility's headline figures.
    public struct Facility: Sendable, Hashable, Codable {
        public var name: String
        public var project: String
        public var provider: String
        /// When its newest snapshot was read (ISO 8601 UTC); nil when it was never read.
        public var readAt: String?
        public var changes: Int
        public var manualItems: Int
        public var drift: Int
        /// Why it could not be read or planned, when it could not.
        public var problem: String?
    }

    /// One person's place at one facility.
    public struct Cell: Sendable, Hashable, Codable {
        public var username: String?
        /// The role the manifest wants, or the one seen when the person is not wanted.
        public var role: String?
        public var groups: [String]
        public var limits: [String]
        /// `in sync`, `pending`, `manual`, `to add`, `to remove`, `to change`, `not a member`, `unknown`.
        public var state: String
        /// A few words more: what is pending, since when a manual item is open.
        public var detail: String?
    }

    /// One row of the roster.
    public struct Row: Sendable, Hashable, Codable {
        /// The person id; nil for a username seen at a facility that maps to nobody in the team.
        public var id: String?
        public var name: String
        public var until: String?
        /// By facility name.
        public var cells: [String: Cell]
    }

    /// An open manual item.
    public struct Item: Sendable, Hashable, Codable {
        public var facility: String
        public var id: String
        /// The person id when the subject maps to one, else the username.
        public var person: String
        public var action: String
        public var `where`: String
        /// When a plan first held it (ISO 8601 UTC), when known.
        public var openSince: String?
        public var ageDays: Int?
    }

    public var schemaVersion: Int
    public var team: String
    public var generatedAt: String
    public var facilities: [Facility]
    public var rows: [Row]
    public var items: [Item]
    /// Changes made outside teamctl since `driftSince`, newest first.
    public var drift: [DriftReport.Entry]
    public var driftSince: String
    /// Per facility, the usage report (nil where the facility has no figures yet).
    public var usage: [String: UsageReport]
    /// Each person's own hours across the facilities, where the facilities report them.
    public var usageByPerson: TeamUsageReport?

    /// Builds the page.
    ///
    /// - Parameters:
    ///   - observed: each facility's newest cached state (absent: never read).
    ///   - plans: each facility's plan against that state (absent: not planned).
    ///   - problems: why a facility could not be read or planned.
    ///   - openSince: per facility, each open manual item's first time (seconds since 1970).
    public static func build(
        team: ResolvedTeam, observed: [String: ObservedState], plans: [String: Plan], problems: [String: String],
        openSince: [String: [String: Double]], drift: [DriftEvent], driftSince: CalendarDay,
        usage: [String: UsageReport], usageByPerson: TeamUsageReport? = nil, now: Date, today: CalendarDay,
        providers: [String: String]
    ) -> TeamPage {
        let people = team.people.directory
        var rows: [Row] = []
        let memberIDs = Set(team.team.spec.members.keys)
        var personByUsername: [String: [String: String]] = [:]
        for facility in team.facilities {
            for (person, username) in facility.usernames {
                personByUsername[facility.name, default: [:]][username] = person
            }
        }
        func person(_ username: String, at facility: String) -> String? { personByUsername[facility]?[username] }

        for id in memberIDs.sorted() {
            guard let person = people.people[id] else { continue }
            let report = PersonReport.build(person: person, team: team, observed: observed, today: today)
            var cells: [String: Cell] = [:]
            for place in report.facilities {
                cells[place.facility] = cell(
                    place, plan: plans[place.facility], observedAt: observed[place.facility] != nil,
                    openSince: openSince[place.facility] ?? [:], now: now)
            }
            rows.append(Row(id: id, name: person.name, until: person.until?.description, cells: cells))
        }
        // Whoever a facility shows in the project who is no one in the team.
        var strangers: [String: [String: Cell]] = [:]
        for facility in team.facilities {
            guard let state = observed[facility.name],
                let project = state.projects[facility.manifest.manifest.project]
            else { continue }
            for username in project.members.keys where person(username, at: facility.name) == nil {
                let plan = plans[facility.name]
                let items = (plan?.manualItems ?? []).filter { $0.subject == username }
                let changes = (plan?.changes ?? []).filter { $0.usernames.contains(username) }
                var cell = Cell(
                    username: username, role: (project.members[username] ?? nil)?.rawValue,
                    groups: state.groups.filter { $0.value.contains(username) }.keys.sorted(), limits: [],
                    state: "not in the team", detail: nil)
                if let oldest = oldest(items, openSince: openSince[facility.name] ?? [:]) {
                    cell.state = "manual"
                    cell.detail = "to remove by hand, open since \(day(oldest))"
                } else if !changes.isEmpty {
                    cell.state = "pending"
                    cell.detail = UsageRenderer.plural(changes.count, "change")
                }
                strangers[username, default: [:]][facility.name] = cell
            }
        }
        for (username, cells) in strangers.sorted(by: { $0.key < $1.key }) {
            rows.append(Row(id: nil, name: username, until: nil, cells: cells))
        }

        var items: [Item] = []
        for facility in team.facilities {
            for item in plans[facility.name]?.manualItems ?? [] {
                let first = openSince[facility.name]?[item.id]
                items.append(
                    Item(
                        facility: facility.name, id: item.id,
                        person: person(item.subject, at: facility.name) ?? item.subject, action: item.action,
                        where: item.where, openSince: first.map(Plan.isoTimestamp),
                        ageDays: first.map { max(0, Int((now.timeIntervalSince1970 - $0) / 86_400)) }))
            }
        }
        items.sort { ($0.ageDays ?? -1, $1.facility, $1.id) > ($1.ageDays ?? -1, $0.facility, $0.id) }

        let facilities = team.facilities.map { facility in
            Facility(
                name: facility.name, project: facility.manifest.manifest.project,
                provider: providers[facility.name] ?? "",
                readAt: observed[facility.name].map { Plan.isoTimestamp($0.fetchedAt) },
                changes: plans[facility.name]?.changes.count ?? 0,
                manualItems: plans[facility.name]?.manualItems.count ?? 0,
                drift: drift.filter { $0.facility == facility.name }.count, problem: problems[facility.name])
        }
        return TeamPage(
            schemaVersion: 1, team: team.team.spec.name, generatedAt: Plan.isoTimestamp(now.timeIntervalSince1970),
            facilities: facilities, rows: rows, items: items, drift: DriftReport.entries(drift),
            driftSince: driftSince.description, usage: usage, usageByPerson: usageByPerson)
    }

    static func cell(
        _ place: PersonReport.Facility, plan: Plan?, observedAt: Bool, openSince: [String: Double], now: Date
    ) -> Cell {
        let side = place.wanted ?? place.seen
        var cell = Cell(
            username: place.username, role: side?.role, groups: side?.groups ?? [],
            limits: (side?.limits ?? [:]).sorted { $0.key < $1.key }.map {
                "\($0.key.replacingOccurrences(of: "_", with: " ")) \($0.value)"
            },
            state: place.state, detail: nil)
        guard let username = place.username else {
            cell.state = place.wanted == nil ? "not a member" : "unknown"
            return cell
        }
        if !observedAt { cell.state = place.wanted == nil ? "not a member" : "unknown" }
        if place.wanted == nil && place.seen == nil { cell.state = "not a member" }
        let items = (plan?.manualItems ?? []).filter { $0.subject == username }
        let changes = (plan?.changes ?? []).filter { $0.usernames.contains(username) }
        if let oldest = oldest(items, openSince: openSince) {
            cell.state = "manual"
            cell.detail = "\(UsageRenderer.plural(items.count, "manual item")) open since \(day(oldest))"
        } else if !items.isEmpty {
            cell.state = "manual"
            cell.detail = UsageRenderer.plural(items.count, "manual item")
        }
        if !changes.isEmpty {
            if cell.state != "manual" { cell.state = "pending" }
            let pending = UsageRenderer.plural(changes.count, "change") + " for the next apply"
            cell.detail = cell.detail.map { "\($0); \(pending)" } ?? pending
        }
        return cell
    }

    static func oldest(_ items: [ManualItem], openSince: [String: Double]) -> Double? {
        items.compactMap { openSince[$0.id] }.min()
    }

    static func day(_ seconds: Double) -> String {
        CalendarDay(utcDayOf: Date(timeIntervalSince1970: seconds)).description
    }
}
