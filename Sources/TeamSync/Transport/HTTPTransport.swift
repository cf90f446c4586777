import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// An HTTP method teamctl uses.
public enum HTTPMethod: String, Sendable, Hashable, Codable {
    case get = "GET", post = "POST", put = "PUT", delete = "DELETE"

    /// Whether a request with this method may change facility state.
    public var isMutating: Bool { self != .get }
}

/// One HTTP request, fully formed.
public struct HTTPRequest: Sendable, Hashable {
    public var method: HTTPMethod
    public var url: URL
    public var headers: [String: String]
    public var body: Data?
    /// The most this exchange may take, connect to last byte, in seconds, when it must end sooner than the
    /// transport's deadline (a doctor's quick probe); nil: the transport's ``TransportLimits/deadline``.
    public var timeout: Double?

    /// Creates a request.
    public init(
        method: HTTPMethod, url: URL, headers: [String: String] = [:], body: Data? = nil, timeout: Double? = nil
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
    }
}

/// One HTTP response.
public struct HTTPResponse: Sendable, Hashable {
    public var status: Int
    /// Header fields with lower-cased names.
    public var headers: [String: String]
    public var body: Data

    /// Creates a response; header names are lower-cased.
    public init(status: Int, headers: [String: String] = [:], body: Data = Data()) {
        self.status = status
        self.headers = Dictionary(headers.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { a, _ in a })
        self.body = body
    }
}

/// Errors a transport raises when no usable HTTP response arrived.
public enum TransportError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The connection went quiet for longer than it may (the HTTP stack's own timer); retried like a dropped
    /// connection.
    case timedOut(method: HTTPMethod, url: String)
    /// The connection failed or closed before a response came; a mutating request may or may not
    /// have taken effect.
    case connectionFailed(method: HTTPMethod, url: String, reason: String)
    /// A dry-run transport refused to send a mutating request.
    case mutationRefusedInDryRun(method: HTTPMethod, url: String)
    /// The server's TLS certificate could not be verified, so nothing was sent. Not transient: never retried.
    case untrustedServer(method: HTTPMethod, url: String, reason: String)
    /// No complete answer within the request deadline (connect to last byte). Never retried: the deadline is the
    /// user's bound on one request; a write may or may not have taken effect.
    case deadlineExceeded(method: HTTPMethod, url: String, seconds: Double)
    /// The answer grew past the bound on one answer (or, `together`, the answers in flight at once passed twice that)
    /// and was cut off. Never retried; a write may have taken effect.
    case answerTooLarge(method: HTTPMethod, url: String, limit: Int, together: Bool = false)
    /// The server answered with a redirect teamctl does not follow (another scheme, host or port; a write; too many
    /// in a row). Nothing was sent to the redirect's target. Never retried.
    case redirectRefused(method: HTTPMethod, url: String, status: Int, location: String, reason: String)

    public var description: String {
        switch self {
        case .timedOut(let method, let url): return "\(method.rawValue) \(url) timed out"
        case .connectionFailed(let method, let url, let reason):
            return "\(method.rawValue) \(url) failed: \(reason)"
        case .mutationRefusedInDryRun(let method, let url):
            return "dry run: refused to send \(method.rawValue) \(url)"
        case .untrustedServer(let method, let url, let reason):
            return "\(method.rawValue) \(url) was not sent: the server's certificate could not be verified (\(reason))"
        case .deadlineExceeded(let method, let url, _), .answerTooLarge(let method, let url, _, _),
            .redirectRefused(let method, let url, _, _, _):
            return "\(method.rawValue) \(url): \(reasonForUsers)"
        }
    }

    /// Whether the request may have reached the server and taken effect.
    public var isAmbiguous: Bool {
        switch self {
        case .timedOut, .connectionFailed, .deadlineExceeded, .answerTooLarge: return true
        case .mutationRefusedInDryRun, .untrustedServer, .redirectRefused: return false
        }
    }

    /// Whether trying a read again may help: a dropped or stalled connection. A deadline, an oversized answer or a
    /// refused redirect would only happen again.
    public var isTransient: Bool {
        switch self {
        case .timedOut, .connectionFailed: return true
        case .mutationRefusedInDryRun, .untrustedServer, .deadlineExceeded, .answerTooLarge, .redirectRefused:
            return false
        }
    }
}

