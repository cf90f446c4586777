import AccountModels
import Foundation

extension UsageReport {
    /// Builds a report from a facility's snapshot history. Pure: the same values give the same report.
    ///
    /// - Parameters:
    ///   - snapshots: the history, in any order (the cache returns it oldest first).
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
        snapshots: [FacilitySnapshot], projects: [String] = [], since: CalendarDay? = nil, now: Date,
        allocationYear: AllocationYear = .january, warnAt: Double? = nil,
        windowDays: Int = BurnEstimate.defaultWindowDays, warnOnAverage: Bool = false
    ) -> UsageReport {
        // A snapshot whose time is not a real date (corrupt cache) cannot be placed; leave it out.
        let history = snapshots.enumerated()
            .filter { (0...latestPlausibleTime).contains($0.element.fetchedAt) }
            .sorted { ($0.element.fetchedAt, $0.offset) < ($1.element.fetchedAt, $1.offset) }
            .map(\.element)
        let period = allocationYear.period(containing: CalendarDay(utcDayOf: now))
        let known = Set(history.flatMap { $0.projects.map(\.repo_name) })
        let asked = Set(projects)
        let selected = projects.isEmpty ? known : known.intersection(asked)
        let windowDays = max(1, windowDays)
        let context = Context(history: history, period: period, since: since, windowDays: windowDays, now: now)

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
        var history: [FacilitySnapshot]
        var period: AllocationPeriod
        var since: CalendarDay?
        var windowDays: Int
        var now: Date

        func projectUsage(named name: String) -> ProjectUsage? {
            let sightings: [(time: Date, stats: ProjectStats)] = history.compactMap { snapshot in
                snapshot.projects.first { $0.repo_name == name }
                    .map { (Date(timeIntervalSince1970: snapshot.fetchedAt), $0) }
            }
            guard let newestSighting = sightings.last, let newest = history.last else { return nil }
            let (asOf, latest) = (newestSighting.time, newestSighting.stats)
            var notes: [String] = []
            let inLatest = newest.projects.contains { $0.repo_name == name }
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
                UsagePoint(
                    time: $0.time, cpuUsed: $0.stats.cpu_project_hours_used, gpuUsed: $0.stats.gpu_project_hours_used)
            }
            let cpu = hours(.cpu, latest: latest, asOf: asOf, window: window, notes: &notes)
            let gpu = hours(.gpu, latest: latest, asOf: asOf, window: window, notes: &notes)
            return ProjectUsage(
                project: name, description: latest.description, callerRole: latest.iris_role, asOf: asOf,
                inLatestSnapshot: inLatest, cpu: cpu, gpu: gpu, storage: storage(of: latest), series: series,
                notes: notes)
        }

        /// One kind of hours: the newest figures, and the burn estimate from the snapshots in the window.
        ///
        /// This is the adapter from SFAPI's `ProjectStats` to the back-end-neutral ``UsageSample``;
        /// ``BurnEstimate`` does the rest, as it will for any other facility's figures.
        func hours(
            _ resource: HoursResource, latest: ProjectStats, asOf: Date, window: [(time: Date, stats: ProjectStats)],
            notes: inout [String]
        ) -> HoursUsage {
            let figures = HoursFigures(resource, latest)
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
                let figures = HoursFigures(resource, point.stats)
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

        func storage(of stats: ProjectStats) -> [StorageUsage] {
            let areas: [(StorageArea, [StorageStats])] = [
                (.projdir, stats.project_projdir_usage.map { [$0] } ?? []),
                (.projdirCaller, stats.projdir_usage ?? []),
                (.hpss, stats.hpss_usage ?? []),
            ]
            return areas.flatMap { area, entries in
                entries.map {
                    StorageUsage(
                        area: area, name: $0.name, bytesGiven: $0.bytes_given, bytesUsed: $0.bytes_used,
                        bytesPercentUsed: reportPercent($0.bytes_used, of: $0.bytes_given), filesGiven: $0.files_given,
                        filesUsed: $0.files_used, filesPercentUsed: reportPercent($0.files_used, of: $0.files_given))
                }
            }
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

/// `part` as a fraction of `whole`; nil when either is missing or `whole` is not positive.
func reportFraction(_ part: Double?, of whole: Double?) -> Double? {
    guard let part, let whole, whole > 0, part.isFinite, whole.isFinite else { return nil }
    return part / whole
}

/// `part` as a percentage of `whole`; nil when either is missing or `whole` is not positive.
func reportPercent(_ part: Double?, of whole: Double?) -> Double? { reportFraction(part, of: whole).map { $0 * 100 } }

/// One kind of hours as SFAPI's `ProjectStats` gives them: the project's and the caller's.
struct HoursFigures {
    var projectGiven: Double?
    var projectUsed: Double?
    var callerGiven: Double?
    var callerUsed: Double?

    init(_ resource: HoursResource, _ stats: ProjectStats) {
        switch resource {
        case .cpu:
            projectGiven = stats.cpu_project_hours_given
            projectUsed = stats.cpu_project_hours_used
            callerGiven = stats.cpu_hours_given
            callerUsed = stats.cpu_hours_used
        case .gpu:
            projectGiven = stats.gpu_project_hours_given
            projectUsed = stats.gpu_project_hours_used
            callerGiven = stats.gpu_hours_given
            callerUsed = stats.gpu_hours_used
        }
    }
}
