import AccountModels
import ArgumentParser
import Foundation
import TeamSync

/// `teamctl report -f TEAM --out team.html`: the team page.
struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write the team page: roster across facilities, open manual items, outside changes and usage.",
        discussion: """
            One self-contained HTML page (inline CSS and SVG, no scripts, nothing fetched) for a team manifest \
            (version 2): each person's username, role, groups and limits at every facility with their state (in \
            sync, pending, manual item open since DATE), the open manual items with their age, the changes made \
            outside teamctl in the last --drift-days days, and the usage charts. Made from the local cache \
            (refresh first with --refresh); a facility that cannot be read is named on the page and the command \
            exits 1 after writing it. --format json writes the same content as JSON.
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable { case html, json }

    @Option(name: .shortAndLong, help: "The team manifest (version 2).")
    var file: String

    @Option(help: "Write the page to this file instead of standard output.")
    var out: String?

    @Option(help: "Output format: html or json.")
    var format: Format = .html

    @Option(help: "Show changes made outside teamctl in this many days before today.")
    var driftDays = 30

    @Flag(help: "Read the facilities first, adding a snapshot.")
    var refresh = false

    @OptionGroup var planning: PlanningOptions

    @OptionGroup var connection: ConnectionOptions

    func validate() throws {
        if !(0...3660).contains(driftDays) { throw ValidationError("--drift-days is a number of days, e.g. 30") }
    }

    func run() async throws {
        _ = Terminal.loggingBootstrapped
        guard TeamLoader.isTeamManifest(path: file) else {
            throw CLIError("\(file) is not a team manifest (version 2); 'report' makes the page of a team")
        }
        let team = try connection.loadTeam(path: file, today: planning.day, only: planning.facilities)
        let run = try connection.makeTeamRun(team: team, facilities: team.facilities.map(\.name))
        let page = try await run.page(refresh: refresh, today: planning.day, driftDays: driftDays)
        let text: String
        switch format {
        case .html: text = TeamPageRenderer.html(page)
        case .json:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            encoder.dateEncodingStrategy = .iso8601
            text = String(decoding: try encoder.encode(page), as: UTF8.self) + "\n"
        }
        try Terminal.write(text, to: out)
        if let out { Terminal.warn("wrote the team page of \(page.team) to \(out)") }
        let problems = page.facilities.filter { $0.problem != nil }
        for facility in problems { Terminal.warn("\(facility.name): \(facility.problem ?? "")") }
        if !problems.isEmpty { throw ExitCode.failure }
    }
}
