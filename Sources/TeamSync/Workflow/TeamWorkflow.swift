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
    ///
    /// The plan records what it was made from (`source`; by default the manifests' files as they are now, see
    /// ``PlanSource``), so that `apply` can make it again from the same files and compare.
    public func plan(
        _ manifests: [LoadedManifest], against observed: ObservedState, maxRemovals: Int? = nil,
        today: CalendarDay? = nil, source: PlanSource? = nil
    ) async throws -> Plan {
        let journal = SQLiteApplyJournal(dbWriter: cache.dbWriter, now: now)
        let day = today ?? CalendarDay.today(at: now())
        let options = PlanOptions(
            today: day, maxRemovalsOverride: maxRemovals, acknowledged: try await journal.acknowledgedItemIDs(),
            createdAt: now().timeIntervalSince1970, toolVersion: toolVersion,
            source: source ?? PlanSource.of(manifests: manifests.map(\.path), today: day))
        let provider = self.provider
        var plan = Planner.plan(
            manifests: manifests.map(\.manifest), observed: observed, provider: provider.name,
            capabilities: provider.capabilities, wording: provider.wording, naming: provider.naming, options: options)
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

    /// Proves a saved plan before anything is sent: it must be for this facility and back end, made for a day not
    /// after the apply's, hold every policy rule on its own changes (``SavedPlanRules/policyProblems``), and be exactly
    /// the plan its manifests give again against its snapshot (from the cache; when the cache no longer holds it, the
    /// facility is read afresh and the plan must be exactly the plan of the facility as it is now).
    ///
    /// Reads the cache and, only without the snapshot, the facility; never writes to it.
    public func prove(_ plan: Plan, check: SavedPlanCheck) async -> SavedPlanProof {
        func disproved(_ problems: [String]) -> SavedPlanProof { SavedPlanProof(plan: plan, problems: problems) }
        guard let source = plan.source else { return disproved([PlanSourceCheck.Problem.noSource.description]) }
        let provider = self.provider
        var problems: [String] = []
        if plan.basis.facility != facility {
            problems.append(WorkflowError.wrongFacility(plan: plan.basis.facility, current: facility).description)
        }
        if plan.basis.provider != provider.name {
            problems.append(
                "the plan was made for the \(NameText.plain(plan.basis.provider)) back end, but \(facility) is "
                    + "reached through \(provider.name)")
        }
        if source.today > check.today {
            problems.append(
                "the plan judges membership ends on \(source.today), after today (\(check.today)); a plan is not "
                    + "applied before the day it was made for: make a new plan")
        }
        let manifests = check.manifests.map(\.manifest)
        problems += SavedPlanRules.policyProblems(
            plan, manifests: manifests, maxRemovals: check.maxRemovals, today: check.today,
            capabilities: provider.capabilities, naming: provider.naming, provider: provider.name)
        if !problems.isEmpty { return disproved(problems) }

        var observed: ObservedState
        var sameSnapshot = true
        do {
            do {
                observed = try provider.cachedState(
                    for: manifests, cache: cache, snapshotID: plan.basis.snapshotID, fetchedAt: plan.basis.fetchedAt)
            } catch WorkflowError.snapshotNotCached {
                // A plan made elsewhere (CI's plan job, with its own cache): the facility as it is now.
                observed = try await observe(for: check.manifests, refresh: true)
                sameSnapshot = false
            }
        } catch {
            return SavedPlanProof(
                plan: plan, problems: ["the plan could not be planned again to prove it (\(error)); nothing was sent"],
                couldNotRead: true)
        }
        let again = Planner.plan(
            manifests: manifests, observed: observed, provider: provider.name, capabilities: provider.capabilities,
            wording: provider.wording, naming: provider.naming,
            options: PlanOptions(
                today: source.today, maxRemovalsOverride: check.maxRemovals, toolVersion: toolVersion, source: source))
        return disproved(SavedPlanRules.replanProblems(saved: plan, again: again, sameSnapshot: sameSnapshot))
    }

    /// Applies a plan under the cache's apply lock, journaling every change.
    ///
    /// A saved plan (`saved` true) is proven first (``prove(_:check:)``, against `check`; or `proof`, when the caller
    /// proved this very plan already), then it must be for this facility and caller, and the applier re-reads every
    /// touched target and refuses if any moved since the plan's snapshot. A saved plan with neither is refused. A
    /// plan made in this run (`saved` false) has its policy re-checked on its changes when `check` is given. With
    /// `checkOnly` it stops before the first write, as a dry run does: nothing is sent or journaled.
    ///
    /// `lockHeld`: the caller holds the cache's apply lock already (a team applying several facilities at once
    /// takes each cache's lock once, for all of them).
    public func apply(
        _ plan: Plan, saved: Bool, check: SavedPlanCheck? = nil, proof: SavedPlanProof? = nil, ignoreStatus: Bool,
        concurrency: Int, lockHeld: Bool = false, checkOnly: Bool = false, log: Logger = Logger(label: "teamctl.apply")
    ) async throws -> ApplyReport {
        try context.requireCredentials()
        if plan.basis.facility != facility {
            throw WorkflowError.wrongFacility(plan: plan.basis.facility, current: facility)
        }
        var problems: [String] = []
        if saved {
            if let proof, proof.plan == plan {
                problems = proof.problems
            } else if let check {
                problems = await prove(plan, check: check).problems
            } else {
                problems = ["a saved plan is applied only once proven against the manifests it was made from"]
            }
        } else if let check {
            problems = SavedPlanRules.policyProblems(
                plan, manifests: check.manifests.map(\.manifest), maxRemovals: check.maxRemovals, today: check.today,
                capabilities: provider.capabilities, naming: provider.naming, provider: provider.name)
        }
        if !problems.isEmpty {
            log.error("apply refused", metadata: ["plan": "\(plan.planID)", "reason": "the plan does not hold"])
            return ApplyReport.disproved(plan, problems: problems)
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
    /// The cache does not hold the snapshot a saved plan names.
    case snapshotNotCached(Int64)
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
        case .snapshotNotCached(let id):
            return "the cache does not hold snapshot \(id)"
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