/// The bounds every request of the live transport keeps.
public struct TransportLimits: Sendable, Hashable {
    /// Seconds one request may take, connect to last byte, by default: XL's largest answer takes under a second on
    /// loopback (BENCHMARKS.md), a slow facility a few.
    public static let defaultDeadline: Double = 60
    /// The largest answer accepted, by default, in bytes: 2.6 times the XL benchmark's largest answer (its caller's
    /// `/account/groups`, 12.4 MB), a fifth of the 100 MB hostile answer it must refuse.
    public static let defaultMaxResponseBytes = 32 * 1024 * 1024
    /// The most same-origin redirects followed for one read.
    public static let defaultMaxRedirects = 3

    /// Seconds one request may take, from connecting to the last byte of the answer; silence and a byte every few
    /// seconds count alike.
    public var deadline: Double
    /// The largest answer accepted, in bytes, checked while it arrives (and against `Content-Length` first). The
    /// answers in flight at once may hold twice this together.
    public var maxResponseBytes: Int
    /// The most redirects followed for one read, each to the same scheme, host and port.
    public var maxRedirects: Int

    /// Creates limits; values below their minimum (0.1 s, 1 KiB, 0 redirects) are raised to it.
    public init(
        deadline: Double = TransportLimits.defaultDeadline,
        maxResponseBytes: Int = TransportLimits.defaultMaxResponseBytes,
        maxRedirects: Int = TransportLimits.defaultMaxRedirects
    ) {
        self.deadline = max(0.1, deadline)
        self.maxResponseBytes = max(1024, maxResponseBytes)
        self.maxRedirects = max(0, maxRedirects)
    }

    /// The defaults.
    public static let `default` = TransportLimits()
}

/// Sends HTTP requests. One method, so a test can supply a complete fake in a few lines:
///
/// ```swift
/// struct CannedTransport: HTTPTransport {
///     var answer: HTTPResponse
///     func send(_ request: HTTPRequest) async throws -> HTTPResponse { answer }
/// }
/// ```
public protocol HTTPTransport: Sendable {
    /// Sends one request and returns its response, or throws a ``TransportError``.
    func send(_ request: HTTPRequest) async throws -> HTTPResponse
}

/// The live transport: `URLSession` (libcurl on Linux) with keep-alive and a bound on requests in flight.
///
/// Every request keeps ``TransportLimits``: a deadline from connecting to the last byte, a bound on the answer's size
/// checked while it arrives, and redirects followed only to the same scheme, host and port, only for reads, at most
/// a few times. The credentials a request carries are remembered for ``Redaction``.
public final class URLSessionTransport: HTTPTransport, @unchecked Sendable {
    /// The bounds every request keeps.
    public let limits: TransportLimits
    private let session: URLSession
    private let exchanges: ExchangeTable
    private let limiter: ConcurrencyLimiter

    /// Creates a transport allowing at most `maxConcurrent` requests in flight, each within `limits`.
    public init(maxConcurrent: Int = 8, limits: TransportLimits = .default) {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpMaximumConnectionsPerHost = max(1, maxConcurrent)
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        configuration.urlCache = nil
        configuration.httpCookieStorage = nil
        configuration.httpShouldSetCookies = false
        // Without it FoundationNetworking parses every response header line for cookies it then drops
        // (about 1% of a refresh's CPU).
        configuration.httpCookieAcceptPolicy = .never
        configuration.urlCredentialStorage = nil
        self.limits = limits
        let exchanges = ExchangeTable(limits: limits)
        self.exchanges = exchanges
        // A session delegate (not a completion handler): the body comes to `exchanges` piece by piece, so its size
        // is checked as it arrives and FoundationNetworking keeps no copy; redirects are decided there too.
        session = URLSession(configuration: configuration, delegate: exchanges, delegateQueue: nil)
        limiter = ConcurrencyLimiter(limit: max(1, maxConcurrent))
    }

    deinit { session.finishTasksAndInvalidate() }

