import AccountModels
import ArgumentParser
import Foundation
import TeamSync

#if canImport(Glibc)
    import Glibc
#endif

/// `teamctl refresh`: reads the facility into a new cache snapshot.
struct RefreshCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "refresh",
        abstract: "Read the facility's current state into the local cache as a new snapshot.",
        discussion: """
            Reads the caller's user, projects, roles, groups and API clients, and every group the given \
            manifests name, in parallel. A failed read stores nothing: the previous snapshot stays.
            """)

    @Option(name: .shortAndLong, help: "A team manifest, or a folder of them, whose groups to read too (repeatable).")
    var file: [String] = []

    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        _ = Terminal.loggingBootstrapped
        // Only what the reads need is kept past this point: the manifests themselves go before the reads.
        let (workflow, scope) = try { () throws -> (TeamWorkflow, [TeamManifest]) in
            let manifests = file.isEmpty ? [] : try ManifestLoader.load(paths: file, today: .today(at: Date()))
            let workflow = try connection.makeWorkflow(manifests: manifests)
            return (workflow, workflow.provider.refreshScope(manifests.map(\.manifest)))
        }()
        let bar = ProgressBar.onTerminal()
        let started = Date()
        let result: RefreshResult
        do {
            result = try await workflow.refresh(scope: scope, progress: bar?.update)
        } catch {
            bar?.finish()
            throw error
        }
        bar?.finish()
        let seconds = Date().timeIntervalSince(started)
        print(
            "refreshed \(result.facility) as \(result.caller): \(result.summary) in "
                + "\(String(format: "%.1f", seconds)) s (snapshot \(result.snapshotID))")
    }
}
