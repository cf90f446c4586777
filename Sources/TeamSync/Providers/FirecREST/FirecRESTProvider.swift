import AccountModels
import Foundation

/// CSCS as a read-only back end, over FirecREST v2 and the Alps Accounting API (`shared/reference/firecrest-v2.md`).
///
/// Neither API can show or change a project's members: FirecREST tells the caller who they are (their user, Unix
/// groups and Slurm accounts on one system), and the Alps Accounting API who has compute usage on an account. So
/// nothing is observable or writable in the planner's sense, and every difference is a manual item for the CSCS
/// account portal that a person acknowledges. What can be read is shown (`teamctl status`), stored (refresh
/// snapshots) and reported (`teamctl usage`). The system's health is the status gate: while a service of the
/// configured system is unhealthy, the account system is not active and a refresh stops.
public struct FirecRESTProvider: FacilityProvider {
    /// The facility profile name.
    public let facility: String
    /// The settings it was made from.
    public let settings: FirecRESTSettings
    /// The client it reads through.
    public let client: FirecRESTClient
    private let identity = IdentityBox()

    /// Creates a provider; the client secret is read when the first token is needed.
    public init(
        facility: String, settings: FirecRESTSettings, transport: any HTTPTransport, retry: RetryPolicy = .default,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) {
        let tokens = FirecRESTTokenSource(
            clientID: settings.clientID, tokenURL: settings.tokenURL, transport: transport, retry: retry
        ) { try FirecRESTClientSecret.load(file: settings.clientSecretFile, environment: environment) }
        self.init(
            facility: facility, settings: settings,
            client: FirecRESTClient(
                baseURL: settings.url, accountingURL: settings.accountingURL, transport: transport, tokens: tokens,
                retry: retry))
    }

    /// A provider over a client already made (tests).
    public init(facility: String, settings: FirecRESTSettings, client: FirecRESTClient) {
        self.facility = facility
        self.settings = settings
        self.client = client
    }

    public var name: String { "firecrest" }

    /// Nothing: a project's members, roles and groups cannot be read or changed through FirecREST.
    public var capabilities: ProviderCapabilities { ProviderCapabilities(observable: [], writable: []) }

    public var wording: any ManualWording { FirecRESTWording(facility: facility) }

    public var naming: any NamingRules { FirecRESTNaming() }

    // MARK: Status

    /// The configured system's health: active when FirecREST lists it and every service is healthy.
    public func accountSystemStatus() async throws -> AccountSystemStatus {
        status(of: try await client.systems())
    }

    private func status(of systems: [FirecRESTClient.System]) -> AccountSystemStatus {
        guard let system = systems.first(where: { $0.name == settings.system }) else {
            return AccountSystemStatus(
                name: settings.system, isActive: false, state: "unavailable",
                notes: ["FirecREST does not list system \(settings.system)"])
        }
        let unhealthy = system.unhealthy
        return AccountSystemStatus(
            name: settings.system, isActive: unhealthy.isEmpty, state: unhealthy.isEmpty ? "active" : "unavailable",
            notes: unhealthy.map(Self.describe))
    }

    static func describe(_ service: FirecRESTClient.System.Service) -> String {
        "\(service.type) unhealthy" + (service.message.map { " (\($0))" } ?? "")
    }

    public func statusReport() async throws -> FacilityStatusReport {
        let systems = try await client.systems()
        let status = status(of: systems)
        var report = FacilityStatusReport(
            source: settings.url.host.map { "\($0) (FirecREST)" } ?? settings.url.absoluteString,
            systems: systems.sorted { $0.name < $1.name }.map { system in
                let unhealthy = system.unhealthy
                return FacilityStatusReport.System(
                    name: system.name, state: unhealthy.isEmpty ? "healthy" : "unavailable",
                    note: unhealthy.isEmpty
                        ? system.services.map(\.type).joined(separator: ", ") + " healthy"
                        : unhealthy.map(Self.describe).joined(separator: "; "))
            },
            outages: systems.flatMap { system in system.unhealthy.map { "\(system.name): \(Self.describe($0))" } },
            accountSystemName: settings.system, accountSystem: status,
            accountSystemReason: status.isActive ? nil : status.notes.joined(separator: "; "))
        do {
            report.identity = Self.identityLines(try await user(), system: settings.system)
        } catch {
            report.identity = ["could not read your user on \(settings.system): \(error)"]
        }
        return report
    }

