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
    var project: String

    @Option(name: [.customShort("o"), .long], help: "Write the manifest here (default: standard output).")
    var output: String?

    @Option(help: "Only these groups (repeatable; default: every group you can see).")
    var group: [String] = []

    @Flag(help: "Use the newest cached snapshot instead of reading the facility.")
    var noRefresh = false

    @Flag(help: "Overwrite the output file if it exists.")
    var force = false

    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        _ = Terminal.loggingBootstrapped
        if let output, output != "-", FileManager.default.fileExists(atPath: output), !force {
            throw CLIError("\(output) exists; pass --force to overwrite it")
        }
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
}
