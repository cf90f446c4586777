import AccountModels
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Slurm accounting (slurmdbd) as a back end: a project is an account on a cluster, members are its user
/// associations, PIs and PI proxies its coordinators, permissions QOS names on a member's association, and hour
/// limits GrpTRESMins on the user's and the account's associations (`../shared/reference/slurm.md`). Everything but
/// Unix groups is observable and writable; groups are not Slurm's, so each group is one acknowledged item.
///
/// The provider talks to one ``SlurmAccounting`` channel (slurmrestd or sacctmgr); with both configured, slurmrestd
/// is used and sacctmgr does what slurmrestd's version cannot (22.05's account limits and coordinator removal).
/// Writes go out one at a time: each reads an association and writes it back whole, so two at once on the same
/// association could undo each other (and 22.05's slurmdbd crashes under concurrent clients).
public struct SlurmProvider: FacilityProvider {
    /// The facility profile name.
    public let facility: String
    /// The settings it was made from.
    public let settings: SlurmSettings
    /// The caller's name: the profile's `user`, else the Unix user.
    public let caller: String
    private let connection: SlurmConnection
    private let writes = AsyncGate()

    /// Creates a provider. Nothing is contacted until the first call; slurmrestd's version is detected then, unless
    /// the settings name one.
    public init(
        facility: String, settings: SlurmSettings, transport: any HTTPTransport, dryRun: Bool,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) {
        self.facility = facility
        self.settings = settings
        self.caller = (settings.user ?? Self.unixUser(environment: environment)).lowercased()
        self.connection = SlurmConnection(
            settings: settings, caller: caller, transport: transport, dryRun: dryRun, environment: environment)
    }

    /// A provider over a channel already made (tests, benchmarks).
    public init(facility: String, channel: any SlurmAccounting, fallback: (any SlurmAccounting)? = nil, caller: String)
    {
        self.facility = facility
        self.settings = SlurmSettings(cluster: channel.cluster)
        self.caller = caller.lowercased()
        self.connection = SlurmConnection(channel: channel, fallback: fallback)
    }

    public var name: String { "slurm" }

    /// Everything but groups is observable and writable. Over slurmrestd's dbv0.0.38 (Slurm 22.05) with no sacctmgr
    /// to fall back on, the account's own limits and coordinator removal cannot be written (§8, §9.3): those become
    /// manual items naming the sacctmgr command.
    public var capabilities: ProviderCapabilities {
        let all: Set<ProviderCapabilities.Aspect> = [.roster, .roles, .permissions, .limits]
        return ProviderCapabilities(
            observable: all, writable: all,
            restrictions: connection.legacyRESTOnly ? [.projectLimits, .roleRemoval] : [],
            roleAliases: [.piProxy: .pi])
    }

    public var wording: any ManualWording { SlurmWording(cluster: settings.cluster, facility: facility) }

    public var naming: any NamingRules { SlurmNaming() }

    // MARK: Status

    /// slurmdbd is the account system: active when the channel answers.
    public func accountSystemStatus() async throws -> AccountSystemStatus {
        let channel = try await connection.primary()
        try await channel.ping()
        return AccountSystemStatus(name: "slurmdbd", isActive: true, state: "answering")
    }

    public func statusReport() async throws -> FacilityStatusReport {
        let channel: any SlurmAccounting
        do {
            channel = try await connection.primary()
        } catch {
            return report(source: settings.url?.absoluteString ?? settings.sacctmgr ?? "slurm", failure: error)
        }
        do {
            try await channel.ping()
        } catch {
            return report(source: channel.channelDescription, failure: error)
        }
        return FacilityStatusReport(
            source: channel.channelDescription,
            systems: [.init(name: settings.cluster, state: "answering", note: "accounting through slurmdbd")],
            outages: [], accountSystemName: "slurmdbd",
            accountSystem: AccountSystemStatus(name: "slurmdbd", isActive: true, state: "answering"),
            accountSystemReason: nil)
    }

