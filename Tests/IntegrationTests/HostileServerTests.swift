import FacilityEmulator
import Foundation
import GRDB
import TestSupport
import Testing

@testable import TeamSync

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The transport against servers that fight back (issue 24, holes 2, 4 and the secret-echo part of 6): redirects to
/// elsewhere, silence, a byte at a time, endless and huge answers, errors that echo the request's credentials. Each
/// server is a raw socket on loopback (`HostileHTTPServer`); "another host" is 127.0.0.2.
@Suite(.serialized)
struct HostileRedirectTests {
    static let token = "tok-redirect-\(UUID().uuidString.prefix(8))-must-stay-home"
    static let headers = ["Authorization": "Bearer \(token)", "Accept": "application/json"]

    /// A server whose every answer redirects to `location` (built from the server's own port when asked).
    static func redirecting(_ status: Int, host: String = "127.0.0.1", to location: @escaping @Sendable (Int) -> String)
        throws -> HostileHTTPServer
    {
        let box = PortBox()
        let server = try HostileHTTPServer(host: host) { _ in
            .answer(status: status, headers: [("Location", location(box.port))], body: Data("moved".utf8))
        }
        box.port = server.port
        return server
    }

    static func other(host: String = "127.0.0.2", port: Int = 0) throws -> HostileHTTPServer {
        try HostileHTTPServer(host: host, port: port) { _ in .answer(status: 200, body: Data("{}".utf8)) }
    }

    func refused(_ run: () async throws -> HTTPResponse) async -> TransportError? {
        do {
            let response = try await run()
            Issue.record("the redirect was followed to an answer: \(response.status)")
            return nil
        } catch let error as TransportError {
            guard case .redirectRefused = error else {
                Issue.record("not a refused redirect: \(error)")
                return nil
            }
            return error
        } catch {
            Issue.record("unexpected error: \(error)")
            return nil
        }
    }

    @Test(arguments: [301, 302, 303, 307, 308])
    func aRedirectToAnotherHostIsRefusedAndTheOtherHostSeesNothing(status: Int) async throws {
        let other = try Self.other()
        defer { other.stop() }
        let origin = try Self.redirecting(status) { _ in "\(other.baseURL)/api/v1.2/account/" }
        defer { origin.stop() }
        let transport = URLSessionTransport(maxConcurrent: 2)
        let url = try #require(URL(string: "\(origin.baseURL)/api/v1.2/account/"))
        let error = await refused {
            try await transport.send(HTTPRequest(method: .get, url: url, headers: Self.headers))
        }
        #expect(error.map { "\($0)" }?.contains("another host (127.0.0.2)") == true, "\(String(describing: error))")
        #expect(error.map { "\($0)" }?.contains(Self.token) == false)
        #expect(other.connections == 0, "the other host was contacted")
        #expect(other.requests.isEmpty)
        #expect(origin.requests.count == 1)
    }

    @Test func aRedirectToTheSamePortOnAnotherHostIsRefused() async throws {
        let origin = try Self.redirecting(302) { port in "http://127.0.0.2:\(port)/steal" }
        defer { origin.stop() }
        let other = try Self.other(port: origin.port)
        defer { other.stop() }
        let url = try #require(URL(string: "\(origin.baseURL)/api/v1.2/account/projects"))
        _ = await refused {
            try await URLSessionTransport().send(HTTPRequest(method: .get, url: url, headers: Self.headers))
        }
        #expect(other.connections == 0)
    }

    @Test func aRedirectToAnotherPortOnTheSameHostIsRefused() async throws {
        let other = try Self.other(host: "127.0.0.1")
        defer { other.stop() }
        let origin = try Self.redirecting(307) { _ in "\(other.baseURL)/api/v1.2/account/" }
        defer { origin.stop() }
        let url = try #require(URL(string: "\(origin.baseURL)/api/v1.2/account/"))
        let error = await refused {
            try await URLSessionTransport().send(HTTPRequest(method: .get, url: url, headers: Self.headers))
        }
        #expect(error.map { "\($0)" }?.contains("another port") == true, "\(String(describing: error))")
        #expect(other.connections == 0)
    }

