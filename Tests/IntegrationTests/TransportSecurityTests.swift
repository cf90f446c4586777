import FacilityEmulator
import Foundation
import Testing

@testable import TeamSync

/// Certificates are verified, nothing turns that off, and plain http goes to loopback only.
@Suite(.serialized)
struct TransportSecurityTests {
    @Test(arguments: [
        "http://example.org/api/v1.2", "http://api.nersc.gov/api/v1.2", "HTTP://EXAMPLE.ORG/api", "http://10.0.0.1/api",
        "http://127.0.0.1.example.org/api", "http://localhost.example.org/api", "http://[::ffff:7f00:1]/api",
        "http://127.1/api", "ftp://127.0.0.1/api", "file:///etc/passwd", "api.nersc.gov", "http:///nohost",
    ])
    func plainHTTPAndOtherSchemesAreRefusedForAnythingButLoopback(url: String) {
        #expect(throws: ConfigError.self) { try ConnectionSettings.checkedURL(url, setting: "--api-url") }
    }

    @Test(arguments: [
        "https://api.nersc.gov/api/v1.2", "http://127.0.0.1:8080/api/v1.2", "http://localhost:9/api",
        "http://[::1]:8080/api", "http://127.0.0.2/api",
    ])
    func httpsAnywhereAndPlainHTTPToLoopbackAreAccepted(url: String) throws {
        #expect(try ConnectionSettings.checkedURL(url, setting: "--api-url").absoluteString == url)
    }

    @Test(arguments: [
        ["--api-url", "http://example.org/api/v1.2"], ["--token-url", "http://example.org/token"],
    ])
    func theCommandLineRefusesPlainHTTPToARemoteHost(option: [String]) async throws {
        let environment = try Self.environment(extra: ["TEAMCTL_ACCESS_TOKEN": "tok-never-sent-in-clear"])
        for command in [["status"], ["refresh"], ["usage", "--refresh"]] {
            let run = try await ChildProcess.run(
                try RefreshFixture.teamctlBinary(), command + option, environment: environment)
            #expect(run.status != 0, "teamctl \(command + option) succeeded")
            #expect(run.stderr.contains("plain http"), "\(run.stderr)")
            #expect(!run.stderr.contains("tok-never-sent-in-clear"))
        }
        // The environment and the config file are checked the same way as the flags.
        var fromEnvironment = environment
        fromEnvironment[option[0] == "--api-url" ? "TEAMCTL_API_URL" : "TEAMCTL_TOKEN_URL"] = option[1]
        let run = try await ChildProcess.run(
            try RefreshFixture.teamctlBinary(), ["refresh"], environment: fromEnvironment)
        #expect(run.status != 0)
        #expect(run.stderr.contains("plain http"), "\(run.stderr)")
    }