    /// The caller as `teamctl status` shows them: user, primary group, groups, accounts (the default marked).
    static func identityLines(_ info: FirecRESTClient.UserInfo, system: String) -> [String] {
        var lines = [
            "you on \(system): \(info.user) (uid \(info.uid))",
            "primary group: \(info.group.name) (gid \(info.group.id))",
            "groups: " + info.groups.map { "\($0.name) (\($0.id))" }.joined(separator: ", "),
        ]
        if let accounts = info.accounts {
            lines.append(
                "accounts: "
                    + (accounts.isEmpty
                        ? "none"
                        : accounts.map { $0 == info.defaultAccount ? "\($0) (default)" : $0 }.joined(separator: ", ")))
        } else {
            lines.append("accounts: not shown (\(system) has no Slurm, or FirecREST is older than 2.5.1)")
        }
        return lines
    }

    public func callerName() async throws -> String { try await user().user.lowercased() }

    /// The caller on the configured system, read once per run.
    private func user() async throws -> FirecRESTClient.UserInfo {
        if let known = identity.value { return known }
        let info = try await client.userInfo(system: settings.system)
        identity.value = info
        return info
    }

    // MARK: Reading

    /// Checks the system's health (a refresh, and so a plan or an apply, stops while it is unavailable), reads the
    /// caller's user, groups and accounts, and who has usage this year on each account the manifests (and the
    /// profile) name; stores them as a snapshot.
    public func refresh(
        for manifests: [TeamManifest], cache: AccountCache?, observe: Bool,
        progress: (@Sendable (RefreshProgress) -> Void)?
    ) async throws -> RefreshResult {
        let accounts = Array(Set(manifests.map { $0.project.lowercased() } + [settings.account].compactMap { $0 }))
            .sorted()
        let total = accounts.count + 2
        var done = 0
        func step() {
            done += 1
            progress?(RefreshProgress(done: done, total: total))
        }
        let systems = try await client.systems()
        try requireHealthy(systems)
        step()
        let info = try await user()
        step()
        let now = Date()
        let (from, to) = Self.months(of: now)
        var users: [String: [String]] = [:]
        for account in accounts {
            let records = try await client.computeUsage(monthly: true, from: from, to: to, account: account)
            users[account] = Array(Set(records.map(\.user))).sorted()
            step()
        }
        let snapshot = FirecRESTSnapshot(
            system: settings.system, systems: systems, caller: info, accounts: accounts, usersWithUsage: users)
        let caller = info.user.lowercased()
        let fetchedAt = now.timeIntervalSince1970
        var id: Int64 = 0
        var hash: String?
        if let cache {
            let stored = try cache.storePayload(
                snapshot, facility: facility, provider: name, caller: caller, fetchedAt: fetchedAt)
            (id, hash) = (stored.id, stored.contentHash)
        }
        let missing = accounts.filter { !(info.accounts ?? []).contains($0) }
        let summary =
            "\(settings.system) healthy; you are \(caller) with \(info.groups.count) group(s) and "
            + "\(info.accounts?.count ?? 0) account(s); \(users.values.reduce(0) { $0 + $1.count }) user(s) with "
            + "usage this year on \(accounts.joined(separator: ", "))"
            + (missing.isEmpty ? "" : " (not your account: \(missing.joined(separator: ", ")))")
        return RefreshResult(
            facility: facility, caller: caller, snapshotID: id, summary: summary,
            observed: observe
                ? observedState(of: snapshot, for: manifests, id: id, hash: hash, fetchedAt: fetchedAt) : nil)
    }

    /// Throws, naming the system and its unhealthy services, unless the configured system is listed and healthy.
    private func requireHealthy(_ systems: [FirecRESTClient.System]) throws {
        guard let system = systems.first(where: { $0.name == settings.system }) else {
            throw FirecRESTProviderError.noSystem(
                settings.system, known: systems.map(\.name).sorted(), profile: facility)
        }
        if !system.unhealthy.isEmpty {
            throw FirecRESTProviderError.systemUnavailable(
                system.name, unhealthy: system.unhealthy.map(Self.describe), profile: facility)
        }
    }

    public func cachedState(for manifests: [TeamManifest], cache: AccountCache) throws -> ObservedState {
        guard let stored = try cache.latestPayload(FirecRESTSnapshot.self, facility: facility, provider: name) else {
            throw WorkflowError.noSnapshot(facility: facility, cache: cache.path)
        }
        return observedState(
            of: stored.payload, for: manifests, id: stored.id, hash: stored.contentHash, fetchedAt: stored.fetchedAt)
    }

