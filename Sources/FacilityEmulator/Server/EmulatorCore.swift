import Foundation
import Synchronization

/// A request as the emulator core sees it, independent of the HTTP server.
struct IncomingRequest: Sendable {
    var method: String
    /// The path, still percent-encoded, without the query.
    var path: String
    var query: [String: String]
    var authorization: String?
    /// The `Host` the client addressed, e.g. `127.0.0.1:8080`.
    var host: String?
    var body: Data
    var fromLoopback: Bool
}

/// What to do with a request.
enum Outcome: Sendable {
    case reply(EmulatorReply)
    /// Cut the connection off without a usable answer; the request took effect and this was its reply.
    case drop(EmulatorReply)
}

/// The emulator's brain: facility state, tokens, faults and the request log behind one lock.
/// The HTTP layer only translates requests and responses.
final class EmulatorCore: Sendable {
    static let apiPrefix = "/api/v1.2"
    static let tokenPath = "/oauth2/token"
    static let controlPrefix = "/_emulator/"
    /// The request log keeps this many newest entries, so a long-running emulator does not grow without bound.
    static let requestLogLimit = 100_000

    private struct Guarded {
        var facility: FacilityState
        var issuedTokens: [String: (user: String, expires: Double)] = [:]
        var faults: FaultInjector
        var log: [LoggedRequest] = []
        var tokenURL: String = ""
        /// CSCS (FirecREST v2, Alps Accounting), served under its own path prefixes.
        var cscs: CSCSFacility
    }

    private let guarded: Mutex<Guarded>
    let tokenTTL: Int
    private let now: @Sendable () -> Date

    init(
        seed: EmulatorSeed, faults: FaultSettings, faultSeed: UInt64, tokenTTL: Int,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        guarded = Mutex(
            Guarded(
                facility: FacilityState(seed: seed), faults: FaultInjector(settings: faults, seed: faultSeed),
                cscs: CSCSFacility(seed: seed.cscs)))
        self.tokenTTL = tokenTTL
        self.now = now
    }

    // MARK: Control, for the Swift API

    func setTokenURL(_ url: String) { guarded.withLock { $0.tokenURL = url } }
    var state: EmulatorSeed {
        guarded.withLock { state in
            var seed = state.facility.seed
            if seed.cscs != nil { seed.cscs = state.cscs.seed }
            return seed
        }
    }
    var cscsState: CSCSSeed { guarded.withLock { $0.cscs.seed } }
    var cscsTokens: [String] { guarded.withLock { $0.cscs.issuedTokenValues } }
    func cscsControl(_ body: (inout CSCSFacility) -> EmulatorReply) -> EmulatorReply {
        guarded.withLock { body(&$0.cscs) }
    }
    var requestLog: [LoggedRequest] { guarded.withLock { $0.log } }
    var faults: FaultSettings { guarded.withLock { $0.faults.settings } }
    func setFaults(_ faults: FaultSettings, seed: UInt64? = nil) {
        guarded.withLock {
            $0.faults.settings = faults
            if let seed { $0.faults.reseed(seed) }
        }
    }
    func addUsage(repoName: String, user: String, cpuHours: Double, gpuHours: Double) -> EmulatorReply {
        guarded.withLock {
            $0.facility.addUsage(repoName: repoName, user: user, cpuHours: cpuHours, gpuHours: gpuHours)
        }
    }
    func setSystemStatus(name: String, status: SFAPIWire.SystemStatus.State) {
        let date = now()
        guarded.withLock { $0.facility.setSystemStatus(name: name, status: status, now: date) }
    }

    // MARK: Requests

