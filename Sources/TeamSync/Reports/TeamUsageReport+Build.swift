import AccountModels
import Foundation

extension TeamUsageReport {
    /// Builds a team's usage report from each facility's figures over time and the resolved team. Pure: the same
    /// values give the same report.
    ///
    /// Each facility's part is ``UsageReport/build(observations:projects:since:now:allocationYear:warnAt:windowDays:warnOnAverage:)``
    /// for the team's project there. A person's figures come from the facility's per-member hours where it reports
    /// them (Slurm associations), else from the caller's own share (SFAPI), which is a figure of one person: the
    /// caller. Usernames are mapped to people through the team (and the people file, for someone not in the team).
    ///
    /// - Parameters:
    ///   - team: the resolved team; its `facilities` are the ones reported on.
    ///   - histories: each facility's observations, by facility name, in any order; a facility missing here has none.
    ///   - notes: remarks to carry per facility (a refresh that failed, say), by facility name.
    ///   - warnAt: a percentage; when given, every person at or over it of their own limit at a facility is a
    ///     warning, and so is every warning of each facility's own report.
    ///   - since, now, allocationYear, windowDays, warnOnAverage: as for ``UsageReport``.
    public static func build(
        team: ResolvedTeam, histories: [String: [UsageObservation]], notes: [String: [String]] = [:],
        since: CalendarDay? = nil, now: Date, allocationYear: AllocationYear = .january, warnAt: Double? = nil,
        windowDays: Int = BurnEstimate.defaultWindowDays, warnOnAverage: Bool = false
    ) -> TeamUsageReport {
        let period = allocationYear.period(containing: CalendarDay(utcDayOf: now))
        let windowDays = max(1, windowDays)
        let members = team.team.spec.members
        var facilities: [TeamFacilityUsage] = []
        // Person rows, keyed by person id, or by "username@facility" for a username the people file does not know.
        var rows: [String: PersonUsage] = [:]
        for resolved in team.facilities.sorted(by: { $0.name < $1.name }) {
            let project = resolved.manifest.manifest.project
            let raw = (histories[resolved.name] ?? []).filter {
                (0...UsageReport.latestPlausibleTime).contains($0.fetchedAt)
            }
            .enumerated().sorted { ($0.element.fetchedAt, $0.offset) < ($1.element.fetchedAt, $1.offset) }
            .map(\.element)
            // Each person's figures as the facility's own report takes them: implausible ones left out (that report
            // notes them).
            var ignored: [String: [String]] = [:]
            let history = raw.map { UsageReport.plausible($0, notes: &ignored) }
            let report = UsageReport.build(
                observations: raw, projects: [project], since: since, now: now, allocationYear: allocationYear,
                warnAt: warnAt, windowDays: windowDays, warnOnAverage: warnOnAverage)
            let figures = PersonFigureHistory(history: history, project: project)
            var facilityNotes = notes[resolved.name] ?? []
            if history.isEmpty {
                facilityNotes.append(
                    "no usage figures of \(resolved.name) in the cache yet; run 'teamctl usage -f TEAM --refresh'")
            } else if figures.source == .none {
                facilityNotes.append(
                    report.unknownProjects.contains(project)
                        ? "project \(project) is in no snapshot of \(resolved.name); check the name or refresh"
                        : "\(resolved.name) gives no per-person figures for \(project)")
            }
            facilities.append(
                TeamFacilityUsage(
                    facility: resolved.name, project: project, personFigures: figures.source, report: report,
                    notes: facilityNotes))

            let idByUsername = Dictionary(
                resolved.usernames.map { ($0.value, $0.key) }, uniquingKeysWith: { first, _ in first })
            for username in figures.usernames {
                let series = figures.series(of: username)
                guard let newest = series.last else { continue }
                let id = idByUsername[username]
                let usage = PersonFacilityUsage(
                    facility: resolved.name, project: project, username: username,
                    memberHere: id.map { members[$0] != nil } ?? false, asOf: newest.time,
                    snapshots: series.count,
                    cpu: personHours(.cpu, series: series, period: period, windowDays: windowDays),
                    gpu: personHours(.gpu, series: series, period: period, windowDays: windowDays))
                guard usage.cpu.hasFigures || usage.gpu.hasFigures else { continue }
                let known =
                    id.flatMap { team.people.directory.people[$0] }
                    ?? team.person(withUsername: username, at: resolved.name)
                let key = known?.id ?? "\(username)@\(resolved.name)"
                var row =
                    rows[key]
                    ?? PersonUsage(
                        person: known?.id, name: known?.name, inTeam: false, facilities: [], totals: [])
                row.inTeam = row.inTeam || usage.memberHere
                row.facilities.append(usage)
                rows[key] = row
            }
        }
        var people = rows.values.map { row -> PersonUsage in
            var row = row
            row.facilities.sort { $0.facility < $1.facility }
            row.totals = totals(of: row.facilities)
            return row
        }
        people.sort { lhs, rhs in
            // Members by id first, then the rest by their first facility and username.
            if lhs.inTeam != rhs.inTeam { return lhs.inTeam }
            let left = (lhs.person ?? "", lhs.facilities.first?.facility ?? "", lhs.facilities.first?.username ?? "")
            let right = (rhs.person ?? "", rhs.facilities.first?.facility ?? "", rhs.facilities.first?.username ?? "")
            return left < right
        }
        let withFigures = Set(people.compactMap(\.person))
        let runMembers = Set(team.facilities.flatMap(\.usernames.keys)).filter { members[$0] != nil }
        return TeamUsageReport(
            schemaVersion: currentSchemaVersion, kind: "team", team: team.team.spec.name, generatedAt: now,
            allocationYear: period, warnAt: warnAt, facilities: facilities, people: people,
            membersWithoutFigures: runMembers.subtracting(withFigures).sorted(),
            totals: totals(of: people.flatMap(\.facilities)),
            warnings: warnAt.map { warnings(facilities: facilities, people: people, threshold: $0) } ?? [])
    }

