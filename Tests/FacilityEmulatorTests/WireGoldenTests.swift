import Foundation
import Testing

@testable import FacilityEmulator

/// The emulator's answers, byte for byte, for every endpoint on the test seed, and the state it reads from
/// `examples/facility.yaml`. A change to the wire types that alters what a client receives, or how a seed
/// is read, fails here. After a deliberate change, re-record with `EMULATOR_GOLDEN_RECORD=1 swift test
/// --filter WireGoldenTests` and review the fixtures' diff.
@Suite("Emulator: answers byte for byte")
struct WireGoldenTests {
    /// One request: method, path, static token and body (form or JSON).
    struct Call: Sendable {
        var method: String
        var path: String
        var token: String?
        var body: String = ""

        static func get(_ path: String, _ token: String? = nil) -> Call {
            Call(method: "GET", path: path, token: token)
        }
        static func send(_ method: String, _ path: String, _ token: String?, _ body: String) -> Call {
            Call(method: method, path: path, token: token, body: body)
        }
    }

    /// Reads, writes (so later reads see their effect), errors and control endpoints, in order.
    static let calls: [Call] = [
        .get("/api/v1.2/account/", "dev-alice"),
        .get("/api/v1.2/account/?username=bob", "dev-alice"),
        .get("/api/v1.2/account/?username=nobody", "dev-alice"),
        .get("/api/v1.2/account/"),
        .get("/api/v1.2/account/", "not-a-token"),
        .get("/api/v1.2/account/projects", "dev-alice"),
        .get("/api/v1.2/account/projects", "dev-bob"),
        .get("/api/v1.2/account/projects", "dev-carol"),
        .get("/api/v1.2/account/projects", "dev-erin"),
        .get("/api/v1.2/account/roles", "dev-carol"),
        .get("/api/v1.2/account/roles", "dev-dave"),
        .get("/api/v1.2/account/groups", "dev-bob"),
        .get("/api/v1.2/account/groups", "dev-carol"),
        .get("/api/v1.2/account/groups/m1234g", "dev-carol"),
        .get("/api/v1.2/account/groups/m1234g", "dev-dave"),
        .get("/api/v1.2/account/groups/nosuch", "dev-alice"),
        .get("/api/v1.2/account/clients", "dev-alice"),
        .get("/api/v1.2/account/clients", "dev-bob"),
        .send("POST", "/api/v1.2/account/groups", "dev-alice", "name=newgrp&repo_name=m1234"),
        .send("POST", "/api/v1.2/account/groups", "dev-alice", ""),
        .send("POST", "/api/v1.2/account/groups", "dev-alice", "name=muchtoolong%C3%A9&repo_name=m1234"),
        .send("POST", "/api/v1.2/account/groups", "dev-bob", "name=bobgrp&repo_name=m1234"),
        .send("POST", "/api/v1.2/account/groups", "dev-alice", "name=newgrp&repo_name=m1234"),
        .send("PUT", "/api/v1.2/account/groups/newgrp", "dev-alice", "usernames=bob%2Ccarol&action=batch_add"),
        .send("PUT", "/api/v1.2/account/groups/newgrp", "dev-alice", "usernames=bob&action=batch_add"),
        .send("PUT", "/api/v1.2/account/groups/newgrp", "dev-alice", "usernames=dave&action=batch_add"),
        .send("PUT", "/api/v1.2/account/groups/newgrp", "dev-alice", "usernames=nobody&action=batch_add"),
        .send("PUT", "/api/v1.2/account/groups/newgrp", "dev-alice", "usernames=bob&action=bogus"),
        .send("PUT", "/api/v1.2/account/groups/newgrp", "dev-alice", ""),
        .send("PUT", "/api/v1.2/account/groups/m1234g", "dev-carol", "usernames=bob&action=batch_remove"),
        .send("DELETE", "/api/v1.2/account/groups/m1234g", "dev-alice", ""),
        .get("/api/v1.2/account/groups/newgrp", "dev-bob"),
        .get("/api/v1.2/status"),
        .get("/api/v1.2/status/perlmutter"),
        .get("/api/v1.2/status/nosuch"),
        .get("/api/v1.2/status/outages"),
        .get("/api/v1.2/status/outages/planned"),
        .get("/api/v1.2/status/outages/perlmutter"),
        .get("/api/v1.2/status/outages/planned/perlmutter"),
        .get("/api/v1.2/status/notes"),
        .get("/api/v1.2/status/notes/perlmutter"),
        .get("/api/v1.2/tasks", "dev-alice"),
        .get("/api/v1.2/tasks/11", "dev-alice"),
        .get("/api/v1.2/tasks/13", "dev-alice"),
        .send("DELETE", "/api/v1.2/tasks/12", "dev-alice", ""),
        .send("DELETE", "/api/v1.2/tasks/12", "dev-alice", ""),
        .send("POST", "/_emulator/usage", nil, #"{"repo_name": "m1234", "user": "bob", "cpu_hours": 10.5}"#),
        .send("POST", "/_emulator/usage", nil, #"{"repo_name": "m1234", "user": "dave", "cpu_hours": 1}"#),
        .send("POST", "/_emulator/systems", nil, #"{"name": "perlmutter", "status": "active"}"#),
        .send("POST", "/_emulator/systems", nil, #"{"name": "dtn01", "status": "unavailable"}"#),
        .get("/api/v1.2/status"),
        .get("/_emulator/faults"),
        .get("/_emulator/state"),
    ]

    /// A fixed clock, so `updated_at` stamps repeat.
    static let now: @Sendable () -> Date = { Date(timeIntervalSince1970: 1_800_000_000) }

    /// The test seed with one API client; its key is never checked here, so it is a fixed placeholder.
    static func seed() throws -> EmulatorSeed {
        try TestSeed.seed(clients: [
            .init(
                client_id: "ABCDEFGHIJKLM", user: "alice", name: "ci", public_key_pem: "placeholder",
                expires_at: "2099-01-01T00:00:00Z", comments: "nightly runs")
        ])
    }

    static func answer(_ call: Call, from core: EmulatorCore) async -> String {
        let parts = call.path.split(separator: "?", maxSplits: 1).map(String.init)
        let query = parts.count > 1 ? FormBody(Data(parts[1].utf8)).allFields : [:]
        let request = IncomingRequest(
            method: call.method, path: parts[0], query: query, authorization: call.token.map { "Bearer \($0)" },
            host: "127.0.0.1:1", body: Data(call.body.utf8), fromLoopback: true)
        let reply: EmulatorReply
        switch await core.handle(request) {
        case .reply(let answer), .drop(let answer): reply = answer
        }
        let headers = reply.headers.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }
        return "\(call.method) \(call.path) as \(call.token ?? "-") -> \(reply.status)"
            + headers.map { " [\($0)]" }.joined() + "\n" + String(decoding: reply.body, as: UTF8.self) + "\n"
    }

    @Test func everyEndpointAnswersAsRecorded() async throws {
        let core = EmulatorCore(seed: try Self.seed(), faults: .none, faultSeed: 1, tokenTTL: 600, now: Self.now)
        var transcript = ""
        for call in Self.calls {
            transcript += await Self.answer(call, from: core) + "\n"
        }
        try Self.compare(transcript, toFixture: "answers.txt")
    }

    @Test func theExampleFacilitySeedReadsAsRecorded() async throws {
        let path = Self.repositoryRoot.appendingPathComponent("examples/facility.yaml").path
        let core = EmulatorCore(
            seed: try EmulatorSeed.load(path: path), faults: .none, faultSeed: 1, tokenTTL: 600, now: Self.now)
        let state = await Self.answer(.get("/_emulator/state"), from: core)
        try Self.compare(state, toFixture: "example-facility-state.txt")
    }

    @Test func theTokenAnswerKeepsItsShape() async throws {
        let pem = try #require(TestKeys.backing).publicKey.pemRepresentation
        let seed = try TestSeed.seed(clients: [
            .init(
                client_id: TokenEndpointTests.clientID, user: "alice", name: "ci", public_key_pem: pem,
                expires_at: "2099-01-01T00:00:00Z")
        ])
        let core = EmulatorCore(seed: seed, faults: .none, faultSeed: 1, tokenTTL: 600)
        let assertion = try await TokenEndpointTests.assertion(aud: "http://127.0.0.1:1/oauth2/token")
        let form = RunningEmulator.formEncode(TokenEndpointTests.tokenForm(assertion))
        let answer = await Self.answer(.send("POST", "/oauth2/token", nil, form), from: core)
            .replacingOccurrences(
                of: #""access_token":"[0-9a-f]{64}""#, with: #""access_token":"<random>""#, options: .regularExpression)
        try Self.compare(answer, toFixture: "token-answer.txt")
    }

    // MARK: Fixtures

    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    static func compare(_ actual: String, toFixture name: String) throws {
        if ProcessInfo.processInfo.environment["EMULATOR_GOLDEN_RECORD"] == "1" {
            let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
                .appendingPathComponent("Fixtures/\(name)")
            try Data(actual.utf8).write(to: url)
            return
        }
        let url = try #require(Bundle.module.resourceURL).appendingPathComponent("Fixtures/\(name)")
        let expected = try String(contentsOf: url, encoding: .utf8)
        guard actual != expected else { return }
        let actualLines = actual.split(separator: "\n", omittingEmptySubsequences: false)
        let expectedLines = expected.split(separator: "\n", omittingEmptySubsequences: false)
        let first = zip(actualLines, expectedLines).enumerated().first { $0.element.0 != $0.element.1 }
        if let first {
            Issue.record(
                "\(name) line \(first.offset + 1) differs:\nexpected: \(first.element.1)\nactual:   \(first.element.0)")
        } else {
            Issue.record("\(name): \(actualLines.count) lines, expected \(expectedLines.count)")
        }
    }
}