    /// Answers one request: control endpoints directly, everything else through faults, auth and the facility's rules.
    func handle(_ request: IncomingRequest) async -> Outcome {
        if request.path.hasPrefix(Self.controlPrefix) {
            guard request.fromLoopback else {
                return .reply(.error(403, "The /_emulator/ control endpoints answer loopback clients only"))
            }
            return .reply(control(request))
        }
        let arrival = now().timeIntervalSince1970
        let isCSCS = CSCSFacility.owns(request.path)
        let caller =
            isCSCS
            ? guarded.withLock { $0.cscs.user(authorization: request.authorization, at: arrival) }
            : authenticatedUser(request.authorization, at: arrival)
        let isMutating =
            request.method != "GET" && request.path != Self.tokenPath && request.path != CSCSFacility.tokenPath
        let decision = guarded.withLock {
            $0.faults.decide(
                caller: (isCSCS ? "cscs:" : "") + (caller ?? "anonymous"), isMutating: isMutating, now: arrival)
        }
        // Fault answers in the shape of the API asked (FirecREST's errors are not FastAPI's).
        func faultError(_ status: Int, _ message: String, headers: [String: String] = [:]) -> EmulatorReply {
            guard isCSCS else { return .error(status, message, headers: headers) }
            return guarded.withLock { $0.cscs.error(status, message, path: request.path, headers: headers) }
        }
        var dropAfterEffect = false
        let reply: EmulatorReply
        switch decision {
        case .rateLimited(let retryAfter):
            reply = faultError(
                429, "Too many requests; retry after \(retryAfter) s", headers: ["Retry-After": "\(retryAfter)"])
        case .failed:
            reply = faultError(503, "Service temporarily unavailable (emulated fault); nothing was changed")
        case .proceed(let latencyMs, let drop):
            if latencyMs > 0 { try? await Task.sleep(for: .milliseconds(latencyMs)) }
            dropAfterEffect = drop
            reply = await route(request, caller: caller)
        }
        let dropped = dropAfterEffect && reply.effect
        let entry = LoggedRequest(
            method: request.method, path: request.path, caller: caller, status: reply.status, time: arrival,
            effect: isMutating ? reply.effect : nil, dropped: dropped)
        guarded.withLock { state in
            if state.log.count >= Self.requestLogLimit { state.log.removeFirst(state.log.count / 10) }
            state.log.append(entry)
        }
        return dropped ? .drop(reply) : .reply(reply)
    }

    /// The user a bearer token stands for, if the token is a seed token or an unexpired issued one.
    private func authenticatedUser(_ authorization: String?, at time: Double) -> String? {
        guard let authorization, authorization.lowercased().hasPrefix("bearer ") else { return nil }
        let token = String(authorization.dropFirst("bearer ".count)).trimmingCharacters(in: .whitespaces)
        return guarded.withLock { state in
            if let issued = state.issuedTokens[token] {
                return issued.expires > time ? issued.user : nil
            }
            return state.facility.seed.tokens.first { $0.token == token }?.user
        }
    }

    private func route(_ request: IncomingRequest, caller: String?) async -> EmulatorReply {
        if CSCSFacility.owns(request.path) {
            let time = now()
            return guarded.withLock { $0.cscs.handle(request, caller: caller, now: time) }
        }
        if request.path == Self.tokenPath {
            guard request.method == "POST" else { return .error(405, "Method Not Allowed") }
            return await issueToken(request)
        }
        guard request.path == Self.apiPrefix || request.path.hasPrefix(Self.apiPrefix + "/") else {
            return .error(404, "Not Found")
        }
        let segments = request.path.dropFirst(Self.apiPrefix.count).split(separator: "/")
            .map { $0.removingPercentEncoding ?? String($0) }
        let method = request.method
        if segments.first == "status" { return statusRoute(Array(segments.dropFirst()), method: method) }
        guard segments.first == "account" || segments.first == "tasks" else { return .error(404, "Not Found") }
        guard let caller else {
            return request.authorization == nil
                ? .error(401, "Not authenticated", headers: ["WWW-Authenticate": "Bearer"])
                : .error(401, "Invalid or expired token", headers: ["WWW-Authenticate": "Bearer"])
        }
        let form = FormBody(request.body)
        return guarded.withLock { state -> EmulatorReply in
            switch (method, segments) {
            case ("GET", ["account"]):
                return state.facility.userInfo(caller: caller, username: request.query["username"])
            case ("GET", ["account", "projects"]): return state.facility.projects(caller: caller)
            case ("GET", ["account", "roles"]): return state.facility.roles(caller: caller)
            case ("GET", ["account", "groups"]): return state.facility.groups(caller: caller)
            case ("POST", ["account", "groups"]):
                return state.facility.createGroup(name: form["name"], repoName: form["repo_name"], caller: caller)
            case ("GET", ["account", "clients"]): return state.facility.clients(caller: caller)
            case ("GET", let path) where path.count == 3 && path[0] == "account" && path[1] == "groups":
                return state.facility.group(named: path[2], caller: caller)
            case ("PUT", let path) where path.count == 3 && path[0] == "account" && path[1] == "groups":
                return state.facility.changeGroup(
                    named: path[2], usernames: form["usernames"], action: form["action"], caller: caller)
            case ("GET", ["tasks"]): return state.facility.tasks(caller: caller)
            case ("GET", let path) where path.count == 2 && path[0] == "tasks":
                return state.facility.task(id: path[1], caller: caller)
            case ("DELETE", let path) where path.count == 2 && path[0] == "tasks":
                return state.facility.cancelTask(id: path[1], caller: caller)
            case (_, ["account"]), (_, ["account", "projects"]), (_, ["account", "roles"]), (_, ["account", "groups"]),
                (_, ["account", "clients"]), (_, ["tasks"]):
                return .error(405, "Method Not Allowed")
            case (_, let path) where path.count == 3 && path[0] == "account" && path[1] == "groups":
                return .error(405, "Method Not Allowed")
            case (_, let path) where path.count == 2 && path[0] == "tasks":
                return .error(405, "Method Not Allowed")
            default:
                return .error(404, "Not Found")
            }
        }
    }

