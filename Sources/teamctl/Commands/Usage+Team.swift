import AccountModels
import ArgumentParser
import Foundation
import TeamSync

/// The options that turn `teamctl usage` into a team's report: a team manifest (version 2) and its facilities.
struct TeamUsageOptions: ParsableArguments {
    @Option(
        name: .shortAndLong,
        help: "A team manifest (version 2): report every facility of it, and each person across them.")
    var file: String?

    @Option(
        name: .customLong("facility"),
        help: "With -f: only this facility of the team (repeatable; default: all of the team's).")
    var facilities: [String] = []

    func validate() throws {
        if file == nil, !facilities.isEmpty {
            throw ValidationError("--facility narrows a team manifest given with -f; without one, use --profile")
        }
    }
}

extension UsageCommand {
    /// `teamctl usage -f TEAM`: each facility's usage of the team's project, and each person's own hours across the
    /// facilities, from each facility's snapshot history (refreshed first, all at once, with `--refresh`).
    func runTeam(path: String) async throws {
        guard TeamLoader.isTeamManifest(path: path) else {
            throw CLIError(
                "\(path) is not a team manifest (version 2); 'usage -f' reads a team and its people file "
                    + "(for one facility, drop -f and use --profile)")
        }
        guard project.isEmpty else {
            throw CLIError("--project and -f: the team manifest names its project at each facility; drop --project")
        }
        let now = Date()
        let team = try connection.loadTeam(
            path: path, today: CalendarDay.today(at: now), only: teamOptions.facilities)
        let run = try connection.makeTeamRun(team: team, facilities: team.facilities.map(\.name))
        var notes: [String: [String]] = [:]
        if refresh {
            let failures = await refreshUsage(run: run, team: team)
            for (facility, reason) in failures.sorted(by: { $0.key < $1.key }) {
                Terminal.warn("error: could not refresh the usage of \(facility): \(reason)")
                notes[facility, default: []].append("the refresh failed (\(reason)); figures are from the cache")
            }
        }
        var histories: [String: [UsageObservation]] = [:]
        for facility in team.facilities {
            guard let workflow = run.workflows[facility.name] else { continue }
            histories[facility.name] = try workflow.provider.usageHistory(cache: workflow.cache)
        }
        guard histories.values.contains(where: { !$0.isEmpty }) else {
            throw CLIError(
                "no usage figures of \(team.facilities.map(\.name).joined(separator: ", ")) in the cache yet; "
                    + "run 'teamctl usage -f \(path) --refresh' (or 'teamctl refresh -f \(path)')")
        }
        let report = TeamUsageReport.build(
            team: team, histories: histories, notes: notes, since: since, now: now,
            allocationYear: AllocationYear(startMonth: yearStartMonth) ?? .january, warnAt: warnAt,
            windowDays: windowDays, warnOnAverage: warnOnAverage)
        let text = try TeamUsageRenderer.render(report, as: format, color: out == nil && Terminal.useColor)
        try Terminal.write(text, to: out)
        if format != .table || out != nil {
            for warning in report.warnings { Terminal.warn("warning: \(warning.message)") }
        }
        if format == .csv {
            // The table, JSON and HTML forms carry these; CSV has no place for them.
            for facility in report.facilities {
                for note in facility.notes { Terminal.warn("note: \(facility.facility): \(note)") }
            }
        }
        // A facility that could not be refreshed is a failure, as it is for one facility; it outranks a warning.
        if !notes.isEmpty { throw ExitCode(ExitStatus.failure) }
        if report.exitCode != 0 { throw ExitCode(report.exitCode) }
    }

    /// Refreshes every facility's usage figures at once; returns why each one that failed did.
    private func refreshUsage(run: TeamRun, team: ResolvedTeam) async -> [String: String] {
        await withTaskGroup(of: RefreshFailure?.self) { group in
            for facility in team.facilities {
                guard let workflow = run.workflows[facility.name] else { continue }
                let project = facility.manifest.manifest.project
                group.addTask {
                    do {
                        try workflow.context.requireCredentials()
                        try await workflow.provider.refreshUsage(projects: [project], cache: workflow.cache)
                        return nil
                    } catch {
                        return RefreshFailure(facility: facility.name, reason: "\(error)")
                    }
                }
            }
            var failures: [String: String] = [:]
            for await failure in group {
                if let failure { failures[failure.facility] = failure.reason }
            }
            return failures
        }
    }
}

/// One facility whose refresh failed, as a child task returns it (a reference, as ``TeamRun`` hands back its
/// outcomes: tuples with an error in them were read back corrupted by the release build).
private final class RefreshFailure: Sendable {
    let facility: String
    let reason: String

    init(facility: String, reason: String) {
        self.facility = facility
        self.reason = reason
    }
}
