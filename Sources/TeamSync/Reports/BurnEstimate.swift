import AccountModels
import Foundation

/// One reading of a project's cumulative use of one kind of hours, from any back end.
///
/// Nothing here is SFAPI-specific: NERSC's `ProjectStats`, Slurm's accounting figures or any other
/// facility's usage become a series of these before ``BurnEstimate/estimate(samples:period:windowDays:)``
/// turns them into a rate and a projection.
public struct UsageSample: Sendable, Hashable {
    /// When the figures were read.
    public var time: Date
    /// The hours used so far in the allocation year, as the facility reported them then.
    public var used: Double
    /// The hours allocated, as the facility reported them then; nil when it did not say.
    public var allocated: Double?

    /// Creates a sample.
    public init(time: Date, used: Double, allocated: Double?) {
        self.time = time
        self.used = used
        self.allocated = allocated
    }
}

/// What a burn rate rests on.
public enum BurnBasis: String, Sendable, Codable, Hashable, CaseIterable {
    /// A least-squares line through snapshots spanning at least the window (default 7 days).
    case window
    /// The hours used so far this allocation year divided by the days gone by (after a reset inside the
    /// year, counted from the reset). Shown, but only alerted on when asked to.
    case yearToDateAverage = "year-to-date-average"
    /// No rate: less than a day of figures to measure over, or none at all.
    case none
}

/// When an allocation runs out at an estimated rate, within the allocation year it is measured in.
public enum RunOutProjection: Sendable, Hashable {
    /// The hours are already used up.
    case usedUp
    /// The day the remaining hours are used up, on or before the allocation year's last day.
    case on(CalendarDay)
    /// The allocation lasts beyond this allocation year's end at this rate (or nothing is being used).
    case notThisYear
    /// Unknown: no rate, or no allocation to run out of.
    case unknown
}

/// Something in a usage series that the estimate had to work around.
public enum UsageSeriesEvent: Sendable, Hashable {
    /// Use dropped to near zero: the facility started counting again. Only later figures are used.
    case reset(at: Date)
    /// Use went down, but not to near zero: hours were given back. Earlier figures are lowered by as much.
    case correction(at: Date, hours: Double)
}

/// A back-end-neutral burn rate and run-out projection for one kind of hours of one project.
///
/// The rules, in one place for every facility:
/// - Only samples inside the allocation year count; a drop to near zero (at most
///   ``resetFraction`` of the figure before) starts the series again.
/// - A smaller drop is a correction: every earlier figure is lowered by the hours given back, so the
///   series never falls and no rate is ever negative.
/// - With samples reaching at least `windowDays` back from the newest one, the rate is the slope of
///   the least-squares line through the samples from the newest one at least `windowDays` old up to
///   the newest ("7-day burn").
/// - With less history, the rate is the year-to-date average: the newest figure divided by the days
///   from the year's start (or from the reset) to it.
/// - No rate is ever measured over less than a day, and nothing is projected past the year's end.
public struct BurnEstimate: Sendable, Hashable {
    /// The window the burn is measured over when nothing else is asked for, in days.
    public static let defaultWindowDays = 7

    /// A drop to at most this fraction of the figure before it is a reset, not a correction.
    public static let resetFraction = 0.05

    /// What the rate rests on.
    public var basis: BurnBasis
    /// Hours used per day, never negative; nil when ``basis`` is `.none`.
    public var hoursPerDay: Double?
    /// The start of what the rate was measured over: the first sample of the fit, the allocation year's
    /// start, or the reset.
    public var from: Date?
    /// The newest sample the rate was measured to.
    public var to: Date?
    /// How many samples the rate rests on.
    public var points: Int
    /// When the allocation runs out at ``hoursPerDay``, within the allocation year.
    public var runOut: RunOutProjection
    /// The hours used by the end of the allocation year at ``hoursPerDay``; nil without a rate.
    public var projectedUsedAtYearEnd: Double?
    /// Why there is no rate, in plain words; nil when there is one.
    public var unavailable: String?
    /// Resets and corrections found in the series, oldest first.
    public var events: [UsageSeriesEvent]
    /// How a person names the basis: `7-day burn`, `year-to-date average`, `average since 2026-04-06`.
    public var label: String

    /// The day the allocation runs out, when that is within the allocation year.
    public var runOutDay: CalendarDay? {
        if case .on(let day) = runOut { return day }
        return nil
    }

