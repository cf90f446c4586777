import Foundation

/// A CSCS call that failed, or credentials that cannot be used: what teamctl was doing, the request (method and
/// path, never the query or a header), the answer's status and the service's message. Never holds a secret or a
/// token.
public struct FirecRESTError: Error, CustomStringConvertible, Sendable, Hashable {
    /// What teamctl was doing, e.g. `reading the systems' status`; for credential problems, the whole message.
    public var operation: String
    /// The HTTP method, when a request was made.
    public var method: HTTPMethod?
    /// The request path without query, when a request was made.
    public var path: String?
    /// The HTTP status, or nil when no response arrived (or no request was made).
    public var status: Int?
    /// The service's message (`message` of FirecREST's errors, `error_description` of Keycloak's).
    public var detail: String?
    /// How many attempts were made.
    public var attempts: Int
    /// What to do about it, when the status alone does not say.
    public var hint: String?

    /// Creates an error about a request.
    public init(
        operation: String, method: HTTPMethod, path: String, status: Int?, detail: String?, attempts: Int = 1
    ) {
        self.operation = operation
        self.method = method
        self.path = path
        self.status = status
        self.detail = detail
        self.attempts = attempts
    }

    private init(message: String) {
        operation = message
        attempts = 0
    }

    /// Credentials that cannot be used (a missing secret, a secret file of the wrong mode).
    public static func credentials(_ message: String) -> FirecRESTError { FirecRESTError(message: message) }

    public var description: String {
        guard let method, let path else { return operation }
        var text = "\(operation) failed: \(method.rawValue) \(path)"
        text += status.map { " returned \($0)" } ?? " got no response"
        if let detail, !detail.isEmpty { text += ": \(detail)" }
        if attempts > 1 { text += " (after \(attempts) attempts)" }
        if let hint = hint ?? defaultHint { text += "\n  hint: \(hint)" }
        return text
    }

    private var defaultHint: String? {
        switch status {
        case 401: return "CSCS rejected the token; check the profile's client_id and client secret"
        case 403: return "the FirecREST client may not use this call or system; check it in CSCS's developer portal"
        case 429: return "CSCS is rate limiting; wait a minute and try again"
        case 502, 503, 504: return "the service is unavailable; see 'teamctl status'"
        case nil: return "check the network and the profile's url, accounting_url and token_url, then retry"
        default: return nil
        }
    }

    /// The message of an error body: FirecREST's `message`, Keycloak's `error_description`, or a `detail`; a short
    /// excerpt, control characters escaped, without any secret of `request` or of the process (``HTTPFailure``).
    static func detail(fromBody body: Data, request: HTTPRequest? = nil) -> String? {
        HTTPFailure.excerpt(
            of: body, request: request, messageKeys: ["message", "error_description", "detail", "error"])
    }
}

extension FirecRESTError: ChangeFailureReporting {
    /// No answer arrived; CSCS is only read, so this never hides a write.
    public var isAmbiguous: Bool { method != nil && status == nil }
}

/// Why the CSCS back end cannot go on.
public enum FirecRESTProviderError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The configured system is not among FirecREST's systems.
    case noSystem(String, known: [String], profile: String)
    /// The configured system's services are not all healthy.
    case systemUnavailable(String, unhealthy: [String], profile: String)
    /// No snapshot of the facility in the cache.
    case noAccountForUsage(profile: String)

    public var description: String {
        switch self {
        case .noSystem(let system, let known, let profile):
            return
                "FirecREST does not list system '\(system)' (it lists \(known.isEmpty ? "none" : known.joined(separator: ", "))); "
                + "fix 'system:' in profile \(profile)"
        case .systemUnavailable(let system, let unhealthy, let profile):
            return "CSCS system '\(system)' is unavailable: FirecREST reports "
                + unhealthy.joined(separator: "; ")
                + "; teamctl reads nothing from \(profile) until it is healthy (see 'teamctl status --profile \(profile)')"
        case .noAccountForUsage(let profile):
            return "no CSCS account to report on for profile \(profile): set 'account:' in the profile, name it "
                + "with --project, or run 'teamctl refresh -f MANIFEST' first"
        }
    }
}