    @Test func aServerWithASelfSignedCertificateIsRefusedAndGetsNoToken() async throws {
        let server = try SelfSignedServer.start()
        defer { server.stop() }
        let linesBefore = try server.requestLines().count

        let token = "tok-self-signed-must-not-see-this"
        let environment = try Self.environment(extra: [
            "TEAMCTL_API_URL": server.url + "/api/v1.2", "TEAMCTL_TOKEN_URL": server.url + "/oauth2/token",
            "TEAMCTL_ACCESS_TOKEN": token,
        ])
        for command in [["status"], ["refresh"]] {
            let run = try await ChildProcess.run(try RefreshFixture.teamctlBinary(), command, environment: environment)
            #expect(run.status != 0, "teamctl \(command) accepted a self-signed certificate: \(run.stdout)")
            #expect(
                run.stderr.lowercased().contains("certificate") || run.stderr.lowercased().contains("ssl")
                    || run.stderr.lowercased().contains("secure"),
                "the error should say the connection was not trusted: \(run.stderr)")
            #expect(!run.stderr.contains(token))
        }
        let lines = try server.requestLines()
        #expect(lines.count == linesBefore, "requests reached the untrusted server: \(lines)")
        #expect(!lines.joined().contains(token))
    }

    @Test func noCommandOffersAnOptionToSkipCertificateChecks() async throws {
        let environment = try Self.environment(extra: [:])
        let commands = ["validate", "refresh", "status", "plan", "apply", "history", "ack", "usage", "import", "demo"]
        let binary = try RefreshFixture.teamctlBinary()
        let suspicious =
            /(?i)insecure|no[-_]?verify|skip[-_]?(tls|ssl|cert)|allow[-_]?(http|self)|verify[-_]?(tls|ssl|cert)|ca[-_]?(cert|bundle|file)/
        for command in [[]] + commands.map({ [$0] }) {
            let run = try await ChildProcess.run(binary, ["help"] + command, environment: environment)
            #expect(run.status == 0, "teamctl help \(command): \(run.stderr)")
            #expect(!run.stdout.isEmpty)
            #expect(run.stdout.firstMatch(of: suspicious) == nil, "teamctl help \(command) offers: \(run.stdout)")
        }
    }

    // MARK: Dry run lives in the transport

    @Test(arguments: [
        (HTTPMethod.put, "https://api.example.org/api/v1.2/account/groups/token", false),
        (.post, "https://api.example.org/api/v1.2/account/groups", false),
        (.put, "https://api.example.org/api/v1.2/account/groups/m1234g", false),
        (.delete, "https://api.example.org/api/v1.2/tasks/1", false),
        (.post, "https://oidc.example.org/other/token", false),
        (.put, "https://oidc.example.org/c2id/token", false),
        (.post, "https://oidc.example.org/c2id/token", true),
        (.get, "https://api.example.org/api/v1.2/account/groups/token", true),
    ])
    func dryRunLetsOnlyReadsAndTheTokenRequestThrough(method: HTTPMethod, url: String, sent: Bool) async throws {
        let recorder = RecordingTransport()
        let transport = DryRunTransport(
            wrapping: recorder, tokenURL: URL(string: "https://oidc.example.org/c2id/token"))
        let request = HTTPRequest(method: method, url: try #require(URL(string: url)))
        if sent {
            #expect(try await transport.send(request).status == 200)
        } else {
            await #expect(throws: TransportError.self) { try await transport.send(request) }
        }
        #expect(recorder.requests.count == (sent ? 1 : 0))
    }

    @Test func dryRunWithoutATokenURLStillRefusesAGroupNamedToken() async throws {
        let recorder = RecordingTransport()
        let transport = DryRunTransport(wrapping: recorder)
        let url = try #require(URL(string: "https://api.example.org/api/v1.2/account/groups/token"))
        await #expect(throws: TransportError.self) { try await transport.send(HTTPRequest(method: .put, url: url)) }
        await #expect(throws: TransportError.self) { try await transport.send(HTTPRequest(method: .post, url: url)) }
        #expect(recorder.requests.isEmpty)
    }

    @Test func applyDryRunSendsNoChangeEvenToAGroupNamedToken() async throws {
        let seed = """
            users:
              - {name: alice, uid: 1001}
              - {name: bob, uid: 1002}
            projects:
              - {id: 1001, repo_name: m1234, members: [{user: alice, role: PI}, {user: bob, role: Member}]}
            groups:
              - {name: token, gid: 60001, repo_name: m1234, members: [alice]}
            tokens:
              - {token: dev-alice, user: alice}
            systems:
              - {name: iris, status: active}

            """
        let server = try await EmulatorServer.start(seed: try EmulatorSeed(yaml: seed))
        defer { Task { await server.shutdown() } }
        let directory = try RefreshFixture.tempDirectory()
        let manifest = directory + "/team.yaml"
        try """
        version: 1
        project: m1234
        members: {alice: {role: pi}, bob: {}}
        groups:
          token: {members: [alice, bob]}
          newgrp: {members: [alice]}

        """.write(toFile: manifest, atomically: true, encoding: .utf8)
        let environment = ["TEAMCTL_ACCESS_TOKEN": "dev-alice", "TEAMCTL_CACHE": directory + "/cache.sqlite"]
        let before = await server.stateSnapshot()
        let run = try await RefreshFixture.runTeamctl(
            ["apply", "-f", manifest, "--today", "2026-11-25", "--dry-run"], server: server, environment: environment)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("token"), "the plan should touch the group named token: \(run.stdout)")
        let writes = await server.requestLog().filter { $0.method != "GET" }
        #expect(writes.isEmpty, "\(writes.map { "\($0.method) \($0.path)" })")
        #expect(await server.stateSnapshot().groups == before.groups)
    }

    static func environment(extra: [String: String]) throws -> [String: String] {
        let directory = try RefreshFixture.tempDirectory()
        var environment = [
            "HOME": directory, "XDG_CONFIG_HOME": directory + "/config", "XDG_DATA_HOME": directory + "/data",
            "TEAMCTL_CACHE": directory + "/cache.sqlite", "NO_COLOR": "1",
        ]
        environment.merge(extra) { $1 }
        return environment
    }
}