    private func report(source: String, failure: any Error) -> FacilityStatusReport {
        FacilityStatusReport(
            source: source, systems: [.init(name: settings.cluster, state: "unreachable", note: "\(failure)")],
            outages: [], accountSystemName: "slurmdbd",
            accountSystem: AccountSystemStatus(name: "slurmdbd", isActive: false, state: "unreachable"),
            accountSystemReason: "\(failure)")
    }

    public func callerName() async throws -> String { caller }

    // MARK: Reading

    public func refresh(
        for manifests: [TeamManifest], cache: AccountCache?, observe: Bool,
        progress: (@Sendable (RefreshProgress) -> Void)?
    ) async throws -> RefreshResult {
        let channel = try await connection.primary()
        let names = Array(Set(manifests.map { $0.project.lowercased() })).sorted()
        let total = names.count + 2
        let done = Counter()
        func step() { progress?(RefreshProgress(done: done.increment(), total: total)) }
        async let qosRead = channel.qosNames()
        let (accounts, missing) = try await Self.read(names, on: channel) { _ in step() }
        let qos = try await qosRead
        step()
        // Only those a plan may take out need their other accounts known: everyone under the accounts whom no
        // manifest keeps for good.
        var leaving: Set<String> = []
        for manifest in manifests {
            guard let account = accounts[manifest.project.lowercased()] else { continue }
            for user in account.users.keys where manifest.members[user].map({ $0.until != nil }) ?? true {
                leaving.insert(user)
            }
        }
        let users = try await channel.users(leaving.sorted())
        step()
        let snapshot = SlurmSnapshot(
            cluster: settings.cluster, channel: channel.channelDescription, restVersion: connection.restVersion,
            accounts: accounts, missingAccounts: missing, qos: Array(qos), users: users)
        let fetchedAt = Date().timeIntervalSince1970
        var id: Int64 = 0
        var hash: String?
        if let cache {
            let stored = try cache.storePayload(
                snapshot, facility: facility, provider: name, caller: caller, fetchedAt: fetchedAt)
            (id, hash) = (stored.id, stored.contentHash)
        }
        let summary =
            "\(accounts.count) account(s), \(accounts.values.reduce(0) { $0 + $1.users.count }) user association(s), "
            + "\(qos.count) QOS on cluster \(settings.cluster) via \(channel.channelDescription)"
            + (missing.isEmpty ? "" : " (no account \(missing.joined(separator: ", ")))")
        return RefreshResult(
            facility: facility, caller: caller, snapshotID: id, summary: summary,
            observed: observe
                ? try observedState(of: snapshot, for: manifests, id: id, hash: hash, fetchedAt: fetchedAt) : nil)
    }

    /// Reads accounts, four at a time; those that do not exist are returned apart.
    static func read(
        _ names: [String], on channel: any SlurmAccounting, each: @escaping (String) -> Void = { _ in }
    ) async throws -> (accounts: [String: SlurmAccountState], missing: [String]) {
        var accounts: [String: SlurmAccountState] = [:]
        var missing: [String] = []
        try await withThrowingTaskGroup(of: (String, SlurmAccountState?).self) { group in
            var next = names.makeIterator()
            for _ in 0..<min(4, names.count) {
                if let name = next.next() { group.addTask { (name, try await channel.readAccount(name)) } }
            }
            while let (name, state) = try await group.next() {
                each(name)
                if let state { accounts[name] = state } else { missing.append(name) }
                if let name = next.next() { group.addTask { (name, try await channel.readAccount(name)) } }
            }
        }
        return (accounts, missing.sorted())
    }

    // MARK: Usage

