import AccountModels
import ArgumentParser
import Foundation
import TeamSync

/// `teamctl status`: the facility's systems, current outages, and whether the account system is up.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract:
            "Show the facility's systems and outages; exit 3 when the account system (iris at NERSC) is not active.")

    @OptionGroup var connection: ConnectionOptions

    /// The exit code when the account system is not active.
    func run() async throws {
        let report = try await connection.makeContext().provider.statusReport()
        // Every name, state, note and outage is the facility's text: escaped, so none can steer the terminal or
        // print a line of its own.
        let width = max(6, report.systems.map(\.name.escapedForTerminal.count).max() ?? 0)
        print("systems at \(report.source.escapedForTerminal):")
        for system in report.systems {
            let name = system.name.escapedForTerminal.padding(toLength: width, withPad: " ", startingAt: 0)
            let note = system.note.map { "  \($0.escapedForTerminal)" } ?? ""
            print("  \(name)  \(system.state.escapedForTerminal)\(note)")
        }
        if report.outages.isEmpty {
            print("no current outages")
        } else {
            print("current outages:")
            for outage in report.outages { print("  \(outage.escapedForTerminal)") }
        }
        if !report.identity.isEmpty {
            print("who you are:")
            for line in report.identity { print("  \(line.escapedForTerminal)") }
        }
        guard let account = report.accountSystem else {
            print(
                "the account system (\(report.accountSystemName.escapedForTerminal)) is not listed; "
                    + "account changes cannot be checked")
            throw ExitCode(ExitStatus.accountSystemDown)
        }
        guard account.isActive else {
            let reason = report.accountSystemReason?.escapedForTerminal ?? "no reason given"
            print(
                "the account system (\(account.name.escapedForTerminal)) is \(account.state.escapedForTerminal): "
                    + "\(reason); wait before applying changes")
            throw ExitCode(ExitStatus.accountSystemDown)
        }
        print("the account system (\(account.name.escapedForTerminal)) is active")
    }
}