/// Answers every request with 200 and records it.
final class RecordingTransport: HTTPTransport, @unchecked Sendable {
    private let lock = NSLock()
    private var sent: [HTTPRequest] = []
    var requests: [HTTPRequest] { lock.withLock { sent } }

    func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        lock.withLock { sent.append(request) }
        return HTTPResponse(status: 200, body: Data("{}".utf8))
    }
}

/// A tiny HTTPS server (python3 `ssl`) on loopback with a fresh self-signed certificate from openssl.
/// It answers every GET and POST with `{}` and logs each request line and Authorization header.
final class SelfSignedServer: @unchecked Sendable {
    let process: Process
    let url: String
    let certificate: String
    let log: String

    private init(process: Process, url: String, certificate: String, log: String) {
        self.process = process
        self.url = url
        self.certificate = certificate
        self.log = log
    }

    static let script = """
        import http.server, os, ssl, sys
        certificate, key, log, port_file = sys.argv[1:5]
        class Handler(http.server.BaseHTTPRequestHandler):
            def answer(self):
                with open(log, "a") as handle:
                    handle.write(f"{self.command} {self.path} {self.headers.get('Authorization')}\\n")
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"{}")
            do_GET = do_POST = do_PUT = answer
            def log_message(self, *arguments):
                pass
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(certificate, key)
        server.socket = context.wrap_socket(server.socket, server_side=True)
        with open(port_file + ".tmp", "w") as handle:
            handle.write(str(server.server_address[1]))
        os.rename(port_file + ".tmp", port_file)
        server.serve_forever()
        """

    static func start() throws -> SelfSignedServer {
        let directory = try RefreshFixture.tempDirectory()
        let certificate = directory + "/cert.pem"
        let key = directory + "/key.pem"
        let log = directory + "/requests.log"
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        try ChildProcess.tool(
            "openssl",
            [
                "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", certificate, "-days", "2",
                "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
            ])
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        let portFile = directory + "/port"
        process.arguments = ["python3", "-c", script, certificate, key, log, portFile]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        var port: Int?
        for _ in 0..<200 where port == nil {
            port = (try? String(contentsOfFile: portFile, encoding: .utf8)).flatMap { Int($0) }
            if port == nil { usleep(50_000) }
        }
        guard let port else {
            kill(process.processIdentifier, SIGKILL)
            throw ChildProcess.ToolError(description: "the TLS test server did not start")
        }
        return SelfSignedServer(process: process, url: "https://127.0.0.1:\(port)", certificate: certificate, log: log)
    }

    func requestLines() throws -> [String] {
        try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n").map(String.init)
    }

    /// Stops the server with SIGKILL: a child of the test runner may inherit an ignored SIGTERM.
    func stop() {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }
}
