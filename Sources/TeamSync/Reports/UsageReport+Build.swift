import AccountModels
import Foundation

extension UsageReport {
    /// Builds a report from a facility's figures over time, whichever back end read them. Pure: the same values
    /// give the same report.
    ///
    /// - Parameters:
    ///   - observations: the history, in any order (the cache returns it oldest first).
    ///   - projects: the projects to report on; empty means every project any snapshot lists.
    ///   - since: the first day whose snapshots the burn rate may use; nil means the whole allocation
    ///     year. Latest figures always come from the newest snapshot.
    ///   - now: the time the report is made; it picks the allocation year and the fraction elapsed.
    ///   - allocationYear: when the allocation year starts.
    ///   - warnAt: a percentage; when given, every figure at or over it, and every allocation projected
    ///     from a window burn to run out before the year ends, becomes a warning (and ``exitCode`` becomes 4).
    ///   - windowDays: how many days of snapshots a burn rate needs behind it; with less, the rate is the
    ///     year-to-date average (see ``BurnEstimate``).
    ///   - warnOnAverage: whether a run-out projected from the year-to-date average is a warning too.
    public static func build(
        observations snapshots: [UsageObservation], projects: [String] = [], since: CalendarDay? = nil, now: Date,
        allocationYear: AllocationYear = .january, warnAt: Double? = nil,
        windowDays: Int = BurnEstimate.defaultWindowDays, warnOnAverage: Bool = false
    ) -> UsageReport {
        // A snapshot whose time is not a real date (corrupt cache) cannot be placed; leave it out. A figure no
        // facility can truthfully give (not finite, larger than any allocation) is left out, with a note.
        var leftOut: [String: [String]] = [:]
        let history = snapshots.enumerated()
            .filter { (0...latestPlausibleTime).contains($0.element.fetchedAt) }
            .sorted { ($0.element.fetchedAt, $0.offset) < ($1.element.fetchedAt, $1.offset) }
            .map { plausible($0.element, notes: &leftOut) }
        let period = allocationYear.period(containing: CalendarDay(utcDayOf: now))
        let known = Set(history.flatMap { $0.projects.map(\.name) })
        let asked = Set(projects)
        let selected = projects.isEmpty ? known : known.intersection(asked)
        let windowDays = max(1, windowDays)
        let context = Context(
            history: history, period: period, since: since, windowDays: windowDays, now: now, leftOut: leftOut)

        let usages = selected.sorted().compactMap { context.projectUsage(named: $0) }
        return UsageReport(
            schemaVersion: currentSchemaVersion,
            facility: history.last?.facility ?? "",
            caller: history.last?.caller ?? "",
            generatedAt: now,
            allocationYear: period,
            allocationYearStartMonth: allocationYear.startMonth,
            yearFractionElapsed: period.fractionElapsed(at: now),
            since: since,
            warnAt: warnAt,
            windowDays: windowDays,
            warnOnAverage: warnOnAverage,
            snapshotCount: history.count,
            projects: usages,
            unknownProjects: asked.subtracting(known).sorted(),
            warnings: warnAt.map { threshold in
                usages.flatMap { warnings(for: $0, threshold: threshold, period, warnOnAverage: warnOnAverage) }
            } ?? []
        )
    }

    /// 9999-12-31T23:59:59Z, the last time `CalendarDay` can name.
    static let latestPlausibleTime = 253_402_300_799.0

    private struct Context {
        var history: [UsageObservation]
        var period: AllocationPeriod
        var since: CalendarDay?
        var windowDays: Int
        var now: Date
        /// Per project, the figures left out as implausible.
        var leftOut: [String: [String]]

