import Foundation

/// Turns text a facility sent (an error body, its `detail`, a message) into something safe to print, log or store:
/// a short excerpt, control characters escaped, and every secret teamctl holds removed.
///
/// Secrets are removed two ways. By value: every credential the live transport has sent in this process (each
/// `Authorization` and token header, each `client_secret` or `client_assertion` form field, see
/// ``remember(secretsOf:)``) and any the caller names. By shape, for secrets teamctl never saw: a bearer or basic
/// credential, a JWT, a `token=...`-style pair, a long opaque run of letters and digits.
public enum Redaction {
    /// The longest excerpt of facility text shown anywhere, in characters.
    public static let excerptLength = 300
    /// How much of a body is looked at, at most: a 50 MB error body is never decoded or searched whole.
    public static let window = 64 * 1024
    /// What a removed secret is replaced with.
    public static let placeholder = "[redacted]"

    /// The short, escaped, redacted text of `body`: its first bytes, or nil when it is empty.
    public static func excerpt(of body: Data, secrets: [String] = []) -> String? {
        guard !body.isEmpty else { return nil }
        let text = String(decoding: body.prefix(window), as: UTF8.self)
        let excerpt = clean(text, secrets: secrets)
        return excerpt.isEmpty ? nil : excerpt
    }

    /// `text` redacted, control characters escaped, cut to `limit` characters (an ellipsis marks the cut) and trimmed.
    public static func clean(_ text: String, secrets: [String] = [], limit: Int = excerptLength) -> String {
        let redacted = redact(String(text.prefix(window)), secrets: secrets)
        var escaped = redacted.trimmingCharacters(in: .whitespacesAndNewlines).escapedForTerminal
        if escaped.count > limit {
            escaped = String(escaped.prefix(limit))
            escaped = dropSecretPrefixAtEnd(escaped, secrets: secrets) + "..."
        }
        return escaped
    }

    /// `text` with every known and every secret-shaped value replaced by ``placeholder``; nothing is cut.
    public static func redact(_ text: String, secrets: [String] = []) -> String {
        var result = text
        for secret in (allSecrets(adding: secrets)).sorted(by: { $0.count > $1.count }) where result.contains(secret) {
            result = result.replacingOccurrences(of: secret, with: placeholder)
        }
        result = result.replacing(credentialScheme) { "\($0.output.1)\($0.output.2)" + placeholder }
        result = result.replacing(jwtShape) { _ in placeholder }
        result = result.replacing(secretPair) { "\($0.output.1)\($0.output.2)" + placeholder }
        result = result.replacing(opaqueRun) { $0.output.contains(where: \.isNumber) ? placeholder : String($0.output) }
        return result
    }

    // MARK: Secrets teamctl holds

    private static let lock = NSLock()
    nonisolated(unsafe) private static var known: Set<String> = []

    /// Header fields whose values are credentials: these, and any whose name ends in `-token` (a back end's own
    /// token header, e.g. `X-Auth-Token`), so no back end's header has to be listed here.
    static let credentialHeaders: Set<String> = ["authorization", "proxy-authorization", "cookie", "x-api-key"]

    /// Whether a header field's value is a credential.
    static func isCredentialHeader(_ name: String) -> Bool {
        let name = name.lowercased()
        return credentialHeaders.contains(name) || name.hasSuffix("-token")
    }
    /// Form fields (in a request body) whose values are credentials.
    static let credentialFields: Set<String> = [
        "client_secret", "client_assertion", "password", "refresh_token", "access_token", "assertion", "token",
    ]

    /// Remembers, for the rest of the process, every credential `request` carries: the values of its credential
    /// headers (and the part after `Bearer `) and of its credential form fields, so no later text shows them.
    public static func remember(secretsOf request: HTTPRequest) {
        let found = secrets(of: request)
        guard !found.isEmpty else { return }
        lock.withLock { known.formUnion(found) }
    }

    /// Remembers one secret (a token read from the environment, a client secret read from a file).
    public static func remember(_ secret: String) {
        let variants = variants(of: secret)
        guard !variants.isEmpty else { return }
        lock.withLock { known.formUnion(variants) }
    }

