import Foundation
import TestSupport
import Testing

@testable import TeamSync

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// No secret leaves the key file: every command runs with a known private key and a known token, and
/// neither they nor any JWT (the client assertion, an issued token) appear in any output, log, cache,
/// plan or report. Files teamctl creates are 0600.
@Suite(.serialized)
struct SecretsTests {
    static let clientId = "SECRETCLIENT1"
    static let staticToken = "tok-Kx7pQ2-secret-static-token-do-not-print"
    static let today = "2026-11-25"

    /// A JWT: three base64url parts, the first two JSON objects (`{"` encodes as `eyJ`).
    static var jwtPattern: Regex<Substring> { /eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/ }

    @Test func noCommandShowsOrStoresTheKeyTheTokenOrAnAssertion() async throws {
        let directory = try RefreshFixture.tempDirectory()
        let keyPEM = try ChildProcess.generateRSAKey(in: directory)
        let publicPEM = try ChildProcess.publicKey(of: directory + "/generated.pem")
        let keyFile = directory + "/keys/teamctl-key.pem"
        try FileManager.default.createDirectory(atPath: directory + "/keys", withIntermediateDirectories: true)
        try ChildProcess.writePrivate("\(Self.clientId)\n\(keyPEM)", to: keyFile)
        try FileManager.default.removeItem(atPath: directory + "/generated.pem")

        let work = directory + "/work"
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        let seed = directory + "/facility.yaml"  // outside `work`: it holds the static token
        try Self.seedYAML(publicPEM: publicPEM).write(toFile: seed, atomically: true, encoding: .utf8)
        let manifest = work + "/team.yaml"
        try Self.manifestYAML.write(toFile: manifest, atomically: true, encoding: .utf8)

        let emulator = try await EmulatorProcess.start(seed: seed, logDirectory: work)
        var outputs: [(String, String)] = []
        do {
            let keyRun = SecretsRun(emulator: emulator, work: work, environment: ["TEAMCTL_KEY": keyFile])
            let tokenRun = SecretsRun(
                emulator: emulator, work: work,
                environment: ["TEAMCTL_ACCESS_TOKEN": Self.staticToken, "TEAMCTL_CACHE": work + "/token-cache.sqlite"])
            let plan = work + "/plan.json"
            let commands: [(SecretsRun, [String], Set<Int32>)] = [
                (keyRun, ["validate", manifest, "--today", Self.today], [0]),
                (keyRun, ["status"], [0]),
                (keyRun, ["refresh", "-f", manifest], [0]),
                (keyRun, ["plan", "-f", manifest, "--today", Self.today, "--out", plan], [0]),
                (keyRun, ["plan", "-f", manifest, "--today", Self.today, "--format", "json"], [0]),
                (keyRun, ["apply", plan, "--dry-run"], [0]),
                (keyRun, ["apply", plan, "--yes"], [0]),
                (keyRun, ["history"], [0]),
                (keyRun, ["ack", "m1234/permissions/premium_qos/alice", "--note", "granted"], [0, 1]),
                (keyRun, ["usage", "--refresh", "--format", "html", "--out", work + "/usage.html"], [0, 4]),
                (keyRun, ["usage", "--format", "json"], [0, 4]),
                (keyRun, ["import", "--project", "m1234", "-o", work + "/imported.yaml"], [0]),
                (tokenRun, ["refresh", "-f", manifest], [0]),
                (tokenRun, ["plan", "-f", manifest, "--today", Self.today, "--format", "markdown"], [0]),
                (tokenRun, ["apply", "-f", manifest, "--today", Self.today, "--yes"], [0]),
                (tokenRun, ["usage", "--refresh"], [0, 4]),
                (tokenRun, ["import", "--project", "m1234"], [0]),
                (tokenRun, ["history"], [0]),
                // Failures print errors: they must not show the secrets either.
                (tokenRun.with(["TEAMCTL_ACCESS_TOKEN": Self.staticToken + "-revoked"]), ["refresh"], [1, 2, 3]),
                (keyRun.with(["TEAMCTL_CLIENT_ID": "UNKNOWNCLIENT"]), ["refresh"], [1, 2, 3]),
                (keyRun, ["apply", work + "/missing-plan.json", "--yes"], [1, 2, 64]),
            ]
            for (runner, arguments, accepted) in commands {
                let run = try await runner.run(arguments)
                #expect(
                    accepted.contains(run.status),
                    "teamctl \(arguments.joined(separator: " ")) exited \(run.status): \(run.stderr)")
                outputs.append(("stdout of teamctl \(arguments.joined(separator: " "))", run.stdout))
                outputs.append(("stderr of teamctl \(arguments.joined(separator: " "))", run.stderr))
            }
        } catch {
            emulator.stop()
            throw error
        }
        // Issued access tokens are opaque (64 hex digits at the emulator) and unknown to the test; instead,
        // every such string anywhere in the outputs is tried as a token: none may work.
        var candidates: Set<String> = []
        defer { emulator.stop() }
        outputs.append(("the emulator's output", try emulator.output()))

