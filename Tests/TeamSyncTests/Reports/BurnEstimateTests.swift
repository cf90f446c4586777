import AccountModels
import Foundation
import Testing

@testable import TeamSync

/// The burn rate, run-out day and alert for the histories a facility really produces: one snapshot,
/// a batch landing between refreshes seconds apart, daily steps, corrections, a new allocation year
/// and long gaps. Each case goes through `UsageReport.build`, as `teamctl usage` does.
struct BurnEstimateTests {
    func snapshot(_ day: String, hour: Double = 0, seconds: Double = 0, used: Double, given: Double = 200_000)
        throws -> FacilitySnapshot
    {
        FacilitySnapshot(
            fetchedAt: try UsageHistory.time(day, hour: hour) + seconds, facility: "nersc", caller: "alice",
            projects: [UsageHistory.project("m9001", cpuGiven: given, cpuUsed: used)])
    }

    func cpuOf(_ report: UsageReport) throws -> HoursUsage { try #require(report.projects.first).cpu }

    // MARK: One snapshot

    @Test func oneSnapshotGivesTheYearToDateAverageAndNoAlertUnlessAsked() throws {
        let history = [try snapshot("2026-10-01", used: 160_000)]
        let now = try UsageHistory.date("2026-10-01", hour: 8)
        let report = UsageReport.build(snapshots: history, now: now, warnAt: 95)
        let cpu = try cpuOf(report)
        // 160,000 hours in the 273 days from 1 January to 1 October.
        #expect(cpu.burnBasis == .yearToDateAverage)
        #expect(cpu.burn?.hoursPerDay == 160_000.0 / 273)
        // 40,000 left at 586 a day is 68.25 days: 8 December.
        #expect(cpu.runOutDay == CalendarDay("2026-12-08"))
        #expect(report.warnings.isEmpty, "80% is under 95%, and an average alerts only when asked")
        #expect(report.exitCode == 0)

        let asked = UsageReport.build(snapshots: history, now: now, warnAt: 95, warnOnAverage: true)
        #expect(asked.warnings.map(\.kind) == [.runsOutBeforeYearEnd])
        #expect(asked.warnings.first?.message.contains("(year-to-date average)") == true)
        #expect(asked.exitCode == 4)
    }

    // MARK: Snapshots seconds apart after a jump

    @Test func aJumpBetweenSnapshotsSecondsApartIsNoBurnRate() throws {
        // The issue: a refresh, a day's batch of 30,000 hours, a refresh five seconds later.
        let history = [
            try snapshot("2026-11-29", hour: 10, used: 50_000),
            try snapshot("2026-11-29", hour: 10, seconds: 5, used: 80_000),
        ]
        let now = try UsageHistory.date("2026-11-29", hour: 10.1)
        let report = UsageReport.build(snapshots: history, now: now, warnAt: 95)
        let cpu = try cpuOf(report)
        let secondsElapsed: Double = 332 * 86_400 + 10 * 3600 + 5
        let daysElapsed = secondsElapsed / 86_400
        #expect(cpu.burnBasis == .yearToDateAverage)
        #expect(cpu.burn?.hoursPerDay == 80_000 / daysElapsed)
        #expect((cpu.burn?.hoursPerDay ?? .infinity) < 241)
        // 120,000 left at 241 a day is 499 days: not within this allocation year.
        #expect(cpu.runOutDay == nil)
        #expect(!cpu.runsOutBeforeYearEnd)
        #expect(report.exitCode == 0)
        #expect(UsageRenderer.table(report).contains("year-to-date average"))

        let lower = UsageReport.build(snapshots: history, now: now, warnAt: 30)
        #expect(lower.warnings.map(\.kind) == [.overThreshold], "40% is over 30%")
        #expect(lower.exitCode == 4)
    }

    @Test func aJumpRightAfterAWeekOfHistoryIsFittedOverTheWeek() throws {
        // Daily refreshes at 100 hours a day, then a 30,000-hour batch and a refresh five seconds later.
        var history = try (0..<21).map { day in
            try snapshot(CalendarDay("2026-11-01")!.adding(days: day).description, used: 50_000 + 100 * Double(day))
        }
        history.append(try snapshot("2026-11-21", seconds: 5, used: 52_000 + 30_000))
        let report = UsageReport.build(
            snapshots: history, now: try UsageHistory.date("2026-11-21", hour: 1), warnAt: 95)
        let cpu = try cpuOf(report)
        #expect(cpu.burnBasis == .window)
        #expect(cpu.burn?.points == 9)
        #expect(cpu.burn?.label == "7-day burn")
        // The line through 14..21 November and the jump: 100 + 30,000 x 3.111 / 52.889 = 1,864.7 a day,
        // no more than the 30,700 hours used in the week spread over it (4,386 a day).
        let rate = try #require(cpu.burn?.hoursPerDay)
        #expect(abs(rate - 1_864.72) < 0.01)
        // 118,000 left at 1,865 a day is 63 days: past 31 December.
        #expect(cpu.runOutDay == nil)
        #expect(report.exitCode == 0)
    }

    // MARK: A daily step pattern

    @Test func dailyBatchesOverThreeWeeksGiveTheDailyRate() throws {
        // Refreshes every 6 hours for 21 days; the facility books 2,000 hours once a day at 04:00.
        let start = try UsageHistory.time("2026-06-01")
        let history = (0..<84).map { index in
            let time = start + Double(index) * 6 * 3600
            let batches = Double(Int((time - start - 4 * 3600) / 86_400) + (time - start >= 4 * 3600 ? 1 : 0))
            return FacilitySnapshot(
                fetchedAt: time, facility: "nersc", caller: "alice",
                projects: [UsageHistory.project("m9001", cpuGiven: 100_000, cpuUsed: 10_000 + 2_000 * batches)])
        }
        let report = UsageReport.build(
            snapshots: history, now: try UsageHistory.date("2026-06-21", hour: 20), warnAt: 80)
        let cpu = try cpuOf(report)
        #expect(cpu.projectUsed == 52_000)
        #expect(cpu.burnBasis == .window)
        #expect(cpu.burn?.points == 29)
        // The least-squares line through the staircase of the last 7 days: 2,013.8 a day, within 1% of
        // the 2,000 a day booked (the year's average would be 303).
        let rate = try #require(cpu.burn?.hoursPerDay)
        #expect(abs(rate - 2_013.79) < 0.01)
        // 48,000 left at 2,013.8 a day is 23.8 days after 21 June 18:00.
        #expect(cpu.runOutDay == CalendarDay("2026-07-15"))
        #expect(report.warnings.map(\.kind) == [.runsOutBeforeYearEnd])
        #expect(report.warnings.first?.message.contains("(7-day burn)") == true)

        // Two days in, with a step between every pair of days: no rate from one step, the year's average.
        let early = UsageReport.build(
            snapshots: Array(history.prefix(9)), now: try UsageHistory.date("2026-06-03"), warnAt: 80)
        #expect(try cpuOf(early).burnBasis == .yearToDateAverage)
        #expect(try cpuOf(early).burn?.hoursPerDay == 14_000 / 153.0)
        #expect(early.warnings.isEmpty)
    }

    // MARK: A downward correction

    @Test func aDownwardCorrectionNeverGivesANegativeRate() throws {
        // 500 hours a day; on 18 March the facility gives back 10,000 hours (use drops from 28,000 to 18,500).
        let history = try (0..<21).map { day in
            try snapshot(
                CalendarDay("2026-03-01")!.adding(days: day).description,
                used: 20_000 + 500 * Double(day) - (day >= 17 ? 10_000 : 0), given: 50_000)
        }
        let report = UsageReport.build(
            snapshots: history, now: try UsageHistory.date("2026-03-21", hour: 9), warnAt: 80)
        let project = try #require(report.projects.first)
        // Earlier figures lowered by the 9,500 hours the drop shows: 17,000 ... 18,500, 18,500 ... 20,000
        // over 14 to 21 March. Their line rises 404.8 a day (the raw figures' line would fall 1,404.8 a day).
        let rate = try #require(project.cpu.burn?.hoursPerDay)
        #expect(project.cpu.burnBasis == .window)
        let correctedSlope: Double = 8_500 / 21
        #expect(abs(rate - correctedSlope) < 1e-9)
        // 30,000 left at 404.8 a day is 74 days after 21 March.
        #expect(project.cpu.runOutDay == CalendarDay("2026-06-03"))
        #expect(report.warnings.map(\.kind) == [.runsOutBeforeYearEnd])
        #expect(
            project.notes == [
                "CPU use was corrected down by 9.5k hours on 2026-03-18; earlier figures count that much less in "
                    + "the burn rate"
            ])
    }