        func projectUsage(named name: String) -> ProjectUsage? {
            let sightings: [(time: Date, stats: UsageObservation.Project)] = history.compactMap { snapshot in
                snapshot.projects.first { $0.name == name }
                    .map { (Date(timeIntervalSince1970: snapshot.fetchedAt), $0) }
            }
            guard let newestSighting = sightings.last, let newest = history.last else { return nil }
            let (asOf, latest) = (newestSighting.time, newestSighting.stats)
            var notes: [String] = leftOut[name] ?? []
            let inLatest = newest.projects.contains { $0.name == name }
            if !inLatest {
                notes.append(
                    "not in the newest snapshot (\(day(newest.fetchedAt))); figures are from the last snapshot "
                        + "that listed it (\(CalendarDay(utcDayOf: asOf)))")
            }
            if !period.contains(asOf) {
                notes.append(
                    "the newest figures are from \(CalendarDay(utcDayOf: asOf)), before this allocation year began on "
                        + "\(period.start); run 'teamctl refresh' for this year's figures")
            }
            let staleDays = Int((now.timeIntervalSince(asOf) / 86_400).rounded(.down))
            if period.contains(asOf), staleDays > windowDays {
                notes.append(
                    "the newest figures are \(staleDays) days old (\(CalendarDay(utcDayOf: asOf))); "
                        + "run 'teamctl refresh' for current ones")
            }
            let windowStart = max(period.startDate, since?.utcMidnight ?? period.startDate)
            let window = sightings.filter { $0.time >= windowStart && period.contains($0.time) }
            let series = window.map {
                UsagePoint(time: $0.time, cpuUsed: $0.stats.cpu.projectUsed, gpuUsed: $0.stats.gpu.projectUsed)
            }
            let cpu = hours(.cpu, latest: latest, asOf: asOf, window: window, notes: &notes)
            let gpu = hours(.gpu, latest: latest, asOf: asOf, window: window, notes: &notes)
            return ProjectUsage(
                project: name, description: latest.description, callerRole: latest.callerRole, asOf: asOf,
                inLatestSnapshot: inLatest, cpu: cpu, gpu: gpu, storage: latest.storage, series: series,
                notes: notes, members: latest.members.isEmpty ? nil : latest.members)
        }

        /// One kind of hours: the newest figures, and the burn estimate from the snapshots in the window.
        ///
        /// ``BurnEstimate`` does the rest, whichever facility's figures these are.
        func hours(
            _ resource: HoursResource, latest: UsageObservation.Project, asOf: Date,
            window: [(time: Date, stats: UsageObservation.Project)], notes: inout [String]
        ) -> HoursUsage {
            let figures = latest.hours(resource)
            let (given, used) = (figures.projectGiven, figures.projectUsed)
            var usage = HoursUsage(
                resource: resource, projectGiven: given, projectUsed: used, percentUsed: reportPercent(used, of: given),
                callerGiven: figures.callerGiven, callerUsed: figures.callerUsed,
                callerPercentUsed: reportPercent(figures.callerUsed, of: figures.callerGiven),
                fractionUsed: reportFraction(used, of: given), burn: nil, burnBasis: .none, burnUnavailable: nil,
                runOutDay: nil, projectedUsedAtYearEnd: nil, runsOutBeforeYearEnd: false)
            guard usage.hasAllocation else {
                usage.burnUnavailable = "no \(resource.label) hours allocated"
                return usage
            }
            let samples = window.compactMap { point -> UsageSample? in
                let figures = point.stats.hours(resource)
                guard let used = figures.projectUsed, used.isFinite, used >= 0 else { return nil }
                return UsageSample(time: point.time, used: used, allocated: figures.projectGiven)
            }
            guard samples.last?.time == asOf else {
                usage.burnUnavailable =
                    period.contains(asOf)
                    ? "no burn rate: no snapshot with \(resource.label) use in the window"
                    : "no burn rate: no snapshot since the allocation year began on \(period.start)"
                return usage
            }
            let estimate = BurnEstimate.estimate(samples: samples, period: period, windowDays: windowDays)
            for event in estimate.events {
                switch event {
                case .reset(let time):
                    notes.append(
                        "\(resource.label) use dropped to near zero on \(CalendarDay(utcDayOf: time)) (a reset); "
                            + "the burn rate is measured from then")
                case .correction(let time, let hours):
                    notes.append(
                        "\(resource.label) use was corrected down by \(UsageUnits.hours(hours)) hours on "
                            + "\(CalendarDay(utcDayOf: time)); earlier figures count that much less in the burn rate")
                }
            }
            usage.burnBasis = estimate.basis
            usage.burnUnavailable = estimate.unavailable
            if let rate = estimate.hoursPerDay, let from = estimate.from, let to = estimate.to {
                usage.burn = BurnRate(
                    hoursPerDay: rate, from: from, to: to, points: estimate.points, label: estimate.label)
            }
            usage.projectedUsedAtYearEnd = estimate.projectedUsedAtYearEnd
            usage.runOutDay = estimate.runOutDay
            usage.runsOutBeforeYearEnd = estimate.runOutDay != nil
            return usage
        }