    /// A scheme change (plain http to https on the same host), and a scheme-relative `//host` location.
    @Test(arguments: ["https://127.0.0.1:PORT/api", "//127.0.0.2:PORT/api", "HTTP://127.0.0.2:PORT/api"])
    func aRedirectChangingSchemeOrHostInOtherSpellingsIsRefused(template: String) async throws {
        let other = try Self.other(host: template.contains("127.0.0.1") ? "127.0.0.1" : "127.0.0.2")
        defer { other.stop() }
        let origin = try Self.redirecting(301) { _ in template.replacingOccurrences(of: "PORT", with: "\(other.port)") }
        defer { origin.stop() }
        let url = try #require(URL(string: "\(origin.baseURL)/api/v1.2/status"))
        _ = await refused {
            try await URLSessionTransport().send(HTTPRequest(method: .get, url: url, headers: Self.headers))
        }
        #expect(other.connections == 0, "\(template) was followed")
    }

    @Test(arguments: [
        (HTTPMethod.post, 307), (.put, 308), (.delete, 307), (.post, 302), (.put, 303), (.put, 301),
    ])
    func aWriteAnsweredWithARedirectIsAnErrorAndNothingIsSentAgain(method: HTTPMethod, status: Int) async throws {
        // Even to the same origin: a write is never sent twice.
        let origin = try Self.redirecting(status) { port in "http://127.0.0.1:\(port)/api/v1.2/account/groups/g2" }
        defer { origin.stop() }
        let url = try #require(URL(string: "\(origin.baseURL)/api/v1.2/account/groups/g1"))
        var request = HTTPRequest(method: method, url: url, headers: Self.headers)
        request.headers["Content-Type"] = "application/x-www-form-urlencoded"
        request.body = Data("usernames=bob&action=batch_remove".utf8)
        let error = await refused { try await URLSessionTransport().send(request) }
        #expect(error.map { "\($0)" }?.contains("never redirected") == true, "\(String(describing: error))")
        #expect(origin.requests.count == 1, "the write was sent \(origin.requests.count) times")
        #expect(origin.requests.allSatisfy { $0.target == "/api/v1.2/account/groups/g1" })
    }

