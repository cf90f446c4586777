import AccountModels
import ArgumentParser
import Foundation
import TeamSync

/// `teamctl import`: writes a manifest from the live state.
struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Write a team manifest from what the facility shows now.",
        discussion: """
            Reads the facility (or, with --no-refresh, the newest snapshot) and writes a commented, sorted \
            manifest for the project: the groups you can see with their members, those members as the roster, \
            your own Iris role. Applying it right away plans nothing. Review it against Iris before committing.
            """)

    @Option(help: "The facility project (repo name), e.g. m1234.")
    var project: String?

    @Option(help: "Import a team across facilities (manifest version 2) with this name; needs --facility.")
    var team: String?

    @Option(
        name: .customLong("facility"),
        help: "With --team: a facility profile and the project there, as PROFILE=PROJECT (repeatable).")
    var facilities: [String] = []

    @Option(help: "With --team: write the people file here (the team manifest names it relative to itself).")
    var peopleOutput: String?

    @Option(name: [.customShort("o"), .long], help: "Write the manifest here (default: standard output).")
    var output: String?

    @Option(help: "Only these groups (repeatable; default: every group you can see).")
    var group: [String] = []

    @Flag(help: "Use the newest cached snapshot instead of reading the facility.")
    var noRefresh = false

    @Flag(help: "Overwrite the output file if it exists.")
    var force = false

    @OptionGroup var connection: ConnectionOptions

    func validate() throws {
        if team == nil {
            guard project != nil else { throw ValidationError("give --project REPO, or --team NAME with --facility") }
            guard facilities.isEmpty && peopleOutput == nil else {
                throw ValidationError("--facility and --people-output go with --team")
            }
        } else {
            guard project == nil, !facilities.isEmpty, peopleOutput != nil, output != nil, output != "-" else {
                throw ValidationError(
                    "--team needs --facility PROFILE=PROJECT (one or more), --people-output FILE and -o FILE")
            }
        }
    }

    func run() async throws {
        _ = Terminal.loggingBootstrapped
        for path in [output, peopleOutput].compactMap({ $0 })
        where path != "-" && FileManager.default.fileExists(atPath: path) && !force {
            throw CLIError("\(path) exists; pass --force to overwrite it")
        }
        if let team {
            try await importTeam(team)
            return
        }
        guard let project else { return }
        let workflow = try connection.makeWorkflow()
        if !noRefresh { _ = try await workflow.refresh(for: []) }
        guard let snapshot = try workflow.cache.latestSnapshot(facility: workflow.facility) else {
            throw CLIError("no snapshot of \(workflow.facility) yet; drop --no-refresh")
        }
        let unknown = group.filter { snapshot.groups[$0] == nil }
        if !unknown.isEmpty {
            throw CLIError(
                "group(s) \(unknown.joined(separator: ", ")) not visible to \(snapshot.caller); you can import only groups you belong to"
            )
        }
        let result = try ManifestImporter.importManifest(
            project: project, from: snapshot, groupNames: group.isEmpty ? nil : group,
            facility: workflow.facility == "nersc" ? nil : workflow.facility)
        // The output must pass validate: check it before writing anything.
        let check = ManifestLoader.validate(text: result.yaml, file: output ?? "<import>", today: .today(at: Date()))
        let errors = check.diagnostics.filter { $0.severity == .error }
        guard errors.isEmpty else {
            throw CLIError(
                "the imported manifest would not validate:\n" + errors.map(\.description).joined(separator: "\n"))
        }
        try Terminal.write(result.yaml, to: output)
        if let output, output != "-" {
            Terminal.warn(
                "wrote \(output): \(result.manifest.members.count) members, \(result.manifest.groups.count) groups")
        }
    }

    /// `--team`: reads each facility's project and writes a people file and a team manifest of version 2.
    private func importTeam(_ name: String) async throws {
        var projects: [(facility: String, project: String)] = []
        for pair in facilities {
            let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                throw CLIError("--facility \(pair): write PROFILE=PROJECT, e.g. --facility nersc=m4812")
            }
            projects.append((parts[0], parts[1]))
        }
        let run = try connection.makeTeamRun(team: nil, facilities: projects.map(\.facility))
        var sources: [TeamImporter.Source] = []
        for (facility, project) in projects {
            guard let workflow = run.workflows[facility] else { continue }
            let manifest = LoadedManifest(
                path: "<import>", manifest: TeamManifest(project: project, facility: facility))
            let observed = try await workflow.observe(for: [manifest], refresh: !noRefresh)
            guard observed.projects[project] != nil else {
                throw CLIError("\(facility) shows no project \(project) to \(observed.caller)")
            }
            sources.append(TeamImporter.Source(facility: facility, project: project, observed: observed))
        }
        guard let output, let peopleOutput else { return }
        let outputFolder = URL(fileURLWithPath: output).deletingLastPathComponent().standardizedFileURL.path
        let peopleURL = URL(fileURLWithPath: peopleOutput).standardizedFileURL
        let relative =
            peopleURL.deletingLastPathComponent().path == outputFolder ? peopleURL.lastPathComponent : peopleURL.path
        let result = TeamImporter.importTeam(name: name, sources: sources, peopleFile: relative)
        try Terminal.write(result.people, to: peopleOutput)
        try Terminal.write(result.team, to: output)
        let (config, configPath) = try connection.config()
        // The user named both files, so the people file is read wherever it is; later commands read it only from
        // the team manifest's folder or below (or with --people-outside): say so when it is not there.
        let (_, diagnostics) = TeamLoader.validate(
            path: output, today: .today(at: Date()), profiles: config.facilityTraits, profilesSource: configPath,
            peopleOutside: true)
        if let outside = PeopleFileLocation.outside(peopleURL.path, teamFile: output) {
            Terminal.warn(
                "warning: \(peopleOutput) lies outside \(outside.folder), the team manifest's folder: move it there "
                    + "(and fix 'people:'), or pass --people-outside to every command that reads \(output)")
        }
        for diagnostic in diagnostics where diagnostic.severity == .error { Terminal.warn(diagnostic.description) }
        Terminal.warn("wrote \(output) and \(peopleOutput): \(result.count) people")
        if !result.unmatched.isEmpty {
            Terminal.warn(
                "found at only some facilities (the same person under another username? join them in "
                    + "\(peopleOutput) by hand):\n  " + result.unmatched.joined(separator: "\n  "))
        }
        if diagnostics.contains(where: { $0.severity == .error }) {
            throw CLIError("the imported team does not validate; see above")
        }
    }
}
