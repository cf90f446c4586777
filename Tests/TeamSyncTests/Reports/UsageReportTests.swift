import AccountModels
import Foundation
import Testing

@testable import TeamSync

struct UsageReportTests {
    /// 31 daily snapshots, 2026-03-01 to 2026-03-31: CPU climbs 100 h/day from 1,000 to 4,000 of 10,000;
    /// GPU climbs 10 h/day from 0 to 300 of 100,000.
    func steadyBurn() throws -> [FacilitySnapshot] {
        try UsageHistory.daily(from: "2026-03-01", steps: 31) { day in
            [
                UsageHistory.project(
                    "m1234", cpuGiven: 10_000, cpuUsed: 1_000 + 100 * day, gpuGiven: 100_000, gpuUsed: 10 * day)
            ]
        }
    }

    @Test func knownBurnGivesExactRunOutDay() throws {
        let now = try UsageHistory.date("2026-03-31", hour: 12)
        let report = UsageReport.build(snapshots: try steadyBurn(), now: now)
        let cpu = try #require(report.projects.first).cpu

        #expect(cpu.projectGiven == 10_000)
        #expect(cpu.projectUsed == 4_000)
        #expect(cpu.percentUsed == 40)
        #expect(cpu.fractionUsed == 0.4)
        #expect(cpu.callerGiven == 1_000)
        #expect(cpu.callerUsed == 400)
        #expect(cpu.callerPercentUsed == 40)
        let burn = try #require(cpu.burn)
        #expect(cpu.burnBasis == .window)
        #expect(burn.hoursPerDay == 100)
        #expect(burn.label == "7-day burn")
        // The newest snapshot at least 7 days before the last one, and the 7 after it.
        #expect(burn.points == 8)
        #expect(burn.from == (try UsageHistory.date("2026-03-24")))
        #expect(burn.to == (try UsageHistory.date("2026-03-31")))
        // 6,000 hours left at 100 a day: 60 days after 2026-03-31.
        #expect(cpu.runOutDay == CalendarDay("2026-05-30"))
        #expect(cpu.runsOutBeforeYearEnd)
        // 276 days from 2026-03-31 to 2027-01-01 at 100 a day on top of 4,000.
        #expect(cpu.projectedUsedAtYearEnd == 31_600)
        #expect(cpu.burnUnavailable == nil)
        #expect(report.yearFractionElapsed == 89.5 / 365)
        let (first, last) = (try #require(CalendarDay("2026-01-01")), try #require(CalendarDay("2026-12-31")))
        #expect(report.allocationYear == AllocationPeriod(start: first, end: last))
        #expect(report.allocationYear.lengthInDays == 365)
    }

    @Test func measuresGPUSeparatelyFromCPU() throws {
        let report = UsageReport.build(snapshots: try steadyBurn(), now: try UsageHistory.date("2026-03-31", hour: 12))
        let gpu = try #require(report.projects.first).gpu
        #expect(gpu.burn?.hoursPerDay == 10)
        #expect(gpu.percentUsed == 0.3)
        // 99,700 hours left at 10 a day is 9,970 days: not within this allocation year.
        #expect(gpu.runOutDay == nil)
        #expect(!gpu.runsOutBeforeYearEnd)
        #expect(UsageRenderer.table(report).contains("not this year"))
        let projected = try #require(gpu.projectedUsedAtYearEnd)
        #expect(projected == 300 + 10 * 276)
    }

    @Test func singleSnapshotUsesTheYearToDateAverageWithoutAlerting() throws {
        let snapshot = FacilitySnapshot(
            fetchedAt: try UsageHistory.time("2026-06-01"), facility: "nersc", caller: "alice",
            projects: [UsageHistory.project("m1234", cpuGiven: 10_000, cpuUsed: 9_000)])
        let report = UsageReport.build(snapshots: [snapshot], now: try UsageHistory.date("2026-06-02"), warnAt: 95)
        let cpu = try #require(report.projects.first).cpu
        // 9,000 hours in the 151 days from 1 January to 1 June.
        #expect(cpu.burnBasis == .yearToDateAverage)
        #expect(cpu.burn?.hoursPerDay == 9_000.0 / 151)
        #expect(cpu.burn?.label == "year-to-date average")
        #expect(cpu.burnUnavailable == nil)
        // 1,000 left at 59.6 a day: 16.8 days after 2026-06-01.
        #expect(cpu.runOutDay == CalendarDay("2026-06-17"))
        #expect(cpu.percentUsed == 90)
        #expect(report.projects.first?.series.count == 1)
        #expect(report.warnings.isEmpty, "90% is under 95%, and the run-out rests on the year's average")
        #expect(report.exitCode == 0)
        #expect(
            UsageRenderer.table(report).contains(
                "m1234 CPU: the run-out day 2026-06-17 is projected from the year-to-date average"))

        let asked = UsageReport.build(
            snapshots: [snapshot], now: try UsageHistory.date("2026-06-02"), warnAt: 95, warnOnAverage: true)
        #expect(
            asked.warnings.map(\.message) == [
                "m1234: CPU projected to run out on 2026-06-17 at 60 hours/day (year-to-date average), "
                    + "before the allocation year ends on 2026-12-31"
            ])
        #expect(asked.exitCode == 4)
    }

    @Test func handlesHundredsOfSnapshots() throws {
        // Four refreshes a day for 90 days: 360 snapshots, 50 hours a day.
        let snapshots = try UsageHistory.daily(from: "2026-02-01", steps: 360, stepDays: 0.25) { day in
            [UsageHistory.project("m1234", cpuGiven: 100_000, cpuUsed: 50 * day)]
        }
        let report = UsageReport.build(snapshots: snapshots, now: try UsageHistory.date("2026-05-02"))
        let project = try #require(report.projects.first)
        #expect(report.snapshotCount == 360)
        #expect(project.series.count == 360)
        #expect(project.cpu.burn?.hoursPerDay == 50)
        // Seven days of four snapshots a day, and the newest.
        #expect(project.cpu.burn?.points == 29)
        // The last snapshot is 89.75 days in (2026-05-01 18:00) at 4,487.5 hours: 95,512.5 left is
        // 1,910.25 days, far past the year's end.
        #expect(project.cpu.runOutDay == nil)
        let atYearEnd: Double = 4_487.5 + 50 * 244.25
        #expect(project.cpu.projectedUsedAtYearEnd == atYearEnd)
        #expect(UsageRenderer.html(report).components(separatedBy: "<svg").count == 2)
    }

    @Test func onlyUsesTheCurrentAllocationYear() throws {
        // December climbs to 93,000 hours; the counter resets on 1 January and climbs 200 h/day.
        let snapshots = try UsageHistory.daily(from: "2025-12-01", steps: 62) { day in
            let used = day < 31 ? 90_000 + 100 * day : 200 * (day - 31)
            return [UsageHistory.project("m1234", cpuGiven: 100_000, cpuUsed: used)]
        }
        let report = UsageReport.build(snapshots: snapshots, now: try UsageHistory.date("2026-01-31", hour: 18))
        let project = try #require(report.projects.first)
        #expect(project.cpu.burn?.hoursPerDay == 200)
        #expect(project.cpu.burn?.from == (try UsageHistory.date("2026-01-24")))
        #expect(project.series.count == 31)
        #expect(project.series.first?.time == (try UsageHistory.date("2026-01-01")))
        #expect(project.notes.isEmpty)
        // 6,000 used, 94,000 left at 200 a day is 470 days: not within this allocation year.
        #expect(project.cpu.runOutDay == nil)
        let atYearEnd: Double = 6_000 + 200 * 335
        #expect(project.cpu.projectedUsedAtYearEnd == atYearEnd)
    }

    @Test func allocationYearCanStartInAnotherMonth() throws {
        let july = try #require(AllocationYear(startMonth: 7))
        let snapshots = try UsageHistory.daily(from: "2026-06-20", steps: 20) { day in
            let used = day < 11 ? 50_000 + 100 * day : 300 * (day - 11)
            return [UsageHistory.project("m1234", cpuGiven: 60_000, cpuUsed: used)]
        }
        let report = UsageReport.build(
            snapshots: snapshots, now: try UsageHistory.date("2026-07-09", hour: 12), allocationYear: july)
        #expect(report.allocationYear.start == CalendarDay("2026-07-01"))
        #expect(report.allocationYear.end == CalendarDay("2027-06-30"))
        #expect(report.allocationYearStartMonth == 7)
        #expect(report.projects.first?.cpu.burn?.hoursPerDay == 300)
        #expect(report.projects.first?.series.count == 9)
    }

    @Test func saysWhenTheNewestFiguresAreFromLastYear() throws {
        let snapshots = try UsageHistory.daily(from: "2026-12-20", steps: 10) { day in
            [UsageHistory.project("m1234", cpuGiven: 10_000, cpuUsed: 9_000 + 10 * day)]
        }
        let report = UsageReport.build(snapshots: snapshots, now: try UsageHistory.date("2027-01-03"))
        let project = try #require(report.projects.first)
        #expect(project.cpu.burn == nil)
        #expect(
            project.cpu.burnUnavailable == "no burn rate: no snapshot since the allocation year began on 2027-01-01")
        #expect(
            project.notes == [
                "the newest figures are from 2026-12-29, before this allocation year began on 2027-01-01; "
                    + "run 'teamctl refresh' for this year's figures"
            ])
        #expect(project.series.isEmpty)
        #expect(UsageRenderer.html(report).contains("no usage figures in the current allocation year"))
    }

    @Test(arguments: [0, 13, -1])
    func rejectsImpossibleStartMonths(_ month: Int) {
        #expect(AllocationYear(startMonth: month) == nil)
    }

    @Test func measuresFromAResetInsideTheYear() throws {
        let snapshots = try UsageHistory.daily(from: "2026-04-01", steps: 10) { day in
            [UsageHistory.project("m1234", cpuGiven: 10_000, cpuUsed: day < 5 ? 5_000 + 100 * day : 40 * (day - 5))]
        }
        let report = UsageReport.build(snapshots: snapshots, now: try UsageHistory.date("2026-04-10"))
        let project = try #require(report.projects.first)
        // Four days since the reset: too few for the window, so the average since the reset.
        #expect(project.cpu.burn?.hoursPerDay == 40)
        #expect(project.cpu.burnBasis == .yearToDateAverage)
        #expect(project.cpu.burn?.label == "average since 2026-04-06")
        #expect(project.cpu.burn?.points == 2)
        #expect(
            project.notes == [
                "CPU use dropped to near zero on 2026-04-06 (a reset); the burn rate is measured from then"
            ])
    }

    @Test func fitsALeastSquaresLineThroughUnevenUse() throws {
        let uses: [Double] = [0, 10, 30, 30]
        let snapshots = try UsageHistory.daily(from: "2026-04-01", steps: 4) { day in
            [UsageHistory.project("m1234", cpuGiven: 1_000, cpuUsed: uses[Int(day)])]
        }
        let report = UsageReport.build(snapshots: snapshots, now: try UsageHistory.date("2026-04-04"), windowDays: 3)
        // Through (0,0), (1,10), (2,30), (3,30): (4*160 - 6*70) / (4*14 - 36) = 11; first-to-last would say 10.
        #expect(report.projects.first?.cpu.burn?.hoursPerDay == 11)
        // 970 left at 11 a day is 88.2 days after 2026-04-04.
        #expect(report.projects.first?.cpu.runOutDay == CalendarDay("2026-04-04")?.adding(days: 88))
    }

    @Test func sinceLimitsTheSnapshotsTheWindowMayUse() throws {
        let snapshots = try UsageHistory.daily(from: "2026-04-01", steps: 21) { day in
            [
                UsageHistory.project(
                    "m1234", cpuGiven: 100_000, cpuUsed: day <= 10 ? 100 * day : 1_000 + 300 * (day - 10))
            ]
        }
        let since = try #require(CalendarDay("2026-04-11"))
        let now = try UsageHistory.date("2026-04-21", hour: 9)
        let fromSince = UsageReport.build(snapshots: snapshots, since: since, now: now, windowDays: 10)
        #expect(fromSince.projects.first?.cpu.burn?.hoursPerDay == 300)
        #expect(fromSince.projects.first?.series.count == 11)
        // Ten days from the 11th are too few for a 14-day window: the year's average, 4,000 hours in 110 days.
        let short = UsageReport.build(snapshots: snapshots, since: since, now: now, windowDays: 14)
        #expect(short.projects.first?.cpu.burnBasis == .yearToDateAverage)
        #expect(short.projects.first?.cpu.burn?.hoursPerDay == 4_000.0 / 110)
        let whole = try #require(
            UsageReport.build(snapshots: snapshots, now: now, windowDays: 14).projects.first?.cpu.burn?.hoursPerDay)
        #expect(whole > 100 && whole < 300)
    }

    @Test func flatUseHasNoRunOutDay() throws {
        let snapshots = try UsageHistory.daily(from: "2026-04-01", steps: 5) { _ in
            [UsageHistory.project("m1234", cpuGiven: 1_000, cpuUsed: 500)]
        }
        let report = UsageReport.build(
            snapshots: snapshots, now: try UsageHistory.date("2026-04-05"), warnAt: 80, windowDays: 4)
        let cpu = try #require(report.projects.first?.cpu)
        #expect(cpu.burn?.hoursPerDay == 0)
        #expect(cpu.runOutDay == nil)
        #expect(cpu.projectedUsedAtYearEnd == 500)
        #expect(report.exitCode == 0)
        #expect(UsageRenderer.table(report).contains("not this year"))
    }

    @Test func warnsOverThresholdAndOnEarlyRunOut() throws {
        let report = UsageReport.build(
            snapshots: try steadyBurn(), now: try UsageHistory.date("2026-03-31", hour: 12), warnAt: 30)
        #expect(report.exitCode == 4)
        #expect(
            report.warnings.map(\.message) == [
                "m1234: CPU at 40.0% of its allocation (4.0k of 10.0k hours), at or over the 30.0% threshold",
                "m1234: CPU projected to run out on 2026-05-30 at 100 hours/day (7-day burn), before the allocation "
                    + "year ends on 2026-12-31",
            ])
        #expect(report.warnings.map(\.kind) == [.overThreshold, .runsOutBeforeYearEnd])
    }

    @Test func warnsOnlyWhenAThresholdIsSet() throws {
        let now = try UsageHistory.date("2026-03-31", hour: 12)
        let quiet = UsageReport.build(snapshots: try steadyBurn(), now: now)
        #expect(quiet.warnings.isEmpty)
        #expect(quiet.exitCode == 0)
        // CPU runs out early whatever the threshold; GPU at 0.3% is under 50%.
        let loud = UsageReport.build(snapshots: try steadyBurn(), now: now, warnAt: 50)
        #expect(loud.warnings.map(\.kind) == [.runsOutBeforeYearEnd])
        #expect(loud.warnings.map(\.subject) == ["cpu"])
    }

    @Test func warnsOnStorageQuotas() throws {
        let tb = 1e12
        let full = StorageStats(
            name: "m1234", bytes_given: 20 * tb, bytes_used: 19 * tb, files_given: 1e6, files_used: 1e5)
        let snapshots = try UsageHistory.daily(from: "2026-04-01", steps: 2) { _ in
            [UsageHistory.project("m1234", cpuGiven: 1_000, cpuUsed: 10, storage: [full])]
        }
        let report = UsageReport.build(snapshots: snapshots, now: try UsageHistory.date("2026-04-02"), warnAt: 90)
        let storage = try #require(report.projects.first?.storage.first)
        #expect(storage.area == .projdir)
        #expect(storage.bytesPercentUsed == 95)
        #expect(storage.filesPercentUsed == 10)
        #expect(
            report.warnings.map(\.message) == [
                "m1234: projdir m1234 bytes at 95.0% of quota (19.0 TB of 20.0 TB), at or over the 90.0% threshold"
            ])
        #expect(report.warnings.first?.subject == "projdir bytes")
    }

    @Test func reportsAProjectGoneFromTheNewestSnapshot() throws {
        let snapshots = try UsageHistory.daily(from: "2026-04-01", steps: 5) { day in
            let kept = UsageHistory.project("m1234", cpuGiven: 1_000, cpuUsed: 10 * day)
            return day < 3 ? [kept, UsageHistory.project("m0001", cpuGiven: 500, cpuUsed: 20 * day)] : [kept]
        }
        let report = UsageReport.build(snapshots: snapshots, now: try UsageHistory.date("2026-04-05"), windowDays: 2)
        let gone = try #require(report.projects.first { $0.project == "m0001" })
        #expect(!gone.inLatestSnapshot)
        #expect(gone.asOf == (try UsageHistory.date("2026-04-03")))
        #expect(gone.cpu.projectUsed == 40)
        #expect(gone.cpu.burn?.hoursPerDay == 20)
        #expect(
            gone.notes == [
                "not in the newest snapshot (2026-04-05); figures are from the last snapshot that listed it (2026-04-03)"
            ])
        #expect(report.projects.first { $0.project == "m1234" }?.inLatestSnapshot == true)
    }

    @Test func selectsProjectsAndNamesUnknownOnes() throws {
        let snapshots = try UsageHistory.daily(from: "2026-04-01", steps: 2) { _ in
            [
                UsageHistory.project("m2", cpuGiven: 1, cpuUsed: 0),
                UsageHistory.project("m1", cpuGiven: 1, cpuUsed: 0),
                UsageHistory.project("m3", cpuGiven: 1, cpuUsed: 0),
            ]
        }
        let now = try UsageHistory.date("2026-04-02")
        #expect(UsageReport.build(snapshots: snapshots, now: now).projects.map(\.project) == ["m1", "m2", "m3"])
        let some = UsageReport.build(snapshots: snapshots, projects: ["m3", "m9", "m1"], now: now)
        #expect(some.projects.map(\.project) == ["m1", "m3"])
        #expect(some.unknownProjects == ["m9"])
        #expect(UsageRenderer.table(some).contains("project m9 is in no snapshot"))
    }

    @Test func usedUpAllocationHasNoRunOutDayAndWarns() throws {
        let snapshots = try UsageHistory.daily(from: "2026-04-01", steps: 3) { day in
            [UsageHistory.project("m1234", cpuGiven: 1_000, cpuUsed: 990 + 10 * day)]
        }
        let report = UsageReport.build(snapshots: snapshots, now: try UsageHistory.date("2026-04-03"), warnAt: 100)
        #expect(report.projects.first?.cpu.runOutDay == nil)
        #expect(report.projects.first?.cpu.percentUsed == 101)
        #expect(report.warnings.map(\.kind) == [.overThreshold])
        #expect(UsageRenderer.table(report).contains("used up"))
    }

    @Test func emptyHistoryIsAnEmptyReport() throws {
        let report = UsageReport.build(snapshots: [], now: try UsageHistory.date("2026-04-03"), warnAt: 80)
        #expect(report.projects.isEmpty)
        #expect(report.exitCode == 0)
        #expect(UsageRenderer.table(report).contains("No snapshots yet: run 'teamctl refresh' first."))
    }

    @Test func leavesOutSnapshotsWithImpossibleTimes() throws {
        var snapshots = try steadyBurn()
        snapshots.append(FacilitySnapshot(fetchedAt: .nan, facility: "nersc", caller: "alice", projects: []))
        snapshots.append(FacilitySnapshot(fetchedAt: 1e300, facility: "nersc", caller: "alice", projects: []))
        let report = UsageReport.build(snapshots: snapshots, now: try UsageHistory.date("2026-03-31", hour: 12))
        #expect(report.snapshotCount == 31)
        #expect(report.projects.first?.cpu.burn?.hoursPerDay == 100)
    }
}
