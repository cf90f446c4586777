import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle

/// A running facility emulator: SFAPI v1.2 over real HTTP on a loopback (or given) address.
///
/// ```swift
/// let server = try await EmulatorServer.start(seed: try EmulatorSeed.load(path: "examples/facility.yaml"))
/// print(server.apiBaseURL)   // http://127.0.0.1:PORT/api/v1.2
/// await server.shutdown()
/// ```
public final class EmulatorServer: Sendable {
    private let core: EmulatorCore
    private let runTask: Task<Void, any Error>
    private let serviceGroup: ServiceGroup
    /// The host the server is bound to.
    public let host: String
    /// The port the server listens on (the chosen one when started with port 0).
    public let port: Int

    private init(
        core: EmulatorCore, runTask: Task<Void, any Error>, serviceGroup: ServiceGroup, host: String, port: Int
    ) {
        self.core = core
        self.runTask = runTask
        self.serviceGroup = serviceGroup
        self.host = host
        self.port = port
    }

    /// An error starting the emulator.
    public struct StartError: Error, CustomStringConvertible {
        /// What failed and what to do.
        public var description: String
    }

    /// Starts an emulator serving `seed` and returns once it accepts connections.
    /// - Parameters:
    ///   - port: 0 picks a free port; read it from ``port``.
    ///   - tokenTTL: Lifetime in seconds of tokens issued by `POST /oauth2/token`.
    ///   - faultSeed: Seed for the fail and drop rates' random choices, so runs repeat.
    public static func start(
        seed: EmulatorSeed, host: String = "127.0.0.1", port: Int = 0, faults: FaultSettings = .none,
        tokenTTL: Int = 600, faultSeed: UInt64 = 1, logLevel: Logger.Level = .warning,
        now: @escaping @Sendable () -> Date = { Date() }
    ) async throws -> EmulatorServer {
        guard faults.problems.isEmpty else {
            throw StartError(description: "invalid faults: " + faults.problems.joined(separator: "; "))
        }
        guard tokenTTL > 0 else { throw StartError(description: "token TTL must be positive, got \(tokenTTL)") }
        let core = EmulatorCore(seed: seed, faults: faults, faultSeed: faultSeed, tokenTTL: tokenTTL, now: now)
        var logger = Logger(label: "teamctl-emulator")
        logger.logLevel = logLevel
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = Application(
            responder: EmulatorResponder(core: core),
            configuration: .init(address: .hostname(host, port: port)),
            onServerRunning: { channel in
                continuation.yield(channel.localAddress?.port ?? 0)
                continuation.finish()
            },
            logger: logger)
        let serviceGroup = ServiceGroup(configuration: .init(services: [app], logger: logger))
        let runTask = Task {
            defer { continuation.finish() }
            try await serviceGroup.run()
        }
        var boundPort: Int?
        for await value in ports { boundPort = value }
        guard let boundPort, boundPort > 0 else {
            runTask.cancel()
            do {
                try await runTask.value
            } catch {
                throw StartError(description: "cannot listen on \(host):\(port): \(error)")
            }
            throw StartError(description: "cannot listen on \(host):\(port): the server stopped before it started")
        }
        let server = EmulatorServer(
            core: core, runTask: runTask, serviceGroup: serviceGroup, host: host, port: boundPort)
        core.setTokenURL(server.tokenURL.absoluteString)
        return server
    }

    private var origin: String {
        let shownHost = host.contains(":") ? "[\(host)]" : host
        return "http://\(shownHost):\(port)"
    }

    /// The root URL, e.g. `http://127.0.0.1:8080`.
    public var baseURL: URL { URL(string: origin) ?? URL(fileURLWithPath: "/") }
    /// The API base, e.g. `http://127.0.0.1:8080/api/v1.2`.
    public var apiBaseURL: URL { baseURL.appendingPathComponent("api/v1.2") }
    /// The token endpoint, e.g. `http://127.0.0.1:8080/oauth2/token`.
    public var tokenURL: URL { baseURL.appendingPathComponent("oauth2/token") }

