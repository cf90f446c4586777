import AccountModels

/// A facility back end, as planning and applying see it: what it can observe and write, how it words manual
/// items, and a handful of calls. Everything one back end needs (client, wire types, authentication, readers)
/// lives in its own folder under `Providers/`; ``ProviderFactory`` is the one place that picks one.
///
/// Planning never calls a provider (it is a pure function of the observed state this produces); the applier
/// calls ``perform(_:)`` only for changes of aspects the provider declared writable, and ``read(_:)`` to confirm.
public protocol FacilityProvider: Sendable {
    /// The back end's short name for plans, messages and the journal, e.g. `sfapi`.
    var name: String { get }
    /// The facility profile this provider talks to, e.g. `nersc`.
    var facility: String { get }
    /// What this back end can observe and write.
    var capabilities: ProviderCapabilities { get }
    /// How this back end words manual items.
    var wording: any ManualWording { get }
    /// The names this back end writes: a change naming anything else is never sent (see ``NamingRules``).
    var naming: any NamingRules { get }

    /// The account system's status: apply refuses to write while it is not active.
    func accountSystemStatus() async throws -> AccountSystemStatus
    /// Everything `teamctl status` shows: the facility's systems and current outages.
    func statusReport() async throws -> FacilityStatusReport
    /// The username the credentials act as.
    func callerName() async throws -> String
    /// Reads the facility for what the manifests need and stores it in the cache as a new snapshot (when a cache is
    /// given); with `observe`, also returns the observed state (a plan needs it; `teamctl refresh` does not).
    func refresh(
        for manifests: [TeamManifest], cache: AccountCache?, observe: Bool,
        progress: (@Sendable (RefreshProgress) -> Void)?
    ) async throws -> RefreshResult
    /// What of the manifests ``refresh(for:cache:observe:progress:)`` reads by (without `observe`), so a caller can
    /// let the rest go before the reads: on 100,000 people the whole manifests were a sixth of refresh's memory.
    func refreshScope(_ manifests: [TeamManifest]) -> [TeamManifest]
    /// The observed state from the newest snapshot in the cache; throws when there is none or it lacks what the
    /// manifests need.
    func cachedState(for manifests: [TeamManifest], cache: AccountCache) throws -> ObservedState
    /// The observed state of one snapshot in the cache (fetched at `fetchedAt`), read as ``cachedState(for:cache:)``
    /// reads the newest: what a saved plan is planned again against. Throws ``WorkflowError/snapshotNotCached(_:)``
    /// when the cache does not hold it.
    func cachedState(
        for manifests: [TeamManifest], cache: AccountCache, snapshotID: Int64, fetchedAt: Double
    ) throws -> ObservedState
    /// Every snapshot of this facility in the cache from `since` on (all when nil), read as ``cachedState(for:cache:)``
    /// reads the newest, oldest first, for `teamctl drift`; snapshots that lack what the manifests need are left out.
    /// nil: this back end keeps no snapshots teamctl can compare.
    func observedHistory(for manifests: [TeamManifest], cache: AccountCache, since: Double?) throws -> [ObservedState]?
    /// Reads the allocation figures of `projects` (empty: those the newest snapshot holds) and stores them in the
    /// cache, for `teamctl usage --refresh`.
    func refreshUsage(projects: [String], cache: AccountCache) async throws
    /// The allocation figures the cache holds, oldest first, for `teamctl usage`.
    func usageHistory(cache: AccountCache) throws -> [UsageObservation]
    /// Performs one change; returns the facility's answer, with the target's state when the answer shows it.
    func perform(_ change: PlannedChange) async throws -> ChangeAnswer
    /// Re-reads one target, to confirm a change or check that the facility has not moved.
    func read(_ target: ChangeTarget) async throws -> TargetState
}

extension FacilityProvider {
    /// Portable POSIX names, for a back end that declares no rules of its own.
    public var naming: any NamingRules { PortableNaming() }

    /// What of the manifests a refresh needs; by default all of them.
    public func refreshScope(_ manifests: [TeamManifest]) -> [TeamManifest] { manifests }

    /// By default, the snapshot with that id among those ``observedHistory(for:cache:since:)`` reads from its time on.
    public func cachedState(
        for manifests: [TeamManifest], cache: AccountCache, snapshotID: Int64, fetchedAt: Double
    ) throws -> ObservedState {
        let states = try observedHistory(for: manifests, cache: cache, since: fetchedAt - 1) ?? []
        guard let state = states.first(where: { $0.snapshotID == snapshotID }) else {
            throw WorkflowError.snapshotNotCached(snapshotID)
        }
        return state
    }

