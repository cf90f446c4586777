import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Where the FirecREST client secret comes from: a file of mode 0600, or ``FirecRESTSettings/secretVariable``.
/// Never a command-line flag (it would show in `ps` and shell history). Its description never shows the secret.
public struct FirecRESTClientSecret: Sendable, CustomStringConvertible {
    private let value: String
    /// Where it was read, for messages: a file path or the variable's name.
    public let origin: String

    /// Wraps a secret (tests).
    public init(_ value: String, origin: String) {
        self.value = value
        self.origin = origin
    }

    var secret: String { value }

    public var description: String { "client secret from \(origin) (not shown)" }

    /// Reads the secret: from `file` when given, else from the environment variable.
    public static func load(file: String?, environment: [String: String]) throws -> FirecRESTClientSecret {
        if let file { return try read(file) }
        let name = FirecRESTSettings.secretVariable
        guard let value = environment[name]?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else {
            throw FirecRESTError.credentials(
                "no FirecREST client secret: set 'client_secret_file:' in the profile (a file of mode 0600) or the "
                    + "\(name) environment variable")
        }
        return FirecRESTClientSecret(value, origin: name)
    }

    /// Reads a secret file after checking it is a regular file of mode exactly 0600 (see ``SecretFile``).
    static func read(_ path: String) throws -> FirecRESTClientSecret {
        let data: Data
        switch SecretFile.read(path) {
        case .success(let read): data = read
        case .failure(.insecureMode(let mode)):
            throw FirecRESTError.credentials(
                "the FirecREST client secret file \(path) has mode \(mode); it must be readable by you alone "
                    + "(0600). To fix run: chmod 600 \(path)")
        case .failure(let problem):
            throw FirecRESTError.credentials(
                SecretFile.advice(
                    for: problem, what: "the FirecREST client secret file", path: path,
                    expected: "the file holding the client secret ('client_secret_file:' in the profile)"))
        }
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty, !text.contains(where: { $0.isNewline }) else {
            throw FirecRESTError.credentials(
                "the FirecREST client secret file \(path) does not hold one secret on one line")
        }
        return FirecRESTClientSecret(text, origin: path)
    }
}

/// Fetches FirecREST access tokens from CSCS's Keycloak with the client-credentials grant (`client_secret_post`,
/// pyfirecrest's default) and renews them 30 s before they expire (they live about 5 minutes; there is no refresh
/// token). Concurrent callers share one fetch. The secret is read on the first fetch, so commands that need no
/// token run without it. Neither the secret nor a token appears in an error or a description.
public actor FirecRESTTokenSource: AccessTokenSource {
    private let clientID: String
    private let tokenURL: URL
    private let loadSecret: @Sendable () throws -> FirecRESTClientSecret
    private let sender: RetryingSender
    private let wallClock: @Sendable () -> Date
    private let renewMargin: Double
    private var cached: (token: String, expiresAt: Date)?
    private var inFlight: Task<(String, Date), any Error>?

    /// How many tokens this source has fetched.
    public private(set) var fetchCount = 0

    /// Creates a source for `clientID` whose secret `loadSecret` reads, asking `tokenURL` through `transport`.
    public init(
        clientID: String, tokenURL: URL, transport: any HTTPTransport, retry: RetryPolicy = .default,
        renewMargin: Double = 30, now: @escaping @Sendable () -> Date = { Date() },
        secret loadSecret: @escaping @Sendable () throws -> FirecRESTClientSecret
    ) {
        self.clientID = clientID
        self.tokenURL = tokenURL
        self.loadSecret = loadSecret
        self.sender = RetryingSender(transport: transport, policy: retry)
        self.wallClock = now
        self.renewMargin = renewMargin
    }

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

    public func renewedToken(replacing rejected: String) async throws -> String {
        if let cached, cached.token != rejected { return cached.token }
        if let inFlight { return try await inFlight.value.0 }
        return try await accessToken(forceRenew: true)
    }

    private func fetch() async throws -> (String, Date) {
        let secret = try loadSecret()
        fetchCount += 1
        let operation = "fetching a FirecREST token for client \(clientID)"
        let issued = wallClock()
        let request = HTTPRequest(
            method: .post, url: tokenURL,
            headers: ["Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"],
            body: FormEncoding.encode([
                ("grant_type", "client_credentials"), ("client_id", clientID), ("client_secret", secret.secret),
            ]))
        let response: HTTPResponse
        let attempts: Int
        do {
            (response, attempts) = try await sender.send(request, operation: operation, idempotent: true)
        } catch let error as SFAPIError {
            throw FirecRESTError(
                operation: operation, method: .post, path: tokenURL.requestPath, status: nil, detail: error.detail,
                attempts: error.attempts)
        }
        guard (200..<300).contains(response.status) else {
            var error = FirecRESTError(
                operation: operation, method: .post, path: tokenURL.requestPath, status: response.status,
                detail: FirecRESTError.detail(fromBody: response.body, request: request), attempts: attempts)
            if response.status == 400 || response.status == 401 {
                error.hint =
                    "CSCS's Keycloak refused client \(clientID): check 'client_id:' and the secret in \(secret.origin) "
                    + "(the client may have expired in CSCS's developer portal)"
            }
            throw error
        }
        guard let body = try? JSONDecoder().decode(FirecRESTSchemas.TokenResponse.self, from: response.body),
            !body.access_token.isEmpty
        else {
            throw FirecRESTError(
                operation: operation, method: .post, path: tokenURL.requestPath, status: response.status,
                detail: "the token endpoint's answer is not a token response", attempts: attempts)
        }
        return (body.access_token, issued.addingTimeInterval(Double(body.expires_in ?? 300)))
    }
}