    /// Estimates the burn rate and run-out of one kind of hours. Pure: the same values give the same answer.
    ///
    /// - Parameters:
    ///   - samples: the readings, in any order; those outside `period` and those that are not finite,
    ///     non-negative numbers are left out.
    ///   - period: the allocation year the report is about (the one containing the report's time).
    ///   - windowDays: how many days of history a fitted rate needs behind it; at least 1.
    public static func estimate(samples: [UsageSample], period: AllocationPeriod, windowDays: Int) -> BurnEstimate {
        let window = Double(max(1, windowDays)) * 86_400
        let usable = samples.enumerated()
            .filter { period.contains($0.element.time) && $0.element.used.isFinite && $0.element.used >= 0 }
            .sorted { ($0.element.time, $0.offset) < ($1.element.time, $1.offset) }
            .map(\.element)
        var estimate = BurnEstimate(
            basis: .none, hoursPerDay: nil, from: nil, to: nil, points: 0, runOut: .unknown,
            projectedUsedAtYearEnd: nil, unavailable: "no burn rate: no figures in this allocation year", events: [],
            label: "no rate")
        guard let newest = usable.last else { return estimate }

        // The current segment: from the last reset on.
        var start = 0
        for index in usable.indices.dropFirst()
        where usable[index].used <= resetFraction * usable[index - 1].used
            && usable[index].used < usable[index - 1].used
        {
            start = index
            estimate.events.append(.reset(at: usable[index].time))
        }
        let segment = Array(usable[start...])

        // Corrections: lower every earlier figure by the hours given back, so the series never falls.
        var corrected = segment.map(\.used)
        var givenBack = 0.0
        var corrections: [UsageSeriesEvent] = []
        for index in segment.indices.reversed() {
            corrected[index] = max(0, segment[index].used - givenBack)
            if index > 0, segment[index].used < segment[index - 1].used {
                let drop = segment[index - 1].used - segment[index].used
                givenBack += drop
                corrections.append(.correction(at: segment[index].time, hours: drop))
            }
        }
        estimate.events += corrections.reversed()

        let cutoff = newest.time.addingTimeInterval(-window)
        if let anchor = segment.lastIndex(where: { $0.time <= cutoff }) {
            let fitted = (anchor..<segment.count).map { (time: segment[$0].time, used: corrected[$0]) }
            let spanDays = newest.time.timeIntervalSince(segment[anchor].time) / 86_400
            estimate.basis = .window
            estimate.hoursPerDay = max(0, leastSquaresSlopePerDay(fitted))
            estimate.from = segment[anchor].time
            estimate.points = fitted.count
            estimate.label = "\(Int(spanDays.rounded(.down)))-day burn"
        } else {
            // The average: from the year's start at zero, or from the first figure after a reset.
            let origin = start == 0 ? (time: period.startDate, used: 0.0) : (time: segment[0].time, used: corrected[0])
            let spanDays = newest.time.timeIntervalSince(origin.time) / 86_400
            guard spanDays >= 1 else {
                estimate.unavailable =
                    start == 0
                    ? "no burn rate: less than a day of this allocation year before the newest figures"
                    : "no burn rate: less than a day of figures since the reset on \(CalendarDay(utcDayOf: origin.time))"
                return estimate
            }
            estimate.basis = .yearToDateAverage
            estimate.hoursPerDay = max(0, (newest.used - origin.used) / spanDays)
            estimate.from = origin.time
            estimate.points = start == 0 ? 1 : 2
            estimate.label =
                start == 0 ? "year-to-date average" : "average since \(CalendarDay(utcDayOf: origin.time))"
        }
        estimate.to = newest.time
        estimate.unavailable = nil
        let rate = estimate.hoursPerDay ?? 0
        let daysToYearEnd = max(0, period.endDate.timeIntervalSince(newest.time) / 86_400)
        estimate.projectedUsedAtYearEnd = newest.used + rate * daysToYearEnd
        estimate.runOut = runOut(used: newest.used, allocated: newest.allocated, at: newest.time, rate: rate, period)
        return estimate
    }

    /// When `allocated - used` hours are used up at `rate` hours a day from `time`, within `period`.
    static func runOut(used: Double, allocated: Double?, at time: Date, rate: Double, _ period: AllocationPeriod)
        -> RunOutProjection
    {
        guard let allocated, allocated.isFinite, allocated > 0 else { return .unknown }
        if used >= allocated { return .usedUp }
        let daysToYearEnd = period.endDate.timeIntervalSince(time) / 86_400
        guard rate > 0 else { return .notThisYear }
        let daysLeft = (allocated - used) / rate
        guard daysLeft < daysToYearEnd else { return .notThisYear }
        return .on(CalendarDay(utcDayOf: time.addingTimeInterval(daysLeft * 86_400)))
    }

    /// The slope, in hours per day, of the least-squares line through the points.
    ///
    /// Days are counted from the first point, so whole-day histories with whole-hour figures give an
    /// exact slope. Zero when the points do not span any time.
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
}
