import AccountModels
import Foundation

extension UsageReport {
    /// Builds a report from a facility's snapshot history. Pure: the same values give the same report.
    ///
    /// - Parameters:
    ///   - snapshots: the history, in any order (the cache returns it oldest first).
    ///   - projects: the projects to report on; empty means every project any snapshot lists.
    ///   - since: the first day of the window the burn rate is measured over; nil means the whole
    ///     allocation year. Latest figures always come from the newest snapshot.
    ///   - now: the time the report is made; it picks the allocation year and the fraction elapsed.
    ///   - allocationYear: when the allocation year starts.
    ///   - warnAt: a percentage; when given, every figure at or over it, and every allocation that runs
    ///     out before the year ends, becomes a warning (and ``exitCode`` becomes 4).
    public static func build(
        snapshots: [FacilitySnapshot], projects: [String] = [], since: CalendarDay? = nil, now: Date,
        allocationYear: AllocationYear = .january, warnAt: Double? = nil
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
        let context = Context(history: history, period: period, since: since)

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
            snapshotCount: history.count,
            projects: usages,
            unknownProjects: asked.subtracting(known).sorted(),
            warnings: warnAt.map { threshold in usages.flatMap { warnings(for: $0, threshold: threshold, period) } }
                ?? []
        )
    }

    /// 9999-12-31T23:59:59Z, the last time `CalendarDay` can name.
    static let latestPlausibleTime = 253_402_300_799.0

    /// The most days ahead a run-out day is given for; further out it is as good as never.
    static let runOutHorizonDays = 36_500.0

    private struct Context {
        var history: [FacilitySnapshot]
        var period: AllocationPeriod
        var since: CalendarDay?

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
            let windowStart = max(period.startDate, since?.utcMidnight ?? period.startDate)
            let window = sightings.filter { $0.time >= windowStart && period.contains($0.time) }
            let series = window.map {
                UsagePoint(
                    time: $0.time, cpuUsed: $0.stats.cpu_project_hours_used, gpuUsed: $0.stats.gpu_project_hours_used)
            }
            let cpu = hours(
                .cpu, latest: latest, asOf: asOf, window: window.map { ($0.time, $0.stats.cpu_project_hours_used) },
                everSeen: sightings.count, notes: &notes)
            let gpu = hours(
                .gpu, latest: latest, asOf: asOf, window: window.map { ($0.time, $0.stats.gpu_project_hours_used) },
                everSeen: sightings.count, notes: &notes)
            return ProjectUsage(
                project: name, description: latest.description, callerRole: latest.iris_role, asOf: asOf,
                inLatestSnapshot: inLatest, cpu: cpu, gpu: gpu, storage: storage(of: latest), series: series,
                notes: notes)
        }

        func hours(
            _ resource: HoursResource, latest: ProjectStats, asOf: Date, window: [(time: Date, used: Double?)],
            everSeen: Int, notes: inout [String]
        ) -> HoursUsage {
            let (given, used, callerGiven, callerUsed): (Double?, Double?, Double?, Double?) =
                switch resource {
                case .cpu:
                    (
                        latest.cpu_project_hours_given, latest.cpu_project_hours_used, latest.cpu_hours_given,
                        latest.cpu_hours_used
                    )
                case .gpu:
                    (
                        latest.gpu_project_hours_given, latest.gpu_project_hours_used, latest.gpu_hours_given,
                        latest.gpu_hours_used
                    )
                }
            var usage = HoursUsage(
                resource: resource, projectGiven: given, projectUsed: used, percentUsed: reportPercent(used, of: given),
                callerGiven: callerGiven, callerUsed: callerUsed,
                callerPercentUsed: reportPercent(callerUsed, of: callerGiven),
                fractionUsed: reportFraction(used, of: given), burn: nil, burnUnavailable: nil,
                runOutDay: nil, projectedUsedAtYearEnd: nil, runsOutBeforeYearEnd: false)
            guard usage.hasAllocation else {
                usage.burnUnavailable = "no \(resource.label) hours allocated"
                return usage
            }

            var points = window.compactMap { point in point.used.map { (time: point.time, used: $0) } }
            // Usage only grows within an allocation year; a drop is a reset or a correction, and
            // a rate measured across it would be meaningless, so measure from the drop on.
            if let drop = points.indices.dropFirst().last(where: { points[$0].used < points[$0 - 1].used }) {
                notes.append(
                    "\(resource.label) use dropped on \(CalendarDay(utcDayOf: points[drop].time)) (a reset or a "
                        + "correction); the burn rate is measured from then")
                points.removeFirst(drop)
            }
            guard let used, let last = points.last, last.time == asOf else {
                if everSeen == 1 {
                    usage.burnUnavailable = "no burn rate: only one snapshot"
                } else if !period.contains(asOf) {
                    usage.burnUnavailable =
                        "no burn rate: no snapshot since the allocation year began on \(period.start)"
                } else {
                    usage.burnUnavailable = "no burn rate: no snapshot with \(resource.label) use in the window"
                }
                return usage
            }
            guard points.count >= 2, let first = points.first, first.time < last.time else {
                usage.burnUnavailable =
                    everSeen == 1
                    ? "no burn rate: only one snapshot"
                    : "no burn rate: only one snapshot in the window"
                return usage
            }
            let slope = leastSquaresSlopePerDay(points)
            usage.burn = BurnRate(hoursPerDay: slope, from: first.time, to: last.time, points: points.count)
            let daysToYearEnd = period.endDate.timeIntervalSince(asOf) / 86_400
            usage.projectedUsedAtYearEnd = used + max(0, slope) * max(0, daysToYearEnd)
            guard let given, given > used, slope > 0 else { return usage }
            let daysLeft = (given - used) / slope
            guard daysLeft <= UsageReport.runOutHorizonDays else { return usage }
            let runOut = CalendarDay(utcDayOf: asOf.addingTimeInterval(daysLeft * 86_400))
            usage.runOutDay = runOut
            usage.runsOutBeforeYearEnd = runOut <= period.end
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

    /// The slope, in hours per day, of the least-squares line through the points.
    ///
    /// Days are counted from the first point, so whole-day histories with whole-hour figures give an
    /// exact slope. The caller guarantees at least two distinct times.
    static func leastSquaresSlopePerDay(_ points: [(time: Date, used: Double)]) -> Double {
        guard let origin = points.first?.time else { return 0 }
        let n = Double(points.count)
        var sumX = 0.0, sumY = 0.0, sumXX = 0.0, sumXY = 0.0
        for point in points {
            let x = point.time.timeIntervalSince(origin) / 86_400
            sumX += x
            sumY += point.used
            sumXX += x * x
            sumXY += x * point.used
        }
        let denominator = n * sumXX - sumX * sumX
        guard denominator > 0 else { return 0 }
        return (n * sumXY - sumX * sumY) / denominator
    }

    static func warnings(for project: ProjectUsage, threshold: Double, _ period: AllocationPeriod) -> [UsageWarning] {
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
            if hours.runsOutBeforeYearEnd, let day = hours.runOutDay, let burn = hours.burn {
                found.append(
                    UsageWarning(
                        kind: .runsOutBeforeYearEnd, project: name, subject: hours.resource.rawValue,
                        message:
                            "\(name): \(label) projected to run out on \(day) at \(UsageUnits.hours(burn.hoursPerDay)) "
                            + "hours/day, before the allocation year ends on \(period.end)"))
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
