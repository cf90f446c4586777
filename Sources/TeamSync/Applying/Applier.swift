import AccountModels
import Foundation
import Logging

/// Executes a plan against a facility provider: exactly the plan's changes, each journaled, targets in
/// parallel within a phase, failures isolated per target, and safe to rerun after any failure or crash.
///
/// What to do at each step is decided by ``ApplyDecision`` (pure); this type only performs the actions it returns
/// against the provider and the journal.
public struct Applier: Sendable {
    /// The facility back end.
    public let provider: any FacilityProvider
    /// Where every change's state is recorded.
    public let journal: any ApplyJournal
    private let now: @Sendable () -> Date
    private let log: Logger
    private let makeRunID: @Sendable () -> String

    /// Creates an applier with live defaults for the clock, the logger and run ids.
    public init(
        provider: any FacilityProvider, journal: any ApplyJournal, now: @escaping @Sendable () -> Date = { Date() },
        log: Logger = Logger(label: "teamctl.apply"),
        makeRunID: @escaping @Sendable () -> String = { UUID().uuidString.lowercased() }
    ) {
        self.provider = provider
        self.journal = journal
        self.now = now
        self.log = log
        self.makeRunID = makeRunID
    }

    /// Applies `plan`. Never throws: every problem ends up in the report, and `report.failed` says
    /// whether the command should exit non-zero.
    ///
    /// `preflight` is the caller's own read-only check before any write (for example that the plan was made
    /// by the same person); it runs together with the status and basis reads, and a reason it returns refuses
    /// the plan like theirs do.
    public func apply(
        _ plan: Plan, options: ApplyOptions = ApplyOptions(),
        preflight: @escaping @Sendable () async -> String? = { nil }
    ) async -> ApplyReport {
        func refuse(_ reason: String, moved: Bool = false) -> ApplyReport {
            log.error("apply refused", metadata: ["plan": "\(plan.planID)", "reason": "\(reason)"])
            var report = ApplyReport(
                planID: plan.planID, runID: nil, outcome: .refused, refusal: reason,
                results: plan.changes.map { ApplyReport.ChangeResult(change: $0, outcome: .notAttempted) })
            report.facilityMoved = moved
            return report
        }
        guard plan.refusals.isEmpty else {
            return refuse("the plan breaks policy: " + plan.refusals.joined(separator: "; "))
        }
        // Whatever made the plan, no change naming what the back end would read as something else is sent (a
        // username `rsato,bchen` joined into a comma-separated list is two users): the whole plan is refused first.
        let badNames = plan.changes.flatMap { provider.naming.problems(in: $0) }
        guard badNames.isEmpty else {
            return refuse(badNames.joined(separator: "; ") + "; nothing was sent")
        }
        let confirmed: Set<String>
        let attempted: Set<String>
        do {
            confirmed = try await journal.confirmedChangeIDs(planID: plan.planID)
            attempted = try await journal.attemptedChangeIDs(planID: plan.planID)
        } catch {
            return refuse("the apply journal could not be read (\(error)); check the cache and try again")
        }
        let pending = plan.changes.filter { !confirmed.contains($0.id) }
        func earlier(_ change: PlannedChange) -> ApplyReport.ChangeResult {
            ApplyReport.ChangeResult(change: change, outcome: .alreadyConfirmed)
        }
        if pending.isEmpty {
            return ApplyReport(
                planID: plan.planID, runID: nil, outcome: .succeeded, results: plan.changes.map(earlier))
        }
        // All are reads, so they go out together (round trips fewer); they are still reported in this order,
        // and none lets a write through.
        async let preflightCheck = preflight()
        async let statusCheck: String? = options.ignoreStatus ? nil : statusProblem()
        async let basisCheck: (text: String, moved: Bool)? =
            options.verifyBasis
            ? basisProblem(plan, confirmed: confirmed, attempted: attempted, options: options) : nil
        let (preflightIssue, statusIssue, basisIssue) = await (preflightCheck, statusCheck, basisCheck)
        if let problem = preflightIssue ?? statusIssue { return refuse(problem) }
        if let basisIssue { return refuse(basisIssue.text, moved: basisIssue.moved) }
        if options.dryRun {
            let results = plan.changes.map {
                confirmed.contains($0.id) ? earlier($0) : ApplyReport.ChangeResult(change: $0, outcome: .wouldApply)
            }
            return ApplyReport(planID: plan.planID, runID: nil, outcome: .dryRun, results: results)
        }

        let run = ApplyRun(
            id: makeRunID(), planID: plan.planID, startedAt: now().timeIntervalSince1970, provider: provider.name,
            facility: provider.facility, changeIDs: pending.map(\.id))
        do {
            try await journal.beginPlanned(run: run)
        } catch {
            return refuse("the apply journal could not record the run (\(error)); nothing was sent")
        }

        var byID: [String: ApplyReport.ChangeResult] = [:]
        for stage in Self.stages(pending) {
            let unitResults = await Self.boundedMap(stage, limit: options.concurrency) { unit in
                await self.runUnit(unit, run: run, attempted: attempted)
            }
            for result in unitResults.joined() { byID[result.change.id] = result }
        }
        let results = plan.changes.map { byID[$0.id] ?? earlier($0) }
        let outcome: ApplyOutcome =
            results.contains { $0.outcome == .failed || $0.outcome == .notAttempted } ? .failed : .succeeded
        do {
            try await journal.finish(run: run, outcome: outcome)
        } catch {
            log.warning("could not record the end of the run", metadata: ["error": "\(error)"])
        }
        return ApplyReport(planID: plan.planID, runID: run.id, outcome: outcome, results: results)
    }