    /// The credentials a request carries, with their percent-encoded forms.
    static func secrets(of request: HTTPRequest) -> Set<String> {
        var found: Set<String> = []
        for (name, value) in request.headers where isCredentialHeader(name) {
            found.formUnion(variants(of: value))
            if let space = value.firstIndex(of: " ") {
                found.formUnion(variants(of: String(value[value.index(after: space)...])))
            }
        }
        if let body = request.body, body.count <= window,
            request.headers.contains(where: {
                $0.key.lowercased() == "content-type" && $0.value.contains("x-www-form-urlencoded")
            })
        {
            for pair in String(decoding: body, as: UTF8.self).split(separator: "&") {
                let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
                guard parts.count == 2, credentialFields.contains(parts[0].lowercased()) else { continue }
                found.formUnion(variants(of: parts[1].removingPercentEncoding ?? parts[1]))
                found.formUnion(variants(of: parts[1]))
            }
        }
        return found
    }

    /// A secret and the forms it may be echoed in (percent-encoded, JSON-escaped); nothing for values too short to
    /// be a secret (a stray `Basic` scheme word, an empty header).
    static func variants(of secret: String) -> Set<String> {
        let trimmed = secret.trimmingCharacters(in: .whitespaces)
        guard trimmed.count >= 6 else { return [] }
        var forms: Set<String> = [trimmed]
        if let encoded = trimmed.addingPercentEncoding(withAllowedCharacters: .alphanumerics) { forms.insert(encoded) }
        forms.insert(trimmed.replacingOccurrences(of: "/", with: "\\/"))
        return forms
    }

    private static func allSecrets(adding extra: [String]) -> Set<String> {
        var all = lock.withLock { known }
        for secret in extra { all.formUnion(variants(of: secret)) }
        return all
    }

    /// Drops an unfinished secret at the end of a cut excerpt: the first characters of a token must not show either.
    private static func dropSecretPrefixAtEnd(_ text: String, secrets: [String]) -> String {
        var result = text
        for secret in allSecrets(adding: secrets) {
            let longest = min(secret.count - 1, result.count)
            guard longest >= 4 else { continue }
            for length in stride(from: longest, through: 4, by: -1) where result.hasSuffix(secret.prefix(length)) {
                result.removeLast(length)
                break
            }
        }
        // A secret-shaped run cut in two is shorter than the shape it would match whole: drop a long opaque tail.
        if let tail = result.firstMatch(of: openTail) { result.removeSubrange(tail.range) }
        return result
    }

    // MARK: Shapes of secrets

    /// `Bearer xyz`, `Basic xyz`, `token xyz`: the scheme stays, the credential goes.
    nonisolated(unsafe) private static let credentialScheme =
        /(?i)(\b(?:bearer|basic|token|jwt|negotiate))(\s+)[A-Za-z0-9._~+\/=-]{6,}/
    /// A JWT: three base64url parts, the first a JSON object (`{"` is `eyJ`).
    nonisolated(unsafe) private static let jwtShape = /eyJ[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]*/
    /// `client_secret=...`, `"access_token": "..."`, `Authorization: ...`: the name stays, the value goes.
    nonisolated(unsafe) private static let secretPair =
        /(?i)(\b(?:authorization|x-(?:[a-z-]*-)?token|client_secret|client_assertion|access_token|refresh_token|id_token|password|passwd|secret|api[_-]?key|token)\b)(["']?\s*[:=]\s*["']?)[^\s"'&,;}<>]{4,}/
    /// A long run of letters, digits and `+_=` (an opaque token, a key): 32 or more, with a digit in it (replaced only
    /// then). Not `/`, `.` or `-`, so paths, host names and UUIDs stay readable.
    nonisolated(unsafe) private static let opaqueRun = /[A-Za-z0-9+_=]{32,}/
    /// The end of a cut excerpt in the middle of a long opaque run.
    nonisolated(unsafe) private static let openTail = /[A-Za-z0-9+_=]{12,}$/
}