    /// Reads the accounts and their used CPU and GPU minutes since 1 January (UTC) of this year, per account and
    /// per user, and stores them as a snapshot. Accounts: `projects`, else those of the newest snapshot.
    public func refreshUsage(projects: [String], cache: AccountCache) async throws {
        var names = projects.map { $0.lowercased() }
        if names.isEmpty {
            names =
                try cache.latestPayload(SlurmSnapshot.self, facility: facility, provider: name)
                .map { Array($0.payload.accounts.keys) + $0.payload.missingAccounts } ?? []
        }
        guard !names.isEmpty else { throw SlurmProviderError.noAccountsForUsage(profile: facility) }
        let channel = try await connection.primary()
        let now = Date()
        let since = Self.startOfYear(containing: now)
        let (accounts, missing) = try await Self.read(Array(Set(names)).sorted(), on: channel)
        var usage: [String: SlurmUsage] = [:]
        var unavailable: String?
        for account in accounts.keys.sorted() {
            if let used = try await channel.usage(account: account, from: since, to: now) {
                usage[account] = used
            } else {
                unavailable =
                    "\(channel.channelDescription) reports no usage; use a profile with 'sacctmgr:' (sreport) "
                    + "or a newer slurmrestd"
                break
            }
        }
        var snapshot = SlurmSnapshot(
            cluster: settings.cluster, channel: channel.channelDescription, restVersion: connection.restVersion,
            accounts: accounts, missingAccounts: missing, qos: [], users: [:])
        snapshot.usage = usage
        snapshot.usageSince = since.timeIntervalSince1970
        snapshot.usageUnavailable = unavailable
        // Stored as their own kind, so a plan made from the cache never reads one (they hold no QOS or users).
        _ = try cache.storePayload(
            snapshot, facility: facility, provider: Self.usageKind, caller: caller,
            fetchedAt: now.timeIntervalSince1970)
        if let unavailable { throw SlurmError(.unsupported, unavailable) }
    }

    public func usageHistory(cache: AccountCache) throws -> [UsageObservation] {
        try cache.payloads(SlurmSnapshot.self, facility: facility, provider: Self.usageKind, containing: "usageSince")
            .compactMap { stored in
                stored.payload.usageObservation(facility: facility, caller: stored.caller, at: stored.fetchedAt)
            }
    }

    /// The snapshot kind (the cache's provider column) of usage snapshots.
    static let usageKind = "slurm-usage"