    // MARK: Before the first write

    private func statusProblem() async -> String? {
        do {
            let status = try await provider.accountSystemStatus()
            guard !status.isActive else { return nil }
            let notes = status.notes.isEmpty ? "" : " (\(status.notes.joined(separator: "; ")))"
            return "the account system '\(status.name)' is \(status.state)\(notes); wait until it is "
                + "active, or pass --ignore-status to apply anyway"
        } catch {
            return "the facility's status could not be read (\(error)); try again, or pass --ignore-status"
        }
    }

    private func basisProblem(
        _ plan: Plan, confirmed: Set<String>, attempted: Set<String>, options: ApplyOptions
    ) async -> (text: String, moved: Bool)? {
        var grouping: [ChangeTarget: [PlannedChange]] = [:]
        for change in plan.changes { grouping[change.target, default: []].append(change) }
        let byTarget = grouping
        // People this plan adds to a project (sent before, perhaps cut off by a crash) may already show in its other
        // targets (a back end may give a newcomer the project's permissions and the member role): that is not drift.
        var joined: [String: Set<String>] = [:]
        for change in plan.changes where confirmed.contains(change.id) || attempted.contains(change.id) {
            if case .addProjectMembers(let names) = change.action {
                joined[change.project, default: []].formUnion(names)
            }
        }
        let joiners = joined
        let toCheck = byTarget.keys.sorted().filter { target in
            byTarget[target, default: []].contains { !confirmed.contains($0.id) }
        }
        let problems = await Self.boundedMap(toCheck, limit: options.concurrency) { target -> (String, Bool)? in
            do {
                let current = try await self.provider.read(target)
                return Self.drift(
                    target: target, basis: plan.basis, changes: byTarget[target, default: []], confirmed: confirmed,
                    attempted: attempted, current: current, joined: target.project.flatMap { joiners[$0] } ?? []
                ).map { ($0, true) }
            } catch {
                return ("\(describe(target)) could not be re-read (\(error))", false)
            }
        }.compactMap { $0 }
        guard !problems.isEmpty else { return nil }
        let text =
            "the facility changed since the plan was made: " + problems.map(\.0).joined(separator: "; ")
            + "; refresh and make a new plan"
        return (text, problems.contains { $0.1 })
    }

    /// How a target differs from what the plan expects: its basis with confirmed changes applied, where changes
    /// sent but never confirmed (a crash or an ambiguous failure) may or may not be in effect. Nil when the target
    /// is as expected.
    static func drift(
        target: ChangeTarget, basis: PlanBasis, changes: [PlannedChange], confirmed: Set<String>,
        attempted: Set<String>, current: TargetState, joined: Set<String> = []
    ) -> String? {
        var expected = basis.targets[target.key] ?? TargetState(exists: false)
        var mayExist = false
        var uncertain: Set<String> = []
        for change in changes {
            if confirmed.contains(change.id) {
                expected = change.applied(to: expected)
            } else if attempted.contains(change.id) {
                let after = change.applied(to: expected)
                if after.exists && !expected.exists { mayExist = true }
                uncertain.formUnion(after.values.symmetricDifference(expected.values))
            }
        }
        let name = describe(target)
        guard current.exists else { return expected.exists ? "\(name) no longer exists" : nil }
        if !expected.exists && !mayExist { return "\(name) now exists, but did not when the plan was made" }
        // A roster's values are the joiners themselves: those must match the basis and its changes exactly.
        if !joined.isEmpty, target != .roster(project: target.project ?? "") {
            uncertain.formUnion(current.values.filter { joined.contains(String(PlannedChange.subject(of: $0))) })
        }
        let added = current.values.subtracting(expected.values).subtracting(uncertain).sorted()
        let removed = expected.values.subtracting(current.values).subtracting(uncertain).sorted()
        guard !added.isEmpty || !removed.isEmpty else { return nil }
        var parts: [String] = []
        if !added.isEmpty { parts.append("gained " + added.joined(separator: ", ")) }
        if !removed.isEmpty { parts.append("lost " + removed.joined(separator: ", ")) }
        return "\(name) " + parts.joined(separator: " and ")
    }

