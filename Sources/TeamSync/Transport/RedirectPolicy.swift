import Foundation

/// Which redirects the transport follows: a pure decision, so it is tested without a socket.
///
/// A redirect is followed only for a read, only to the same scheme, host and port as the request it answers (its
/// credentials were meant for that origin alone), and only a few times in a row. Anything else is refused: the
/// redirect answer becomes an error and nothing is sent to its target.
public enum RedirectPolicy {
    /// What to do with one redirect.
    public enum Decision: Sendable, Hashable {
        case follow
        /// Refused, with the reason in words (`it goes to another host (127.0.0.2)`).
        case refuse(String)
    }

    /// The decision for a redirect of a `method` request to `original`, pointing at `target`, after `followed`
    /// redirects of the same request were followed; at most `limit` are.
    public static func decide(method: HTTPMethod, from original: URL, to target: URL?, followed: Int, limit: Int)
        -> Decision
    {
        if method.isMutating {
            return .refuse("a \(method.rawValue) is never redirected, so it was not sent again")
        }
        guard let target, let from = Origin(original), let to = Origin(target) else {
            return .refuse("its address cannot be read")
        }
        if target.user != nil || target.password != nil { return .refuse("its address carries credentials") }
        if from.scheme != to.scheme { return .refuse("it changes the scheme from \(from.scheme) to \(to.scheme)") }
        if from.host != to.host { return .refuse("it goes to another host (\(to.host))") }
        if from.port != to.port { return .refuse("it goes to another port (\(to.port))") }
        if followed >= limit {
            return .refuse(
                "it is the \(ordinal(followed + 1)) redirect in a row (at most \(limit) are followed: a loop?)")
        }
        return .follow
    }

    /// Scheme, host and port, as a browser compares them: lower-cased, the port made explicit.
    struct Origin: Hashable {
        var scheme: String
        var host: String
        var port: Int

        init?(_ url: URL) {
            guard let scheme = url.scheme?.lowercased(), let host = url.host?.lowercased(), !host.isEmpty else {
                return nil
            }
            let defaultPort: Int
            switch scheme {
            case "http": defaultPort = 80
            case "https": defaultPort = 443
            default: return nil
            }
            self.scheme = scheme
            self.host = host.trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
            self.port = url.port ?? defaultPort
        }
    }

    private static func ordinal(_ number: Int) -> String {
        switch number % 10 {
        case 1 where number % 100 != 11: return "\(number)st"
        case 2 where number % 100 != 12: return "\(number)nd"
        case 3 where number % 100 != 13: return "\(number)rd"
        default: return "\(number)th"
        }
    }
}