    @Test func aWriteRefusedARedirectIsNotRetriedByTheClient() async throws {
        let origin = try Self.redirecting(307) { port in "http://127.0.0.2:\(port)/elsewhere" }
        defer { origin.stop() }
        let client = SFAPIClient(
            apiBaseURL: try #require(URL(string: "\(origin.baseURL)/api/v1.2")), transport: URLSessionTransport(),
            tokens: StaticTokenSource(token: Self.token))
        await #expect(throws: (any Error).self) {
            _ = try await client.updateGroup(name: "m1234g", usernames: ["bob"], action: .batchRemove)
        }
        await #expect(throws: (any Error).self) { _ = try await client.projects() }
        #expect(origin.requests.count == 2, "a refused redirect was retried: \(origin.requests.map(\.target))")
    }

    @Test(arguments: [301, 302, 307])
    func aSameOriginLoopFailsClearlyAfterAFewRedirects(status: Int) async throws {
        let origin = try Self.redirecting(status) { port in "http://127.0.0.1:\(port)/api/v1.2/account/" }
        defer { origin.stop() }
        let url = try #require(URL(string: "\(origin.baseURL)/api/v1.2/account/"))
        let start = Date()
        let error = await refused {
            try await URLSessionTransport().send(HTTPRequest(method: .get, url: url, headers: Self.headers))
        }
        #expect(error.map { "\($0)" }?.contains("loop") == true, "\(String(describing: error))")
        #expect(origin.requests.count == 1 + TransportLimits.defaultMaxRedirects)
        #expect(Date().timeIntervalSince(start) < 5)
    }

    @Test(arguments: [301, 302, 303, 307, 308])
    func aSameOriginRedirectOfAReadIsFollowedWithItsCredentials(status: Int) async throws {
        let server = try HostileHTTPServer { request in
            request.target == "/api/v1.2/old"
                ? .answer(status: status, headers: [("Location", "/api/v1.2/new")])
                : .answer(status: 200, headers: [("Content-Type", "application/json")], body: Data(#"{"n":1}"#.utf8))
        }
        defer { server.stop() }
        let url = try #require(URL(string: "\(server.baseURL)/api/v1.2/old"))
        let response = try await URLSessionTransport().send(HTTPRequest(method: .get, url: url, headers: Self.headers))
        #expect(response.status == 200)
        #expect(response.body == Data(#"{"n":1}"#.utf8))
        #expect(server.requests.map(\.target) == ["/api/v1.2/old", "/api/v1.2/new"])
        #expect(server.requests.last?.header("Authorization") == "Bearer \(Self.token)")
    }

    /// The attack as found: `teamctl refresh` against a facility whose answers redirect to another host.
    @Test func theCommandLineFollowsNoRedirectToAnotherHost() async throws {
        let other = try Self.other()
        defer { other.stop() }
        let origin = try Self.redirecting(302) { _ in "\(other.baseURL)/collect" }
        defer { origin.stop() }
        let environment = try TransportSecurityTests.environment(extra: [
            "TEAMCTL_API_URL": origin.baseURL + "/api/v1.2", "TEAMCTL_ACCESS_TOKEN": Self.token,
        ])
        for command in [["refresh"], ["status"]] {
            let run = try await HostileRun.teamctl(command, environment: environment, limit: 60)
            #expect(run.status != 0, "teamctl \(command) succeeded: \(run.stdout)")
            #expect(run.stderr.contains("redirect"), "\(run.stderr)")
            #expect(!run.stderr.contains(Self.token) && !run.stdout.contains(Self.token))
        }
        #expect(other.connections == 0, "the other host was contacted")
        #expect(!other.requests.contains { $0.header("Authorization") != nil })
    }
}

/// Every request has a deadline, connect to last byte.
@Suite(.serialized)
struct HostileDeadlineTests {
    static let token = "tok-deadline-\(UUID().uuidString.prefix(8))"

    static func silent() throws -> HostileHTTPServer { try HostileHTTPServer { _ in .silence } }

    func expectDeadline(seconds: Double, within range: ClosedRange<Double>, _ run: () async throws -> Void) async {
        let start = Date()
        do {
            try await run()
            Issue.record("the request succeeded")
        } catch let error as TransportError {
            guard case .deadlineExceeded(_, _, let used) = error else {
                Issue.record("not a deadline: \(error)")
                return
            }
            #expect(used == seconds)
            #expect("\(error)".contains("--request-timeout") && "\(error)".contains("request_timeout"))
        } catch {
            Issue.record("unexpected error: \(error)")
        }
        let elapsed = Date().timeIntervalSince(start)
        #expect(range.contains(elapsed), "ended after \(elapsed) s")
    }

    @Test func aSilentServerFailsAtTheDeadline() async throws {
        let server = try Self.silent()
        defer { server.stop() }
        let transport = URLSessionTransport(limits: TransportLimits(deadline: 2))
        let url = try #require(URL(string: "\(server.baseURL)/api/v1.2/account/"))
        await expectDeadline(seconds: 2, within: 1.9...6) {
            _ = try await transport.send(HTTPRequest(method: .get, url: url))
        }
    }

    @Test(arguments: [0.3, 1.5])
    func aServerSendingOneByteAtATimeFailsAtTheDeadline(interval: Double) async throws {
        let body = Data(repeating: UInt8(ascii: "x"), count: 200)
        let server = try HostileHTTPServer { _ in .drip(status: 200, body: body, interval: interval) }
        defer { server.stop() }
        let transport = URLSessionTransport(limits: TransportLimits(deadline: 3))
        let url = try #require(URL(string: "\(server.baseURL)/api/v1.2/account/groups"))
        await expectDeadline(seconds: 3, within: 2.9...7) {
            _ = try await transport.send(HTTPRequest(method: .get, url: url))
        }
    }

    @Test func aSlowAnswerThatEndsWithinTheDeadlineArrivesWhole() async throws {
        let body = Data("{\"ok\":true}".utf8)
        let server = try HostileHTTPServer { _ in .drip(status: 200, body: body, interval: 0.05) }
        defer { server.stop() }
        let transport = URLSessionTransport(limits: TransportLimits(deadline: 10))
        let url = try #require(URL(string: "\(server.baseURL)/x"))
        let response = try await transport.send(HTTPRequest(method: .get, url: url))
        #expect(response.body == body)
    }

    @Test func aRequestsOwnShorterTimeoutWins() async throws {
        let server = try Self.silent()
        defer { server.stop() }
        let url = try #require(URL(string: "\(server.baseURL)/x"))
        await expectDeadline(seconds: 1, within: 0.9...5) {
            _ = try await URLSessionTransport().send(HTTPRequest(method: .get, url: url, timeout: 1))
        }
    }

    @Test func aDeadlineIsNotRetried() async throws {
        let server = try Self.silent()
        defer { server.stop() }
        let client = SFAPIClient(
            apiBaseURL: try #require(URL(string: "\(server.baseURL)/api/v1.2")),
            transport: URLSessionTransport(limits: TransportLimits(deadline: 1.5)),
            tokens: StaticTokenSource(token: Self.token))
        let start = Date()
        let error = await #expect(throws: SFAPIError.self) { _ = try await client.projects() }
        #expect(Date().timeIntervalSince(start) < 6)
        #expect(server.requests.count == 1, "retried \(server.requests.count) times")
        #expect(error?.description.contains("1.5 s") == true, "\(String(describing: error))")
    }

    /// The attack as found (a silent facility holds a refresh), with the deadline from the flag, the environment and
    /// the profile.
    @Test(arguments: ["flag", "environment", "profile"])
    func theCommandLineStopsASilentFacilityAtTheDeadline(source: String) async throws {
        let server = try Self.silent()
        defer { server.stop() }
        var extra = ["TEAMCTL_API_URL": server.baseURL + "/api/v1.2", "TEAMCTL_ACCESS_TOKEN": Self.token]
        var arguments = ["refresh"]
        switch source {
        case "flag": arguments += ["--request-timeout", "2"]
        case "environment": extra["TEAMCTL_REQUEST_TIMEOUT"] = "2"
        default: break
        }
        let environment = try TransportSecurityTests.environment(extra: extra)
        if source == "profile" {
            let config = try #require(environment["XDG_CONFIG_HOME"]) + "/teamctl"
            try FileManager.default.createDirectory(atPath: config, withIntermediateDirectories: true)
            try "profiles:\n  nersc:\n    request_timeout: 2\n".write(
                toFile: config + "/config.yaml", atomically: true, encoding: .utf8)
        }
        let start = Date()
        let run = try await HostileRun.teamctl(arguments, environment: environment, limit: 30)
        let elapsed = Date().timeIntervalSince(start)
        #expect(!run.killed, "teamctl refresh was still waiting after 30 s")
        #expect(run.status != 0)
        #expect(elapsed < 12, "took \(elapsed) s")
        #expect(run.stderr.contains("within 2 s") && run.stderr.contains("request_timeout"), "\(run.stderr)")
    }

    @Test(arguments: [["--request-timeout", "0"], ["--request-timeout", "soon"], ["--max-response-bytes", "lots"]])
    func aBadLimitIsAClearError(option: [String]) async throws {
        let environment = try TransportSecurityTests.environment(extra: ["TEAMCTL_ACCESS_TOKEN": Self.token])
        let run = try await HostileRun.teamctl(["refresh"] + option, environment: environment, limit: 30)
        #expect(run.status != 0)
        #expect(run.stderr.contains(option[0]) && run.stderr.contains("expected"), "\(run.stderr)")
    }
}

/// Every answer has a size bound, checked while it arrives.
@Suite(.serialized)
struct HostileSizeTests {
    static let token = "tok-size-\(UUID().uuidString.prefix(8))"

    func expectTooLarge(limit: Int, _ run: () async throws -> HTTPResponse) async {
        do {
            let response = try await run()
            Issue.record("an answer of \(response.body.count) bytes was accepted")
        } catch let error as TransportError {
            guard case .answerTooLarge(_, _, let bound, _) = error else {
                Issue.record("not a size error: \(error)")
                return
            }
            #expect(bound == limit)
            #expect("\(error)".contains("max_response_bytes"))
        } catch {
            Issue.record("unexpected error: \(error)")
        }
    }

    @Test func anAnnouncedAnswerOverTheBoundIsRefusedBeforeItsBody() async throws {
        let server = try HostileHTTPServer { _ in
            .large(status: 200, count: 100 * 1024 * 1024, byte: UInt8(ascii: "["), announce: true)
        }
        defer { server.stop() }
        let transport = URLSessionTransport(limits: TransportLimits(maxResponseBytes: 1 << 20))
        let url = try #require(URL(string: "\(server.baseURL)/api/v1.2/account/groups"))
        let start = Date()
        await expectTooLarge(limit: 1 << 20) { try await transport.send(HTTPRequest(method: .get, url: url)) }
        #expect(Date().timeIntervalSince(start) < 5, "the refusal waited for the body")
    }

    @Test(arguments: [200, 500])
    func anEndlessChunkedAnswerStopsAtTheBound(status: Int) async throws {
        let server = try HostileHTTPServer { _ in
            .endlessChunked(status: status, chunk: Data(repeating: UInt8(ascii: "a"), count: 8192))
        }
        defer { server.stop() }
        let transport = URLSessionTransport(limits: TransportLimits(maxResponseBytes: 2 << 20))
        let url = try #require(URL(string: "\(server.baseURL)/api/v1.2/account/groups"))
        let start = Date()
        await expectTooLarge(limit: 2 << 20) { try await transport.send(HTTPRequest(method: .get, url: url)) }
        #expect(Date().timeIntervalSince(start) < 10)
    }

    @Test func aLargeUnannouncedAnswerStopsAtTheBound() async throws {
        let server = try HostileHTTPServer { _ in
            .large(status: 200, count: 40 * 1024 * 1024, byte: UInt8(ascii: " "), announce: false)
        }
        defer { server.stop() }
        let transport = URLSessionTransport(limits: TransportLimits(maxResponseBytes: 4 << 20))
        let url = try #require(URL(string: "\(server.baseURL)/x"))
        await expectTooLarge(limit: 4 << 20) { try await transport.send(HTTPRequest(method: .get, url: url)) }
    }

    @Test(arguments: [true, false])
    func anAnswerOfExactlyTheBoundArrivesWhole(announce: Bool) async throws {
        let limit = 1 << 20
        let server = try HostileHTTPServer { _ in
            .large(status: 200, count: limit, byte: UInt8(ascii: "7"), announce: announce)
        }
        defer { server.stop() }
        let transport = URLSessionTransport(limits: TransportLimits(maxResponseBytes: limit))
        let url = try #require(URL(string: "\(server.baseURL)/x"))
        let response = try await transport.send(HTTPRequest(method: .get, url: url))
        #expect(response.body == Data(repeating: UInt8(ascii: "7"), count: limit))
    }

    /// The attack as found: every answer of the facility is 100 MB (announced, and chunked without a length). teamctl
    /// fails at the default bound and its peak memory stays far below what the answers cost before (680 MB). One read
    /// at a time, so the figure is one hostile answer's (five at once cost more: see SECURITY.md).
    @Test(arguments: [true, false])
    func aRefreshAgainstHundredMegabyteAnswersStaysSmall(announce: Bool) async throws {
        let server = try HostileHTTPServer { _ in
            .large(
                status: 200, headers: [("Content-Type", "application/json")], count: 100 * 1024 * 1024,
                byte: UInt8(ascii: " "), announce: announce)
        }
        defer { server.stop() }
        let environment = try TransportSecurityTests.environment(extra: [
            "TEAMCTL_API_URL": server.baseURL + "/api/v1.2", "TEAMCTL_ACCESS_TOKEN": Self.token,
            "TEAMCTL_CONCURRENCY": "1",
        ])
        let run = try await HostileRun.teamctl(["refresh"], environment: environment, limit: 60, measure: true)
        #expect(run.status != 0)
        #expect(run.stderr.contains("32 MiB") && run.stderr.contains("max_response_bytes"), "\(run.stderr)")
        let peak = try #require(run.peakKB, "GNU time (/usr/bin/time) is needed to measure the peak memory")
        #expect(peak < 250 * 1024, "peak RSS \(peak / 1024) MB")
    }
}

/// A facility error that echoes the request's credentials (and a 50 MB one) shows nothing of them anywhere.
@Suite(.serialized)
struct HostileEchoTests {
    static let token = "tok-echo-\(UUID().uuidString)"

    /// The error bodies: the request's whole head in JSON, as plain text, as plain text padded to 20 MB (under the
    /// bound on an answer, so it is read, then shown as an excerpt) and to 50 MB (over it: refused as it arrives).
    enum Echo: String, CaseIterable, Sendable {
        case json, text, huge, oversized

        func answer(to request: HostileHTTPServer.Request) -> HostileHTTPServer.Reply {
            let head = request.headText
            switch self {
            case .json:
                let detail = String(decoding: try! JSONEncoder().encode(["detail": "rejected: " + head]), as: UTF8.self)
                return .answer(status: 400, headers: [("Content-Type", "application/json")], body: Data(detail.utf8))
            case .text:
                return .answer(status: 403, headers: [("Content-Type", "text/plain")], body: Data(head.utf8))
            case .huge, .oversized:
                var body = Data("\u{1B}[2J\(head)\n".utf8)
                body.append(Data(repeating: UInt8(ascii: "#"), count: (self == .huge ? 20 : 50) * 1024 * 1024))
                return .answer(status: 500, headers: [("Content-Type", "text/html")], body: body)
            }
        }
    }

    @Test(arguments: Echo.allCases)
    func anErrorEchoingTheAuthorizationHeaderIsShownWithoutIt(echo: Echo) async throws {
        let server = try HostileHTTPServer { echo.answer(to: $0) }
        defer { server.stop() }
        let client = SFAPIClient(
            apiBaseURL: try #require(URL(string: "\(server.baseURL)/api/v1.2")), transport: URLSessionTransport(),
            tokens: StaticTokenSource(token: Self.token), retry: .none)
        let error = await #expect(throws: SFAPIError.self) { _ = try await client.projects() }
        let text = try #require(error).description
        #expect(server.requests.first?.header("Authorization") == "Bearer \(Self.token)", "the echo is real")
        #expect(!text.contains(Self.token) && !text.contains(String(Self.token.dropFirst(9).prefix(8))), "\(text)")
        #expect(text.count < 1000, "\(text.count) characters")
        #expect(!text.contains("\u{1B}"))
    }

    /// The attack as found, through the command line: an apply whose writes are answered with the echo. Nothing of the
    /// token is in standard output, standard error (the log at debug level included), the journal or the cache.
    @Test(arguments: [Echo.json, .text, .huge])
    func anApplyWhoseWritesEchoTheTokenLeavesItNowhere(echo: Echo) async throws {
        let text = try String(contentsOfFile: TeamctlHarness.repoPath("examples/facility.yaml"), encoding: .utf8)
        let seed = text.replacingOccurrences(of: "{token: demo-pi,", with: "{token: \(Self.token),")
        let harness = try await TeamctlHarness.start(seedYAML: seed, token: Self.token)
        defer { Task { await harness.shutdown() } }
        try harness.copyExampleManifest()
        let upstream = try #require(harness.server.apiBaseURL.port)
        let proxy = try HostileHTTPServer { request in
            request.method == "GET" ? .raw(HostileHTTPServer.forward(request, to: upstream)) : echo.answer(to: request)
        }
        defer { proxy.stop() }
        let environment = [
            "TEAMCTL_API_URL": proxy.baseURL + "/api/v1.2", "TEAMCTL_LOG_LEVEL": "debug",
        ]
        var outputs: [(String, String)] = []
        for arguments in [
            ["apply", "-f", "team.yaml", "--today", PlanApplyTests.today, "--yes"], ["history"],
        ] {
            let run = try await harness.run(arguments, environment: environment)
            outputs.append(("stdout of \(arguments)", run.stdout))
            outputs.append(("stderr of \(arguments)", run.stderr))
            if arguments[0] == "apply" {
                #expect(run.status != 0, "the apply succeeded through a proxy that fails every write: \(run.output)")
                #expect(run.output.contains(Redaction.placeholder), "the echo should show, redacted: \(run.output)")
            }
        }
        let writes = proxy.requests.filter { $0.method != "GET" }
        #expect(!writes.isEmpty, "no write reached the proxy")
        #expect(writes.allSatisfy { $0.header("Authorization") == "Bearer \(Self.token)" }, "the echo is real")

        let queue = try DatabaseQueue(path: harness.cachePath)
        let details = try await queue.read { db in
            try String.fetchAll(db, sql: "SELECT detail FROM apply_event WHERE detail IS NOT NULL")
        }
        #expect(!details.isEmpty, "the journal recorded no failure")
        outputs.append(("the journal", details.joined(separator: "\n")))
        for file in try FileManager.default.contentsOfDirectory(atPath: harness.directory)
        where file.hasPrefix("cache.sqlite") {
            let data = try Data(contentsOf: URL(fileURLWithPath: harness.path(file)))
            outputs.append((file, String(decoding: data, as: UTF8.self)))
        }
        let fragment = String(Self.token.dropFirst(9).prefix(12))
        for (place, text) in outputs {
            #expect(!text.contains(Self.token), "the token appears in \(place)")
            #expect(!text.contains(fragment), "part of the token appears in \(place)")
            #expect(!text.contains("\u{1B}[2J"), "a control sequence reaches \(place)")
        }
        #expect(outputs.allSatisfy { $0.1.count < 5_000_000 }, "a 50 MB body was copied somewhere")
    }
}

/// Holds a port for a handler that needs its own server's port.
final class PortBox: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    var port: Int {
        get { lock.withLock { value } }
        set { lock.withLock { value = newValue } }
    }
}

