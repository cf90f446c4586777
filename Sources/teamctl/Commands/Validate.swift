import AccountModels
import ArgumentParser
import Foundation
import TeamSync

/// `teamctl validate PATH...`: checks team manifests and reports every problem at once.
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check team manifests and report every problem, with file, line and column.",
        discussion: """
            Each PATH is a manifest file, or a directory whose *.yaml and *.yml files are checked (not \
            recursively). Problems go to standard error as FILE:LINE:COLUMN: error: MESSAGE; each valid file \
            gets a summary line on standard output. Exits 0 when there are no errors (warnings are fine), 1 \
            otherwise.
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json
    }

    @Argument(help: "Manifest files or directories of them.")
    var paths: [String]

    @Option(help: "The day to check end dates against, as YYYY-MM-DD (default: today in UTC).")
    var today: CalendarDay?

    @Option(help: "Output format: text, or json (one document on standard output).")
    var format: Format = .text

    @Flag(help: "Let a team's 'people:' file lie outside the team manifest's folder (for a team file you trust).")
    var peopleOutside = false

    func run() throws {
        let day = today ?? CalendarDay.today(at: Date())
        if paths.count == 1, TeamLoader.isTeamManifest(path: paths[0]) {
            try validateTeam(paths[0], today: day)
            return
        }
        let (manifests, diagnostics) = ManifestLoader.validate(paths: paths, today: day)
        let failed = diagnostics.contains { $0.severity == .error }
        switch format {
        case .text:
            for diagnostic in diagnostics { FileHandle.standardError.write(Data((diagnostic.description + "\n").utf8)) }
            for loaded in manifests {  // only files without errors are returned
                let members = loaded.manifest.members.count
                let groups = loaded.manifest.groups.count
                print(
                    "\(loaded.path.escapedForTerminal): ok (\(members) member\(members == 1 ? "" : "s"), "
                        + "\(groups) group\(groups == 1 ? "" : "s"))")
            }
        case .json:
            let report = ValidationReport(
                valid: !failed, diagnostics: diagnostics,
                files: manifests.map {
                    .init(
                        path: $0.path, project: $0.manifest.project,
                        members: $0.manifest.members.count, groups: $0.manifest.groups.count)
                })
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            let data = try encoder.encode(report)
            print(String(decoding: data, as: UTF8.self))
        }
        if failed { throw ExitCode(ExitStatus.failure) }
    }
}

extension ValidateCommand {
    /// A team manifest (version 2): the manifest, its people file and the resolution against the config's profiles.
    func validateTeam(_ path: String, today: CalendarDay) throws {
        let configPath = TeamctlConfig.defaultPath(environment: ProcessInfo.processInfo.environment)
        let config = try TeamctlConfig.load(path: configPath)
        let (team, diagnostics) = TeamLoader.validate(
            path: path, today: today, profiles: config.facilityTraits, profilesSource: configPath,
            peopleOutside: peopleOutside)
        switch format {
        case .text:
            for diagnostic in diagnostics { FileHandle.standardError.write(Data((diagnostic.description + "\n").utf8)) }
            if let team {
                let places = team.facilities.map { facility in
                    "\(facility.name) \(facility.manifest.manifest.project): "
                        + "\(facility.manifest.manifest.members.count) members, "
                        + "\(facility.manifest.manifest.groups.count) groups"
                }
                print(
                    ("\(path): ok (team \(team.team.spec.name), \(team.team.spec.members.count) members from "
                        + "\(team.people.path); \(places.joined(separator: "; ")))").escapedForTerminal)
            }
        case .json:
            let report = ValidationReport(
                valid: team != nil, diagnostics: diagnostics,
                files: (team?.facilities ?? []).map {
                    .init(
                        path: $0.manifest.path, project: $0.manifest.manifest.project,
                        members: $0.manifest.manifest.members.count, groups: $0.manifest.manifest.groups.count,
                        facility: $0.name)
                })
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        }
        if team == nil { throw ExitCode(ExitStatus.failure) }
    }
}

/// The `--format json` output of `teamctl validate`.
private struct ValidationReport: Encodable {
    struct File: Encodable {
        var path: String
        var project: String
        var members: Int
        var groups: Int
        /// The facility, for a team manifest's per-facility entries.
        var facility: String? = nil
    }
    var valid: Bool
    var diagnostics: [Diagnostic]
    var files: [File]
}

extension CalendarDay: ExpressibleByArgument {
    public init?(argument: String) { self.init(argument) }
}