    /// 1 January, 00:00 UTC, of the year `date` is in.
    static func startOfYear(containing date: Date) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        return calendar.date(from: DateComponents(year: calendar.component(.year, from: date), month: 1, day: 1))
            ?? date
    }

    public func cachedState(for manifests: [TeamManifest], cache: AccountCache) throws -> ObservedState {
        guard let stored = try cache.latestPayload(SlurmSnapshot.self, facility: facility, provider: name) else {
            throw WorkflowError.noSnapshot(facility: facility, cache: cache.path)
        }
        let snapshot = stored.payload
        let unread = Set(manifests.map { $0.project.lowercased() })
            .subtracting(snapshot.accounts.keys).subtracting(snapshot.missingAccounts)
        if !unread.isEmpty {
            throw SlurmProviderError.snapshotLacksAccounts(unread.sorted(), snapshot: stored.id)
        }
        connection.remember(restVersion: snapshot.restVersion)
        return try observedState(
            of: snapshot, for: manifests, id: stored.id, hash: stored.contentHash, fetchedAt: stored.fetchedAt)
    }

    public func observedHistory(for manifests: [TeamManifest], cache: AccountCache, since: Double?) throws
        -> [ObservedState]?
    {
        try cache.payloads(SlurmSnapshot.self, facility: facility, provider: name, containing: "accounts", since: since)
            .compactMap { stored in
                // A snapshot made before the manifests named an account (or a QOS existed) says nothing of it.
                try? observedState(
                    of: stored.payload, for: manifests, id: stored.id, hash: stored.contentHash,
                    fetchedAt: stored.fetchedAt)
            }
    }

    /// The neutral view of a snapshot. Fails, naming what to fix, when a manifest's account does not exist or a
    /// permission is not a QOS on the cluster.
    func observedState(
        of snapshot: SlurmSnapshot, for manifests: [TeamManifest], id: Int64, hash: String?, fetchedAt: Double
    ) throws -> ObservedState {
        let qos = Set(snapshot.qos)
        var projects: [String: ObservedProject] = [:]
        var known: Set<String> = [caller]
        for manifest in manifests {
            guard let account = snapshot.accounts[manifest.project.lowercased()] else {
                throw SlurmProviderError.noAccount(manifest.project, cluster: snapshot.cluster)
            }
            let unknown = manifest.permissions.keys.filter { !qos.contains($0.lowercased()) }.sorted()
            if !unknown.isEmpty {
                throw SlurmProviderError.unknownQOS(
                    unknown, project: manifest.project, cluster: snapshot.cluster, known: snapshot.qos)
            }
            known.formUnion(account.users.keys)
            projects[manifest.project] = SlurmMapping.project(
                account, caller: caller, users: snapshot.users, cluster: snapshot.cluster)
        }
        return ObservedState(
            facility: facility, caller: caller, snapshotID: id, snapshotHash: hash, fetchedAt: fetchedAt,
            projects: projects, knownUsers: known)
    }

    public func read(_ target: ChangeTarget) async throws -> TargetState {
        let project: String
        switch target {
        case .group: throw UnsupportedChange(changeID: target.key, provider: name)
        case .roster(let name), .roles(let name), .permission(let name, _), .limits(let name, _): project = name
        }
        let channel = try await connection.primary()
        guard let account = try await channel.readAccount(project.lowercased()) else {
            return TargetState(exists: false)
        }
        let observed = ObservedState(
            facility: facility, caller: caller, fetchedAt: 0,
            projects: [project: SlurmMapping.project(account, caller: caller, users: [:], cluster: settings.cluster)])
        return observed.target(target)
    }

    // MARK: Writing

    public func perform(_ change: PlannedChange) async throws -> ChangeAnswer {
        try await writes.run { try await performAlone(change) }
    }

    private func performAlone(_ change: PlannedChange) async throws -> ChangeAnswer {
        // Every name is checked before anything is sent, whoever made the change (the channels check again).
        try naming.check(change)
        let channel = try await connection.primary()
        let account = change.project.lowercased()
        switch change.action {
        case .addProjectMembers(let users):
            try await channel.addUsers(users.map { SlurmNewAssociation(user: $0) }, account: account)
            return ChangeAnswer(state: nil, detail: "added \(users.count) user association(s) under \(account)")
        case .removeProjectMembers(let users):
            let moved = try await moveDefaults(away: account, of: users, channel: channel)
            try await channel.removeUsers(users, account: account)
            return ChangeAnswer(
                state: nil,
                detail: "removed \(users.count) user association(s) from \(account)"
                    + (moved.isEmpty ? "" : "; default account moved first for " + moved.joined(separator: ", ")))
        case .setRole(let role, let users):
            if capabilities.storedRole(role) == .member {
                try await withFallback(channel) { try await $0.removeCoordinators(users, account: account) }
                return ChangeAnswer(
                    state: nil, detail: "\(users.joined(separator: ", ")) no longer coordinate \(account)")
            }
            try await channel.addCoordinators(users, account: account)
            return ChangeAnswer(state: nil, detail: "\(users.joined(separator: ", ")) coordinate \(account)")
        case .grantPermission(let qos, let users), .revokePermission(let qos, let users):
            let granting: Bool
            if case .grantPermission = change.action { granting = true } else { granting = false }
            // One call for every user the change names: the channel reads their associations once, adds or takes
            // the QOS on each and writes them together (users whose list already says so are left alone).
            let edit =
                granting
                ? SlurmAssociationChange(addingQOS: [qos.lowercased()])
                : SlurmAssociationChange(removingQOS: [qos.lowercased()])
            try await channel.modifyAssociations(
                account: account,
                changes: Dictionary(users.map { ($0.lowercased(), edit) }, uniquingKeysWith: { first, _ in first }))
            return ChangeAnswer(
                state: nil,
                detail: "QOS \(qos) \(granting ? "granted to" : "revoked from") \(users.joined(separator: ", "))")
        case .setLimit(let subject, let resource, let value):
            let tres = SlurmMapping.tres(resource)
            let change = SlurmAssociationChange(grpTRESMins: [tres: SlurmMapping.minutes(value)])
            if subject.isEmpty {
                try await withFallback(channel) {
                    try await $0.modifyAssociation(account: account, user: "", change: change)
                }
            } else {
                try await channel.modifyAssociation(account: account, user: subject, change: change)
            }
            let minutes = SlurmMapping.minutes(value).map { "\(tres)=\($0)" } ?? "\(tres) cleared"
            return ChangeAnswer(
                state: nil,
                detail:
                    "GrpTRESMins \(minutes) on \(subject.isEmpty ? "account \(account)" : "\(subject) in \(account)")")
        case .createGroup, .addGroupMembers, .removeGroupMembers:
            throw UnsupportedChange(changeID: change.id, provider: name)
        }
    }

    /// Makes another of their accounts the default of those whose default is `account` (the one first by name), so
    /// the association can go. Someone with no other account is left alone (the plan made that a manual item; if
    /// it changed since, Slurm's refusal is reported).
    private func moveDefaults(
        away account: String, of users: [String], channel: any SlurmAccounting
    ) async throws -> [String] {
        let states = try await channel.users(users)
        var defaults: [String: String] = [:]
        for user in users.map({ $0.lowercased() }) {
            guard let state = states[user], state.defaultAccount == account,
                let other = state.accounts.filter({ $0 != account }).sorted().first
            else { continue }
            defaults[user] = other
        }
        try await channel.setDefaultAccounts(defaults)
        return defaults.sorted { $0.key < $1.key }.map { "\($0.key) (now \($0.value))" }
    }

    /// Runs a write on the channel; when the channel's version cannot make it and sacctmgr is configured too, on
    /// sacctmgr.
    private func withFallback(
        _ channel: any SlurmAccounting, _ body: (any SlurmAccounting) async throws -> Void
    ) async throws {
        do {
            try await body(channel)
        } catch let error as SlurmError where error.kind == .unsupported {
            guard let fallback = connection.fallback else { throw error }
            try await body(fallback)
        }
    }

    /// The Unix user this process runs as (whom munge names to sacctmgr).
    static func unixUser(environment: [String: String]) -> String {
        #if canImport(Glibc)
            if let entry = getpwuid(geteuid()), let name = entry.pointee.pw_name {
                return String(cString: name)
            }
        #endif
        return environment["USER"] ?? "root"
    }
}