        // Every file the runs left anywhere under the work folder (cache, WAL, plan, reports, logs, HOME).
        let files = try FileManager.default.subpathsOfDirectory(atPath: work).map { work + "/" + $0 }
            .filter { path in
                var isDirectory: ObjCBool = false
                return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && !isDirectory.boolValue
            }
        #expect(files.contains(work + "/cache.sqlite"))
        for file in files {
            outputs.append((file, String(decoding: try Data(contentsOf: URL(fileURLWithPath: file)), as: UTF8.self)))
        }

        let keyBody = keyPEM.split(separator: "\n").filter { !$0.hasPrefix("-----") }.map(String.init)
        #expect(keyBody.count > 10)
        let secrets = [Self.staticToken] + keyBody + [keyBody.joined()]
        for (place, text) in outputs {
            for secret in secrets {
                #expect(!text.contains(secret), "a secret (\(secret.prefix(6))...) appears in \(place)")
            }
            #expect(text.firstMatch(of: Self.jwtPattern) == nil, "a JWT appears in \(place)")
            for match in text.matches(of: /[0-9a-fA-F]{32,}/) { candidates.insert(String(match.output)) }
        }
        for candidate in candidates.prefix(500) {
            #expect(try await !emulator.acceptsToken(candidate), "a working access token appears in the outputs")
        }

        for file in [
            work + "/cache.sqlite", work + "/cache.sqlite-wal", work + "/cache.sqlite-shm", work + "/plan.json",
            work + "/token-cache.sqlite", work + "/usage.html", work + "/imported.yaml",
        ]
        where FileManager.default.fileExists(atPath: file) {
            let mode = try #require(try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? Int)
            #expect(mode == 0o600, "\(file) has mode \(String(mode, radix: 8))")
        }
    }

    /// The Python client (`sfapi_client`) accepts a key file only when `stat().st_mode` is exactly
    /// `0o100600`: a regular file (a symlink is followed), read-write for the owner alone.
    @Test(arguments: [
        (0o600, true), (0o400, false), (0o640, false), (0o644, false), (0o700, false), (0o604, false),
        (0o660, false), (0o4600, false),
    ])
    func theKeyFileModeCheckMatchesThePythonClient(mode: Int, accepted: Bool) throws {
        let directory = try RefreshFixture.tempDirectory()
        let file = directory + "/key.pem"
        try ChildProcess.writePrivate("\(RefreshFixture.clientId)\n\(TestKeys.primaryPrivatePEM)", to: file)
        #expect(chmod(file, mode_t(mode)) == 0)
        if accepted {
            #expect(try KeyFile.read(file: file).clientId == RefreshFixture.clientId)
        } else {
            let error = try #require(throws: KeyFileError.self) { try KeyFile.read(file: file) }
            #expect("\(error)".contains("chmod 600 \(file)"))
            #expect(!"\(error)".contains("PRIVATE KEY"))
        }
    }

    @Test func aSymlinkToA0600KeyIsFollowedLikeThePythonClient() throws {
        let directory = try RefreshFixture.tempDirectory()
        let file = directory + "/key.pem"
        try ChildProcess.writePrivate("\(RefreshFixture.clientId)\n\(TestKeys.primaryPrivatePEM)", to: file)
        try FileManager.default.createSymbolicLink(atPath: directory + "/link.pem", withDestinationPath: file)
        #expect(try KeyFile.read(file: directory + "/link.pem").clientId == RefreshFixture.clientId)
    }

    static func seedYAML(publicPEM: String) -> String {
        let indented = publicPEM.split(separator: "\n").map { "      " + $0 }.joined(separator: "\n")
        return """
            users:
              - {name: alice, uid: 1001, firstname: Alice, lastname: Liddell, email: alice@example.org}
              - {name: bob, uid: 1002}
              - {name: carol, uid: 1003}
              - {name: dave, uid: 1004}
            projects:
              - id: 1001
                repo_name: m1234
                description: Detector calibration
                cpu_hours_given: 100000
                members:
                  - {user: alice, role: PI, cpu_hours_given: 50000, cpu_hours_used: 1200.5}
                  - {user: bob, role: Member, cpu_hours_used: 300}
                  - {user: carol, role: Member}
                  - {user: dave, role: Member}
            groups:
              - {name: m1234, gid: 60000, repo_name: m1234, members: [alice, bob, carol, dave]}
              - {name: m1234g, gid: 60001, repo_name: m1234, members: [alice, bob, dave]}
            clients:
              - client_id: \(clientId)
                user: alice
                name: ci
                expires_at: "2099-01-01T00:00:00Z"
                public_key_pem: |
            \(indented)
            tokens:
              - {token: \(staticToken), user: alice}
            systems:
              - {name: iris, status: active}

            """
    }

    /// Changes for both runs: the key run applies the saved plan, the token run has nothing left but
    /// a new group (the token run's cache is separate, so it plans from its own refresh).
    static let manifestYAML = """
        version: 1
        project: m1234
        members:
          alice: {role: pi}
          bob: {}
          carol: {}
          dave: {}
        groups:
          m1234: {members: all}
          m1234g: {members: [alice, bob, carol]}
          m1234new: {members: [alice, carol]}
        permissions:
          premium_qos: [alice]
        policy:
          protected: [alice]

        """
}

