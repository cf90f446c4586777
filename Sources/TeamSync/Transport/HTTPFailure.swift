import Foundation

/// An HTTP answer that was not a success, as teamctl may show it: the request (method and path, never the query or a
/// header) and a short, redacted excerpt of what the server said.
///
/// Every back end turns its error answers into words through this type (``excerpt``), so a server that echoes the
/// request's `Authorization` header, sends a 50 MB error page or puts control characters in its message is shown the
/// same way everywhere: at most ``Redaction/excerptLength`` characters, escaped, without any secret (``Redaction``).
public struct HTTPFailure: Sendable, Hashable, CustomStringConvertible {
    /// The request's method.
    public var method: HTTPMethod
    /// The request's path without query, e.g. `/api/v1.2/account/groups/m1234g`.
    public var path: String
    /// The answer's status.
    public var status: Int
    /// The server's words: its message field in a JSON body, or the body's first bytes; short, escaped, redacted.
    public var excerpt: String?

    /// Reads a failed exchange. `messageKeys` name the JSON fields that hold the server's message, in order of
    /// preference (FastAPI's `detail` may also be a list of validation issues).
    public init(
        request: HTTPRequest, response: HTTPResponse,
        messageKeys: [String] = ["detail", "message", "error_description", "error"]
    ) {
        method = request.method
        path = request.url.requestPath
        status = response.status
        excerpt = Self.excerpt(of: response.body, request: request, messageKeys: messageKeys)
    }

    public var description: String {
        "\(method.rawValue) \(path) returned \(status)" + (excerpt.map { ": \($0)" } ?? "")
    }

    /// The server's words in `body`, ready to show; nil for an empty body. A body larger than
    /// ``Redaction/window`` is not parsed: its first bytes are shown instead.
    public static func excerpt(
        of body: Data, request: HTTPRequest?,
        messageKeys: [String] = ["detail", "message", "error_description", "error"]
    ) -> String? {
        guard !body.isEmpty else { return nil }
        let secrets = request.map { Array(Redaction.secrets(of: $0)) } ?? []
        if body.count <= Redaction.window, let message = message(in: body, keys: messageKeys) {
            let cleaned = Redaction.clean(message, secrets: secrets)
            return cleaned.isEmpty ? nil : cleaned
        }
        return Redaction.excerpt(of: body, secrets: secrets)
    }

    /// The first of `keys` that holds text in a JSON object, or FastAPI's list of issues (`loc` and `msg`).
    static func message(in body: Data, keys: [String]) -> String? {
        guard let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any] else { return nil }
        for key in keys {
            if let text = object[key] as? String, !text.isEmpty { return text }
            if let issues = object[key] as? [[String: Any]], !issues.isEmpty {
                return issues.map { issue -> String in
                    let loc = (issue["loc"] as? [Any])?.map { "\($0)" }.joined(separator: ".") ?? ""
                    let msg = issue["msg"] as? String ?? "invalid"
                    return loc.isEmpty ? msg : "\(loc): \(msg)"
                }.joined(separator: "; ")
            }
        }
        return nil
    }
}
