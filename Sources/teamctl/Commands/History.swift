import ArgumentParser
import Foundation
import TeamSync

/// `teamctl history`: past applies and their changes, from the journal in the cache.
struct HistoryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "List past applies, or every recorded step of one (by run id or a unique prefix).")

    @Argument(help: "A run id (or a unique prefix) to show in full.")
    var run: String?

    @Option(help: "How many runs to list.")
    var limit = 20

    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        _ = Terminal.loggingBootstrapped
        let cache = try AccountCache(path: try connection.settings().cachePath)
        if let warning = cache.warning { Terminal.warn("warning: \(warning)") }
        let journal = SQLiteApplyJournal(dbWriter: cache.dbWriter)
        if let run {
            guard let (id, events) = try await journal.events(runID: run) else {
                throw CLIError("no apply run matches '\(run)'; 'teamctl history' lists them")
            }
            print("run \(id.escapedForTerminal)")
            for event in events {
                // The detail is often the facility's answer: escaped, so it cannot steer the terminal or add lines.
                let detail = event.detail.map { ": \($0.escapedForTerminal)" } ?? ""
                let state = event.state.escapedForTerminal.padding(toLength: 9, withPad: " ", startingAt: 0)
                print(
                    "  \(TeamSync.Plan.isoTimestamp(event.at))  \(state) \(event.changeID.escapedForTerminal)\(detail)")
            }
            return
        }
        let runs = try await journal.runs(limit: limit)
        if runs.isEmpty {
            print("No applies recorded in \(cache.path) yet.")
            return
        }
        print("RUN       STARTED               OUTCOME      CHANGES  CONFIRMED  FAILED  PLAN")
        for run in runs {
            let outcome = run.outcome?.escapedForTerminal ?? "unfinished"
            print(
                [
                    String(run.id.prefix(8)),
                    TeamSync.Plan.isoTimestamp(run.startedAt).padding(toLength: 20, withPad: " ", startingAt: 0),
                    outcome.padding(toLength: 11, withPad: " ", startingAt: 0),
                    String(run.changes).leftPadded(7), String(run.confirmed).leftPadded(9),
                    String(run.failed).leftPadded(6),
                    String(run.planID.prefix(12)).escapedForTerminal,
                ].joined(separator: "  "))
        }
    }
}