    private func statusRoute(_ path: [String], method: String) -> EmulatorReply {
        guard method == "GET" else { return .error(405, "Method Not Allowed") }
        return guarded.withLock { state -> EmulatorReply in
            let facility = state.facility
            switch path.count {
            case 0: return facility.statuses()
            case 1 where path[0] == "outages": return facility.outages(plannedOnly: false)
            case 1 where path[0] == "notes": return facility.notes()
            case 1: return facility.status(of: path[0])
            case 2 where path == ["outages", "planned"]: return facility.outages(plannedOnly: true)
            case 2 where path[0] == "outages": return facility.outages(of: path[1], plannedOnly: false)
            case 2 where path[0] == "notes": return facility.notes(of: path[1])
            case 3 where path[0] == "outages" && path[1] == "planned":
                return facility.outages(of: path[2], plannedOnly: true)
            default: return .error(404, "Not Found")
            }
        }
    }

    // MARK: Token endpoint

    private func issueToken(_ request: IncomingRequest) async -> EmulatorReply {
        let form = FormBody(request.body)
        guard let grantType = form["grant_type"] else {
            return .oauthError(400, code: "invalid_request", "grant_type is required")
        }
        guard grantType == "client_credentials" else {
            return .oauthError(400, code: "unsupported_grant_type", "only grant_type=client_credentials is supported")
        }
        guard form["client_assertion_type"] == "urn:ietf:params:oauth:client-assertion-type:jwt-bearer" else {
            return .oauthError(
                400, code: "invalid_request",
                "client_assertion_type must be urn:ietf:params:oauth:client-assertion-type:jwt-bearer")
        }
        guard let assertion = form["client_assertion"], !assertion.isEmpty else {
            return .oauthError(400, code: "invalid_request", "client_assertion is required")
        }
        let (clients, tokenURL) = guarded.withLock { ($0.facility.seed.clients, $0.tokenURL) }
        var audiences: Set<String> = [tokenURL]
        if let host = request.host { audiences.insert("http://\(host)\(Self.tokenPath)") }
        let verifier = ClientAssertionVerifier(clients: clients, acceptedAudiences: audiences)
        let client: EmulatorSeed.Client
        do {
            client = try await verifier.verify(assertion, now: now())
        } catch {
            return .oauthError(401, code: "invalid_client", error.message)
        }
        let token = Self.randomToken()
        let expires = now().timeIntervalSince1970 + Double(tokenTTL)
        guarded.withLock { state in
            // Forget expired tokens so a long run does not grow without bound.
            let time = expires - Double(tokenTTL)
            state.issuedTokens = state.issuedTokens.filter { $0.value.expires > time }
            state.issuedTokens[token] = (client.user, expires)
        }
        var reply = EmulatorReply.json(
            SFAPIWire.TokenResponse(access_token: token, token_type: "Bearer", expires_in: tokenTTL, scope: "sfapi"))
        reply.headers["Cache-Control"] = "no-store"
        return reply
    }

