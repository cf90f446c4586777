import Foundation

/// An emulated CSCS: Keycloak's client-credentials token endpoint, FirecREST v2's status endpoints and the Alps
/// Accounting API's compute usage, each under its own path prefix so one emulator serves SFAPI and CSCS at once.
/// Shares nothing with the SFAPI facility but the server, the fault switches and the request log. Not thread-safe:
/// the emulator core calls it under its lock.
struct CSCSFacility {
    /// Keycloak's token endpoint of the `firecrest-clients` realm.
    static let tokenPath = "/auth/realms/firecrest-clients/protocol/openid-connect/token"
    /// FirecREST v2, one base per platform (`https://api.cscs.ch/{hpc|ml|cw}/firecrest/v2`).
    static let platforms = ["hpc", "ml", "cw"]
    /// The Alps Accounting API's base path.
    static let accountingPrefix = "/alps-accounting/v2"
    /// The default FirecREST version in `f7t-appversion`.
    static let defaultAppVersion = "2.5.1"
    /// Keycloak's default token lifetime for these clients, in seconds.
    static let defaultTokenTTL = 300

    var seed: CSCSSeed
    private var issuedTokens: [String: (user: String, expires: Double)] = [:]

    init(seed: CSCSSeed?) { self.seed = seed ?? CSCSSeed() }

    /// Every unexpired token issued (for tests that check none leaks).
    var issuedTokenValues: [String] { issuedTokens.keys.sorted() }

    var appVersion: String { seed.app_version ?? Self.defaultAppVersion }
    var tokenTTL: Int { seed.token_ttl ?? Self.defaultTokenTTL }

    /// Whether a path is CSCS's.
    static func owns(_ path: String) -> Bool {
        path == tokenPath || firecrestPath(path) != nil || path == accountingPrefix
            || path.hasPrefix(accountingPrefix + "/")
    }

    /// The path below a FirecREST base, split, or nil when the path is not FirecREST's.
    static func firecrestPath(_ path: String) -> [String]? {
        for platform in platforms {
            let prefix = "/\(platform)/firecrest/v2"
            if path == prefix || path.hasPrefix(prefix + "/") {
                return segments(String(path.dropFirst(prefix.count)))
            }
        }
        return nil
    }

    static func segments(_ path: String) -> [String] {
        path.split(separator: "/").map { $0.removingPercentEncoding ?? String($0) }
    }

    /// The user an unexpired token stands for.
    func user(authorization: String?, at time: Double) -> String? {
        guard let authorization, authorization.lowercased().hasPrefix("bearer ") else { return nil }
        let token = String(authorization.dropFirst("bearer ".count)).trimmingCharacters(in: .whitespaces)
        guard let issued = issuedTokens[token], issued.expires > time else { return nil }
        return issued.user
    }

    /// An error in the API's shape: Keycloak's OAuth error on the token path, FirecREST's elsewhere (with its
    /// version header on FirecREST paths).
    func error(_ status: Int, _ message: String, path: String, headers: [String: String] = [:]) -> EmulatorReply {
        var reply: EmulatorReply
        if path == Self.tokenPath {
            reply = .json(
                [
                    "error": status == 401 ? "unauthorized_client" : "invalid_request",
                    "error_description": message,
                ], status: status)
        } else {
            let type = status == 401 || status == 403 ? "authentication" : "error"
            reply = .json(FirecRESTWire.ErrorBody(errorType: type, message: message), status: status)
            if Self.firecrestPath(path) != nil { reply.headers["f7t-appversion"] = appVersion }
        }
        reply.headers.merge(headers) { _, new in new }
        return reply
    }

    // MARK: Requests

    mutating func handle(_ request: IncomingRequest, caller: String?, now: Date) -> EmulatorReply {
        if request.path == Self.tokenPath {
            guard request.method == "POST" else { return error(405, "Method Not Allowed", path: request.path) }
            return issueToken(request, now: now)
        }
        guard let caller else {
            let message = request.authorization == nil ? "Missing Authorization header" : "Invalid or expired token"
            return error(401, message, path: request.path, headers: ["WWW-Authenticate": "Bearer"])
        }
        if let path = Self.firecrestPath(request.path) {
            var reply = firecrest(path, method: request.method, caller: caller, now: now)
            reply.headers["f7t-appversion"] = appVersion
            return reply
        }
        let path = Self.segments(String(request.path.dropFirst(Self.accountingPrefix.count)))
        guard request.method == "GET" else { return error(405, "Method Not Allowed", path: request.path) }
        switch path {
        case ["compute", "usage", "day"]: return usage(request, caller: caller, monthly: false)
        case ["compute", "usage", "month"]: return usage(request, caller: caller, monthly: true)
        case ["storage", "usage", "day"], ["storage", "usage", "month"]: return .json(["storage": [String]()])
        default: return error(404, "Not Found", path: request.path)
        }
    }