/// One way of running `teamctl` against the emulator process, with its own environment.
struct SecretsRun {
    var emulator: EmulatorProcess
    var work: String
    var environment: [String: String]

    func with(_ more: [String: String]) -> SecretsRun {
        var copy = self
        copy.environment.merge(more) { $1 }
        return copy
    }

    func run(_ arguments: [String]) async throws -> ChildProcess.Result {
        var environment = [
            "TEAMCTL_API_URL": emulator.apiURL, "TEAMCTL_TOKEN_URL": emulator.tokenURL,
            "TEAMCTL_CACHE": work + "/cache.sqlite", "TEAMCTL_LOG_LEVEL": "trace",
            "HOME": work + "/home", "XDG_CONFIG_HOME": work + "/config", "XDG_DATA_HOME": work + "/data",
            "NO_COLOR": "1",
        ]
        environment.merge(self.environment) { $1 }
        return try await ChildProcess.run(try RefreshFixture.teamctlBinary(), arguments, environment: environment)
    }
}

/// `teamctl-emulator` as a child process, its standard output and error kept in files to search.
final class EmulatorProcess: @unchecked Sendable {
    let process: Process
    let apiURL: String
    let tokenURL: String
    let baseURL: String
    let logFiles: [String]

    private init(process: Process, apiURL: String, tokenURL: String, baseURL: String, logFiles: [String]) {
        self.process = process
        self.apiURL = apiURL
        self.tokenURL = tokenURL
        self.baseURL = baseURL
        self.logFiles = logFiles
    }