/// Why the Slurm back end cannot plan.
public enum SlurmProviderError: Error, Sendable, Hashable, CustomStringConvertible {
    case noAccount(String, cluster: String)
    case unknownQOS([String], project: String, cluster: String, known: [String])
    case snapshotLacksAccounts([String], snapshot: Int64)
    case noToken(profile: String)
    case noAccountsForUsage(profile: String)

    public var description: String {
        switch self {
        case .noAccount(let account, let cluster):
            return "account \(account) does not exist on cluster \(cluster); teamctl manages an existing account's "
                + "users, it does not create accounts: ask an administrator to run "
                + "'sacctmgr add account \(account.lowercased()) cluster=\(cluster)', or fix 'project:' in the manifest"
        case .unknownQOS(let names, let project, let cluster, let known):
            return "permission\(names.count == 1 ? "" : "s") \(names.joined(separator: ", ")) in the manifest for "
                + "\(project) \(names.count == 1 ? "is not a QOS" : "are not QOS") on cluster \(cluster) "
                + "(QOS there: \(known.joined(separator: ", "))); fix the name under 'permissions:'"
        case .snapshotLacksAccounts(let names, let id):
            return "snapshot \(id) was taken without reading account(s) \(names.joined(separator: ", ")); "
                + "run 'teamctl refresh -f MANIFEST' first, or drop --no-refresh"
        case .noAccountsForUsage(let profile):
            return "no Slurm account to report on for profile \(profile): name them with --project, or run "
                + "'teamctl refresh -f MANIFEST' first"
        case .noToken(let profile):
            return "no slurmrestd token for profile \(profile): set 'token_file:' (a file of mode 0600, e.g. from "
                + "'scontrol token') in the profile, or the SLURM_JWT environment variable"
        }
    }
}

