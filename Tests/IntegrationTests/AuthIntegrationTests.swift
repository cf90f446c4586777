import AccountModels
import FacilityEmulator
import Foundation
import TestSupport
import Testing

@testable import TeamSync

struct AuthIntegrationTests {
    func writeKey(_ text: String, name: String, mode: Int = 0o600) throws -> String {
        let path = try RefreshFixture.tempDirectory() + "/" + name
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path)
        return path
    }

    func context(_ server: EmulatorServer, env: [String: String]) throws -> TeamctlContext {
        var environment = env
        environment["HOME"] = try RefreshFixture.tempDirectory()
        environment["TEAMCTL_API_URL"] = server.apiBaseURL.absoluteString
        environment["TEAMCTL_TOKEN_URL"] = server.tokenURL.absoluteString
        let settings = try ConnectionSettings.resolve(
            overrides: .init(), environment: environment, config: TeamctlConfig(), configPath: "/none")
        return TeamctlContext(settings: settings, home: environment["HOME"] ?? "/")
    }

    @Test func aStaticTokenReadsTheCallersAccount() async throws {
        let server = try await RefreshFixture.start()
        defer { Task { await server.shutdown() } }
        let context = try context(server, env: ["TEAMCTL_ACCESS_TOKEN": "dev-alice"])
        #expect(try await context.client.currentUser().name == "alice")
        #expect(try await context.client.projects().map(\.repo_name).sorted() == ["m1234", "m2000"])
    }

    @Test(arguments: ["pem", "json"])
    func aKeyFileInEitherFormatGetsATokenFromTheTokenEndpoint(format: String) async throws {
        let server = try await RefreshFixture.start()
        defer { Task { await server.shutdown() } }
        let path =
            format == "pem"
            ? try writeKey("\(RefreshFixture.clientId)\n\(TestKeys.primaryPrivatePEM)\n", name: "key.pem")
            : try writeKey(
                #"{"client_id": "\#(RefreshFixture.clientId)", "secret": \#(TestKeys.primaryJWK)}"#,
                name: "key.json")
        let context = try context(server, env: ["TEAMCTL_KEY": path])
        try context.requireCredentials()
        #expect(try await context.client.currentUser().name == "alice")
        let log = await server.requestLog()
        #expect(log.first { $0.path.hasSuffix("/oauth2/token") }?.status == 200)
    }

    @Test func aKeyTheFacilityDoesNotKnowIsRefusedClearly() async throws {
        let server = try await RefreshFixture.start()
        defer { Task { await server.shutdown() } }
        let path = try writeKey("\(RefreshFixture.clientId)\n\(TestKeys.otherPrivatePEM)\n", name: "wrong.pem")
        let context = try context(server, env: ["TEAMCTL_KEY": path])
        let error = await #expect(throws: SFAPIError.self) { try await context.client.currentUser() }
        #expect(error?.operation.contains("access token") == true)
        #expect(error?.status == 401)
    }

    @Test func theTokenIsRenewedBeforeItExpires() async throws {
        // The facility's tokens live 600 s; the client's clock is moved by hand, so the test does not
        // depend on how fast a busy machine runs it.
        let server = try await RefreshFixture.start(tokenTTL: 600)
        defer { Task { await server.shutdown() } }
        let key = try KeyFile.read(
            file: try writeKey("\(RefreshFixture.clientId)\n\(TestKeys.primaryPrivatePEM)", name: "k.pem"))
        let transport = URLSessionTransport()
        let clock = ManualClock(Date())
        let tokens = ClientCredentialsTokenSource(
            key: key, tokenURL: server.tokenURL, transport: transport, renewMargin: 60, now: { clock.now })
        let client = SFAPIClient(apiBaseURL: server.apiBaseURL, transport: transport, tokens: tokens)
        _ = try await client.currentUser()
        clock.advance(by: 530)  // 70 s left: still outside the 60 s margin
        _ = try await client.roles()
        #expect(await tokens.fetchCount == 1)
        clock.advance(by: 15)  // 55 s left: inside the margin, so renewed before it expires
        _ = try await client.currentUser()
        #expect(await tokens.fetchCount == 2)
        let log = await server.requestLog()
        #expect(log.filter { $0.path.hasSuffix("/oauth2/token") }.count == 2)
        #expect(log.allSatisfy { $0.status == 200 })
    }

    @Test func aTokenTheFacilityExpiredIsRenewedAfterThe401() async throws {
        // Both clocks are moved by hand, so no machine is too slow for it (a 5 s token on a real clock was, under
        // the whole suite): the facility's by 601 s, past its 600 s token, the client's by 400 s, so the client
        // still trusts its token and the facility disagrees.
        let start = Date()
        let facilityClock = ManualClock(start)
        let server = try await EmulatorServer.start(
            seed: try EmulatorSeed(yaml: RefreshFixture.seedYAML()), tokenTTL: 600, now: { facilityClock.now })
        defer { Task { await server.shutdown() } }
        let key = try KeyFile.read(
            file: try writeKey("\(RefreshFixture.clientId)\n\(TestKeys.primaryPrivatePEM)", name: "k.pem"))
        let transport = URLSessionTransport()
        let clientClock = ManualClock(start)
        let tokens = ClientCredentialsTokenSource(
            key: key, tokenURL: server.tokenURL, transport: transport, renewMargin: 0, now: { clientClock.now })
        let client = SFAPIClient(apiBaseURL: server.apiBaseURL, transport: transport, tokens: tokens)
        _ = try await client.currentUser()
        facilityClock.advance(by: 601)
        clientClock.advance(by: 400)
        #expect(try await client.currentUser().name == "alice")
        // The facility expired the token while the client still trusted it: one 401, then a fresh token and the
        // same read succeeding.
        let statuses = await server.requestLog().map { "\($0.method) \($0.status)" }
        #expect(statuses == ["POST 200", "GET 200", "GET 401", "POST 200", "GET 200"])
        #expect(await tokens.fetchCount == 2)
    }

    @Test(arguments: [0o644, 0o400])
    func aKeyFileReadableByOthersOrReadOnlyIsRefusedWithTheChmodHint(mode: Int) async throws {
        let server = try await RefreshFixture.start()
        defer { Task { await server.shutdown() } }
        let path = try writeKey(
            "\(RefreshFixture.clientId)\n\(TestKeys.primaryPrivatePEM)", name: "open.pem", mode: mode)
        let context = try context(server, env: ["TEAMCTL_KEY": path])
        let error = #expect(throws: KeyFileError.self) { try context.requireCredentials() }
        #expect(error?.description.contains("chmod 600 \(path)") == true)
        await #expect(throws: KeyFileError.self) { try await context.client.currentUser() }
        #expect(await server.requestLog().isEmpty)
    }

    @Test func aRejectedTokenIsReportedClearlyWithoutTheToken() async throws {
        let server = try await RefreshFixture.start()
        defer { Task { await server.shutdown() } }
        let client = RefreshFixture.client(server, token: "not-a-valid-token")
        let error = await #expect(throws: SFAPIError.self) { try await client.projects() }
        let failure = try #require(error)
        #expect(failure.status == 401)
        #expect(failure.path == "/api/v1.2/account/projects")
        #expect(failure.description.contains("TEAMCTL_ACCESS_TOKEN"))
        #expect(!failure.description.contains("not-a-valid-token"))
    }

    @Test func statusNeedsNoCredentialsAndSeesIris() async throws {
        let server = try await RefreshFixture.start()
        defer { Task { await server.shutdown() } }
        let context = try context(server, env: [:])
        #expect(context.credentialsProblem != nil)
        #expect(try await context.provider.accountSystemStatus().isActive)
        await server.setSystemStatus(name: "iris", status: "unavailable")
        #expect(try await context.client.system(named: "iris")?.status == .unavailable)
    }
}

/// A clock a test moves by hand.
final class ManualClock: @unchecked Sendable {
    private let lock = NSLock()
    private var current: Date

    init(_ start: Date) { current = start }

    var now: Date {
        lock.lock()
        defer { lock.unlock() }
        return current
    }

    func advance(by seconds: Double) {
        lock.lock()
        current = current.addingTimeInterval(seconds)
        lock.unlock()
    }
}
