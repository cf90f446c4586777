import AccountModels
import Foundation

/// When a facility's allocation year starts. NERSC's starts on 1 January; others start in another month.
///
/// Usage counters reset when a new allocation year starts, so burn rates only ever look at snapshots
/// taken inside one allocation year.
public struct AllocationYear: Sendable, Hashable, Codable {
    /// The month (1 = January ... 12 = December) whose first day starts the year.
    public let startMonth: Int

    /// Creates an allocation year starting on the first day of `startMonth`; nil unless it is 1...12.
    public init?(startMonth: Int) {
        guard (1...12).contains(startMonth) else { return nil }
        self.startMonth = startMonth
    }

    /// NERSC's allocation year: 1 January to 31 December.
    public static let january = AllocationYear(uncheckedStartMonth: 1)

    private init(uncheckedStartMonth: Int) { startMonth = uncheckedStartMonth }

    /// The allocation period that contains `day`.
    public func period(containing day: CalendarDay) -> AllocationPeriod {
        let startYear = day.month >= startMonth ? day.year : day.year - 1
        let start = CalendarDay(daysSinceEpoch: CalendarDay.daysSinceEpochOfFirst(year: startYear, month: startMonth))
        let next = CalendarDay(
            daysSinceEpoch: CalendarDay.daysSinceEpochOfFirst(year: startYear + 1, month: startMonth))
        return AllocationPeriod(start: start, end: next.adding(days: -1))
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let month = try container.decode(Int.self)
        guard (1...12).contains(month) else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "allocation year start month must be 1...12, got \(month)")
        }
        startMonth = month
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(startMonth)
    }
}

/// One allocation year: its first and last day (both inclusive).
public struct AllocationPeriod: Sendable, Hashable, Codable {
    /// The first day of the year.
    public var start: CalendarDay
    /// The last day of the year.
    public var end: CalendarDay

    /// Creates a period from its first and last day.
    public init(start: CalendarDay, end: CalendarDay) {
        self.start = start
        self.end = end
    }

    /// The number of days in the period (365 or 366 for a whole year).
    public var lengthInDays: Int { start.days(until: end) + 1 }

    /// The instant the period starts (00:00 UTC on its first day).
    public var startDate: Date { start.utcMidnight }

    /// The instant the period ends (00:00 UTC on the day after its last day).
    public var endDate: Date { end.adding(days: 1).utcMidnight }

    /// Whether `date` falls inside the period.
    public func contains(_ date: Date) -> Bool { date >= startDate && date < endDate }

    /// How much of the period has gone by at `date`, from 0 (before it starts) to 1 (after it ends).
    public func fractionElapsed(at date: Date) -> Double {
        let elapsed = date.timeIntervalSince(startDate) / endDate.timeIntervalSince(startDate)
        return min(1, max(0, elapsed))
    }
}

extension CalendarDay {
    /// 00:00 UTC on this day.
    var utcMidnight: Date { Date(timeIntervalSince1970: Double(daysSinceEpoch) * 86_400) }

    /// Days since 1970 of the first day of a month; `month` must be 1...12.
    static func daysSinceEpochOfFirst(year: Int, month: Int) -> Int {
        // Always a valid date for month 1...12, so compute it directly rather than unwrapping.
        var day = CalendarDay(daysSinceEpoch: 0)
        day.year = year
        day.month = month
        day.day = 1
        return day.daysSinceEpoch
    }
}
