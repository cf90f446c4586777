import ArgumentParser
import Foundation
import TeamSync

/// `teamctl ack`: marks manual items no refresh can verify (permissions, others' roles) as done.
struct AckCommand: AsyncParsableCommand {
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
        try cache.requireWritable()
        try await SQLiteApplyJournal(dbWriter: cache.dbWriter).acknowledge(itemIDs: items, note: note)
        print("acknowledged \(items.count) manual item(s)")
    }
}
