import AccountModels
import Foundation
import Logging

/// The steps every command composes: get a snapshot, make a plan, apply it. The CLI and `teamctl demo`
/// both go through here, so the demo runs exactly what users run.
public struct TeamWorkflow: Sendable {
    /// The live client, provider and settings.
    public let context: TeamctlContext
    /// The cache snapshots and the journal live in.
    public let cache: AccountCache
    /// The wall clock.
    public let now: @Sendable () -> Date
    /// The teamctl version recorded in plans.
    public let toolVersion: String

    /// Creates a workflow over a live context and an open cache.
    public init(
        context: TeamctlContext, cache: AccountCache, toolVersion: String,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.context = context
        self.cache = cache
        self.toolVersion = toolVersion
        self.now = now
    }

    /// The facility name snapshots are stored under.
    public var facility: String { context.settings.profile }

    /// The back end.
    public var provider: any FacilityProvider { context.provider }

    /// Reads the facility for the manifests and stores a new snapshot; with `observe`, also returns the observed
    /// state.
    public func refresh(
        for manifests: [LoadedManifest], observe: Bool = false,
        progress: (@Sendable (RefreshProgress) -> Void)? = nil
    ) async throws -> RefreshResult {
        try context.requireCredentials()
        return try await provider.refresh(
            for: manifests.map(\.manifest), cache: cache, observe: observe, progress: progress)
    }

    /// Reads the facility for what `scope` (``FacilityProvider/refreshScope(_:)``) names and stores a new snapshot.
    public func refresh(
        scope: [TeamManifest], progress: (@Sendable (RefreshProgress) -> Void)? = nil
    ) async throws -> RefreshResult {
        try context.requireCredentials()
        return try await provider.refresh(for: scope, cache: cache, observe: false, progress: progress)
    }

    /// The observed state: fresh (reading the facility and storing a snapshot) or, with `refresh` false, from the
    /// newest cached snapshot.
    public func observe(
        for manifests: [LoadedManifest], refresh: Bool, progress: (@Sendable (RefreshProgress) -> Void)? = nil
    ) async throws -> ObservedState {
        if refresh, let observed = try await self.refresh(for: manifests, observe: true, progress: progress).observed {
            return observed
        }
        return try provider.cachedState(for: manifests.map(\.manifest), cache: cache)
    }

    /// Plans the manifests against an observed state, leaving out manual items people acknowledged.
    public func plan(
        _ manifests: [LoadedManifest], against observed: ObservedState, maxRemovals: Int? = nil,
        today: CalendarDay? = nil
    ) async throws -> Plan {
        let journal = SQLiteApplyJournal(dbWriter: cache.dbWriter, now: now)
        let options = PlanOptions(
            today: today ?? CalendarDay.today(at: now()), maxRemovalsOverride: maxRemovals,
            acknowledged: try await journal.acknowledgedItemIDs(), createdAt: now().timeIntervalSince1970,
            toolVersion: toolVersion)
        let provider = self.provider
        var plan = Planner.plan(
            manifests: manifests.map(\.manifest), observed: observed, provider: provider.name,
            capabilities: provider.capabilities, wording: provider.wording, options: options)
        // How long each manual item has been open, for the team page; a cache that cannot take the note (busy,
        // read-only) does not stop the plan.
        _ = try? cache.recordOpenManualItems(
            facility: facility, ids: plan.manualItems.map(\.id), at: now().timeIntervalSince1970)
        guard !plan.changes.isEmpty || !plan.manualItems.isEmpty else { return plan }
        // Flag changes that undo what someone did at the facility outside teamctl in the last weeks. Drift is a
        // help to the reviewer: a cache it cannot be read from does not stop the plan.
        // Only what the plan touches is looked at, over the newest snapshots: a plan's cost stays flat in the
        // length of the history kept.
        var since = now().timeIntervalSince1970 - Double(Self.driftLookbackDays) * 86_400
        let summaries = (try? cache.snapshotSummaries(facility: facility)) ?? []
        if summaries.count > Self.driftPlanSnapshots {
            since = max(since, summaries[summaries.count - Self.driftPlanSnapshots].fetchedAt)
        }
        var touched = Set(plan.changes.compactMap(\.group))
        for item in plan.manualItems {
            if let (target, _, _) = DriftDetector.reversal(of: item), target.hasPrefix("group ") {
                touched.insert(String(target.dropFirst("group ".count)))
            }
        }
        let narrowed = manifests.map { loaded in
            var loaded = loaded
            loaded.manifest.groups = loaded.manifest.groups.filter { touched.contains($0.key) }
            return loaded
        }
        if let drift = try? await drift(manifests: narrowed, since: since, baselineSlack: 0) {
            let warnings = DriftDetector.revertWarnings(for: plan, drift: drift)
            if !warnings.isEmpty {
                plan.warnings = (plan.warnings + warnings).sorted { $0.orderKey < $1.orderKey }
                plan.summary = PlanSummary(
                    changes: plan.changes, manualItems: plan.manualItems, warnings: plan.warnings,
                    refusals: plan.refusals)
                plan.planID = plan.computedPlanID()
            }
        }
        return plan
    }