    private func firecrest(_ path: [String], method: String, caller: String, now: Date) -> EmulatorReply {
        let fullPath = "/hpc/firecrest/v2/" + path.joined(separator: "/")
        guard method == "GET" else { return error(405, "Method Not Allowed", path: fullPath) }
        switch path.count {
        case 2 where path == ["status", "systems"]:
            return .json(FirecRESTWire.Systems(systems: seed.systems.map { wire($0, now: now) }))
        case 3 where path[0] == "status" && path[2] == "userinfo":
            guard let system = seed.systems.first(where: { $0.name == path[1] }) else {
                return error(404, "System '\(path[1])' does not exist", path: fullPath)
            }
            guard let user = seed.users.first(where: { $0.name == caller }) else {
                return error(403, "User '\(caller)' has no account on \(system.name)", path: fullPath)
            }
            return .json(userInfo(user, on: system))
        default:
            return error(404, "Not Found", path: fullPath)
        }
    }

    private func wire(_ system: CSCSSeed.System, now: Date) -> FirecRESTWire.System {
        let checked = ISO8601DateFormatter().string(from: now)
        return FirecRESTWire.System(
            name: system.name,
            ssh: .init(
                host: "\(system.name).cscs.ch", port: 22, maxClients: 100,
                timeout: .init(connection: 5, login: 5, commandExecution: 5, idleTimeout: 60, keepAlive: 5)),
            scheduler: .init(
                type: system.scheduler, version: "24.05.4", apiUrl: nil, apiVersion: nil, timeout: 10),
            servicesHealth: system.services.map {
                FirecRESTWire.ServiceHealth(
                    serviceType: $0.type, lastChecked: checked, latency: 0.05, healthy: $0.healthy,
                    message: $0.message ?? ($0.healthy ? nil : "\($0.type) is not answering"))
            },
            probing: 60,
            fileSystems: [.init(path: "/users", dataType: "users", defaultWorkDir: true)],
            dataOperation: nil)
    }

    private func userInfo(_ user: CSCSSeed.User, on system: CSCSSeed.System) -> FirecRESTWire.UserInfo {
        func idName(_ group: CSCSSeed.Group) -> FirecRESTWire.IdName { .init(id: String(group.gid), name: group.name) }
        let isDefault = user.default_account ?? user.accounts.first
        return FirecRESTWire.UserInfo(
            user: .init(id: String(user.uid), name: user.name), group: idName(user.group),
            groups: user.groups.map(idName),
            accounts: system.scheduler == "slurm"
                ? user.accounts.map { FirecRESTWire.Account(name: $0, default: $0 == isDefault) } : nil)
    }

    // MARK: Alps Accounting

    private func usage(_ request: IncomingRequest, caller: String, monthly: Bool) -> EmulatorReply {
        let pattern = monthly ? "YYYY-MM" : "YYYY-MM-DD"
        guard let from = request.query["from"], let to = request.query["to"] else {
            return error(400, "'from' and 'to' are required (\(pattern))", path: request.path)
        }
        let valid: (String) -> Bool = monthly ? { Self.month($0) != nil } : { Self.day($0) != nil }
        guard valid(from), valid(to) else {
            return error(400, "'from' and 'to' must be dates \(pattern), got '\(from)' and '\(to)'", path: request.path)
        }
        let visible = Set(seed.users.first { $0.name == caller }?.pi_of ?? [])
        let users = Dictionary(seed.users.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        func matches(_ name: String, _ value: String) -> Bool { request.query[name].map { $0 == value } ?? true }
        let records = seed.usage.filter { record in
            let period = monthly ? String(record.date.prefix(7)) : record.date
            guard period >= from, period <= to else { return false }
            guard record.username == caller || visible.contains(record.account) else { return false }
            return matches("account", record.account) && matches("username", record.username)
                && matches("cluster", record.cluster)
        }
        // One record per (user, account, cluster, period): days as stored (summed if listed twice), months summed.
        var grouped: [String: FirecRESTWire.ComputeRecord] = [:]
        var order: [String] = []
        for record in records {
            let period = monthly ? String(record.date.prefix(7)) : record.date
            let key = [record.username, record.account, record.cluster, period].joined(separator: "|")
            if var existing = grouped[key] {
                existing.nodeHours += record.node_hours
                existing.cpuHours += record.cpu_hours
                existing.jobCount += record.job_count
                existing.totalElapsedTime += record.total_elapsed_time
                existing.totalNodeCount += record.total_node_count
                grouped[key] = existing
            } else {
                order.append(key)
                grouped[key] = FirecRESTWire.ComputeRecord(
                    id: key.replacingOccurrences(of: "|", with: "-"), username: record.username,
                    userId: users[record.username].map { String($0.uid) } ?? "0", account: record.account,
                    cluster: record.cluster, usageDate: monthly ? period + "-01" : period, nodeHours: record.node_hours,
                    cpuHours: record.cpu_hours, jobCount: record.job_count, totalElapsedTime: record.total_elapsed_time,
                    totalNodeCount: record.total_node_count, updated: record.date + "T23:59:59Z")
            }
        }
        return .json(FirecRESTWire.ComputeUsage(compute: order.compactMap { grouped[$0] }))
    }

    static func day(_ text: String) -> (Int, Int, Int)? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard text.count == 10, parts.count == 3, let year = Int(parts[0]), let month = Int(parts[1]),
            let day = Int(parts[2]), (1...12).contains(month), (1...31).contains(day)
        else { return nil }
        return (year, month, day)
    }

