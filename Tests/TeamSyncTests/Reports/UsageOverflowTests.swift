import AccountModels
import Foundation
import Testing

@testable import TeamSync

/// A facility that answers with figures no allocation can have (1e308 hours, infinity, NaN, a tiny allocation that
/// makes the percentage overflow, members whose hours add up past the largest Double) must not break a report: the
/// JSON stays valid (no `inf`, no `nan`, no encoding error), every renderer finishes, and the figure left out is
/// named in a note.
struct UsageOverflowTests {
    static let day = 86_400.0

    /// Two readings a day apart, each with the hostile figures.
    static func hostile(_ huge: Double, _ other: Double) throws -> [UsageObservation] {
        let start = try UsageHistory.time("2026-11-20")
        return [huge, other].enumerated().map { index, used in
            UsageObservation(
                fetchedAt: start + Double(index) * day, facility: "frontier", caller: "amoral",
                projects: [
                    .init(
                        name: "ast145",
                        cpu: .init(projectGiven: 1e-300, projectUsed: used, callerGiven: .nan, callerUsed: -.infinity),
                        gpu: .init(projectGiven: .infinity, projectUsed: .nan),
                        storage: [
                            StorageUsage(
                                area: .projdir, name: "ast145", bytesGiven: 1e-10, bytesUsed: 1.7e308,
                                bytesPercentUsed: .infinity, filesGiven: 10, filesUsed: .nan, filesPercentUsed: .nan)
                        ],
                        members: [
                            .init(user: "amoral", cpuUsed: 1.7e308, cpuLimit: 1e-300, gpuUsed: .infinity),
                            .init(user: "bochen", cpuUsed: 1.7e308, cpuLimit: 1.7e308, gpuUsed: 5, gpuLimit: 0),
                            .init(user: "cyil", cpuUsed: 12, cpuLimit: 100),
                        ])
                ])
        }
    }

    /// Every number in a parsed JSON document, wherever it is.
    static func numbers(in value: Any) -> [Double] {
        switch value {
        case let number as NSNumber: return [number.doubleValue]
        case let array as [Any]: return array.flatMap(numbers)
        case let object as [String: Any]: return object.values.flatMap(numbers)
        default: return []
        }
    }

    static func expectValidJSON(_ text: String) throws {
        let parsed = try JSONSerialization.jsonObject(with: Data(text.utf8))
        let all = numbers(in: parsed)
        #expect(all.allSatisfy { $0.isFinite })
        for word in ["inf", "nan", "Infinity", "NaN"] {
            #expect(text.range(of: ": \(word)", options: .caseInsensitive) == nil, "\(word) in the JSON")
        }
    }

    @Test(arguments: [(1e308, 1.7e308), (.infinity, 1e308), (.nan, .greatestFiniteMagnitude), (1e20, 1e308)])
    func aReportOfHostileFiguresRendersAsValidJSONAndNamesWhatItLeftOut(huge: Double, other: Double) throws {
        let observations = try Self.hostile(huge, other)
        let now = Date(timeIntervalSince1970: observations[1].fetchedAt + Self.day)
        let report = UsageReport.build(observations: observations, now: now, warnAt: 80)
        let json = try UsageRenderer.json(report)
        try Self.expectValidJSON(json)
        for format in [UsageFormat.table, .csv, .html] {
            let text = try UsageRenderer.render(report, as: format, color: false)
            #expect(!text.isEmpty)
            #expect(!text.contains("inf ") && !text.contains("nan"), "\(format)")
        }
        let project = try #require(report.projects.first)
        #expect(project.cpu.percentUsed == nil || project.cpu.percentUsed!.isFinite)
        #expect(project.notes.contains { $0.contains("left out") }, "\(project.notes)")
        #expect(report.warnings.allSatisfy { !$0.message.contains("inf") && !$0.message.contains("nan") })
    }

