import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The built `teamctl` run as a user runs it, in a folder of its own with its own config file, cache and HOME.
struct TeamctlCLI: Sendable {
    /// The temporary folder: config, cache, manifests, token file.
    let directory: String

    /// One run's outcome.
    struct Run: Sendable {
        var status: Int32
        var stdout: String
        var stderr: String
        var output: String { "exit \(status)\nstdout:\n\(stdout)\nstderr:\n\(stderr)" }
    }

    /// A fresh folder with `config` as the config file.
    init(config: String) throws {
        directory = NSTemporaryDirectory() + "teamctl-slurm-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(
            atPath: directory + "/home/.config/teamctl", withIntermediateDirectories: true)
        try config.write(toFile: directory + "/home/.config/teamctl/config.yaml", atomically: true, encoding: .utf8)
    }

    /// Writes a file into the folder (mode 0600) and returns its path.
    @discardableResult
    func write(_ name: String, _ text: String) throws -> String {
        let path = directory + "/" + name
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        chmod(path, 0o600)
        return path
    }

    func remove() { try? FileManager.default.removeItem(atPath: directory) }

    /// The built executable next to the test bundle.
    static func binary() throws -> URL {
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
            .deletingLastPathComponent()
        var candidates: [URL] = []
        for _ in 0..<4 {
            candidates.append(directory.appendingPathComponent("teamctl"))
            directory = directory.deletingLastPathComponent()
        }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        candidates.append(root.appendingPathComponent(".build/debug/teamctl"))
        let found = candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) }
        return try #require(found, "build the teamctl executable first (swift build --build-tests)")
    }

    /// The executable, arguments and environment of a run: this folder's HOME, config and cache, no `TEAMCTL_*` or
    /// `SLURM_JWT` from the test's own environment, standard input /dev/null.
    private func prepare(_ process: Process, _ arguments: [String], _ extra: [String: String]) throws {
        process.executableURL = try Self.binary()
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        for key in environment.keys where key.hasPrefix("TEAMCTL_") || key == "SLURM_JWT" { environment[key] = nil }
        environment["HOME"] = directory + "/home"
        environment["XDG_CONFIG_HOME"] = directory + "/home/.config"
        environment["XDG_DATA_HOME"] = directory + "/home/.local/share"
        environment["TEAMCTL_CACHE"] = directory + "/cache.sqlite"
        environment["NO_COLOR"] = "1"
        environment.merge(extra) { $1 }
        process.environment = environment
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        process.standardInput = FileHandle.nullDevice
    }

    /// Starts teamctl; standard input is /dev/null.
    func launch(_ arguments: [String], environment extra: [String: String] = [:]) throws -> Process {
        let process = Process()
        try prepare(process, arguments, extra)
        process.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
        process.standardError = FileHandle(forWritingAtPath: "/dev/null")
        try process.run()
        return process
    }

    /// Runs teamctl to the end.
    func run(_ arguments: [String], environment extra: [String: String] = [:]) async throws -> Run {
        let process = Process()
        try prepare(process, arguments, extra)
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        async let stdout = Self.onOwnThread { out.fileHandleForReading.readDataToEndOfFile() }
        async let stderr = Self.onOwnThread { err.fileHandleForReading.readDataToEndOfFile() }
        let (o, e) = await (stdout, stderr)
        await Self.onOwnThread { process.waitUntilExit() }
        return Run(
            status: process.terminationStatus, stdout: String(decoding: o, as: UTF8.self),
            stderr: String(decoding: e, as: UTF8.self))
    }

    private static func onOwnThread<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            Thread { continuation.resume(returning: body()) }.start()
        }
    }
}