    /// One kind of a person's hours at one facility, from the snapshots that hold a figure of them.
    static func personHours(
        _ resource: HoursResource, series: [(time: Date, member: UsageObservation.Member)], period: AllocationPeriod,
        windowDays: Int
    ) -> PersonHours {
        let latest = series.last?.member
        let used = latest.flatMap { resource == .cpu ? $0.cpuUsed : $0.gpuUsed }
        let limit = latest.flatMap { resource == .cpu ? $0.cpuLimit : $0.gpuLimit }
        var hours = PersonHours(
            resource: resource, used: used, limit: limit, percentOfLimit: reportPercent(used, of: limit), burn: nil,
            burnBasis: .none, runOutDay: nil,
            limitUsedUp: used.flatMap { used in limit.map { $0 > 0 && used >= $0 } } ?? false)
        let samples = series.compactMap { point -> UsageSample? in
            let figure = resource == .cpu ? point.member.cpuUsed : point.member.gpuUsed
            guard let figure, figure.isFinite, figure >= 0, period.contains(point.time) else { return nil }
            let allocated = resource == .cpu ? point.member.cpuLimit : point.member.gpuLimit
            return UsageSample(time: point.time, used: figure, allocated: allocated)
        }
        // A rate needs at least two readings of the person: one figure says nothing of how fast it grows.
        guard samples.count >= 2, samples.last?.time == series.last?.time else { return hours }
        let estimate = BurnEstimate.estimate(samples: samples, period: period, windowDays: windowDays)
        if let rate = estimate.hoursPerDay, let from = estimate.from, let to = estimate.to {
            hours.burn = BurnRate(hoursPerDay: rate, from: from, to: to, points: estimate.points, label: estimate.label)
            hours.burnBasis = estimate.basis
            hours.runOutDay = estimate.runOutDay
        }
        return hours
    }

    /// The hours of each kind added up over `figures`; a kind none of them has is left out.
    static func totals(of figures: [PersonFacilityUsage]) -> [HoursTotal] {
        HoursResource.allCases.compactMap { resource in
            let hours = figures.map { resource == .cpu ? $0.cpu : $0.gpu }.filter(\.hasFigures)
            guard !hours.isEmpty else { return nil }
            let used = hours.compactMap(\.used).reduce(0, +)
            let limits = hours.compactMap(\.limit)
            let limit = limits.count == hours.count ? limits.reduce(0, +) : nil
            let rates = hours.compactMap { $0.burn?.hoursPerDay }
            return HoursTotal(
                resource: resource, used: used, limit: limit, percentOfLimit: reportPercent(used, of: limit),
                hoursPerDay: rates.isEmpty ? nil : rates.reduce(0, +))
        }
    }