    /// Starts the emulator with `--verbose` on a free loopback port and waits for its URLs.
    static func start(seed: String, logDirectory: String, extra: [String] = []) async throws -> EmulatorProcess {
        let binary = try RefreshFixture.teamctlBinary().deletingLastPathComponent()
            .appendingPathComponent("teamctl-emulator")
        let out = logDirectory + "/emulator.out"
        let err = logDirectory + "/emulator.err"
        _ = FileManager.default.createFile(atPath: out, contents: nil)
        _ = FileManager.default.createFile(atPath: err, contents: nil)
        let process = Process()
        process.executableURL = binary
        process.arguments = ["--seed", seed, "--port", "0", "--verbose"] + extra
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: out))
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: err))
        process.standardInput = FileHandle.nullDevice
        try process.run()
        for _ in 0..<300 {
            let text = (try? String(contentsOfFile: out, encoding: .utf8)) ?? ""
            func value(_ prefix: String) -> String? {
                text.split(separator: "\n").first { $0.hasPrefix(prefix) }
                    .map { String($0.dropFirst(prefix.count)).trimmingCharacters(in: .whitespaces) }
            }
            if let api = value("API base:"), let token = value("token URL:"), let base = value("listening on") {
                return EmulatorProcess(
                    process: process, apiURL: api, tokenURL: token, baseURL: base, logFiles: [out, err])
            }
            if !process.isRunning { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        kill(process.processIdentifier, SIGKILL)
        let errors = (try? String(contentsOfFile: err, encoding: .utf8)) ?? ""
        Issue.record("teamctl-emulator did not start: \(errors)")
        throw CancellationError()
    }

    /// Whether the facility takes `token` as a bearer token (a leaked issued token would be).
    func acceptsToken(_ token: String) async throws -> Bool {
        let url = try #require(URL(string: apiURL.trimmingCharacters(in: CharacterSet(charactersIn: "/")) + "/account"))
        var request = URLRequest(url: url)
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        let (_, response) = try await URLSession.shared.data(for: request)
        return (response as? HTTPURLResponse)?.statusCode == 200
    }

    /// Stops the emulator with SIGKILL: a child of the test runner may inherit an ignored SIGTERM.
    func stop() {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    func output() throws -> String {
        try logFiles.map { try String(contentsOfFile: $0, encoding: .utf8) }.joined(separator: "\n")
    }
}

/// Small helpers for running child processes from tests.
enum ChildProcess {
    struct Result: Sendable {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs `binary` to completion with exactly `environment` (plus PATH), stdin closed.
    static func run(_ binary: URL, _ arguments: [String], environment: [String: String]) async throws -> Result {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        var full = environment
        full["PATH"] = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        process.environment = full
        return try await collect(process)
    }

    /// Starts a configured `process` with stdin closed, reads both outputs to their end off the cooperative pool, and
    /// waits for it; `started` runs once it is running (a kill switch, say).
    static func collect(_ process: Process, started: (Process) -> Void = { _ in }) async throws -> Result {
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        started(process)
        let (stdout, stderr) = await RefreshFixture.offThePool {
            let stdout = out.fileHandleForReading.readDataToEndOfFile()
            let stderr = err.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return (stdout, stderr)
        }
        return Result(
            status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
            stderr: String(decoding: stderr, as: UTF8.self))
    }

    /// Runs a tool from PATH (openssl, python3) and returns its standard output; throws on failure.
    @discardableResult
    static func tool(_ name: String, _ arguments: [String], input: Data? = nil) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [name] + arguments
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        if let input {
            let pipe = Pipe()
            process.standardInput = pipe
            try process.run()
            pipe.fileHandleForWriting.write(input)
            try pipe.fileHandleForWriting.close()
        } else {
            process.standardInput = FileHandle.nullDevice
            try process.run()
        }
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw ToolError(
                description: "\(name) \(arguments.joined(separator: " ")) failed: "
                    + String(decoding: stderr, as: UTF8.self))
        }
        return String(decoding: stdout, as: UTF8.self)
    }

    struct ToolError: Error, CustomStringConvertible {
        var description: String
    }

    /// A fresh 2048-bit RSA key from openssl (PKCS#1 PEM, as Iris hands them out), left in `generated.pem`.
    static func generateRSAKey(in directory: String) throws -> String {
        let path = directory + "/generated.pem"
        try tool("openssl", ["genrsa", "-traditional", "-out", path, "2048"])
        return try String(contentsOfFile: path, encoding: .utf8)
    }

    static func publicKey(of privateKeyPath: String) throws -> String {
        try tool("openssl", ["rsa", "-in", privateKeyPath, "-pubout"])
    }

    /// Writes a file that only the owner may read (0600 from the start).
    static func writePrivate(_ text: String, to path: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard fd >= 0 else { throw ToolError(description: "cannot create \(path)") }
        let data = Data(text.utf8)
        let written = data.withUnsafeBytes { write(fd, $0.baseAddress, data.count) }
        close(fd)
        guard written == data.count else { throw ToolError(description: "cannot write \(path)") }
        _ = chmod(path, 0o600)
    }

    static func fetch(_ url: URL) async throws -> Data {
        let (data, _) = try await URLSession.shared.data(from: url)
        return data
    }
}
