import AccountModels
import FacilityEmulator
import Foundation
import TeamSync
import TestSupport
import Testing

/// A small emulated facility and the real client wired to it over loopback.
enum RefreshFixture {
    static let clientId = "ABCDEFGHIJKLM"

    /// alice is PI of m1234 and in m1234g; m1234x is a group of m1234 that alice is not in, so
    /// `/account/groups` does not list it and it must be read by name.
    /// `extraGroups` more groups of m1234 named g0, g1, ...; alice is in them when `callerInExtraGroups`.
    static func seedYAML(extraGroups: Int = 0, callerInExtraGroups: Bool = true) -> String {
        var yaml = """
            users:
              - {name: alice, uid: 1001, firstname: Alice, lastname: Liddell, email: alice@example.org}
              - {name: bob, uid: 1002}
              - {name: carol, uid: 1003}
            projects:
              - id: 1001
                repo_name: m1234
                description: Detector calibration
                cpu_hours_given: 100000
                members:
                  - {user: alice, role: PI, cpu_hours_given: 50000, cpu_hours_used: 1200.5}
                  - {user: bob, role: Member}
                  - {user: carol, role: Member}
              - id: 1002
                repo_name: m2000
                description: Other work
                members:
                  - {user: alice, role: Member}
            groups:
              - {name: m1234g, gid: 60001, repo_name: m1234, members: [alice, bob]}
              - {name: m1234x, gid: 60002, repo_name: m1234, members: [bob]}

            """
        for index in 0..<extraGroups {
            yaml +=
                "  - {name: g\(index), gid: \(61000 + index), repo_name: m1234, members: [\(callerInExtraGroups ? "alice, " : "")bob, carol]}\n"
        }
        yaml += """
            clients:
              - client_id: \(clientId)
                user: alice
                name: ci
                expires_at: "2099-01-01T00:00:00Z"
                public_key_pem: |
            \(TestKeys.primaryPublicPEM.split(separator: "\n").map { "      " + $0 }.joined(separator: "\n"))
            tokens:
              - {token: dev-alice, user: alice}
            systems:
              - {name: iris, status: active}
              - {name: perlmutter, status: degraded}

            """
        return yaml
    }

    static func start(
        extraGroups: Int = 0, callerInExtraGroups: Bool = true, faults: FaultSettings = .none, tokenTTL: Int = 600
    ) async throws -> EmulatorServer {
        try await EmulatorServer.start(
            seed: try EmulatorSeed(yaml: seedYAML(extraGroups: extraGroups, callerInExtraGroups: callerInExtraGroups)),
            faults: faults, tokenTTL: tokenTTL)
    }

    static func client(
        _ server: EmulatorServer, token: String = "dev-alice", retry: RetryPolicy = .default,
        sleep: @escaping @Sendable (Double) async throws -> Void = RetryingSender.liveSleep
    ) -> SFAPIClient {
        SFAPIClient(
            apiBaseURL: server.apiBaseURL, transport: URLSessionTransport(maxConcurrent: 8),
            tokens: StaticTokenSource(token: token), retry: retry, sleep: sleep)
    }

    /// The built `teamctl` executable next to the test bundle.
    static func teamctlBinary() throws -> URL {
        var candidates: [URL] = []
        let runner = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var directory = runner.deletingLastPathComponent()
        for _ in 0..<4 {
            candidates.append(directory.appendingPathComponent("teamctl"))
            directory = directory.deletingLastPathComponent()
        }
        let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        candidates.append(packageRoot.appendingPathComponent(".build/debug/teamctl"))
        let found = candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) }
        return try #require(found, "build the teamctl executable first (swift build --build-tests)")
    }

    /// Runs the built `teamctl` with `arguments` against `server`, and returns its exit status and output.
    static func runTeamctl(
        _ arguments: [String], server: EmulatorServer, environment extra: [String: String]
    ) async throws -> (status: Int32, stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = try teamctlBinary()
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["TEAMCTL_API_URL"] = server.apiBaseURL.absoluteString
        environment["TEAMCTL_TOKEN_URL"] = server.tokenURL.absoluteString
        environment["XDG_CONFIG_HOME"] = try tempDirectory()
        environment["HOME"] = try tempDirectory()
        for (key, value) in extra { environment[key] = value }
        process.environment = environment
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let (stdout, stderr) = await offThePool {
            let stdout = out.fileHandleForReading.readDataToEndOfFile()
            let stderr = err.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return (stdout, stderr)
        }
        return (
            process.terminationStatus, String(decoding: stdout, as: UTF8.self), String(decoding: stderr, as: UTF8.self)
        )
    }

    /// Waits for a child process without holding one of the few cooperative threads the in-process
    /// emulator needs to answer it.
    static func waitForExit(_ process: Process) async {
        await offThePool { process.waitUntilExit() }
    }

    static func offThePool<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            // A thread of its own: a blocking wait on Dispatch's global queue starves the work
            // URLSession schedules there, and every loopback request in the process stalls.
            Thread { continuation.resume(returning: body()) }.start()
        }
    }

    static func tempDirectory() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("teamctl-it-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }
}

/// Records the waits a client asked for, and waits them for real.
final class SleepLog: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [Double] = []
    var sleeps: [Double] { lock.withLock { items } }

    func sleep(_ seconds: Double) async throws {
        lock.withLock { items.append(seconds) }
        try await RetryingSender.liveSleep(seconds)
    }
}
