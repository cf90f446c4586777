import AccountModels
import ArgumentParser
import Foundation
import TeamSync

/// How a plan is made from manifests; shared by `plan` and `apply -f`, so both judge the same way.
struct PlanningOptions: ParsableArguments {
    @Option(help: "Refuse plans with more membership removals than this (overrides the manifests' max_removals).")
    var maxRemovals: Int?

    @Option(help: "The day to judge membership end dates against, YYYY-MM-DD (default: today in UTC).")
    var today: CalendarDay?

    /// The day end dates are judged against.
    var day: CalendarDay { today ?? CalendarDay.today(at: Date()) }

    /// Loads the manifests, takes the facility's state (refreshing it first when `refresh`, with a progress bar
    /// on a terminal) and plans; returns the workflow too, for applying.
    func plan(
        files: [String], connection: ConnectionOptions, refresh: Bool, dryRun: Bool = false
    ) async throws -> (TeamSync.Plan, TeamWorkflow) {
        let manifests = try ManifestLoader.load(paths: files, today: day)
        let workflow = try connection.makeWorkflow(manifests: manifests, dryRun: dryRun)
        let bar = refresh ? ProgressBar.onTerminal() : nil
        let snapshot = try await workflow.observe(for: manifests, refresh: refresh, progress: bar?.update)
        bar?.finish()
        let plan = try await workflow.plan(manifests, against: snapshot, maxRemovals: maxRemovals, today: day)
        return (plan, workflow)
    }
}
