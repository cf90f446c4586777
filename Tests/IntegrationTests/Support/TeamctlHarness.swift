import FacilityEmulator
import Foundation
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif
#if canImport(Glibc)
    import Glibc
#endif

/// One run of the built `teamctl` executable.
struct TeamctlRun: Sendable {
    var status: Int32
    var stdout: String
    var stderr: String
    /// Both streams, for failure messages.
    var output: String { "exit \(status)\nstdout:\n\(stdout)\nstderr:\n\(stderr)" }
}

/// An emulator on a loopback port, a temporary folder with a cache, and the built `teamctl` run against
/// them as a user would run it: standard input is not a terminal, the environment points at the emulator.
struct TeamctlHarness: Sendable {
    let server: EmulatorServer
    let directory: String
    let token: String
    var cachePath: String { directory + "/cache.sqlite" }

    /// The repository root (examples/, schema/, completions/ live there).
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// A path under the repository root.
    static func repoPath(_ relative: String) -> String { packageRoot.appendingPathComponent(relative).path }

    /// The example facility (examples/facility.yaml), acting as its PI `amorales`.
    static func examples(faults: FaultSettings = .none) async throws -> TeamctlHarness {
        let seed = try EmulatorSeed.load(path: repoPath("examples/facility.yaml"))
        let harness = try await start(seed: seed, token: "demo-pi", faults: faults)
        try harness.copyExampleManifest()
        return harness
    }

    /// A facility from inline seed YAML.
    static func start(seedYAML: String, token: String, faults: FaultSettings = .none) async throws -> TeamctlHarness {
        try await start(seed: try EmulatorSeed(yaml: seedYAML), token: token, faults: faults)
    }

    static func start(seed: EmulatorSeed, token: String, faults: FaultSettings) async throws -> TeamctlHarness {
        let server = try await EmulatorServer.start(seed: seed, faults: faults)
        return TeamctlHarness(server: server, directory: try RefreshFixture.tempDirectory(), token: token)
    }

    /// Copies examples/team.yaml to `team.yaml` in the temporary folder.
    func copyExampleManifest() throws {
        let text = try String(contentsOfFile: Self.repoPath("examples/team.yaml"), encoding: .utf8)
        try write("team.yaml", text)
    }

    /// Writes a file into the temporary folder and returns its path.
    @discardableResult
    func write(_ name: String, _ text: String) throws -> String {
        let path = directory + "/" + name
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// A path in the temporary folder.
    func path(_ name: String) -> String { directory + "/" + name }

    /// Stops the emulator and removes the temporary folder.
    func shutdown() async {
        await server.shutdown()
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// The environment a run gets: the emulator's URLs, the token, the cache, an empty HOME.
    func environment(_ extra: [String: String] = [:]) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment
        for key in environment.keys where key.hasPrefix("TEAMCTL_") { environment[key] = nil }
        environment["TEAMCTL_API_URL"] = server.apiBaseURL.absoluteString
        environment["TEAMCTL_TOKEN_URL"] = server.tokenURL.absoluteString
        environment["TEAMCTL_ACCESS_TOKEN"] = token
        environment["TEAMCTL_CACHE"] = cachePath
        environment["HOME"] = directory + "/home"
        environment["XDG_CONFIG_HOME"] = directory + "/home/.config"
        environment["XDG_DATA_HOME"] = directory + "/home/.local/share"
        environment["NO_COLOR"] = "1"
        for (key, value) in extra { environment[key] = value }
        return environment
    }

    /// Runs `teamctl` where no facility is involved (help, completions, demo) in a fresh temporary folder.
    static func runAlone(_ arguments: [String], cwd: String? = nil) async throws -> TeamctlRun {
        let directory = try RefreshFixture.tempDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var environment = ProcessInfo.processInfo.environment
        for key in environment.keys where key.hasPrefix("TEAMCTL_") { environment[key] = nil }
        environment["HOME"] = directory
        environment["XDG_CONFIG_HOME"] = directory + "/.config"
        environment["XDG_DATA_HOME"] = directory + "/.local/share"
        environment["NO_COLOR"] = "1"
        return try await Launched(arguments: arguments, environment: environment, cwd: cwd ?? directory).finish()
    }

    /// Starts `teamctl` without waiting; standard input is /dev/null.
    func launch(_ arguments: [String], environment extra: [String: String] = [:], cwd: String? = nil) throws -> Launched
    {
        try Launched(arguments: arguments, environment: environment(extra), cwd: cwd ?? directory)
    }

    /// Runs `teamctl` to the end.
    func run(_ arguments: [String], environment extra: [String: String] = [:], cwd: String? = nil) async throws
        -> TeamctlRun
    {
        try await launch(arguments, environment: extra, cwd: cwd).finish()
    }

    /// The requests that could change the facility (anything but GET), in arrival order.
    func mutatingRequests() async -> [LoggedRequest] {
        await server.requestLog().filter { $0.method != "GET" && !$0.path.hasSuffix("/token") }
    }

    /// The members of a group as the emulator holds them now, sorted; nil when it does not exist.
    func members(of group: String) async -> [String]? {
        await server.stateSnapshot().groups.first { $0.name == group }.map { $0.members.sorted() }
    }

    /// POSTs JSON to a `/_emulator/` control endpoint, as a test operator would with curl.
    func control(_ endpoint: String, _ json: String) async throws {
        var request = URLRequest(url: server.baseURL.appendingPathComponent("_emulator/" + endpoint))
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.httpBody = Data(json.utf8)
        let (_, response) = try await URLSession.shared.data(for: request)
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        #expect(status == 200, "POST /_emulator/\(endpoint) answered \(status)")
    }

    /// PUTs a membership change as another caller, the way someone else editing the group in Iris would.
    func changeGroupOutOfBand(_ group: String, action: String, usernames: [String], token: String) async throws {
        var request = URLRequest(url: server.apiBaseURL.appendingPathComponent("account/groups/\(group)"))
        request.httpMethod = "PUT"
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        request.setValue("application/x-www-form-urlencoded", forHTTPHeaderField: "Content-Type")
        request.httpBody = Data("usernames=\(usernames.joined(separator: ","))&action=\(action)".utf8)
        let (_, response) = try await URLSession.shared.data(for: request)
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        try #require(status == 200, "the out-of-band PUT answered \(status)")
    }
}

/// A running `teamctl` child process.
final class Launched: @unchecked Sendable {
    let process = Process()
    private let out = Pipe()
    private let err = Pipe()

