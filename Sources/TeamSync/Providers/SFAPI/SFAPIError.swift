import Foundation

/// A facility call that failed: what teamctl was doing, the request, the answer and the facility's `detail`.
///
/// Never holds a token, an assertion or a key: only the method, the path (no query) and the facility's words.
public struct SFAPIError: Error, CustomStringConvertible, Sendable, Hashable {
    /// What teamctl was doing, e.g. `reading group m1234g`.
    public var operation: String
    /// The HTTP method.
    public var method: HTTPMethod
    /// The request path without query, e.g. `/api/v1.2/account/groups/m1234g`.
    public var path: String
    /// The HTTP status, or nil when no response arrived.
    public var status: Int?
    /// The facility's `detail`, or the transport's reason when no response arrived.
    public var detail: String?
    /// How many attempts were made.
    public var attempts: Int

    /// Creates an error.
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

    /// Whether the facility said the object does not exist.
    public var isNotFound: Bool { status == 404 }

    public var description: String {
        var text = "\(operation) failed: \(method.rawValue) \(path)"
        if let status {
            text += " returned \(status)"
        } else {
            text += " got no response"
        }
        if let detail, !detail.isEmpty { text += ": \(detail)" }
        if attempts > 1 { text += " (after \(attempts) attempts)" }
        if let hint { text += "\n  hint: \(hint)" }
        return text
    }

    /// What the user can do about it, when there is something obvious.
    public var hint: String? {
        switch status {
        case 401:
            return "the facility rejected the credentials; check TEAMCTL_ACCESS_TOKEN, or the client id and key "
                + "(--client-id, --key), and that the API client has not expired in Iris"
        case 403:
            return "the credentials lack permission for this call; an SF API client's security level "
                + "(red/green) limits which endpoints it may use"
        case 429: return "the facility is rate limiting; wait a minute, or lower --concurrency"
        case 502, 503, 504: return "the facility is unavailable; see 'teamctl status'"
        case nil: return "check the network and --api-url, then retry"
        default: return nil
        }
    }

    /// Reads the facility's `detail` from a FastAPI-style error body: a string, or a list of
    /// validation issues (`loc` and `msg`). OAuth error bodies (`error_description`) are read too. The text is a short
    /// excerpt, control characters escaped, without any secret of `request` or of the process (``HTTPFailure``).
    public static func detail(fromBody body: Data, request: HTTPRequest? = nil) -> String? {
        HTTPFailure.excerpt(of: body, request: request, messageKeys: ["detail", "error_description", "error"])
    }
}