    /// CSCS's FirecREST v2 base (the `hpc` platform), e.g. `http://127.0.0.1:8080/hpc/firecrest/v2`.
    public var firecrestURL: URL { baseURL.appendingPathComponent("hpc/firecrest/v2") }
    /// CSCS's Alps Accounting API base, e.g. `http://127.0.0.1:8080/alps-accounting/v2`.
    public var alpsAccountingURL: URL { baseURL.appendingPathComponent("alps-accounting/v2") }
    /// CSCS's Keycloak token endpoint, e.g.
    /// `http://127.0.0.1:8080/auth/realms/firecrest-clients/protocol/openid-connect/token`.
    public var cscsTokenURL: URL { baseURL.appendingPathComponent(String(CSCSFacility.tokenPath.dropFirst())) }

    /// Every CSCS access token issued so far and not yet expired, for tests that check none is shown or stored.
    public func cscsIssuedTokens() async -> [String] { core.cscsTokens }

    /// CSCS's current state (as `GET /_emulator/cscs/state`).
    public func cscsState() async -> CSCSSeed { core.cscsState }

    /// Marks one service of a CSCS system (every service, when `service` is nil) healthy or not.
    public func setCSCSHealth(system: String, service: String? = nil, healthy: Bool, message: String? = nil)
        async throws
    {
        try Self.check(
            core.cscsControl { $0.setHealth(system: system, service: service, healthy: healthy, message: message) })
    }

    /// Adds one day's compute usage record at CSCS.
    public func addCSCSUsage(_ record: CSCSSeed.UsageRecord) async throws {
        try Self.check(core.cscsControl { $0.addUsage(record) })
    }

    /// Replaces a CSCS user's groups (and accounts, when given).
    public func setCSCSUser(
        _ name: String, groups: [CSCSSeed.Group]? = nil, accounts: [String]? = nil, defaultAccount: String? = nil
    ) async throws {
        try Self.check(
            core.cscsControl {
                $0.changeUser(
                    .init(name: name, group: nil, groups: groups, accounts: accounts, default_account: defaultAccount))
            })
    }

    private static func check(_ reply: EmulatorReply) throws {
        guard reply.status == 200 else {
            let detail = (try? JSONCoding.decoder.decode([String: String].self, from: reply.body))?["detail"]
            throw EmulatorError(description: detail ?? "the CSCS control request failed (\(reply.status))")
        }
    }

    /// The whole current state, in the seed's shape (as `GET /_emulator/state`).
    public func stateSnapshot() async -> EmulatorSeed { core.state }

    /// Every request answered so far, oldest first (as `GET /_emulator/requests`).
    public func requestLog() async -> [LoggedRequest] { core.requestLog }

    /// The fault settings in force.
    public var faults: FaultSettings { get async { core.faults } }

    /// Replaces the fault settings.
    public func setFaults(_ faults: FaultSettings) async { core.setFaults(faults) }

    /// Replaces the fault settings and restarts the fault randomness from `seed`.
    public func setFaults(_ faults: FaultSettings, seed: UInt64) async { core.setFaults(faults, seed: seed) }

    /// Adds compute usage to one member of a project (and to the project's totals).
    public func addUsage(repoName: String, user: String, cpuHours: Double, gpuHours: Double) async throws {
        let reply = core.addUsage(repoName: repoName, user: user, cpuHours: cpuHours, gpuHours: gpuHours)
        guard reply.status == 200 else {
            let detail = (try? JSONCoding.decoder.decode([String: String].self, from: reply.body))?["detail"]
            throw EmulatorError(description: detail ?? "cannot add usage to \(user) in \(repoName)")
        }
    }

    /// Sets a system's status (`active`, `unavailable`, `degraded`, anything else is `other`).
    public func setSystemStatus(name: String, status: String) async {
        core.setSystemStatus(name: name, status: SFAPIWire.SystemStatus.State(rawValue: status) ?? .other)
    }

    /// Stops the server gracefully (requests in progress finish; idle connections close) and waits until
    /// it has stopped; whatever is still running after two seconds is cancelled.
    public func shutdown() async {
        await serviceGroup.triggerGracefulShutdown()
        let runTask = self.runTask
        let deadline = Task {
            try await Task.sleep(for: .seconds(2))
            runTask.cancel()
        }
        _ = try? await runTask.value
        deadline.cancel()
    }
}

/// A control operation the emulator refused.
public struct EmulatorError: Error, Sendable, CustomStringConvertible {
    /// What failed.
    public var description: String
}
