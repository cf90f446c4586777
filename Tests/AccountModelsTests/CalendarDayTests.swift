import AccountModels
import Testing

struct CalendarDayTests {
    @Test(arguments: ["2024-02-29", "1970-01-01", "2027-06-30", "2000-12-31"])
    func roundTripsThroughDaysSinceEpoch(_ text: String) throws {
        let day = try #require(CalendarDay(text))
        #expect(day.description == text)
        #expect(CalendarDay(daysSinceEpoch: day.daysSinceEpoch) == day)
    }

    @Test(arguments: ["2023-02-29", "2027-13-01", "2027-6-30", "20270630", "yesterday", "2027-06-31", ""])
    func rejectsImpossibleOrMalformedDates(_ text: String) {
        #expect(CalendarDay(text) == nil)
    }

    @Test func countsDaysAcrossMonths() throws {
        let start = try #require(CalendarDay("2026-12-25"))
        #expect(start.adding(days: 7).description == "2027-01-01")
        #expect(start.days(until: try #require(CalendarDay("2027-01-01"))) == 7)
        #expect(CalendarDay(daysSinceEpoch: 0).description == "1970-01-01")
    }
}