    init(arguments: [String], environment: [String: String], cwd: String) throws {
        process.executableURL = try RefreshFixture.teamctlBinary()
        process.arguments = arguments
        process.environment = environment
        process.currentDirectoryURL = URL(fileURLWithPath: cwd)
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = out
        process.standardError = err
        try process.run()
    }

    /// Sends SIGKILL: no handler, no cleanup, as a crash or an OOM kill.
    func kill9() { kill(process.processIdentifier, SIGKILL) }

    /// Waits for the exit and collects the output, on threads of its own: neither the cooperative pool
    /// (the in-process emulator answers on it) nor Dispatch's few global threads (parallel tests would
    /// queue behind each other's blocking reads).
    func finish() async -> TeamctlRun {
        async let stdout = Self.onOwnThread { [out] in out.fileHandleForReading.readDataToEndOfFile() }
        async let stderr = Self.onOwnThread { [err] in err.fileHandleForReading.readDataToEndOfFile() }
        let (output, errors) = await (stdout, stderr)
        let process = self.process
        await Self.onOwnThread { process.waitUntilExit() }
        return TeamctlRun(
            status: process.terminationStatus, stdout: String(decoding: output, as: UTF8.self),
            stderr: String(decoding: errors, as: UTF8.self))
    }

    private static func onOwnThread<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            Thread { continuation.resume(returning: body()) }.start()
        }
    }
}

/// Reads a plan printed by `teamctl plan --format json`.
struct PlanJSON {
    let object: [String: Any]

    init(_ text: String) throws {
        let parsed = try JSONSerialization.jsonObject(with: Data(text.utf8))
        object = try #require(parsed as? [String: Any], "the plan JSON is not an object")
    }

    var changes: [[String: Any]] { object["changes"] as? [[String: Any]] ?? [] }
    var manualItems: [[String: Any]] { object["manualItems"] as? [[String: Any]] ?? [] }
    var refusals: [String] { object["refusals"] as? [String] ?? [] }
    var summary: [String: Int] { object["summary"] as? [String: Int] ?? [:] }

    /// The changes of one kind, as (group, usernames).
    func changes(kind: String) -> [(group: String, usernames: [String])] {
        changes.filter { $0["kind"] as? String == kind }.map {
            ($0["group"] as? String ?? "", $0["usernames"] as? [String] ?? [])
        }
    }
}
