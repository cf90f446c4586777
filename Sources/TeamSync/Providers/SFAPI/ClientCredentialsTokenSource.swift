import Foundation
import JWTKit

/// Fetches access tokens with the OAuth 2.0 client-credentials grant and a signed RS256
/// `private_key_jwt` assertion, and renews them before they expire (60 s ahead, as the Python client does).
///
/// Concurrent callers share one fetch. Tokens and assertions never leave this type except as the
/// return value of ``accessToken(forceRenew:)``.
public actor ClientCredentialsTokenSource: AccessTokenSource {
    private let key: ClientKey
    private let tokenURL: URL
    private let sender: RetryingSender
    private let wallClock: @Sendable () -> Date
    private let renewMargin: Double
    private let signer: JWTKeyCollection
    private var cached: (token: String, expiresAt: Date)?
    private var inFlight: Task<(String, Date), any Error>?

    /// Creates a source for `key` that asks `tokenURL` through `transport`.
    public init(
        key: ClientKey, tokenURL: URL, transport: any HTTPTransport, retry: RetryPolicy = .default,
        renewMargin: Double = 60,
        sleep: @escaping @Sendable (Double) async throws -> Void = RetryingSender.liveSleep,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.key = key
        self.tokenURL = tokenURL
        self.sender = RetryingSender(transport: transport, policy: retry, sleep: sleep)
        self.wallClock = now
        self.renewMargin = renewMargin
        self.signer = JWTKeyCollection()
    }

    private var signerReady = false

    /// How many tokens this source has fetched (for tests and the refresh summary).
    public private(set) var fetchCount = 0

    public func accessToken(forceRenew: Bool) async throws -> String {
        if !forceRenew, let cached, wallClock().addingTimeInterval(renewMargin) < cached.expiresAt {
            return cached.token
        }
        if forceRenew { cached = nil }
        if let inFlight { return try await inFlight.value.0 }
        let task = Task { try await self.fetch() }
        inFlight = task
        defer { inFlight = nil }
        let (token, expiresAt) = try await task.value
        cached = (token, expiresAt)
        return token
    }

    /// Many requests in flight with the old token get their 401s together; the first renews and the
    /// rest find a token other than the one rejected, so one renewal serves them all.
    public func renewedToken(replacing rejected: String) async throws -> String {
        if let cached, cached.token != rejected { return cached.token }
        if let inFlight { return try await inFlight.value.0 }
        return try await accessToken(forceRenew: true)
    }

    private struct Assertion: JWTPayload {
        var iss: String
        var sub: String
        var aud: String
        var iat: Int
        var exp: Int
        var jti: String
        func verify(using algorithm: some JWTAlgorithm) async throws {}
    }

    private func fetch() async throws -> (String, Date) {
        fetchCount += 1
        let operation = "fetching an access token for client \(key.clientId)"
        let issued = wallClock()
        let assertion: String
        do {
            if !signerReady {
                await signer.add(rsa: key.privateKey, digestAlgorithm: .sha256)
                signerReady = true
            }
            assertion = try await signer.sign(
                Assertion(
                    iss: key.clientId, sub: key.clientId, aud: tokenURL.absoluteString,
                    iat: Int(issued.timeIntervalSince1970), exp: Int(issued.timeIntervalSince1970) + 300,
                    jti: UUID().uuidString))
        } catch {
            throw SFAPIError(
                operation: operation, method: .post, path: tokenURL.requestPath, status: nil,
                detail: "could not sign the client assertion with the key")
        }
        let body = FormEncoding.encode([
            ("grant_type", "client_credentials"),
            ("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"),
            ("client_assertion", assertion),
        ])
        let request = HTTPRequest(
            method: .post, url: tokenURL,
            headers: ["Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"],
            body: body)
        let (response, attempts) = try await sender.send(request, operation: operation, idempotent: true)
        guard (200..<300).contains(response.status) else {
            throw SFAPIError(
                operation: operation, method: .post, path: tokenURL.requestPath, status: response.status,
                detail: SFAPIError.detail(fromBody: response.body, request: request), attempts: attempts)
        }
        guard let token = try? JSONDecoder().decode(TokenResponseBody.self, from: response.body) else {
            throw SFAPIError(
                operation: operation, method: .post, path: tokenURL.requestPath, status: response.status,
                detail: "the token endpoint's answer is not a token response", attempts: attempts)
        }
        return (token.access_token, issued.addingTimeInterval(Double(token.expires_in ?? 600)))
    }

    private struct TokenResponseBody: Decodable {
        var access_token: String
        var expires_in: Int?
    }
}

/// `application/x-www-form-urlencoded` bodies.
enum FormEncoding {
    private static let unreserved = CharacterSet(
        charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

    static func encode(_ fields: [(String, String)]) -> Data {
        let text = fields.map { "\(escape($0.0))=\(escape($0.1))" }.joined(separator: "&")
        return Data(text.utf8)
    }

    static func escape(_ value: String) -> String {
        value.addingPercentEncoding(withAllowedCharacters: unreserved) ?? value
    }
}