/// A `teamctl` run with a wall-clock limit (killed past it) and, when asked, its peak memory from GNU time.
struct HostileRun {
    var status: Int32
    var stdout: String
    var stderr: String
    var killed: Bool
    /// Peak resident memory in KiB (GNU time's `%M`), when measured.
    var peakKB: Int?

    /// The binary under test: `TEAMCTL_UNDER_TEST` when set (to run these tests against another build), else the
    /// one built beside the tests.
    static func binary() throws -> URL {
        if let path = ProcessInfo.processInfo.environment["TEAMCTL_UNDER_TEST"] { return URL(fileURLWithPath: path) }
        return try RefreshFixture.teamctlBinary()
    }

    static func teamctl(
        _ arguments: [String], environment: [String: String], limit: Double, measure: Bool = false
    ) async throws -> HostileRun {
        let process = Process()
        let timeFile = try RefreshFixture.tempDirectory() + "/time"
        let gnuTime = "/usr/bin/time"
        if measure && FileManager.default.isExecutableFile(atPath: gnuTime) {
            process.executableURL = URL(fileURLWithPath: gnuTime)
            process.arguments = ["-f", "%M", "-o", timeFile, try binary().path] + arguments
        } else {
            process.executableURL = try binary()
            process.arguments = arguments
        }
        var full = environment
        full["PATH"] = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        process.environment = full
        var killer: KillSwitch?
        let run = try await ChildProcess.collect(process) { killer = KillSwitch(process: $0, after: limit) }
        let killed = killer?.disarm() ?? false
        let peak = (try? String(contentsOfFile: timeFile, encoding: .utf8))?
            .split(separator: "\n").last.flatMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        return HostileRun(
            status: run.status, stdout: run.stdout, stderr: run.stderr, killed: killed, peakKB: measure ? peak : nil)
    }
}

/// Kills a child with SIGKILL once `after` seconds pass, unless disarmed first.
final class KillSwitch: @unchecked Sendable {
    private let lock = NSLock()
    private var armed = true
    private var fired = false

    init(process: Process, after seconds: Double) {
        let pid = process.processIdentifier
        Thread { [self] in
            Thread.sleep(forTimeInterval: seconds)
            lock.withLock {
                guard armed else { return }
                fired = true
                // GNU time's child first (by its id, from /proc), then the child itself.
                let children = (try? String(contentsOfFile: "/proc/\(pid)/task/\(pid)/children", encoding: .utf8)) ?? ""
                for child in children.split(separator: " ").compactMap({ pid_t($0) }) { kill(child, SIGKILL) }
                kill(pid, SIGKILL)
            }
        }.start()
    }

    /// Stops the timer; whether it had fired.
    func disarm() -> Bool {
        lock.withLock {
            armed = false
            return fired
        }
    }
}