    // MARK: A new allocation year

    @Test func aNewAllocationYearStartsAgainFromZero() throws {
        // December burns 1,500 a day towards 200,000; the counter starts again on 1 January at 1,000 a day.
        let december = try (0..<31).map { day in
            try snapshot(CalendarDay("2026-12-01")!.adding(days: day).description, used: 150_000 + 1_500 * Double(day))
        }
        let january = try (0..<3).map { day in
            try snapshot(CalendarDay("2027-01-01")!.adding(days: day).description, used: 1_000 * Double(day))
        }
        let report = UsageReport.build(
            snapshots: december + january, now: try UsageHistory.date("2027-01-03", hour: 12), warnAt: 80)
        let cpu = try cpuOf(report)
        // Two days of the new year: its average, 2,000 hours in 2 days; December plays no part.
        #expect(cpu.burnBasis == .yearToDateAverage)
        #expect(cpu.burn?.hoursPerDay == 1_000)
        #expect(cpu.burn?.from == (try UsageHistory.date("2027-01-01")))
        // 198,000 left at 1,000 a day is 198 days: 20 July, from the average, so shown but not alerted.
        #expect(cpu.runOutDay == CalendarDay("2027-07-20"))
        #expect(report.warnings.isEmpty)
        #expect(report.projects.first?.series.count == 3)

        // The facility may show last year's figure for a while: 1 January 06:00 still says 196,500.
        let lagging = december + [try snapshot("2027-01-01", hour: 6, used: 196_500)] + january.dropFirst()
        let late = try cpuOf(
            UsageReport.build(snapshots: lagging, now: try UsageHistory.date("2027-01-03", hour: 12), warnAt: 80))
        // The drop to 1,000 on 2 January is a reset: the average since then, 1,000 hours in a day.
        #expect(late.burnBasis == .yearToDateAverage)
        #expect(late.burn?.label == "average since 2027-01-02")
        #expect(late.burn?.hoursPerDay == 1_000)
    }