        func day(_ fetchedAt: Double) -> CalendarDay { CalendarDay(utcDayOf: Date(timeIntervalSince1970: fetchedAt)) }
    }

    static func warnings(
        for project: ProjectUsage, threshold: Double, _ period: AllocationPeriod, warnOnAverage: Bool
    ) -> [UsageWarning] {
        var found: [UsageWarning] = []
        let name = project.project
        let limit = UsageUnits.percent(threshold)
        for hours in [project.cpu, project.gpu] {
            let label = hours.resource.label
            if let percent = hours.percentUsed, percent >= threshold, let used = hours.projectUsed,
                let given = hours.projectGiven
            {
                found.append(
                    UsageWarning(
                        kind: .overThreshold, project: name, subject: hours.resource.rawValue,
                        message: "\(name): \(label) at \(UsageUnits.percent(percent)) of its allocation "
                            + "(\(UsageUnits.hours(used)) of \(UsageUnits.hours(given)) hours), at or over the \(limit) threshold"
                    ))
            }
            // A run-out is only alerted on from a rate with the window behind it, unless asked to.
            if hours.runsOutBeforeYearEnd, let day = hours.runOutDay, let burn = hours.burn,
                hours.burnBasis == .window || (hours.burnBasis == .yearToDateAverage && warnOnAverage)
            {
                found.append(
                    UsageWarning(
                        kind: .runsOutBeforeYearEnd, project: name, subject: hours.resource.rawValue,
                        message:
                            "\(name): \(label) projected to run out on \(day) at \(UsageUnits.hours(burn.hoursPerDay)) "
                            + "hours/day (\(burn.label)), before the allocation year ends on \(period.end)"))
            }
        }
        for member in project.members ?? [] {
            let figures: [(String, Double?, Double?)] = [
                ("CPU", member.cpuUsed, member.cpuLimit), ("GPU", member.gpuUsed, member.gpuLimit),
            ]
            for (label, used, given) in figures {
                guard let percent = reportPercent(used, of: given), percent >= threshold, let used, let given else {
                    continue
                }
                found.append(
                    UsageWarning(
                        kind: .overThreshold, project: name, subject: "\(member.user) \(label.lowercased())",
                        message:
                            "\(name): \(member.user) has used \(UsageUnits.percent(percent)) of their own \(label) "
                            + "limit (\(UsageUnits.hours(used)) of \(UsageUnits.hours(given)) hours), at or over the "
                            + "\(limit) threshold"))
            }
        }
        for area in project.storage {
            let measures: [(String, Double?, Double?, Double?, (Double) -> String)] = [
                ("bytes", area.bytesPercentUsed, area.bytesUsed, area.bytesGiven, UsageUnits.bytes),
                ("files", area.filesPercentUsed, area.filesUsed, area.filesGiven, UsageUnits.count),
            ]
            for (measure, percent, used, given, format) in measures {
                guard let percent, percent >= threshold, let used, let given else { continue }
                found.append(
                    UsageWarning(
                        kind: .overThreshold, project: name, subject: "\(area.area.rawValue) \(measure)",
                        message:
                            "\(name): \(area.area.label) \(area.name) \(measure) at \(UsageUnits.percent(percent)) "
                            + "of quota (\(format(used)) of \(format(given))), at or over the \(limit) threshold"))
            }
        }
        return found
    }
}

/// `part` as a fraction of `whole`; nil when either is missing, `whole` is not positive, or the quotient is not a
/// finite number (a tiny `whole` can make it overflow).
func reportFraction(_ part: Double?, of whole: Double?) -> Double? {
    guard let part, let whole, whole > 0, part.isFinite, whole.isFinite else { return nil }
    let fraction = part / whole
    return fraction.isFinite && (fraction * 100).isFinite ? fraction : nil
}

/// `part` as a percentage of `whole`; nil when either is missing or `whole` is not positive.
func reportPercent(_ part: Double?, of whole: Double?) -> Double? { reportFraction(part, of: whole).map { $0 * 100 } }
