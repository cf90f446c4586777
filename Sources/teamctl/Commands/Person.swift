import AccountModels
import ArgumentParser
import Foundation
import TeamSync

/// `teamctl person PERSON -f TEAM`: where one person is, facility by facility.
struct PersonCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "person",
        abstract: "Show where a person is at each of the team's facilities: as wanted, and as last seen.",
        discussion: """
            PERSON is a person id from the people file, or a username at one of the team's facilities. For each \
            facility of the team manifest (version 2), shows the username, what the manifest wants (role, \
            groups, permissions, limits, end date) and what the newest cached snapshot shows; reads no facility \
            (run 'teamctl refresh -f TEAM' or 'teamctl plan' first). To offboard someone, set 'until' in the \
            people file, or delete them from the team: the next plan removes them everywhere.
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json }

    @Argument(help: "A person id, or a username at one of the team's facilities.")
    var person: String

    @Option(name: .shortAndLong, help: "The team manifest (version 2).")
    var file: String

    @Option(help: "Output format: text or json.")
    var format: Format = .text

    @OptionGroup var planning: PlanningOptions

    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        _ = Terminal.loggingBootstrapped
        guard TeamLoader.isTeamManifest(path: file) else {
            throw CLIError("\(file) is not a team manifest (version 2); 'person' reads a team and its people file")
        }
        let team = try connection.loadTeam(path: file, today: planning.day, only: planning.facilities)
        let people = team.people.directory
        guard
            let found = people.people[person]
                ?? team.facilities.lazy.compactMap({ people.person(withUsername: person, at: $0.name) }).first
        else {
            let hint = Suggestion.closest(to: person, among: people.people.keys.sorted()).map {
                " Did you mean '\($0)'?"
            }
            throw CLIError("no person '\(person)' in \(team.people.path), by id or by username.\(hint ?? "")")
        }
        let run = try connection.makeTeamRun(team: team, facilities: team.facilities.map(\.name))
        var observed: [String: ObservedState] = [:]
        for facility in team.facilities {
            guard let workflow = run.workflows[facility.name] else { continue }
            observed[facility.name] = try? workflow.provider.cachedState(
                for: [facility.manifest.manifest], cache: workflow.cache)
        }
        let report = PersonReport.build(person: found, team: team, observed: observed, today: planning.day)
        switch format {
        case .text: print(report.text(), terminator: "")
        case .json:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        }
    }
}