    @Test func nothingIsProjectedAcrossTheYearBoundary() throws {
        let december = try (0..<25).map { day in
            try snapshot(CalendarDay("2026-12-01")!.adding(days: day).description, used: 150_000 + 1_500 * Double(day))
        }
        let report = UsageReport.build(
            snapshots: december, now: try UsageHistory.date("2026-12-25", hour: 6), warnAt: 99)
        let cpu = try cpuOf(report)
        #expect(cpu.burnBasis == .window)
        #expect(cpu.burn?.hoursPerDay == 1_500)
        // 14,000 left at 1,500 a day would last until 3 January, in the next allocation year.
        #expect(cpu.runOutDay == nil)
        let atYearEnd: Double = 186_000 + 1_500 * 7
        #expect(cpu.projectedUsedAtYearEnd == atYearEnd)
        #expect(report.warnings.isEmpty)
    }

    // MARK: A gap of two months

    @Test func aTwoMonthGapIsMeasuredOverTheWholeGap() throws {
        // Daily refreshes from 10 January to 1 March at 300 a day, then none until 1 May.
        let before = try (0..<51).map { day in
            try snapshot(
                CalendarDay("2026-01-10")!.adding(days: day).description, used: 300 * Double(day), given: 100_000)
        }
        let after = try snapshot("2026-05-01", used: 300 * 111, given: 100_000)
        let report = UsageReport.build(
            snapshots: before + [after], now: try UsageHistory.date("2026-05-01", hour: 12), warnAt: 80)
        let cpu = try cpuOf(report)
        // Nothing in the last 7 days but the newest: the line from 1 March, 61 days.
        #expect(cpu.burnBasis == .window)
        #expect(cpu.burn?.hoursPerDay == 300)
        #expect(cpu.burn?.points == 2)
        #expect(cpu.burn?.label == "61-day burn")
        // 66,700 left at 300 a day is 222 days after 1 May.
        #expect(cpu.runOutDay == CalendarDay("2026-12-09"))
        #expect(report.warnings.map(\.message).first?.contains("(61-day burn)") == true)

        // Without the refresh on 1 May the report says the figures are old.
        let stale = UsageReport.build(snapshots: before, now: try UsageHistory.date("2026-05-01", hour: 12), warnAt: 80)
        #expect(try cpuOf(stale).burn?.hoursPerDay == 300)
        #expect(stale.projects.first?.notes.contains { $0.hasPrefix("the newest figures are 61 days old") } == true)
    }

