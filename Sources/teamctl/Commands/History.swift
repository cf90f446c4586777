import ArgumentParser
import Foundation
import TeamSync

/// `teamctl history`: past applies and their changes, from the journal in the cache.
struct History: AsyncParsableCommand {
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
        let journal = SQLiteApplyJournal(dbWriter: cache.dbWriter)
        if let run {
            guard let (id, events) = try await journal.events(runID: run) else {
                throw CLIError("no apply run matches '\(run)'; 'teamctl history' lists them")
            }
            print("run \(id)")
            for event in events {
                let detail = event.detail.map { ": \($0)" } ?? ""
                print(
                    "  \(TeamSync.Plan.isoTimestamp(event.at))  \(event.state.padding(toLength: 9, withPad: " ", startingAt: 0)) \(event.changeID)\(detail)"
                )
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
            let outcome = run.outcome ?? "unfinished"
            print(
                [
                    String(run.id.prefix(8)),
                    TeamSync.Plan.isoTimestamp(run.startedAt).padding(toLength: 20, withPad: " ", startingAt: 0),
                    outcome.padding(toLength: 11, withPad: " ", startingAt: 0),
                    String(run.changes).leftPadded(7), String(run.confirmed).leftPadded(9),
                    String(run.failed).leftPadded(6),
                    String(run.planID.prefix(12)),
                ].joined(separator: "  "))
        }
    }
}

/// `teamctl ack`: marks manual items no refresh can verify (permissions, others' roles) as done.
struct Ack: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ack",
        abstract: "Mark unverifiable manual items (e.g. a permission granted in Iris) as done.",
        discussion: """
            The plan shows each such item's id. Once acknowledged, later plans leave it out. Items a refresh \
            can check (roster, groups) are never silenced this way: they stay until the facility shows them done.
            """)

    @Argument(help: "Manual item ids, as the plan shows them.")
    var items: [String]

    @Option(help: "A note to keep with the acknowledgement (who did it, a ticket).")
    var note: String?

    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        _ = Terminal.loggingBootstrapped
        let cache = try AccountCache(path: try connection.settings().cachePath)
        try await SQLiteApplyJournal(dbWriter: cache.dbWriter).acknowledge(itemIDs: items, note: note)
        print("acknowledged \(items.count) manual item(s)")
    }
}

extension String {
    func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
