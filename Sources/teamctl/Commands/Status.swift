import AccountModels
import ArgumentParser
import Foundation
import TeamSync

/// `teamctl status`: the facility's systems, current outages, and whether the account system is up.
struct Status: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show the facility's systems and outages; exit 3 when the account system (iris) is not active.")

    @OptionGroup var connection: ConnectionOptions

    /// The exit code when the account system is not active.
    static let accountSystemDown: Int32 = 3

    func run() async throws {
        let context = try connection.makeContext()
        async let systemsRead = context.client.systems()
        async let outagesRead = context.client.outages()
        let systems = try await systemsRead.sorted { $0.name < $1.name }
        let outages = try await outagesRead
        let width = max(6, systems.map(\.name.count).max() ?? 0)
        print("systems at \(context.settings.apiURL.host ?? context.settings.apiURL.absoluteString):")
        for system in systems {
            let name = system.name.padding(toLength: width, withPad: " ", startingAt: 0)
            let note = system.notes?.first.map { "  \($0)" } ?? ""
            print("  \(name)  \(system.status.rawValue)\(note)")
        }
        let current = outages.filter { ($0.status ?? "Active") == "Active" || $0.status == "Extended" }
        if current.isEmpty {
            print("no current outages")
        } else {
            print("current outages:")
            for outage in current {
                let window = [outage.start_at, outage.end_at].compactMap { $0 }.joined(separator: " to ")
                print("  \(outage.name)  \(outage.status ?? "")  \(window)  \(outage.description ?? "")")
            }
        }
        guard let iris = systems.first(where: { $0.name == "iris" }) else {
            print("the account system (iris) is not listed; account changes cannot be checked")
            throw ExitCode(Self.accountSystemDown)
        }
        guard iris.status == .active else {
            let reason = iris.notes?.first ?? iris.description ?? "no reason given"
            print("the account system (iris) is \(iris.status.rawValue): \(reason); wait before applying changes")
            throw ExitCode(Self.accountSystemDown)
        }
        print("the account system (iris) is active")
    }
}
