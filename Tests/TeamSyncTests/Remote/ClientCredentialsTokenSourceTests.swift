import Foundation
import JWTKit
import TestSupport
import Testing

@testable import TeamSync

struct ClientCredentialsTokenSourceTests {
    let tokenURL = URL(string: "https://oidc.example.org/c2id/token")!

    func key() throws -> ClientKey {
        ClientKey(clientId: "ABCDEFGHIJKLM", privateKey: try Insecure.RSA.PrivateKey(pem: TestKeys.primaryPrivatePEM))
    }

    func formFields(_ request: HTTPRequest) throws -> [String: String] {
        let text = String(decoding: try #require(request.body), as: UTF8.self)
        var fields: [String: String] = [:]
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map { String($0).removingPercentEncoding ?? "" }
            fields[parts[0]] = parts.count > 1 ? parts[1] : ""
        }
        return fields
    }

    struct Claims: JWTPayload {
        var iss: String
        var sub: String
        var aud: String
        var exp: Int
        func verify(using algorithm: some JWTAlgorithm) async throws {}
    }

    @Test func postsExactlyTheThreeFieldsWithAnRS256AssertionSignedByTheKey() async throws {
        let transport = ScriptedTransport([
            .respond(200, #"{"access_token":"tok-1","token_type":"Bearer","expires_in":600}"#)
        ])
        let source = ClientCredentialsTokenSource(key: try key(), tokenURL: tokenURL, transport: transport)
        #expect(try await source.accessToken(forceRenew: false) == "tok-1")
        let request = try #require(transport.sent.first)
        #expect(request.method == .post)
        let fields = try formFields(request)
        #expect(Set(fields.keys) == ["grant_type", "client_assertion_type", "client_assertion"])
        #expect(fields["grant_type"] == "client_credentials")
        #expect(fields["client_assertion_type"] == "urn:ietf:params:oauth:client-assertion-type:jwt-bearer")
        let verifier = JWTKeyCollection()
        await verifier.add(rsa: try Insecure.RSA.PublicKey(pem: TestKeys.primaryPublicPEM), digestAlgorithm: .sha256)
        let claims = try await verifier.verify(try #require(fields["client_assertion"]), as: Claims.self)
        #expect(claims.iss == "ABCDEFGHIJKLM")
        #expect(claims.sub == "ABCDEFGHIJKLM")
        #expect(claims.aud == tokenURL.absoluteString)
        let header = try #require(fields["client_assertion"]?.split(separator: ".").first)
        let headerJSON = try #require(Data(base64Encoded: base64(String(header))))
        #expect(String(decoding: headerJSON, as: UTF8.self).contains(#""alg":"RS256""#))
    }

    func base64(_ url: String) -> String {
        var text = url.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while text.count % 4 != 0 { text += "=" }
        return text
    }

    @Test func reusesTheTokenUntilSixtySecondsBeforeExpiryThenRenews() async throws {
        let transport = ScriptedTransport([
            .respond(200, #"{"access_token":"tok-1","token_type":"Bearer","expires_in":600}"#),
            .respond(200, #"{"access_token":"tok-2","token_type":"Bearer","expires_in":600}"#),
        ])
        let clock = FakeWallClock()
        let source = ClientCredentialsTokenSource(
            key: try key(), tokenURL: tokenURL, transport: transport, now: { clock.now })
        #expect(try await source.accessToken(forceRenew: false) == "tok-1")
        clock.advance(500)
        #expect(try await source.accessToken(forceRenew: false) == "tok-1")
        clock.advance(45)  // 545 s: within 60 s of expiry
        #expect(try await source.accessToken(forceRenew: false) == "tok-2")
        #expect(await source.fetchCount == 2)
    }

    @Test func concurrentCallersShareOneFetch() async throws {
        let transport = ScriptedTransport(
            [], otherwise: .respond(200, #"{"access_token":"tok","token_type":"Bearer","expires_in":600}"#))
        let source = ClientCredentialsTokenSource(key: try key(), tokenURL: tokenURL, transport: transport)
        let tokens = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<16 { group.addTask { try await source.accessToken(forceRenew: false) } }
            return try await group.reduce(into: [String]()) { $0.append($1) }
        }
        #expect(Set(tokens) == ["tok"])
        #expect(transport.sent.count == 1)
    }

    @Test func aRejectedAssertionIsAnErrorWithoutTheAssertion() async throws {
        let transport = ScriptedTransport([
            .respond(401, #"{"error":"invalid_client","error_description":"bad signature"}"#)
        ])
        let source = ClientCredentialsTokenSource(key: try key(), tokenURL: tokenURL, transport: transport)
        let error = await #expect(throws: SFAPIError.self) { try await source.accessToken(forceRenew: false) }
        #expect(error?.status == 401)
        #expect(error?.detail == "bad signature")
        let assertion = try formFields(try #require(transport.sent.first))["client_assertion"] ?? "?"
        #expect(error?.description.contains(assertion) == false)
    }

    @Test func theClientRenewsOnceAfterA401AndRetries() async throws {
        let tokenTransport = ScriptedTransport([
            .respond(200, #"{"access_token":"old","token_type":"Bearer","expires_in":600}"#),
            .respond(200, #"{"access_token":"new","token_type":"Bearer","expires_in":600}"#),
        ])
        let source = ClientCredentialsTokenSource(key: try key(), tokenURL: tokenURL, transport: tokenTransport)
        let api = ScriptedTransport([.respond(401, #"{"detail":"expired"}"#), .respond(200, "[]")])
        let client = SFAPIClient(
            apiBaseURL: URL(string: "https://api.example.org/api/v1.2")!, transport: api, tokens: source,
            sleep: { _ in })
        #expect(try await client.projects().isEmpty)
        #expect(api.sent.map { $0.headers["Authorization"] } == ["Bearer old", "Bearer new"])
    }
}

/// Accepts only `Bearer new`.
struct AcceptsOnlyNewToken: HTTPTransport {
    func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        request.headers["Authorization"] == "Bearer new"
            ? HTTPResponse(status: 200, body: Data("[]".utf8))
            : HTTPResponse(status: 401, body: Data(#"{"detail":"expired"}"#.utf8))
    }
}

extension ClientCredentialsTokenSourceTests {
    @Test func manySimultaneous401sShareOneRenewal() async throws {
        let tokenTransport = ScriptedTransport(
            [.respond(200, #"{"access_token":"old","token_type":"Bearer","expires_in":600}"#)],
            otherwise: .respond(200, #"{"access_token":"new","token_type":"Bearer","expires_in":600}"#))
        let source = ClientCredentialsTokenSource(key: try key(), tokenURL: tokenURL, transport: tokenTransport)
        _ = try await source.accessToken(forceRenew: false)
        let client = SFAPIClient(
            apiBaseURL: URL(string: "https://api.example.org/api/v1.2")!, transport: AcceptsOnlyNewToken(),
            tokens: source, sleep: { _ in })
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<12 { group.addTask { _ = try await client.roles() } }
            try await group.waitForAll()
        }
        #expect(await source.fetchCount == 2)
    }
}

final class FakeWallClock: @unchecked Sendable {
    private let lock = NSLock()
    private var current = Date(timeIntervalSince1970: 1_800_000_000)
    var now: Date { lock.withLock { current } }
    func advance(_ seconds: Double) { lock.withLock { current += seconds } }
}
