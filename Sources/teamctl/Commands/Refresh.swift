import AccountModels
import ArgumentParser
import Foundation
import TeamSync

#if canImport(Glibc)
    import Glibc
#endif

/// `teamctl refresh`: reads the facility into a new cache snapshot.
struct RefreshCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "refresh",
        abstract: "Read the facility's current state into the local cache as a new snapshot.",
        discussion: """
            Reads the caller's user, projects, roles, groups and API clients, and every group the given \
            manifests name, in parallel. A failed read stores nothing: the previous snapshot stays.
            """)

    @Option(name: .shortAndLong, help: "A team manifest, or a folder of them, whose groups to read too (repeatable).")
    var file: [String] = []

    @Option(
        name: .customLong("facility"),
        help: "With a team manifest (version 2): refresh this facility only (repeatable; default: all of the team's).")
    var facilities: [String] = []

    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        _ = Terminal.loggingBootstrapped
        if file.count == 1, TeamLoader.isTeamManifest(path: file[0]) {
            try await refreshTeam(file[0])
            return
        }
        if !facilities.isEmpty { throw CLIError("--facility goes with a team manifest (version 2)") }
        // Only what the reads need is kept past this point: the manifests themselves go before the reads.
        let (workflow, scope) = try { () throws -> (TeamWorkflow, [TeamManifest]) in
            let manifests = file.isEmpty ? [] : try ManifestLoader.load(paths: file, today: .today(at: Date()))
            let workflow = try connection.makeWorkflow(manifests: manifests)
            return (workflow, workflow.provider.refreshScope(manifests.map(\.manifest)))
        }()
        let bar = ProgressBar.onTerminal()
        let started = Date()
        let result: RefreshResult
        do {
            result = try await workflow.refresh(scope: scope, progress: bar?.update)
        } catch {
            bar?.finish()
            throw error
        }
        bar?.finish()
        let seconds = Date().timeIntervalSince(started)
        print(
            "refreshed \(result.facility) as \(result.caller.escapedForTerminal): \(result.summary) in "
                + "\(String(format: "%.1f", seconds)) s (snapshot \(result.snapshotID))")
    }

    /// A team manifest: every facility of the team (or those --facility names) at once, one line each; a facility
    /// that cannot be read keeps its previous snapshot and fails the command after the others are stored.
    private func refreshTeam(_ path: String) async throws {
        let team = try connection.loadTeam(path: path, today: .today(at: Date()), only: facilities)
        let run = try connection.makeTeamRun(team: team, facilities: team.facilities.map(\.name))
        let started = Date()
        let results = await run.observe(refresh: true)
        let seconds = String(format: "%.1f", Date().timeIntervalSince(started))
        var failed = false
        for facility in team.facilities.map(\.name) {
            switch results[facility] {
            case .success(let observed)?:
                print(
                    "refreshed \(facility) as \(observed.caller.escapedForTerminal): snapshot \(observed.snapshotID), "
                        + "\(observed.projects.count) project(s), \(observed.groups.count) group(s)")
            case .failure(let error)?:
                failed = true
                Terminal.warn("error: \(facility): could not be read, its previous snapshot stays: \(error)")
            case nil: break
            }
        }
        print("(\(team.facilities.count) facilities read at once in \(seconds) s)")
        if failed { throw ExitCode(ExitStatus.failure) }
    }
}