    // MARK: The neutral estimate, as any back end feeds it

    @Test func aResetLessThanADayAgoGivesNoRate() throws {
        let year = AllocationPeriod(
            start: try #require(CalendarDay("2026-04-01")), end: try #require(CalendarDay("2027-03-31")))
        let samples = [
            UsageSample(time: try UsageHistory.date("2026-06-01"), used: 40_000, allocated: 50_000),
            UsageSample(time: try UsageHistory.date("2026-06-02"), used: 41_000, allocated: 50_000),
            UsageSample(time: try UsageHistory.date("2026-06-02", hour: 6), used: 100, allocated: 50_000),
            UsageSample(time: try UsageHistory.date("2026-06-02", hour: 18), used: 600, allocated: 50_000),
        ]
        let estimate = BurnEstimate.estimate(samples: samples.reversed(), period: year, windowDays: 7)
        #expect(estimate.basis == .none)
        #expect(estimate.hoursPerDay == nil)
        #expect(estimate.runOut == .unknown)
        #expect(estimate.events == [.reset(at: try UsageHistory.date("2026-06-02", hour: 6))])
        #expect(estimate.unavailable == "no burn rate: less than a day of figures since the reset on 2026-06-02")
    }

    @Test func usedUpAndUnallocatedHaveNoRunOutDay() throws {
        let year = AllocationPeriod(
            start: try #require(CalendarDay("2026-01-01")), end: try #require(CalendarDay("2026-12-31")))
        let time = try UsageHistory.date("2026-07-01")
        let usedUp = BurnEstimate.estimate(
            samples: [UsageSample(time: time, used: 5_000, allocated: 5_000)], period: year, windowDays: 7)
        #expect(usedUp.runOut == .usedUp)
        #expect(usedUp.hoursPerDay == 5_000 / 181.0)
        let unallocated = BurnEstimate.estimate(
            samples: [UsageSample(time: time, used: 5_000, allocated: nil)], period: year, windowDays: 7)
        #expect(unallocated.runOut == .unknown)
        let averageRate: Double = 5_000 / 181
        let atYearEnd: Double = 5_000 + averageRate * 184
        #expect(unallocated.projectedUsedAtYearEnd == atYearEnd)
        let junk = BurnEstimate.estimate(
            samples: [
                UsageSample(time: time, used: .nan, allocated: 1), UsageSample(time: time, used: -5, allocated: 1),
            ],
            period: year, windowDays: 7)
        #expect(junk.basis == .none)
        #expect(junk.unavailable == "no burn rate: no figures in this allocation year")
    }
}
