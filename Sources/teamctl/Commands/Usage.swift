import AccountModels
import ArgumentParser
import Foundation
import TeamSync

/// `teamctl usage`: allocation usage over time, from the snapshot history.
struct UsageCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "usage",
        abstract: "Report allocation usage: hours and storage, burn rate, run-out date, year elapsed vs used.",
        discussion: """
            Reads the cache's snapshot history (refresh first with --refresh). The burn rate is a least-squares \
            fit over snapshots spanning at least --window days; with less history it is the allocation year's \
            average so far (used / days elapsed), and the BASIS column says which. With --warn-at, every project \
            over the threshold, or projected from a window burn to run out before the allocation year ends, gets \
            a line on standard error and the command exits 4, so cron or CI can alert on it. A run-out projected \
            from the year's average warns only with --warn-on-average. With -f TEAM.yaml (a team manifest of \
            version 2), reports each facility of the team and each person across them: their own hours, limit, \
            burn and run-out wherever a facility gives per-person figures; --warn-at then also warns on everyone \
            at or over that share of their own limit.
            """)

    @Option(help: "Only this project (repeatable).")
    var project: [String] = []

    @Option(help: "Measure the burn rate from this day on, YYYY-MM-DD (default: the allocation year's start).")
    var since: CalendarDay?

    @Option(
        name: .customLong("window"),
        help: ArgumentHelp(
            "Fit the burn rate over snapshots spanning at least this many days; with less history, use the year's average.",
            valueName: "days"))
    var windowDays = BurnEstimate.defaultWindowDays

    @Option(help: "Output format: table, csv, json or html.")
    var format: UsageFormat = .table

    @Option(help: "Write the report to this file instead of standard output.")
    var out: String?

    @Option(
        help: "Warn (exit 4) when a figure reaches this percentage or the allocation runs out before the year ends.")
    var warnAt: Double?

    @Flag(help: "With --warn-at, also warn on a run-out projected from the year-to-date average.")
    var warnOnAverage = false

    @Option(help: "The month the allocation year starts, 1-12 (NERSC: 1).")
    var yearStartMonth = 1

    @Flag(help: "Read the facility first, adding a snapshot.")
    var refresh = false

    @OptionGroup var teamOptions: TeamUsageOptions

    @OptionGroup var connection: ConnectionOptions

    func validate() throws {
        if AllocationYear(startMonth: yearStartMonth) == nil {
            throw ValidationError("--year-start-month must be 1 to 12")
        }
        if let warnAt, !(0...1000).contains(warnAt) { throw ValidationError("--warn-at is a percentage, e.g. 80") }
        if !(1...366).contains(windowDays) {
            throw ValidationError("--window is a number of days from 1 to 366, e.g. 7; got \(windowDays)")
        }
        if warnOnAverage && warnAt == nil {
            throw ValidationError(
                "--warn-on-average needs --warn-at: it says which run-outs warn, and only --warn-at warns")
        }
    }

    func run() async throws {
        _ = Terminal.loggingBootstrapped
        if let team = teamOptions.file { return try await runTeam(path: team) }
        let workflow = try connection.makeWorkflow()
        if refresh {
            try workflow.context.requireCredentials()
            try await workflow.provider.refreshUsage(projects: project, cache: workflow.cache)
        }
        let history = try workflow.provider.usageHistory(cache: workflow.cache)
        guard !history.isEmpty else {
            throw CLIError(
                "no usage figures of \(workflow.facility) in \(workflow.cache.path) yet; run 'teamctl usage --refresh'"
                    + " (or 'teamctl refresh')")
        }
        let report = UsageReport.build(
            observations: history, projects: project, since: since, now: Date(),
            allocationYear: AllocationYear(startMonth: yearStartMonth) ?? .january, warnAt: warnAt,
            windowDays: windowDays, warnOnAverage: warnOnAverage)
        let text = try UsageRenderer.render(report, as: format, color: out == nil && Terminal.useColor)
        try Terminal.write(text, to: out)
        if format != .table || out != nil {
            for warning in report.warnings { Terminal.warn("warning: \(warning.message)") }
        }
        if format == .csv {
            // The table, JSON and HTML forms carry this note; CSV has no place for it.
            for name in report.unknownProjects {
                Terminal.warn("note: project \(name) is in no snapshot; check the name or run 'teamctl refresh'")
            }
        }
        if report.exitCode != 0 { throw ExitCode(report.exitCode) }
    }
}

extension UsageFormat: ExpressibleByArgument {}
