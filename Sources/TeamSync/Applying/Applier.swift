import AccountModels
import Foundation
import Logging

/// Errors the applier raises for changes it cannot send at all.
public enum ApplyError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The provider cannot perform this kind of change.
    case unsupported(kind: PlannedChange.Kind, provider: String)
    /// A group change without a group name: the plan is damaged.
    case malformedChange(id: String)

    public var description: String {
        switch self {
        case .unsupported(let kind, let provider):
            return "the \(provider) provider cannot perform \(kind.rawValue); do it by hand in Iris"
        case .malformedChange(let id): return "change \(id) names no group; make the plan again"
        }
    }
}

/// Executes a plan against a facility provider: exactly the plan's changes, each journaled, groups in
/// parallel, failures isolated per group, and safe to rerun after any failure or crash.
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
        func refuse(_ reason: String) -> ApplyReport {
            log.error("apply refused", metadata: ["plan": "\(plan.planID)", "reason": "\(reason)"])
            return ApplyReport(
                planID: plan.planID, runID: nil, outcome: .refused, refusal: reason,
                results: plan.changes.map { ApplyReport.ChangeResult(change: $0, outcome: .notAttempted) })
        }
        guard plan.refusals.isEmpty else {
            return refuse("the plan breaks policy: " + plan.refusals.joined(separator: "; "))
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
        async let basisCheck: String? =
            options.verifyBasis
            ? basisProblem(plan, confirmed: confirmed, attempted: attempted, options: options) : nil
        let (preflightIssue, statusIssue, basisIssue) = await (preflightCheck, statusCheck, basisCheck)
        if let problem = preflightIssue ?? statusIssue ?? basisIssue { return refuse(problem) }
        if options.dryRun {
            let results = plan.changes.map {
                confirmed.contains($0.id) ? earlier($0) : ApplyReport.ChangeResult(change: $0, outcome: .wouldApply)
            }
            return ApplyReport(planID: plan.planID, runID: nil, outcome: .dryRun, results: results)
        }

        let run = ApplyRun(
            id: makeRunID(), planID: plan.planID, startedAt: now().timeIntervalSince1970, provider: provider.name,
            changeIDs: pending.map(\.id))
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
            guard let status = try await provider.accountSystemStatus(), status.status != .active else { return nil }
            let notes = (status.notes ?? []).isEmpty ? "" : " (\((status.notes ?? []).joined(separator: "; ")))"
            return "the account system '\(status.name)' is \(status.status.rawValue)\(notes); wait until it is "
                + "active, or pass --ignore-status to apply anyway"
        } catch {
            return "the facility's status could not be read (\(error)); try again, or pass --ignore-status"
        }
    }

    private func basisProblem(
        _ plan: Plan, confirmed: Set<String>, attempted: Set<String>, options: ApplyOptions
    ) async -> String? {
        var grouping: [String: [PlannedChange]] = [:]
        for change in plan.changes {
            if let group = change.group { grouping[group, default: []].append(change) }
        }
        let byGroup = grouping
        let toCheck = byGroup.keys.sorted().filter { name in
            byGroup[name, default: []].contains { !confirmed.contains($0.id) }
        }
        let problems = await Self.boundedMap(toCheck, limit: options.concurrency) { name -> String? in
            do {
                let current = try await self.provider.readGroup(named: name)
                return Self.drift(
                    group: name, basis: plan.basis, changes: byGroup[name, default: []], confirmed: confirmed,
                    attempted: attempted, current: current)
            } catch {
                return "group \(name) could not be re-read (\(error))"
            }
        }.compactMap { $0 }
        guard !problems.isEmpty else { return nil }
        return "the facility changed since the plan was made: " + problems.joined(separator: "; ")
            + "; refresh and make a new plan"
    }

    /// How a group differs from what the plan expects: its basis with confirmed changes applied, where
    /// changes sent but never confirmed (a crash or an ambiguous failure) may or may not be in effect.
    /// Nil when the group is as expected.
    static func drift(
        group: String, basis: PlanBasis, changes: [PlannedChange], confirmed: Set<String>, attempted: Set<String>,
        current: GroupStats?
    ) -> String? {
        var exists = !basis.missingGroups.contains(group)
        var expected = Set(basis.groups[group] ?? [])
        var mayExist = false
        var mayAdd: Set<String> = []
        var mayRemove: Set<String> = []
        for change in changes {
            let done = confirmed.contains(change.id)
            let maybe = !done && attempted.contains(change.id)
            switch change.kind {
            case .createGroup:
                if done { exists = true } else if maybe { mayExist = true }
            case .addMembers:
                if done { expected.formUnion(change.usernames) } else if maybe { mayAdd.formUnion(change.usernames) }
            case .removeMembers:
                if done { expected.subtract(change.usernames) } else if maybe { mayRemove.formUnion(change.usernames) }
            case .addToProject, .removeFromProject, .setRole:
                break
            }
        }
        guard let current else { return exists ? "group \(group) no longer exists" : nil }
        if !exists && !mayExist { return "group \(group) now exists, but did not when the plan was made" }
        let members = Set(current.memberNames)
        let added = members.subtracting(expected).subtracting(mayAdd).sorted()
        let removed = expected.subtracting(members).subtracting(mayRemove).sorted()
        guard !added.isEmpty || !removed.isEmpty else { return nil }
        var parts: [String] = []
        if !added.isEmpty { parts.append("gained " + added.joined(separator: ", ")) }
        if !removed.isEmpty { parts.append("lost " + removed.joined(separator: ", ")) }
        return "group \(group) " + parts.joined(separator: " and ")
    }

    // MARK: Writing

    /// Roster additions and role changes, then groups, then roster removals; within a stage, one unit
    /// per group (or per project roster) whose changes run in order.
    static func stages(_ changes: [PlannedChange]) -> [[[PlannedChange]]] {
        var stages: [[String: [PlannedChange]]] = [[:], [:], [:]]
        var order: [[String]] = [[], [], []]
        for change in changes {
            let stage: Int
            switch change.kind {
            case .addToProject, .setRole: stage = 0
            case .createGroup, .addMembers, .removeMembers: stage = 1
            case .removeFromProject: stage = 2
            }
            let key = change.group.map { "group \($0)" } ?? "project \(change.project)"
            if stages[stage][key] == nil { order[stage].append(key) }
            stages[stage][key, default: []].append(change)
        }
        return (0..<3).map { i in order[i].map { stages[i][$0] ?? [] } }.filter { !$0.isEmpty }
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
            let result: ApplyReport.ChangeResult
            if attempted.contains(change.id), await isInEffect(change) {
                // An earlier run sent it and never heard back (a crash, a lost answer): it took effect.
                await record(run, change, .confirmed, "sent by an earlier run; a re-read shows it in effect")
                result = ApplyReport.ChangeResult(
                    change: change, outcome: .confirmed, detail: "sent by an earlier run; a re-read shows it in effect")
            } else {
                result = await execute(change, run: run)
            }
            results.append(result)
            if change.kind == .createGroup, result.outcome == .failed {
                blocked = "not sent: group \(change.group ?? "?") was not created"
            }
        }
        return results
    }

    private func execute(_ change: PlannedChange, run: ApplyRun) async -> ApplyReport.ChangeResult {
        guard await record(run, change, .sent, nil) else {
            return ApplyReport.ChangeResult(
                change: change, outcome: .failed, detail: "not sent: the journal could not record it")
        }
        log.info("sending", metadata: ["change": "\(change.id)"])
        do {
            let answer = try await perform(change)
            return await settle(change, answer: answer, run: run, requests: 1)
        } catch {
            guard (error as? any AmbiguityReporting)?.isAmbiguous == true else {
                return await fail(change, detail: "\(error)", run: run, requests: 1)
            }
            log.warning("ambiguous failure; re-reading", metadata: ["change": "\(change.id)", "error": "\(error)"])
            if await isInEffect(change) {
                await record(run, change, .confirmed, "the answer was lost (\(error)); a re-read shows it in effect")
                return ApplyReport.ChangeResult(
                    change: change, outcome: .confirmed, detail: "confirmed by re-reading after: \(error)", requests: 1)
            }
            do {
                let answer = try await perform(change)
                return await settle(change, answer: answer, run: run, requests: 2)
            } catch let retryError {
                return await fail(change, detail: "\(error); retried once: \(retryError)", run: run, requests: 2)
            }
        }
    }

    private func perform(_ change: PlannedChange) async throws -> GroupStats? {
        func group() throws -> String {
            guard let group = change.group else { throw ApplyError.malformedChange(id: change.id) }
            return group
        }
        func roster() throws -> any RosterWriting {
            guard let roster = provider as? any RosterWriting,
                provider.capabilities.writable.contains(.roster)
                    || (change.kind == .setRole && provider.capabilities.writable.contains(.roles))
            else { throw ApplyError.unsupported(kind: change.kind, provider: provider.name) }
            return roster
        }
        switch change.kind {
        case .createGroup: return try await provider.createGroup(named: try group(), project: change.project)
        case .addMembers: return try await provider.addMembers(change.usernames, to: try group())
        case .removeMembers: return try await provider.removeMembers(change.usernames, from: try group())
        case .addToProject: try await roster().addToProject(change.usernames, project: change.project)
        case .removeFromProject: try await roster().removeFromProject(change.usernames, project: change.project)
        case .setRole:
            guard let role = change.role else { throw ApplyError.malformedChange(id: change.id) }
            try await roster().setRole(role, for: change.usernames, project: change.project)
        }
        return nil
    }

    /// Confirms a change from the facility's answer: a group it returns must show the change in effect.
    private func settle(
        _ change: PlannedChange, answer: GroupStats?, run: ApplyRun, requests: Int
    ) async -> ApplyReport.ChangeResult {
        if let answer, answer.users != nil, !Self.isInEffect(change, group: answer) {
            let names =
                change.kind == .addMembers
                ? Set(change.usernames).subtracting(answer.memberNames)
                : Set(change.usernames).intersection(answer.memberNames)
            let verb = change.kind == .addMembers ? "still lacks" : "still has"
            return await fail(
                change,
                detail: "the facility answered, but group \(answer.name) \(verb) "
                    + names.sorted().joined(separator: ", "), run: run, requests: requests)
        }
        let detail = answer.map { "group \($0.name) (gid \($0.gid)) has \($0.memberNames.count) members" } ?? "done"
        await record(run, change, .confirmed, detail)
        log.info("confirmed", metadata: ["change": "\(change.id)"])
        return ApplyReport.ChangeResult(change: change, outcome: .confirmed, detail: detail, requests: requests)
    }

    private func fail(
        _ change: PlannedChange, detail: String, run: ApplyRun, requests: Int
    ) async -> ApplyReport.ChangeResult {
        log.error("failed", metadata: ["change": "\(change.id)", "detail": "\(detail)"])
        await record(run, change, .failed, detail)
        return ApplyReport.ChangeResult(change: change, outcome: .failed, detail: detail, requests: requests)
    }

    /// Re-reads the change's group and says whether the change is already in effect.
    private func isInEffect(_ change: PlannedChange) async -> Bool {
        guard let name = change.group else { return false }
        do {
            return Self.isInEffect(change, group: try await provider.readGroup(named: name))
        } catch {
            log.warning("re-read failed", metadata: ["group": "\(name)", "error": "\(error)"])
            return false
        }
    }

    static func isInEffect(_ change: PlannedChange, group: GroupStats?) -> Bool {
        guard let group else { return false }
        let members = Set(group.memberNames)
        switch change.kind {
        case .createGroup: return true
        case .addMembers: return Set(change.usernames).isSubset(of: members)
        case .removeMembers: return Set(change.usernames).isDisjoint(with: members)
        case .addToProject, .removeFromProject, .setRole: return false
        }
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