    /// No history by default.
    public func observedHistory(for manifests: [TeamManifest], cache: AccountCache, since: Double?) throws
        -> [ObservedState]?
    { nil }
}

/// What the facility answered to a change.
public struct ChangeAnswer: Sendable, Hashable {
    /// The target's state after the change, when the answer shows it (nil: the answer says nothing about it).
    public var state: TargetState?
    /// A short description for the journal, e.g. `group lumcal (gid 71234) has 6 members`.
    public var detail: String

    /// Creates an answer.
    public init(state: TargetState?, detail: String) {
        self.state = state
        self.detail = detail
    }
}

/// What a refresh read.
public struct RefreshResult: Sendable, Hashable {
    /// The facility profile read.
    public var facility: String
    /// The username the credentials belong to.
    public var caller: String
    /// The cache's id of the new snapshot (0 when not stored).
    public var snapshotID: Int64
    /// What was read, in the provider's words, e.g. `3 projects, 12 groups, 1 client`.
    public var summary: String
    /// The observed state, when the refresh was asked for it.
    public var observed: ObservedState?

    /// Creates a result.
    public init(facility: String, caller: String, snapshotID: Int64, summary: String, observed: ObservedState?) {
        self.facility = facility
        self.caller = caller
        self.snapshotID = snapshotID
        self.summary = summary
        self.observed = observed
    }
}

/// A facility's systems and outages, for `teamctl status`.
public struct FacilityStatusReport: Sendable, Hashable {
    /// One system: its name, state and first note.
    public struct System: Sendable, Hashable {
        public var name: String
        public var state: String
        public var note: String?

        /// Creates one.
        public init(name: String, state: String, note: String?) {
            self.name = name
            self.state = state
            self.note = note
        }
    }

    /// Where the systems were read, e.g. a host name.
    public var source: String
    /// The systems, sorted by name.
    public var systems: [System]
    /// Current outages, one line each.
    public var outages: [String]
    /// The account system's name, e.g. `iris`.
    public var accountSystemName: String
    /// The account system's status; nil when the facility does not list it.
    public var accountSystem: AccountSystemStatus?
    /// Why the account system is not active, when it is not.
    public var accountSystemReason: String?
    /// Who the credentials act as, one line each, where the back end can say more than a name (CSCS: the user,
    /// primary group, groups and Slurm accounts FirecREST shows); empty for the others.
    public var identity: [String] = []

    /// Creates a report.
    public init(
        source: String, systems: [System], outages: [String], accountSystemName: String,
        accountSystem: AccountSystemStatus?, accountSystemReason: String?
    ) {
        self.accountSystemName = accountSystemName
        self.source = source
        self.systems = systems
        self.outages = outages
        self.accountSystem = accountSystem
        self.accountSystemReason = accountSystemReason
    }
}

/// How far a refresh has got, for a progress bar.
public struct RefreshProgress: Sendable, Hashable {
    /// Reads finished.
    public var done: Int
    /// Reads in all.
    public var total: Int

    /// Creates a progress value.
    public init(done: Int, total: Int) {
        self.done = done
        self.total = total
    }
}

/// An error that can say what a failed write means for its change. Providers' errors conform; the applier re-reads
/// the target before deciding, so a lost answer never fails a change that took effect.
public protocol ChangeFailureReporting: Error {
    /// Whether the request may have reached the facility and taken effect (a timeout, a dropped connection).
    var isAmbiguous: Bool { get }
    /// Whether the facility said the object already exists (a create that may already be as asked).
    var isAlreadyExists: Bool { get }
}

extension ChangeFailureReporting {
    public var isAlreadyExists: Bool { false }
}

extension TransportError: ChangeFailureReporting {}

/// A change a provider was asked to perform that its capabilities do not cover: the plan is damaged or was made
/// for another back end.
public struct UnsupportedChange: Error, Sendable, Hashable, CustomStringConvertible {
    /// The change's id.
    public var changeID: String
    /// The provider's name.
    public var provider: String

    /// Creates one.
    public init(changeID: String, provider: String) {
        self.changeID = changeID
        self.provider = provider
    }

    public var description: String {
        "the \(provider) back end cannot perform change \(changeID); make the plan again for this facility"
    }
}