    @Test func aTeamReportWhoseMembersHoursAddUpPastTheLargestNumberStaysValid() throws {
        let team = try TeamUsageReportTests.resolvedTeam()
        let start = try UsageHistory.time("2026-11-20")
        let frontier = (0..<2).map { index in
            UsageObservation(
                fetchedAt: start + Double(index) * Self.day, facility: "frontier", caller: "amoral",
                projects: [
                    .init(
                        name: "ast145", cpu: .init(projectGiven: 1e308, projectUsed: 1.7e308), gpu: .init(),
                        members: [
                            .init(user: "amoral", cpuUsed: 1.7e308, cpuLimit: 1e-300),
                            .init(user: "bochen", cpuUsed: 1.7e308 * Double(index + 1) / 2, cpuLimit: 1.7e308),
                            .init(user: "cyil", cpuUsed: .infinity, cpuLimit: .nan),
                        ])
                ])
        }
        let report = TeamUsageReport.build(
            team: team, histories: ["frontier": frontier, "nersc": try TeamUsageReportTests.nersc()],
            now: Date(timeIntervalSince1970: start + 2 * Self.day), warnAt: 80)
        let json = try TeamUsageRenderer.json(report)
        try Self.expectValidJSON(json)
        for total in report.totals + report.people.flatMap(\.totals) {
            #expect(total.used.isFinite && (total.percentOfLimit ?? 0).isFinite && (total.hoursPerDay ?? 0).isFinite)
        }
        #expect(!TeamUsageRenderer.table(report, color: false).isEmpty)
        #expect(!TeamUsageRenderer.html(report).isEmpty)
        let notes = report.facilities.flatMap { $0.notes + $0.report.projects.flatMap(\.notes) }
        #expect(notes.contains { $0.contains("left out") }, "\(notes)")
    }

    /// Used minutes that add up past Int64 (sreport rows, slurmrestd accounting rows) saturate instead of trapping;
    /// the report then leaves the figure out as no real allocation.
    @Test func slurmMinutesThatAddUpPastInt64SaturateAndAreLeftOutOfTheReport() throws {
        let big = Int64.max - 5
        let usage = SacctmgrParsing.usage(
            "ast145||cpu|\(big)\nast145||cpu|\(big)\nast145|amoral|cpu|\(big)\nast145|amoral|cpu|100\n",
            account: "ast145")
        #expect(usage.account["cpu"] == .max)
        #expect(usage.users["amoral"]?["cpu"] == .max)

        let row = try JSONDecoder().decode(
            SlurmRESTJSON.self,
            from: Data(
                #"{"accounting": [{"TRES": {"type": "cpu"}, "allocated": {"seconds": \#(big)}}, "#
                    .appending(#"{"TRES": {"type": "cpu"}, "allocated": {"seconds": \#(big)}}]}"#).utf8))
        #expect(SlurmRESTWire.usageMinutes(row)["cpu"] == Int64.max / 60)

        let hours = Double(Int64.max) / 60
        let observation = UsageObservation(
            fetchedAt: try UsageHistory.time("2026-11-20"), facility: "frontier", caller: "amoral",
            projects: [.init(name: "ast145", cpu: .init(projectGiven: 1000, projectUsed: hours), gpu: .init())])
        let report = UsageReport.build(
            observations: [observation], now: Date(timeIntervalSince1970: observation.fetchedAt + Self.day))
        try Self.expectValidJSON(try UsageRenderer.json(report))
        #expect(report.projects.first?.cpu.projectUsed == nil)
        #expect(report.projects.first?.notes.contains { $0.contains("more than any allocation") } == true)
    }

    /// A plausible use over an allocation so small that the percentage is finite but astronomical (1e306 %): the
    /// chart, the table and the JSON still render, and the JSON holds only finite numbers.
    @Test(arguments: [1e-290, 1e-200, 1e-12])
    func aTinyAllocationGivesNoAstronomicalPercentageAnywhere(given: Double) throws {
        let start = try UsageHistory.time("2026-11-20")
        let observations = (0..<3).map { index in
            UsageObservation(
                fetchedAt: start + Double(index) * Self.day, facility: "nersc", caller: "amorales",
                projects: [
                    .init(
                        name: "m4812",
                        cpu: .init(projectGiven: given, projectUsed: 1e14 * Double(index + 1), callerGiven: given),
                        gpu: .init(projectGiven: 100, projectUsed: 50),
                        storage: [
                            StorageUsage(area: .projdir, name: "m4812", bytesGiven: given, bytesUsed: 1e20)
                        ],
                        members: [.init(user: "amorales", cpuUsed: 1e14, cpuLimit: given)])
                ])
        }
        let report = UsageReport.build(
            observations: observations, now: Date(timeIntervalSince1970: start + 3 * Self.day), warnAt: 80)
        try Self.expectValidJSON(try UsageRenderer.json(report))
        for format in [UsageFormat.table, .csv, .html] {
            #expect(!(try UsageRenderer.render(report, as: format, color: false)).isEmpty)
        }
    }
}