    /// Every person at or over `threshold` of their own limit, then each facility's own warnings (less those about a
    /// member's own limit, which the person's warning says with their name).
    static func warnings(facilities: [TeamFacilityUsage], people: [PersonUsage], threshold: Double)
        -> [TeamUsageWarning]
    {
        var found: [TeamUsageWarning] = []
        for facility in facilities {
            let memberSubjects = Set(
                facility.report.projects.flatMap { project in
                    (project.members ?? []).flatMap { ["\($0.user) cpu", "\($0.user) gpu"] }
                })
            for warning in facility.report.warnings where !memberSubjects.contains(warning.subject) {
                found.append(
                    TeamUsageWarning(
                        kind: warning.kind, facility: facility.facility, person: nil, username: nil,
                        subject: warning.subject, message: "\(facility.facility): \(warning.message)"))
            }
        }
        let limit = UsageUnits.percent(threshold)
        for person in people {
            for usage in person.facilities {
                for hours in [usage.cpu, usage.gpu] {
                    guard let percent = hours.percentOfLimit, percent >= threshold, let used = hours.used,
                        let given = hours.limit
                    else { continue }
                    found.append(
                        TeamUsageWarning(
                            kind: .overThreshold, facility: usage.facility, person: person.person,
                            username: usage.username, subject: hours.resource.rawValue,
                            message: "\(who(person, usage)) has used \(UsageUnits.percent(percent)) of their own "
                                + "\(hours.resource.label) limit (\(UsageUnits.hours(used)) of "
                                + "\(UsageUnits.hours(given)) hours), at or over the \(limit) threshold"))
                }
            }
        }
        return found
    }

    /// `cyilmaz (Cem Yilmaz, cyil at frontier)`; `cyil at frontier (not in the team)` for a username no one holds.
    static func who(_ person: PersonUsage, _ usage: PersonFacilityUsage) -> String {
        let place = "\(usage.username) at \(usage.facility)"
        guard let id = person.person else { return "\(place) (not in the team)" }
        let named = person.name.map { "\($0), " } ?? ""
        return "\(id) (\(named)\(place)\(usage.memberHere ? "" : "; not in the team"))"
    }
}

/// The per-person figures of one project at one facility, snapshot by snapshot.
private struct PersonFigureHistory {
    /// Each snapshot that lists the project: its time and the figures of each person in it.
    var snapshots: [(time: Date, members: [String: UsageObservation.Member])] = []
    /// Where the newest snapshot's figures come from.
    var source: TeamFacilityUsage.PersonFigures = .none
    /// The people the newest snapshot holds figures of.
    var usernames: [String] = []

    init(history: [UsageObservation], project: String) {
        for observation in history {
            guard let stats = observation.projects.first(where: { $0.name == project }) else { continue }
            let (source, figures) = Self.figures(of: stats, caller: observation.caller)
            snapshots.append(
                (
                    Date(timeIntervalSince1970: observation.fetchedAt),
                    Dictionary(figures.map { ($0.user, $0) }, uniquingKeysWith: { first, _ in first })
                ))
            self.source = source
            usernames = figures.map(\.user).sorted()
        }
        usernames = Array(Set(usernames)).sorted()
    }

    /// A project's members' own figures where the facility gives them; else the caller's share, as the caller's
    /// own figure.
    static func figures(of stats: UsageObservation.Project, caller: String)
        -> (TeamFacilityUsage.PersonFigures, [UsageObservation.Member])
    {
        if !stats.members.isEmpty { return (.members, stats.members) }
        let share = UsageObservation.Member(
            user: caller, cpuUsed: stats.cpu.callerUsed, cpuLimit: stats.cpu.callerGiven,
            gpuUsed: stats.gpu.callerUsed, gpuLimit: stats.gpu.callerGiven)
        let hasShare = [share.cpuUsed, share.cpuLimit, share.gpuUsed, share.gpuLimit].contains { $0 != nil }
        guard hasShare, !caller.isEmpty else { return (.none, []) }
        return (.caller, [share])
    }

    /// The person's figures in each snapshot that holds them, oldest first.
    func series(of username: String) -> [(time: Date, member: UsageObservation.Member)] {
        snapshots.compactMap { snapshot in snapshot.members[username].map { (snapshot.time, $0) } }
    }
}
