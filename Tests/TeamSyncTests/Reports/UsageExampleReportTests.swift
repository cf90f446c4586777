import AccountModels
import Foundation
import Testing

@testable import TeamSync

/// The example report kept under `examples/reports/`. `scripts/report-screenshot` runs this suite with
/// `TEAMCTL_USAGE_EXAMPLE_DIR` set, so the kept files come from the same code the tests check.
struct UsageExampleReportTests {
    @Test func exampleTellsTheStoryItIsMeantTo() throws {
        let example = try UsageHistory.example()
        let report = UsageReport.build(snapshots: example.snapshots, now: example.now, warnAt: 80)
        let byName = Dictionary(uniqueKeysWithValues: report.projects.map { ($0.project, $0) })

        let flagship = try #require(byName["m1234"])
        #expect(flagship.gpu.runsOutBeforeYearEnd)
        #expect(!flagship.cpu.runsOutBeforeYearEnd)
        let climate = try #require(byName["m5678"])
        #expect((climate.cpu.percentUsed ?? 0) >= 80)
        let startup = try #require(byName["m9012"])
        // One snapshot: the year's average, far too slow to run out this year.
        #expect(startup.cpu.burnBasis == .yearToDateAverage)
        #expect(startup.cpu.runOutDay == nil)
        #expect(flagship.gpu.burnBasis == .window)
        #expect(report.exitCode == 4)
        #expect(Set(report.warnings.map(\.project)) == ["m1234", "m5678"])

        guard let directory = ProcessInfo.processInfo.environment["TEAMCTL_USAGE_EXAMPLE_DIR"] else { return }
        let folder = URL(fileURLWithPath: directory, isDirectory: true)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let outputs: [(String, String)] = [
            ("usage-example.html", UsageRenderer.html(report)), ("usage-example.csv", UsageRenderer.csv(report)),
            ("usage-example.json", try UsageRenderer.json(report)), ("usage-example.txt", UsageRenderer.table(report)),
        ]
        for (name, text) in outputs {
            try Data(text.utf8).write(to: folder.appendingPathComponent(name))
        }
    }
}
