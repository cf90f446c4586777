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
    /// How long to wait for the whole exchange, in seconds.
    public var timeout: Double

    /// Creates a request.
    public init(method: HTTPMethod, url: URL, headers: [String: String] = [:], body: Data? = nil, timeout: Double = 30)
    {
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

/// Errors a transport raises when no HTTP response arrived.
public enum TransportError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The request took longer than its timeout.
    case timedOut(method: HTTPMethod, url: String)
    /// The connection failed or closed before a response came; a mutating request may or may not
    /// have taken effect.
    case connectionFailed(method: HTTPMethod, url: String, reason: String)
    /// A dry-run transport refused to send a mutating request.
    case mutationRefusedInDryRun(method: HTTPMethod, url: String)
    /// The server's TLS certificate could not be verified, so nothing was sent. Not transient: never retried.
    case untrustedServer(method: HTTPMethod, url: String, reason: String)

    public var description: String {
        switch self {
        case .timedOut(let method, let url): return "\(method.rawValue) \(url) timed out"
        case .connectionFailed(let method, let url, let reason):
            return "\(method.rawValue) \(url) failed: \(reason)"
        case .mutationRefusedInDryRun(let method, let url):
            return "dry run: refused to send \(method.rawValue) \(url)"
        case .untrustedServer(let method, let url, let reason):
            return "\(method.rawValue) \(url) was not sent: the server's certificate could not be verified (\(reason))"
        }
    }

    /// Whether the request may have reached the server and taken effect.
    public var isAmbiguous: Bool {
        switch self {
        case .timedOut, .connectionFailed: return true
        case .mutationRefusedInDryRun, .untrustedServer: return false
        }
    }
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
public final class URLSessionTransport: HTTPTransport, @unchecked Sendable {
    private let session: URLSession
    private let limiter: ConcurrencyLimiter

    /// Creates a transport allowing at most `maxConcurrent` requests in flight.
    public init(maxConcurrent: Int = 8) {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpMaximumConnectionsPerHost = max(1, maxConcurrent)
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        configuration.urlCache = nil
        configuration.httpCookieStorage = nil
        configuration.httpShouldSetCookies = false
        // Without it FoundationNetworking parses every response header line for cookies it then drops
        // (about 1% of a refresh's CPU).
        configuration.httpCookieAcceptPolicy = .never
        session = URLSession(configuration: configuration)
        limiter = ConcurrencyLimiter(limit: max(1, maxConcurrent))
    }

    deinit { session.finishTasksAndInvalidate() }

    public func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        try await limiter.withPermit {
            var urlRequest = URLRequest(url: request.url)
            urlRequest.httpMethod = request.method.rawValue
            urlRequest.timeoutInterval = request.timeout
            for (name, value) in request.headers { urlRequest.setValue(value, forHTTPHeaderField: name) }
            urlRequest.httpBody = request.body
            let (data, response): (Data, URLResponse)
            do {
                // Unstructured, so a cancelled caller never cancels the URLSession task: on Linux, cancelling
                // it while it completes deadlocks (the task-status lock against the session's queue).
                let session = self.session, sent = urlRequest
                (data, response) = try await Task { try await session.data(for: sent) }.value
            } catch let error as URLError {
                if error.code == .timedOut {
                    throw TransportError.timedOut(method: request.method, url: request.url.redactedForLogs)
                }
                if Self.isCertificateFailure(error) {
                    throw TransportError.untrustedServer(
                        method: request.method, url: request.url.redactedForLogs, reason: error.localizedDescription)
                }
                throw TransportError.connectionFailed(
                    method: request.method, url: request.url.redactedForLogs, reason: error.localizedDescription)
            } catch {
                throw TransportError.connectionFailed(
                    method: request.method, url: request.url.redactedForLogs, reason: String(describing: error))
            }
            guard let http = response as? HTTPURLResponse else {
                throw TransportError.connectionFailed(
                    method: request.method, url: request.url.redactedForLogs, reason: "not an HTTP response")
            }
            var headers: [String: String] = [:]
            for (key, value) in http.allHeaderFields {
                if let key = key as? String, let value = value as? String { headers[key.lowercased()] = value }
            }
            return HTTPResponse(status: http.statusCode, headers: headers, body: data)
        }
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