    static func randomToken() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<4).map { _ in
            let hex = String(generator.next() as UInt64, radix: 16)
            return String(repeating: "0", count: 16 - hex.count) + hex
        }.joined()
    }

    // MARK: Control endpoints

    private func control(_ request: IncomingRequest) -> EmulatorReply {
        let name = String(request.path.dropFirst(Self.controlPrefix.count))
        if name.hasPrefix("cscs/") { return cscsControl(request, name: String(name.dropFirst("cscs/".count))) }
        switch (request.method, name) {
        case ("GET", "state"): return .json(state)
        case ("GET", "requests"): return .json(requestLog)
        case ("GET", "faults"): return .json(faults)
        case ("POST", "faults"):
            guard let settings = try? JSONCoding.decoder.decode(FaultSettings.self, from: request.body) else {
                return .error(
                    422,
                    "Expected JSON such as {\"latency_ms\": 0, \"fail_rate\": 0, \"rate_limit\": null, \"drop_rate\": 0}"
                )
            }
            guard settings.problems.isEmpty else { return .error(422, settings.problems.joined(separator: "; ")) }
            let seed = (try? JSONCoding.decoder.decode(FaultSeed.self, from: request.body))?.seed
            setFaults(settings, seed: seed)
            return .json(settings)
        case ("POST", "usage"):
            guard let usage = try? JSONCoding.decoder.decode(UsageChange.self, from: request.body) else {
                return .error(
                    422, "Expected JSON {\"repo_name\": ..., \"user\": ..., \"cpu_hours\": ..., \"gpu_hours\": ...}")
            }
            return addUsage(
                repoName: usage.repo_name, user: usage.user, cpuHours: usage.cpu_hours ?? 0,
                gpuHours: usage.gpu_hours ?? 0)
        case ("POST", "systems"):
            guard let change = try? JSONCoding.decoder.decode(SystemChange.self, from: request.body),
                let status = SFAPIWire.SystemStatus.State(rawValue: change.status)
            else {
                return .error(422, "Expected JSON {\"name\": ..., \"status\": \"active|unavailable|degraded|other\"}")
            }
            setSystemStatus(name: change.name, status: status)
            return .json(state.systems.first { $0.name == change.name })
        case (_, "state"), (_, "requests"), (_, "faults"), (_, "usage"), (_, "systems"):
            return .error(405, "Method Not Allowed")
        default:
            return .error(404, "Unknown control endpoint; try state, requests, faults, usage or systems")
        }
    }

    /// `/_emulator/cscs/...`: CSCS's state, its systems' health, usage records and users' groups and accounts.
    private func cscsControl(_ request: IncomingRequest, name: String) -> EmulatorReply {
        switch (request.method, name) {
        case ("GET", "state"): return .json(cscsState)
        case ("POST", "systems"):
            guard let change = try? JSONCoding.decoder.decode(CSCSFacility.HealthChange.self, from: request.body)
            else {
                return .error(
                    422,
                    "Expected JSON {\"name\": \"daint\", \"service\": \"scheduler\" (optional: all), "
                        + "\"healthy\": false, \"message\": ...}")
            }
            return cscsControl {
                $0.setHealth(
                    system: change.name, service: change.service, healthy: change.healthy, message: change.message)
            }
        case ("POST", "usage"):
            guard let record = try? JSONCoding.decoder.decode(CSCSSeed.UsageRecord.self, from: request.body) else {
                return .error(
                    422,
                    "Expected JSON {\"username\", \"account\", \"cluster\", \"date\": \"YYYY-MM-DD\", "
                        + "\"node_hours\", \"cpu_hours\", \"job_count\"}")
            }
            return cscsControl { $0.addUsage(record) }
        case ("POST", "users"):
            guard let change = try? JSONCoding.decoder.decode(CSCSFacility.UserChange.self, from: request.body)
            else {
                return .error(
                    422,
                    "Expected JSON {\"name\": ..., \"groups\": [{\"name\", \"gid\"}], \"accounts\": [...], "
                        + "\"default_account\": ...} (each but name optional)")
            }
            return cscsControl { $0.changeUser(change) }
        case (_, "state"), (_, "systems"), (_, "usage"), (_, "users"):
            return .error(405, "Method Not Allowed")
        default:
            return .error(404, "Unknown control endpoint; try cscs/state, cscs/systems, cscs/usage or cscs/users")
        }
    }

    private struct FaultSeed: Decodable { var seed: UInt64? }
    private struct UsageChange: Decodable {
        var repo_name: String
        var user: String
        var cpu_hours: Double?
        var gpu_hours: Double?
    }
    private struct SystemChange: Decodable {
        var name: String
        var status: String
    }
}
