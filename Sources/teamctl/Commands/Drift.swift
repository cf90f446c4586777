import AccountModels
import ArgumentParser
import Foundation
import TeamSync

/// `teamctl drift`: changes made at the facilities outside teamctl, from the cache's snapshots.
struct DriftCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "drift",
        abstract: "List changes made at the facilities outside teamctl: who joined, left, or changed, and when.",
        discussion: """
            Compares each pair of consecutive cached snapshots of what the manifests govern (their projects and \
            groups) and lists every difference no teamctl apply made: joined, left, added to or removed from a \
            group, group created or deleted, role, permission or limit changed. Each is shown with the facility \
            and when a refresh first saw it (it happened after the refresh before). Changes teamctl applied are \
            left out, from the apply journal. Reads no facility unless --refresh. A plan flags a change that \
            would undo such drift.
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json }

    @Option(name: .shortAndLong, help: "Team manifest files or directories (repeatable), or one team manifest.")
    var file: [String]

    @Option(help: "Only changes first seen on or after this day, YYYY-MM-DD (UTC).")
    var since: CalendarDay?

    @Option(help: "Output format: text or json.")
    var format: Format = .text

    @Flag(help: "Read the facilities first, adding a snapshot, so the newest changes show.")
    var refresh = false

    @OptionGroup var planning: PlanningOptions

    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        _ = Terminal.loggingBootstrapped
        let from = since.map { Double($0.daysSinceEpoch) * 86_400 }
        var results: [String: Result<[DriftEvent]?, any Error>] = [:]
        if let path = try planning.teamManifest(file) {
            let team = try connection.loadTeam(path: path, today: planning.day, only: planning.facilities)
            let run = try connection.makeTeamRun(team: team, facilities: team.facilities.map(\.name))
            var unreadable: [String: String] = [:]
            if refresh {
                for (facility, result) in await run.observe(refresh: true, progress: nil) {
                    if case .failure(let error) = result { unreadable[facility] = "\(error)" }
                }
            }
            for facility in team.facilities {
                guard let workflow = run.workflows[facility.name] else { continue }
                if let reason = unreadable[facility.name] {
                    results[facility.name] = .failure(CLIError("the refresh failed: \(reason)"))
                    continue
                }
                do {
                    results[facility.name] = .success(
                        try await workflow.drift(manifests: [facility.manifest], since: from))
                } catch {
                    results[facility.name] = .failure(error)
                }
            }
        } else {
            let manifests = try ManifestLoader.load(paths: file, today: planning.day)
            let workflow = try connection.makeWorkflow(manifests: manifests)
            if refresh { _ = try await workflow.observe(for: manifests, refresh: true, progress: nil) }
            results[workflow.facility] = .success(try await workflow.drift(manifests: manifests, since: from))
        }
        let report = DriftReport(since: since, results: results)
        switch format {
        case .text: print(report.text(), terminator: "")
        case .json: print(try report.json(), terminator: "")
        }
        // A facility that could not be read fails the command (after the others are shown); one whose back end
        // keeps no history is a note.
        if results.values.contains(where: { if case .failure = $0 { true } else { false } }) {
            throw ExitCode.failure
        }
    }
}