    // MARK: Writing

    /// The plan's phases in order (see ``ChangePhase``); within a phase, one unit per target whose changes run in
    /// plan order.
    static func stages(_ changes: [PlannedChange]) -> [[[PlannedChange]]] {
        var stages: [ChangePhase: [ChangeTarget: [PlannedChange]]] = [:]
        var order: [ChangePhase: [ChangeTarget]] = [:]
        for change in changes {
            if stages[change.phase]?[change.target] == nil { order[change.phase, default: []].append(change.target) }
            stages[change.phase, default: [:]][change.target, default: []].append(change)
        }
        return ChangePhase.allCases.compactMap { phase in
            guard let targets = order[phase] else { return nil }
            return targets.map { stages[phase]?[$0] ?? [] }
        }
    }

    private func runUnit(
        _ changes: [PlannedChange], run: ApplyRun, attempted: Set<String>
    ) async -> [ApplyReport.ChangeResult] {
        var results: [ApplyReport.ChangeResult] = []
        var blocked: String?
        for change in changes {
            if let blocked {
                results.append(ApplyReport.ChangeResult(change: change, outcome: .notAttempted, detail: blocked))
                continue
            }
            let result = await execute(change, run: run, attemptedBefore: attempted.contains(change.id))
            results.append(result)
            if case .createGroup(let group) = change.action, result.outcome == .failed {
                blocked = "not sent: group \(group) was not created"
            }
        }
        return results
    }

    /// Runs one change to its end: asks ``ApplyDecision`` what to do, does it, and tells it what happened.
    private func execute(
        _ change: PlannedChange, run: ApplyRun, attemptedBefore: Bool
    ) async -> ApplyReport.ChangeResult {
        var decision = ApplyDecision(change: change)
        var action = decision.next(after: .begin(attemptedBefore: attemptedBefore))
        var requests = 0
        while true {
            switch action {
            case .send:
                guard await record(run, change, .sent, nil) else {
                    return ApplyReport.ChangeResult(
                        change: change, outcome: .failed, detail: "not sent: the journal could not record it",
                        requests: requests)
                }
                log.info("sending", metadata: ["change": "\(change.id)"])
                requests += 1
                do {
                    action = decision.next(after: .answered(try await provider.perform(change)))
                } catch {
                    let failure = Self.classify(error)
                    if failure != .definite {
                        log.warning(
                            "no clear answer; re-reading", metadata: ["change": "\(change.id)", "error": "\(error)"])
                    }
                    action = decision.next(after: .failed(failure, "\(error)"))
                }
            case .reread:
                do {
                    action = decision.next(after: .reread(try await provider.read(change.target)))
                } catch {
                    log.warning("re-read failed", metadata: ["change": "\(change.id)", "error": "\(error)"])
                    action = decision.next(after: .rereadFailed("\(error)"))
                }
            case .confirm(let detail):
                await record(run, change, .confirmed, detail)
                log.info("confirmed", metadata: ["change": "\(change.id)"])
                return ApplyReport.ChangeResult(change: change, outcome: .confirmed, detail: detail, requests: requests)
            case .fail(let detail):
                log.error("failed", metadata: ["change": "\(change.id)", "detail": "\(detail)"])
                await record(run, change, .failed, detail)
                return ApplyReport.ChangeResult(change: change, outcome: .failed, detail: detail, requests: requests)
            }
        }
    }

    /// What an error means for the change it failed.
    static func classify(_ error: any Error) -> ApplyFailure {
        guard let reporting = error as? any ChangeFailureReporting else { return .definite }
        if reporting.isAlreadyExists { return .alreadyExists }
        return reporting.isAmbiguous ? .ambiguous : .definite
    }

    @discardableResult
    private func record(_ run: ApplyRun, _ change: PlannedChange, _ state: ChangeState, _ detail: String?) async -> Bool
    {
        do {
            try await journal.record(runID: run.id, changeID: change.id, state: state, detail: detail)
            return true
        } catch {
            log.error("journal write failed", metadata: ["change": "\(change.id)", "error": "\(error)"])
            return false
        }
    }

    /// Runs `body` over `items` with at most `limit` at once; results keep the items' order.
    static func boundedMap<T: Sendable, R: Sendable>(
        _ items: [T], limit: Int, _ body: @escaping @Sendable (T) async -> R
    ) async -> [R] {
        await withTaskGroup(of: (Int, R).self) { group in
            var results = [R?](repeating: nil, count: items.count)
            var next = 0
            while next < min(max(1, limit), items.count) {
                let index = next
                group.addTask { (index, await body(items[index])) }
                next += 1
            }
            while let (index, result) = await group.next() {
                results[index] = result
                if next < items.count {
                    let index = next
                    group.addTask { (index, await body(items[index])) }
                    next += 1
                }
            }
            return results.compactMap { $0 }
        }
    }
}