    public func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        try await limiter.withPermit {
            Redaction.remember(secretsOf: request)
            let deadline = min(limits.deadline, request.timeout ?? limits.deadline)
            var urlRequest = URLRequest(url: request.url)
            urlRequest.httpMethod = request.method.rawValue
            // FoundationNetworking's own timer restarts with every byte; it is only a backstop behind the deadline.
            urlRequest.timeoutInterval = deadline + 5
            for (name, value) in request.headers { urlRequest.setValue(value, forHTTPHeaderField: name) }
            urlRequest.httpBody = request.body
            let outcome = await exchanges.run(session.dataTask(with: urlRequest), request: request, deadline: deadline)
            switch outcome {
            case .success(let response): return response
            case .failure(let error): throw Self.transportError(error, request: request)
            }
        }
    }

    /// What a failure means, as a ``TransportError``.
    static func transportError(_ error: any Error, request: HTTPRequest) -> TransportError {
        let url = request.url.redactedForLogs
        if let error = error as? TransportError { return error }
        if let error = error as? URLError {
            if error.code == .timedOut { return .timedOut(method: request.method, url: url) }
            if isCertificateFailure(error) {
                return .untrustedServer(method: request.method, url: url, reason: error.localizedDescription)
            }
            return .connectionFailed(method: request.method, url: url, reason: error.localizedDescription)
        }
        return .connectionFailed(method: request.method, url: url, reason: String(describing: error))
    }
}

extension URLSessionTransport {
    /// URL errors that mean the server's certificate was refused: retrying cannot help.
    static let certificateErrors: Set<URLError.Code> = [
        .serverCertificateUntrusted, .serverCertificateHasBadDate, .serverCertificateNotYetValid,
        .serverCertificateHasUnknownRoot, .clientCertificateRejected, .clientCertificateRequired,
    ]

    /// Whether the error is a refused certificate. On Linux, FoundationNetworking reports libcurl's
    /// certificate failures as code `unknown` with curl's message, so the message is checked too.
    static func isCertificateFailure(_ error: URLError) -> Bool {
        if certificateErrors.contains(error.code) { return true }
        let message = error.localizedDescription
        return message.hasPrefix("SSL certificate problem")
            || message.contains("no alternative certificate subject name")
            || message.contains("certificate verify failed")
    }
}

/// A transport wrapper that refuses every mutating request: dry-run lives here, not in each feature.
public struct DryRunTransport: HTTPTransport {
    private let base: any HTTPTransport
    private let tokenURL: URL?

    /// Wraps `base`, passing reads through and refusing writes. `tokenURL` is the one POST let through
    /// (getting an access token changes nothing at the facility); without it, a POST to a path ending in
    /// `/token` outside `/account/` is.
    public init(wrapping base: any HTTPTransport, tokenURL: URL? = nil) {
        self.base = base
        self.tokenURL = tokenURL
    }

    public func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        // A group may be named "token" (PUT /account/groups/token): the token endpoint is recognised by its
        // exact URL, or at least by method and a path outside the account API, never by suffix alone.
        let isTokenRequest: Bool
        if let tokenURL {
            isTokenRequest = request.method == .post && request.url == tokenURL
        } else {
            isTokenRequest =
                request.method == .post && request.url.lastPathComponent == "token"
                && !request.url.path.contains("/account/")
        }
        if request.method.isMutating && !isTokenRequest {
            throw TransportError.mutationRefusedInDryRun(method: request.method, url: request.url.redactedForLogs)
        }
        return try await base.send(request)
    }
}

/// Bounds how many operations run at once; waiters are served in arrival order.
public actor ConcurrencyLimiter {
    private let limit: Int
    private var inFlight = 0
    private var waiters: [CheckedContinuation<Void, Never>] = []

    /// Creates a limiter admitting `limit` operations at a time.
    public init(limit: Int) { self.limit = max(1, limit) }

    /// Runs `body` once a permit is free.
    public func withPermit<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        await acquire()
        defer { release() }
        return try await body()
    }

    private func acquire() async {
        if inFlight < limit {
            inFlight += 1
            return
        }
        await withCheckedContinuation { waiters.append($0) }
    }

    private func release() {
        if waiters.isEmpty {
            inFlight -= 1
        } else {
            waiters.removeFirst().resume()
        }
    }
}

extension URL {
    /// The path as sent, percent-encoded and with any trailing slash (Foundation's `path` drops it on Linux).
    public var requestPath: String {
        URLComponents(url: self, resolvingAgainstBaseURL: false)?.percentEncodedPath ?? path
    }

    /// The URL without query string or credentials, safe to print.
    public var redactedForLogs: String {
        guard var components = URLComponents(url: self, resolvingAgainstBaseURL: false) else { return "<url>" }
        components.query = nil
        components.user = nil
        components.password = nil
        return components.string ?? "<url>"
    }
}