    /// How far back a plan looks for outside changes it would undo.
    public static let driftLookbackDays = 45
    /// At most how many of the newest snapshots a plan compares for them.
    public static let driftPlanSnapshots = 10

    /// Every change at this facility between the cache's snapshots from `since` on that no teamctl apply made,
    /// within what the manifests govern, newest first; nil when the back end keeps no comparable snapshots.
    /// `baselineSlack`: how much earlier than `since` to read, so the first change after `since` has a snapshot
    /// before it.
    public func drift(
        manifests: [LoadedManifest], since: Double?, baselineSlack: Double = TeamWorkflow.driftBaselineSlack
    ) async throws -> [DriftEvent]? {
        guard
            let states = try provider.observedHistory(
                for: manifests.map(\.manifest), cache: cache, since: since.map { $0 - baselineSlack })
        else { return nil }
        let applied = try await SQLiteApplyJournal(dbWriter: cache.dbWriter, now: now).appliedChanges(
            facility: facility)
        return DriftDetector.events(states: states, applied: applied, since: since)
    }

    /// How much earlier than `since` drift reads, so the first change after `since` has a snapshot before it.
    public static let driftBaselineSlack: Double = 14 * 86_400

    /// Applies a plan under the cache's apply lock, journaling every change.
    ///
    /// A saved plan (`saved` true) is checked first: it must be for this facility and caller, and the
    /// applier re-reads every touched group and refuses if any moved since the plan's snapshot. With `checkOnly`
    /// it stops there, as a dry run does: nothing is sent or journaled.
    ///
    /// `lockHeld`: the caller holds the cache's apply lock already (a team applying several facilities at once
    /// takes each cache's lock once, for all of them).
    public func apply(
        _ plan: Plan, saved: Bool, ignoreStatus: Bool, concurrency: Int, lockHeld: Bool = false,
        checkOnly: Bool = false, log: Logger = Logger(label: "teamctl.apply")
    ) async throws -> ApplyReport {
        try context.requireCredentials()
        if plan.basis.facility != facility {
            throw WorkflowError.wrongFacility(plan: plan.basis.facility, current: facility)
        }
        let lock = lockHeld ? nil : try ApplyLock.acquire(cachePath: cache.path)
        defer { lock?.release() }
        // A saved plan must be applied by the person who made it; asking the facility is a read, so it goes
        // out with the applier's status and basis reads.
        let provider = self.provider
        let sameCaller: @Sendable () async -> String? = { [expected = plan.basis.caller] in
            guard saved else { return nil }
            do {
                let caller = try await provider.callerName()
                return caller == expected ? nil : WorkflowError.wrongCaller(plan: expected, current: caller).description
            } catch {
                return "could not ask the facility who you are (\(error)); nothing was sent"
            }
        }
        let journal = SQLiteApplyJournal(
            dbWriter: cache.dbWriter, now: now, plan: context.dryRun || checkOnly ? nil : try plan.jsonData())
        let applier = Applier(provider: provider, journal: journal, now: now, log: log)
        let report = await applier.apply(
            plan,
            options: ApplyOptions(
                ignoreStatus: ignoreStatus, concurrency: concurrency, verifyBasis: saved,
                dryRun: context.dryRun || checkOnly),
            preflight: sameCaller)
        return report
    }
}

/// Why a workflow step could not start.
public enum WorkflowError: Error, Sendable, Hashable, CustomStringConvertible {
    case noSnapshot(facility: String, cache: String)
    case snapshotLacksGroups([String], snapshot: Int64)
    case wrongFacility(plan: String, current: String)
    case wrongCaller(plan: String, current: String)
    /// A team page or report was asked of a run made without a team manifest.
    case noTeam

    /// The words of ``wrongCaller(plan:current:)`` that tell it from other refusals in an apply report.
    public static let wrongCallerMarker = "but these credentials belong to"

    public var description: String {
        switch self {
        case .noSnapshot(let facility, let cache):
            return
                "no snapshot of \(facility) in \(cache) yet; run 'teamctl refresh -f MANIFEST' first, or drop --no-refresh"
        case .snapshotLacksGroups(let names, let id):
            return "snapshot \(id) was taken without reading group(s) \(names.joined(separator: ", ")); "
                + "run 'teamctl refresh -f MANIFEST' first, or drop --no-refresh"
        case .wrongFacility(let plan, let current):
            return "the plan was made for facility '\(plan)' but this run talks to '\(current)'; pass --profile \(plan)"
        case .wrongCaller(let plan, let current):
            return "the plan was made as '\(plan)' \(Self.wrongCallerMarker) '\(current)'; "
                + "apply it with the same client, or make a new plan"
        case .noTeam:
            return "this needs a team manifest (version 2) with -f"
        }
    }
}

extension CalendarDay {
    /// The UTC calendar day that contains an instant.
    public init(utcDayOf date: Date) {
        self.init(daysSinceEpoch: Int((date.timeIntervalSince1970 / 86_400).rounded(.down)))
    }

    /// The UTC calendar day that contains an instant (today, for `Date()`).
    public static func today(at date: Date) -> CalendarDay { CalendarDay(utcDayOf: date) }
}
