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

    @Option(
        name: .customLong("facility"),
        help: "With a team manifest (version 2): act on this facility only (repeatable; default: all of the team's).")
    var facilities: [String] = []

    /// The day end dates are judged against.
    var day: CalendarDay { today ?? CalendarDay.today(at: Date()) }

    /// The team manifest (version 2) among `files`, if it is one; nil for manifests of version 1. A team manifest is
    /// given on its own; `--facility` needs one.
    func teamManifest(_ files: [String]) throws -> String? {
        let teams = files.filter(TeamLoader.isTeamManifest(path:))
        if teams.isEmpty {
            guard facilities.isEmpty else {
                throw CLIError(
                    "--facility narrows a team manifest (version 2) to some of its facilities; "
                        + "a manifest of version 1 is for one facility already")
            }
            return nil
        }
        guard files.count == 1 else {
            throw CLIError(
                "\(teams[0]) is a team manifest (version 2): give it on its own with -f, without other manifests")
        }
        return teams[0]
    }

    /// Loads and resolves the team, reads its facilities concurrently (refreshing first when `refresh`) and plans
    /// each; returns the run too, for applying.
    func teamPlan(
        path: String, connection: ConnectionOptions, refresh: Bool, dryRun: Bool = false
    ) async throws -> (TeamPlan, TeamRun) {
        let team = try connection.loadTeam(path: path, today: day, only: facilities)
        let run = try connection.makeTeamRun(team: team, facilities: team.facilities.map(\.name), dryRun: dryRun)
        let plan = try await run.plan(refresh: refresh, maxRemovals: maxRemovals, today: day)
        return (plan, run)
    }

    /// Loads the manifests, takes the facility's state (refreshing it first when `refresh`, with a progress bar on a
    /// terminal) and plans; returns the workflow and the manifests too, for applying. The plan records the manifest
    /// files and the day (its `source`), so that `apply PLANFILE` can prove it.
    func plan(
        files: [String], connection: ConnectionOptions, refresh: Bool, dryRun: Bool = false
    ) async throws -> (plan: TeamSync.Plan, workflow: TeamWorkflow, manifests: [LoadedManifest]) {
        let manifests = try ManifestLoader.load(paths: files, today: day)
        let workflow = try connection.makeWorkflow(manifests: manifests, dryRun: dryRun)
        let bar = refresh ? ProgressBar.onTerminal() : nil
        let snapshot = try await workflow.observe(for: manifests, refresh: refresh, progress: bar?.update)
        bar?.finish()
        let plan = try await workflow.plan(manifests, against: snapshot, maxRemovals: maxRemovals, today: day)
        return (plan, workflow, manifests)
    }

    /// What a saved plan is proven against: `manifests` read again, this run's `--max-removals` and day.
    func check(_ manifests: [LoadedManifest]) -> SavedPlanCheck {
        SavedPlanCheck(manifests: manifests, maxRemovals: maxRemovals, today: day)
    }
}