    static func month(_ text: String) -> (Int, Int)? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard text.count == 7, parts.count == 2, let year = Int(parts[0]), let month = Int(parts[1]),
            (1...12).contains(month)
        else { return nil }
        return (year, month)
    }

    // MARK: Token endpoint

    private mutating func issueToken(_ request: IncomingRequest, now: Date) -> EmulatorReply {
        let form = FormBody(request.body)
        guard let grantType = form["grant_type"] else {
            return error(400, "Missing form parameter: grant_type", path: request.path)
        }
        guard grantType == "client_credentials" else {
            return .json(
                ["error": "unsupported_grant_type", "error_description": "Unsupported grant_type"], status: 400)
        }
        // client_secret_post (pyfirecrest's default) or client_secret_basic.
        var clientID = form["client_id"]
        var secret = form["client_secret"]
        if let basic = Self.basicCredentials(request.authorization) {
            clientID = basic.id
            secret = basic.secret
        }
        guard let clientID, let secret,
            let client = seed.clients.first(where: { $0.client_id == clientID }), client.client_secret == secret
        else {
            return error(401, "Invalid client or Invalid client credentials", path: request.path)
        }
        let token = EmulatorCore.randomToken()
        let time = now.timeIntervalSince1970
        issuedTokens = issuedTokens.filter { $0.value.expires > time }
        issuedTokens[token] = (client.user, time + Double(tokenTTL))
        var reply = EmulatorReply.json(
            FirecRESTWire.TokenResponse(
                access_token: token, expires_in: tokenTTL, refresh_expires_in: 0, token_type: "Bearer",
                scope: "profile email firecrest-v2"))
        reply.headers["Cache-Control"] = "no-store"
        return reply
    }

    /// The client id and secret of an HTTP Basic `Authorization` header (form-encoded, as OAuth says).
    static func basicCredentials(_ authorization: String?) -> (id: String, secret: String)? {
        guard let authorization, authorization.lowercased().hasPrefix("basic "),
            let data = Data(base64Encoded: String(authorization.dropFirst(6)).trimmingCharacters(in: .whitespaces))
        else { return nil }
        let text = String(decoding: data, as: UTF8.self)
        guard let colon = text.firstIndex(of: ":") else { return nil }
        return (
            FormBody.decode(text[..<colon]), FormBody.decode(text[text.index(after: colon)...])
        )
    }

    // MARK: Control

    /// Marks one service (or, with `service` nil, every service) of a system healthy or not.
    mutating func setHealth(system: String, service: String?, healthy: Bool, message: String?) -> EmulatorReply {
        guard let index = seed.systems.firstIndex(where: { $0.name == system }) else {
            return .error(404, "No CSCS system \(system)")
        }
        var found = false
        for serviceIndex in seed.systems[index].services.indices
        where service == nil || seed.systems[index].services[serviceIndex].type == service {
            seed.systems[index].services[serviceIndex].healthy = healthy
            seed.systems[index].services[serviceIndex].message = message
            found = true
        }
        if !found, let service {
            seed.systems[index].services.append(.init(type: service, healthy: healthy, message: message))
        }
        return .json(seed.systems[index], effect: true)
    }

    /// Adds one day's usage record.
    mutating func addUsage(_ record: CSCSSeed.UsageRecord) -> EmulatorReply {
        var check = seed
        check.usage = [record]
        let problems = check.consistencyProblems().filter { $0.hasPrefix("cscs usage") }
        guard problems.isEmpty else { return .error(422, problems.joined(separator: "; ")) }
        seed.usage.append(record)
        return .json(record, effect: true)
    }

    /// Replaces a user's groups and/or accounts.
    mutating func changeUser(_ change: UserChange) -> EmulatorReply {
        guard let index = seed.users.firstIndex(where: { $0.name == change.name }) else {
            return .error(404, "No CSCS user \(change.name)")
        }
        if let groups = change.groups { seed.users[index].groups = groups }
        if let group = change.group { seed.users[index].group = group }
        if let accounts = change.accounts {
            seed.users[index].accounts = accounts
            if let current = seed.users[index].default_account, !accounts.contains(current) {
                seed.users[index].default_account = nil
            }
        }
        if let account = change.default_account { seed.users[index].default_account = account }
        return .json(seed.users[index], effect: true)
    }

    /// `POST /_emulator/cscs/users`.
    struct UserChange: Codable, Sendable {
        var name: String
        var group: CSCSSeed.Group?
        var groups: [CSCSSeed.Group]?
        var accounts: [String]?
        var default_account: String?
    }

    /// `POST /_emulator/cscs/systems`.
    struct HealthChange: Codable, Sendable {
        var name: String
        var service: String?
        var healthy: Bool
        var message: String?
    }
}
