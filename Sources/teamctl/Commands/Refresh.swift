import AccountModels
import ArgumentParser
import Foundation
import TeamSync

#if canImport(Glibc)
    import Glibc
#endif

/// `teamctl refresh`: reads the facility into a new cache snapshot.
struct Refresh: AsyncParsableCommand {
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
        let manifests = file.isEmpty ? [] : try ManifestLoader.load(paths: file, today: .today(at: Date()))
        let workflow = try connection.makeWorkflow(manifests: manifests)
        let bar = ProgressBar.onTerminal()
        let started = Date()
        let result: RefreshResult
        do {
            result = try await workflow.refresh(for: manifests, progress: bar?.update)
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

/// A one-line progress bar on stderr, drawn only when stderr is a terminal.
final class ProgressBar: @unchecked Sendable {
    private let lock = NSLock()
    private var drawn = false

    /// A bar when stderr is a terminal; nil otherwise (quiet in pipes and CI).
    static func onTerminal() -> ProgressBar? { isatty(2) == 1 ? ProgressBar() : nil }

    /// Redraws the bar.
    func update(_ progress: RefreshProgress) {
        lock.lock()
        defer { lock.unlock() }
        let width = 30
        let filled = progress.total == 0 ? width : width * progress.done / progress.total
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        FileHandle.standardError.write(Data("\r[\(bar)] \(progress.done)/\(progress.total) reads".utf8))
        drawn = true
    }

    /// Clears the bar's line.
    func finish() {
        lock.lock()
        defer { lock.unlock() }
        if drawn { FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8)) }
    }
}