    /// The neutral view: no members or roles (they cannot be seen); those with usage on an account as possible
    /// members, and everyone seen as known users.
    func observedState(
        of snapshot: FirecRESTSnapshot, for manifests: [TeamManifest], id: Int64, hash: String?, fetchedAt: Double
    ) -> ObservedState {
        let caller = snapshot.caller.user.lowercased()
        var projects: [String: ObservedProject] = [:]
        var known: Set<String> = [caller]
        for manifest in manifests {
            let seen = Set(snapshot.usersWithUsage[manifest.project.lowercased()] ?? [])
            known.formUnion(seen)
            projects[manifest.project] = ObservedProject(possibleMembers: seen)
        }
        return ObservedState(
            facility: facility, caller: caller, snapshotID: id, snapshotHash: hash, fetchedAt: fetchedAt,
            projects: projects, knownUsers: known)
    }

    // MARK: Usage

    /// Reads each account's compute usage since 1 January (UTC) from the Alps Accounting API (monthly records, this
    /// month to date included) and stores it as a snapshot. Accounts: `projects`, else the profile's `account`,
    /// else those of the newest snapshot.
    public func refreshUsage(projects: [String], cache: AccountCache) async throws {
        var accounts = projects.map { $0.lowercased() }
        if accounts.isEmpty, let account = settings.account { accounts = [account] }
        if accounts.isEmpty {
            accounts =
                try cache.latestPayload(FirecRESTSnapshot.self, facility: facility, provider: name)?.payload.accounts
                ?? []
        }
        guard !accounts.isEmpty else { throw FirecRESTProviderError.noAccountForUsage(profile: facility) }
        accounts = Array(Set(accounts)).sorted()
        let now = Date()
        let (from, to) = Self.months(of: now)
        let systems = try await client.systems()
        let info = try await user()
        var usage: [String: FirecRESTSnapshot.AccountUsage] = [:]
        var users: [String: [String]] = [:]
        for account in accounts {
            let records = try await client.computeUsage(monthly: true, from: from, to: to, account: account)
                .filter { $0.account == account }
            usage[account] = FirecRESTSnapshot.AccountUsage(records: records)
            users[account] = Array(Set(records.map(\.user))).sorted()
        }
        var snapshot = FirecRESTSnapshot(
            system: settings.system, systems: systems, caller: info, accounts: accounts, usersWithUsage: users)
        snapshot.usage = usage
        snapshot.usageSince = from + "-01"
        snapshot.allocationNodeHours = settings.allocationNodeHours
        snapshot.allocationCPUHours = settings.allocationCPUHours
        // Their own kind, so a plan made from the cache never reads one.
        _ = try cache.storePayload(
            snapshot, facility: facility, provider: Self.usageKind, caller: info.user.lowercased(),
            fetchedAt: now.timeIntervalSince1970)
    }

    public func usageHistory(cache: AccountCache) throws -> [UsageObservation] {
        try cache.payloads(
            FirecRESTSnapshot.self, facility: facility, provider: Self.usageKind, containing: "usageSince"
        )
        .compactMap { $0.payload.usageObservation(facility: facility, caller: $0.caller, at: $0.fetchedAt) }
    }

    /// The snapshot kind (the cache's provider column) of usage snapshots.
    static let usageKind = "firecrest-usage"

    /// January and the current month of `date`'s year (UTC), as `YYYY-MM`.
    static func months(of date: Date) -> (from: String, to: String) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        let parts = calendar.dateComponents([.year, .month], from: date)
        let year = parts.year ?? 1970
        return (String(format: "%04d-01", year), String(format: "%04d-%02d", year, parts.month ?? 1))
    }

    // MARK: Writing

    /// Nothing is writable: a plan for this back end has no changes.
    public func perform(_ change: PlannedChange) async throws -> ChangeAnswer {
        throw UnsupportedChange(changeID: change.id, provider: name)
    }

    public func read(_ target: ChangeTarget) async throws -> TargetState {
        throw UnsupportedChange(changeID: target.key, provider: name)
    }
}

/// The caller's userinfo, once read.
private final class IdentityBox: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: FirecRESTClient.UserInfo?

    var value: FirecRESTClient.UserInfo? {
        get { lock.withLock { stored } }
        set { lock.withLock { stored = newValue } }
    }
}
