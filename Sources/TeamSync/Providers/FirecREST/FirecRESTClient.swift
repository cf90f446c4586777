import Foundation

/// Reads CSCS: FirecREST v2's systems and the caller's userinfo, and the Alps Accounting API's compute usage, with a
/// bearer token from a ``FirecRESTTokenSource`` (renewed once on a 401). Reads only: it sends no other method.
public struct FirecRESTClient: Sendable {
    /// FirecREST v2's base.
    public let baseURL: URL
    /// The Alps Accounting API's base.
    public let accountingURL: URL
    private let sender: RetryingSender
    private let tokens: any AccessTokenSource

    /// Creates a client.
    public init(
        baseURL: URL, accountingURL: URL, transport: any HTTPTransport, tokens: any AccessTokenSource,
        retry: RetryPolicy = .default
    ) {
        self.baseURL = baseURL
        self.accountingURL = accountingURL
        self.sender = RetryingSender(transport: transport, policy: retry)
        self.tokens = tokens
    }

    /// One system's name, scheduler and services' health.
    public struct System: Sendable, Hashable, Codable {
        /// One service's health.
        public struct Service: Sendable, Hashable, Codable {
            public var type: String
            public var healthy: Bool
            public var message: String?
        }

        public var name: String
        public var scheduler: String?
        public var services: [Service]

        /// The services that are not healthy.
        public var unhealthy: [Service] { services.filter { !$0.healthy } }
    }

    /// The caller as one system sees them.
    public struct UserInfo: Sendable, Hashable, Codable {
        /// A Unix group.
        public struct Group: Sendable, Hashable, Codable {
            public var id: String
            public var name: String
        }

        public var user: String
        public var uid: String
        public var group: Group
        public var groups: [Group]
        /// The Slurm accounts, the default one marked; nil when the system has no Slurm (or the server predates
        /// 2.5.1).
        public var accounts: [String]?
        public var defaultAccount: String?
    }

    /// One compute usage record.
    public struct UsageRecord: Sendable, Hashable, Codable {
        public var user: String
        public var account: String
        public var cluster: String
        public var date: String
        public var nodeHours: Double
        public var cpuHours: Double
        public var jobs: Int
    }

    /// `GET /status/systems`.
    public func systems() async throws -> [System] {
        let body: FirecRESTSchemas.Systems = try await get(
            baseURL, path: "status/systems", query: [], operation: "reading FirecREST's systems")
        return body.systems.map { system in
            System(
                name: system.name, scheduler: system.scheduler?.type,
                services: (system.servicesHealth ?? []).map {
                    System.Service(type: $0.serviceType, healthy: $0.healthy ?? false, message: $0.message)
                })
        }
    }

    /// `GET /status/{system}/userinfo`.
    public func userInfo(system: String) async throws -> UserInfo {
        let body: FirecRESTSchemas.UserInfo = try await get(
            baseURL, path: "status/\(system)/userinfo", query: [], operation: "reading your user on \(system)")
        func group(_ value: FirecRESTSchemas.IdName) -> UserInfo.Group { .init(id: value.id, name: value.name) }
        return UserInfo(
            user: body.user.name, uid: body.user.id, group: group(body.group), groups: body.groups.map(group),
            accounts: body.accounts?.map(\.name), defaultAccount: body.accounts?.first { $0.default == true }?.name)
    }

    /// `GET /compute/usage/month` (`monthly`, periods `YYYY-MM`) or `/compute/usage/day` (`YYYY-MM-DD`).
    public func computeUsage(
        monthly: Bool, from: String, to: String, account: String? = nil, user: String? = nil, cluster: String? = nil
    ) async throws -> [UsageRecord] {
        var query = [("from", from), ("to", to)]
        if let account { query.append(("account", account)) }
        if let user { query.append(("username", user)) }
        if let cluster { query.append(("cluster", cluster)) }
        let body: FirecRESTSchemas.ComputeUsage = try await get(
            accountingURL, path: "compute/usage/\(monthly ? "month" : "day")", query: query,
            operation: "reading compute usage\(account.map { " of account \($0)" } ?? "")")
        return body.compute.map {
            UsageRecord(
                user: $0.username.lowercased(), account: $0.account.lowercased(), cluster: $0.cluster,
                date: $0.usageDate, nodeHours: $0.nodeHours ?? 0, cpuHours: $0.cpuHours ?? 0, jobs: $0.jobCount ?? 0)
        }
    }

    private func get<T: Decodable>(
        _ base: URL, path: String, query: [(String, String)], operation: String
    ) async throws -> T {
        var url = base
        for segment in path.split(separator: "/") { url.appendPathComponent(String(segment)) }
        if !query.isEmpty, var components = URLComponents(url: url, resolvingAgainstBaseURL: false) {
            components.queryItems = query.map { URLQueryItem(name: $0.0, value: $0.1) }
            url = components.url ?? url
        }
        var token = try await tokens.accessToken(forceRenew: false)
        var renewed = false
        while true {
            let request = HTTPRequest(
                method: .get, url: url, headers: ["Authorization": "Bearer \(token)", "Accept": "application/json"])
            let response: HTTPResponse
            let attempts: Int
            do {
                (response, attempts) = try await sender.send(request, operation: operation)
            } catch let error as SFAPIError {
                throw FirecRESTError(
                    operation: operation, method: .get, path: url.requestPath, status: nil, detail: error.detail,
                    attempts: error.attempts)
            }
            if response.status == 401, !renewed, tokens.canRenew {
                token = try await tokens.renewedToken(replacing: token)
                renewed = true
                continue
            }
            guard (200..<300).contains(response.status) else {
                throw FirecRESTError(
                    operation: operation, method: .get, path: url.requestPath, status: response.status,
                    detail: FirecRESTError.detail(fromBody: response.body, request: request), attempts: attempts)
            }
            do {
                return try JSONDecoder().decode(T.self, from: response.body)
            } catch {
                throw FirecRESTError(
                    operation: operation, method: .get, path: url.requestPath, status: response.status,
                    detail: "the answer is not what the API documents (\(Redaction.clean(Self.describe(error))))",
                    attempts: attempts)
            }
        }
    }

    private static func describe(_ error: any Error) -> String {
        guard let error = error as? DecodingError else { return "\(error)" }
        switch error {
        case .keyNotFound(let key, _): return "missing key \(key.stringValue)"
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            return "\(path.isEmpty ? "top level" : path): \(context.debugDescription)"
        @unknown default: return "\(error)"
        }
    }
}
