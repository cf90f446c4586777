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
            recursively). A team manifest (version 2) is checked with its people file, on its own as plan takes \
            it; a facility of it that the config file has no profile for is a warning here (plan and apply \
            refuse it). Problems go to standard error as FILE:LINE:COLUMN: error: MESSAGE; each valid file \
            gets a summary line on standard output. Exits 0 when there are no errors (warnings are fine), 1 \
            otherwise. Check every example at once: teamctl validate examples/team.yaml examples/*/team.yaml
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
        // A team manifest (version 2) is checked on its own with its people file, as plan takes it; the other paths
        // together, so two of them governing one project are caught.
        // Directories too: a folder holding a team, its people file and the emulator's seed checks as the team.
        let teams = ManifestLoader.teamManifests(in: paths)
        let others = paths.filter { !teams.contains($0) }
        var diagnostics: [Diagnostic] = []
        var files: [ValidationReport.File] = []
        var summaries: [String] = []
        var failed = false
        if !others.isEmpty {
            let (manifests, found) = ManifestLoader.validate(
                paths: others, today: day, passingOverTeamsAndSeeds: true)
            diagnostics += found
            failed = found.contains { $0.severity == .error }
            for loaded in manifests {  // only files without errors are returned
                let members = loaded.manifest.members.count
                let groups = loaded.manifest.groups.count
                summaries.append(
                    "\(loaded.path): ok (\(members) member\(members == 1 ? "" : "s"), "
                        + "\(groups) group\(groups == 1 ? "" : "s"))")
                files.append(
                    .init(path: loaded.path, project: loaded.manifest.project, members: members, groups: groups))
            }
        }
        if !teams.isEmpty {
            let configPath = TeamctlConfig.defaultPath(environment: ProcessInfo.processInfo.environment)
            let config = try TeamctlConfig.load(path: configPath)
            for path in teams {
                let (team, found) = TeamLoader.validateWithoutAllProfiles(
                    path: path, today: day, profiles: config.facilityTraits, profilesSource: configPath,
                    peopleOutside: peopleOutside)
                diagnostics += found
                guard let team else {
                    failed = true
                    continue
                }
                let places = team.facilities.map { facility in
                    "\(facility.name) \(facility.manifest.manifest.project): "
                        + "\(facility.manifest.manifest.members.count) members, "
                        + "\(facility.manifest.manifest.groups.count) groups"
                }
                summaries.append(
                    "\(path): ok (team \(team.team.spec.name), \(team.team.spec.members.count) members from "
                        + "\(team.people.path); \(places.joined(separator: "; ")))")
                files += team.facilities.map {
                    .init(
                        path: $0.manifest.path, project: $0.manifest.manifest.project,
                        members: $0.manifest.manifest.members.count, groups: $0.manifest.manifest.groups.count,
                        facility: $0.name)
                }
            }
        }
        switch format {
        case .text:
            for diagnostic in diagnostics { FileHandle.standardError.write(Data((diagnostic.description + "\n").utf8)) }
            for summary in summaries { print(summary.escapedForTerminal) }
        case .json:
            let report = ValidationReport(valid: !failed, diagnostics: diagnostics, files: files)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        }
        if failed { throw ExitCode(ExitStatus.failure) }
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
