import Foundation
import JWTKit
import Synchronization
import TeamSync
import Testing
import _CryptoExtras

@testable import FacilityEmulator

@Suite("Emulator: POST /oauth2/token with private_key_jwt")
struct TokenEndpointTests {
    static let clientID = "ABCDEFGHIJKLM"

    static func seed(expiresAt: String = "2099-01-01T00:00:00Z") throws -> EmulatorSeed {
        let pem = try #require(TestKeys.backing).publicKey.pemRepresentation
        return try TestSeed.seed(clients: [
            .init(client_id: clientID, user: "alice", name: "ci", public_key_pem: pem, expires_at: expiresAt)
        ])
    }

    /// Signs an assertion; each parameter can be bent to make it invalid.
    static func assertion(
        iss: String = clientID, sub: String = clientID, aud: String, expiresIn: Double = 300,
        key: _RSA.Signing.PrivateKey? = TestKeys.backing
    ) async throws -> String {
        let keys = JWTKeyCollection()
        await keys.add(rsa: try Insecure.RSA.PrivateKey(backing: try #require(key)), digestAlgorithm: .sha256)
        let claims = AssertionClaims(
            iss: .init(value: iss), sub: .init(value: sub), aud: .init(value: [aud]),
            exp: .init(value: Date().addingTimeInterval(expiresIn)), iat: .init(value: Date()),
            jti: .init(value: UUID().uuidString))
        return try await keys.sign(claims)
    }

    static func tokenForm(_ assertion: String) -> [(String, String)] {
        [
            ("grant_type", "client_credentials"),
            ("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"),
            ("client_assertion", assertion),
        ]
    }

    @Test func aValidAssertionGetsATokenThatWorksAsBearer() async throws {
        try await RunningEmulator.with(seed: Self.seed(), tokenTTL: 120) { emulator in
            let assertion = try await Self.assertion(aud: emulator.server.tokenURL.absoluteString)
            let response = try await emulator.send(.post, "/oauth2/token", form: Self.tokenForm(assertion))
            #expect(response.status == 200)
            let token = try response.decoded(SFAPIWire.TokenResponse.self)
            #expect(token.token_type == "Bearer" && token.expires_in == 120 && token.access_token.count >= 32)
            let me = try await emulator.api(.get, "/account/", token: token.access_token)
            #expect(try me.decoded(SFAPIWire.UserInfo.self).name == "alice")
            // The token and the assertion never reach the request log.
            let log = try JSONEncoder().encode(await emulator.server.requestLog())
            let text = String(decoding: log, as: UTF8.self)
            #expect(!text.contains(token.access_token) && !text.contains(assertion))
        }
    }

    enum BadAssertion: String, CaseIterable {
        case wrongAudience, expired, otherKey, subjectDiffers, unknownClient
    }

    @Test(arguments: BadAssertion.allCases)
    func invalidAssertionsAre401(_ bad: BadAssertion) async throws {
        try await RunningEmulator.with(seed: Self.seed()) { emulator in
            let aud = emulator.server.tokenURL.absoluteString
            let assertion: String
            switch bad {
            case .wrongAudience: assertion = try await Self.assertion(aud: "https://oidc.nersc.gov/c2id/token")
            case .expired: assertion = try await Self.assertion(aud: aud, expiresIn: -60)
            case .otherKey: assertion = try await Self.assertion(aud: aud, key: TestKeys.other)
            case .subjectDiffers: assertion = try await Self.assertion(sub: "SOMEONEELSE01", aud: aud)
            case .unknownClient:
                assertion = try await Self.assertion(iss: "UNKNOWNCLIENT", sub: "UNKNOWNCLIENT", aud: aud)
            }
            let response = try await emulator.send(.post, "/oauth2/token", form: Self.tokenForm(assertion))
            #expect(response.status == 401)
            let body = try response.decoded([String: String].self)
            #expect(body["error"] == "invalid_client")
            #expect(body["detail"]?.isEmpty == false)
            #expect(!String(decoding: response.body, as: UTF8.self).contains(assertion))
        }
    }

    @Test func anExpiredClientGetsNoToken() async throws {
        try await RunningEmulator.with(seed: Self.seed(expiresAt: "2020-01-01T00:00:00Z")) { emulator in
            let assertion = try await Self.assertion(aud: emulator.server.tokenURL.absoluteString)
            let response = try await emulator.send(.post, "/oauth2/token", form: Self.tokenForm(assertion))
            #expect(response.status == 401)
            #expect(response.detailMessage?.contains("expired") == true)
        }
    }

    @Test(arguments: [
        ([("grant_type", "password")], "unsupported_grant_type"),
        ([("grant_type", "client_credentials")], "invalid_request"),
        (
            [
                ("grant_type", "client_credentials"),
                ("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"),
            ], "invalid_request"
        ),
        (
            [
                ("grant_type", "client_credentials"),
                ("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"),
                ("client_assertion", "x.y.z"),
            ], "invalid_client"
        ),
    ])
    func malformedTokenRequestsAreRefused(form: [(String, String)], error: String) async throws {
        try await RunningEmulator.with(seed: Self.seed()) { emulator in
            let response = try await emulator.send(.post, "/oauth2/token", form: form)
            #expect(response.status == (error == "invalid_client" ? 401 : 400))
            #expect(try response.decoded([String: String].self)["error"] == error)
        }
    }

    @Test func issuedTokensExpireAfterTheirTTL() async throws {
        let clock = Mutex(Date(timeIntervalSince1970: 1_800_000_000))
        let core = EmulatorCore(
            seed: try Self.seed(), faults: .none, faultSeed: 1, tokenTTL: 600, now: { clock.withLock { $0 } })
        core.setTokenURL("http://127.0.0.1:1/oauth2/token")
        let keys = JWTKeyCollection()
        await keys.add(
            rsa: try Insecure.RSA.PrivateKey(backing: try #require(TestKeys.backing)), digestAlgorithm: .sha256)
        let assertion = try await keys.sign(
            AssertionClaims(
                iss: .init(value: Self.clientID), sub: .init(value: Self.clientID),
                aud: .init(value: ["http://127.0.0.1:1/oauth2/token"]), exp: .init(value: Date.distantFuture),
                iat: .init(value: Date()), jti: .init(value: "1")))
        func request(_ method: String, _ path: String, authorization: String? = nil, body: String = "")
            -> IncomingRequest
        {
            IncomingRequest(
                method: method, path: path, query: [:], authorization: authorization, host: "127.0.0.1:1",
                body: Data(body.utf8), fromLoopback: true)
        }
        guard
            case .reply(let reply) = await core.handle(
                request(
                    "POST", "/oauth2/token", body: RunningEmulator.formEncode(Self.tokenForm(assertion))))
        else { Issue.record("token request was dropped"); return }
        let token = try JSONDecoder().decode(SFAPIWire.TokenResponse.self, from: reply.body).access_token

        clock.withLock { $0 += 599 }
        guard
            case .reply(let fresh) = await core.handle(
                request("GET", "/api/v1.2/account/", authorization: "Bearer \(token)"))
        else { Issue.record("request was dropped"); return }
        #expect(fresh.status == 200)

        clock.withLock { $0 += 2 }
        guard
            case .reply(let stale) = await core.handle(
                request("GET", "/api/v1.2/account/", authorization: "Bearer \(token)"))
        else { Issue.record("request was dropped"); return }
        #expect(stale.status == 401)
    }
}
