import AccountModels
import Foundation

/// A client for the NERSC Superfacility API v1.2: every `/account` call and `/status`.
///
/// Calls retry per the ``RetryPolicy``; a 401 renews the token once when the token source can.
/// Failures are ``SFAPIError``s naming the operation, method, path, status and the facility's `detail`.
public struct SFAPIClient: Sendable {
    /// The API root, e.g. `https://api.nersc.gov/api/v1.2`.
    public let apiBaseURL: URL
    /// Where bearer tokens come from.
    public let tokens: any AccessTokenSource
    private let sender: RetryingSender
    /// Each request's deadline when it must be shorter than the transport's (a doctor's probe); nil: the transport's.
    private let timeout: Double?

    /// Creates a client. `sleep` and `now` are injectable so retry tests run without waiting.
    public init(
        apiBaseURL: URL, transport: any HTTPTransport, tokens: any AccessTokenSource, retry: RetryPolicy = .default,
        timeout: Double? = nil,
        sleep: @escaping @Sendable (Double) async throws -> Void = RetryingSender.liveSleep,
        now: @escaping @Sendable () -> Double = RetryingSender.liveNow,
        random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }
    ) {
        self.apiBaseURL = apiBaseURL
        self.tokens = tokens
        self.timeout = timeout
        self.sender = RetryingSender(transport: transport, policy: retry, sleep: sleep, now: now, random: random)
    }

    // MARK: /account

    /// `GET /account/`: the caller's user record.
    public func currentUser() async throws -> UserInfo {
        try await get("/account/", operation: "reading the caller's user record")
    }

    /// `GET /account/?username=`: another user's record; nil when the facility has no such user.
    public func user(named name: String) async throws -> UserInfo? {
        try await getUnlessMissing(
            "/account/", query: [URLQueryItem(name: "username", value: name)], operation: "reading user \(name)")
    }

    /// `GET /account/projects`: the caller's projects.
    public func projects() async throws -> [ProjectStats] {
        try await get("/account/projects", operation: "reading the caller's projects")
    }

    /// `GET /account/roles`: the caller's Iris roles.
    public func roles() async throws -> [RoleStats] {
        try await get("/account/roles", operation: "reading the caller's roles")
    }

    /// `GET /account/groups`: the caller's own file groups.
    public func groups() async throws -> [GroupStats] {
        let list: GroupList = try await get("/account/groups", operation: "reading the caller's groups")
        return list.groups
    }

    /// `GET /account/groups/{group}`: one group with its members; nil when the facility answers 404.
    public func group(named name: String) async throws -> GroupStats? {
        try await getUnlessMissing("/account/groups/\(Self.segment(name))", operation: "reading group \(name)")
    }

    /// `POST /account/groups`: creates a group owned by project `repoName`. Throws ``InvalidName``, sending nothing,
    /// when either breaks ``SFAPINaming``.
    public func createGroup(name: String, repoName: String) async throws -> GroupStats {
        try Self.naming.check(name, as: .group)
        try Self.naming.check(repoName, as: .project)
        return try await send(
            .post, "/account/groups", form: [("name", name), ("repo_name", repoName)],
            operation: "creating group \(name) in \(repoName)")
    }

    /// `PUT /account/groups/{group}`: adds or removes usernames in one request (set semantics).
    ///
    /// Throws ``InvalidName``, sending nothing, when the group or any username breaks ``SFAPINaming``: the usernames are
    /// joined with commas into one field, so `rsato,bchen` would be two users to the facility.
    public func updateGroup(name: String, usernames: [String], action: GroupAction) async throws -> GroupStats {
        try Self.naming.check(name, as: .group)
        for username in usernames { try Self.naming.check(username, as: .username) }
        let verb =
            action == .batchAdd
            ? "adding \(usernames.count) member(s) to" : "removing \(usernames.count) member(s) from"
        return try await send(
            .put, "/account/groups/\(Self.segment(name))",
            form: [("usernames", usernames.joined(separator: ",")), ("action", action.rawValue)],
            operation: "\(verb) group \(name)")
    }

    /// `GET /account/clients`: the caller's SF API clients.
    public func clients() async throws -> [APIClient] {
        try await get("/account/clients", operation: "reading the caller's API clients")
    }

    // MARK: /status (no authentication)

    /// `GET /status`: every system's state.
    public func systems() async throws -> [SystemStatus] {
        try await send(.get, "/status", authenticated: false, operation: "reading system status")
    }

    /// `GET /status/{name}`: one system's state; nil when the facility has no such system.
    public func system(named name: String) async throws -> SystemStatus? {
        do {
            let status: SystemStatus = try await send(
                .get, "/status/\(Self.segment(name))", authenticated: false, operation: "reading the status of \(name)")
            return status
        } catch let error as SFAPIError where error.isNotFound {
            return nil
        }
    }

    /// `GET /status/outages`: current outages (the facility groups them per system; this flattens them).
    public func outages() async throws -> [Outage] {
        try await readOutages("/status/outages", operation: "reading current outages")
    }

    /// `GET /status/outages/planned`: planned outages, flattened.
    public func plannedOutages() async throws -> [Outage] {
        try await readOutages("/status/outages/planned", operation: "reading planned outages")
    }

    // MARK: Plumbing

    /// The names this client sends.
    static let naming = SFAPINaming()

    private func readOutages(_ path: String, operation: String) async throws -> [Outage] {
        let response = try await exchange(.get, path, query: [], form: nil, authenticated: false, operation: operation)
        if let nested = try? JSONDecoder().decode([[Outage]].self, from: response.body) { return nested.flatMap { $0 } }
        return try decode([Outage].self, response, path: path, operation: operation)
    }

    private func get<T: Decodable>(_ path: String, query: [URLQueryItem] = [], operation: String) async throws -> T {
        try await send(.get, path, query: query, operation: operation)
    }

    private func getUnlessMissing<T: Decodable>(
        _ path: String, query: [URLQueryItem] = [], operation: String
    ) async throws -> T? {
        do {
            let value: T = try await send(.get, path, query: query, operation: operation)
            return value
        } catch let error as SFAPIError where error.isNotFound {
            return nil
        }
    }

    private func send<T: Decodable>(
        _ method: HTTPMethod, _ path: String, query: [URLQueryItem] = [], form: [(String, String)]? = nil,
        authenticated: Bool = true, operation: String
    ) async throws -> T {
        let response = try await exchange(
            method, path, query: query, form: form, authenticated: authenticated, operation: operation)
        return try decode(T.self, response, path: path, operation: operation, method: method)
    }

    private func decode<T: Decodable>(
        _ type: T.Type, _ response: HTTPResponse, path: String, operation: String, method: HTTPMethod = .get
    ) throws -> T {
        if let fast = Self.readFast(T.self, from: response.body) { return fast }
        do {
            return try JSONDecoder().decode(T.self, from: response.body)
        } catch {
            throw SFAPIError(
                operation: operation, method: method, path: url(path, query: []).requestPath, status: response.status,
                detail: "the answer does not match the SFAPI v1.2 schema (\(Redaction.clean(Self.describe(error))))")
        }
    }

    /// Groups, the bulk of a refresh, read without `JSONDecoder` when the body is in the plain shape the
    /// facility sends; nil sends the body through `JSONDecoder` (same result, or its error).
    private static func readFast<T>(_ type: T.Type, from body: Data) -> T? {
        if T.self == GroupStats.self { return GroupJSONReader.group(body) as? T }
        if T.self == GroupList.self { return GroupJSONReader.groupList(body).map(GroupList.init(groups:)) as? T }
        return nil
    }

    /// Sends one call with retries and token renewal; returns a 2xx response or throws.
    private func exchange(
        _ method: HTTPMethod, _ path: String, query: [URLQueryItem], form: [(String, String)]?, authenticated: Bool,
        operation: String
    ) async throws -> HTTPResponse {
        let target = url(path, query: query)
        var request = HTTPRequest(
            method: method, url: target, headers: ["Accept": "application/json"], timeout: timeout)
        if let form {
            request.headers["Content-Type"] = "application/x-www-form-urlencoded"
            request.body = FormEncoding.encode(form)
        }
        var rejected: String?
        while true {
            if authenticated {
                let token: String
                if let rejected {
                    token = try await tokens.renewedToken(replacing: rejected)
                } else {
                    token = try await tokens.accessToken(forceRenew: false)
                }
                request.headers["Authorization"] = "Bearer " + token
            }
            let (response, attempts) = try await sender.send(request, operation: operation)
            if (200..<300).contains(response.status) { return response }
            if response.status == 401, authenticated, rejected == nil, tokens.canRenew {
                // Renew once: a second 401 with a fresh token is a real refusal.
                rejected = String(request.headers["Authorization"]?.dropFirst("Bearer ".count) ?? "")
                continue
            }
            throw SFAPIError(
                operation: operation, method: method, path: target.requestPath, status: response.status,
                detail: SFAPIError.detail(fromBody: response.body, request: request), attempts: attempts)
        }
    }

    private func url(_ path: String, query: [URLQueryItem]) -> URL {
        var base = apiBaseURL.absoluteString
        while base.hasSuffix("/") { base.removeLast() }
        var components = URLComponents(string: base + path)
        if !query.isEmpty { components?.queryItems = query }
        return components?.url ?? apiBaseURL
    }

    /// Percent-encodes one path segment.
    static func segment(_ text: String) -> String {
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "/?#%")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }

    static func describe(_ error: any Error) -> String {
        guard let error = error as? DecodingError else { return "\(error)" }
        switch error {
        case .keyNotFound(let key, let context):
            return "missing '\(key.stringValue)' at \(context.codingPath.map(\.stringValue).joined(separator: "."))"
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            let at = context.codingPath.map(\.stringValue).joined(separator: ".")
            return at.isEmpty ? context.debugDescription : "\(at): \(context.debugDescription)"
        @unknown default: return "\(error)"
        }
    }
}