extension SlurmError: ChangeFailureReporting {
    /// slurmrestd or slurmdbd did not answer: a write may have taken effect.
    public var isAmbiguous: Bool { kind == .unavailable }
}

/// The channel (and the sacctmgr fallback), made on first use: slurmrestd's version is detected then.
final class SlurmConnection: @unchecked Sendable {
    private let lock = NSLock()
    private var made: (any SlurmAccounting)?
    private var knownVersion: SlurmRESTVersion?
    private let settings: SlurmSettings?
    private let caller: String
    private let transport: (any HTTPTransport)?
    private let environment: [String: String]
    /// sacctmgr, when the profile names it beside a slurmrestd URL.
    let fallback: (any SlurmAccounting)?

    init(
        settings: SlurmSettings, caller: String, transport: any HTTPTransport, dryRun: Bool,
        environment: [String: String]
    ) {
        self.settings = settings
        self.caller = caller
        self.transport = transport
        self.environment = environment
        self.knownVersion = settings.apiVersion
        let sacctmgr = settings.sacctmgr.map {
            SacctmgrChannel(sacctmgr: $0, cluster: settings.cluster, refusesWrites: dryRun)
        }
        if settings.url == nil {
            made = sacctmgr
            fallback = nil
        } else {
            fallback = sacctmgr
        }
    }

    init(channel: any SlurmAccounting, fallback: (any SlurmAccounting)?) {
        self.settings = nil
        self.caller = ""
        self.transport = nil
        self.environment = [:]
        self.made = channel
        self.fallback = fallback
        if let rest = channel as? SlurmRESTChannel { knownVersion = rest.version }
    }

    /// The REST version in use or last known; nil for sacctmgr.
    var restVersion: SlurmRESTVersion? { lock.withLock { made is SacctmgrChannel ? nil : knownVersion } }

    /// Whether writes go to slurmrestd's dbv0.0.38 with no sacctmgr beside it.
    var legacyRESTOnly: Bool { fallback == nil && restVersion == .dbv0_0_38 }

    /// Records the version a cached snapshot was read with, when none is known yet.
    func remember(restVersion: SlurmRESTVersion?) {
        lock.withLock { if knownVersion == nil { knownVersion = restVersion } }
    }

    func primary() async throws -> any SlurmAccounting {
        if let made = lock.withLock({ made }) { return made }
        guard let settings, let url = settings.url, let transport else {
            throw SlurmError(.failed, "no Slurm channel is configured")
        }
        let token: SlurmJWTSource
        if let file = settings.tokenFile {
            token = SlurmJWTSource(file: file)
        } else if let fromEnvironment = SlurmJWTSource.environment(environment) {
            token = fromEnvironment
        } else {
            throw SlurmError(.authentication, SlurmProviderError.noToken(profile: settings.cluster).description)
        }
        let channel = try await SlurmRESTChannel.connect(
            baseURL: url, cluster: settings.cluster, userName: caller, token: token,
            apiVersion: lock.withLock { knownVersion } ?? settings.apiVersion, transport: transport)
        lock.withLock {
            made = channel
            knownVersion = channel.version
        }
        return channel
    }
}

/// Runs async bodies one at a time, in arrival order.
actor AsyncGate {
    private var busy = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    func run<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        await acquire()
        defer { release() }
        return try await body()
    }

    private func acquire() async {
        if !busy {
            busy = true
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    private func release() {
        if waiting.isEmpty {
            busy = false
        } else {
            waiting.removeFirst().resume()
        }
    }
}

/// A thread-safe counter for progress.
private final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0

    func increment() -> Int {
        lock.withLock {
            value += 1; return value
        }
    }
}
