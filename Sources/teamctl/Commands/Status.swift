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
        let width = max(6, report.systems.map(\.name.count).max() ?? 0)
        print("systems at \(report.source):")
        for system in report.systems {
            let name = system.name.padding(toLength: width, withPad: " ", startingAt: 0)
            print("  \(name)  \(system.state)\(system.note.map { "  \($0)" } ?? "")")
        }
        if report.outages.isEmpty {
            print("no current outages")
        } else {
            print("current outages:")
            for outage in report.outages { print("  \(outage)") }
        }
        if !report.identity.isEmpty {
            print("who you are:")
            for line in report.identity { print("  \(line)") }
        }
        guard let account = report.accountSystem else {
            print("the account system (\(report.accountSystemName)) is not listed; account changes cannot be checked")
            throw ExitCode(ExitStatus.accountSystemDown)
        }
        guard account.isActive else {
            print(
                "the account system (\(account.name)) is \(account.state): \(report.accountSystemReason ?? "no reason given"); "
                    + "wait before applying changes")
            throw ExitCode(ExitStatus.accountSystemDown)
        }
        print("the account system (\(account.name)) is active")
    }
}
