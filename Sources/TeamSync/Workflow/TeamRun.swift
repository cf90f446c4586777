import AccountModels
import Foundation
import Logging

/// One team across its facilities: each facility's ``TeamWorkflow``, run side by side. Reads go to every facility at
/// once; a facility that cannot be read or written is reported and never stops the others.
public struct TeamRun: Sendable {
    /// The resolved team; nil when applying a saved plan, which needs only the facilities' workflows.
    public let team: ResolvedTeam?
    /// Each facility's workflow, by facility name.
    public let workflows: [String: TeamWorkflow]

    /// Creates a run over the facilities' workflows (one per facility of `team`).
    public init(team: ResolvedTeam?, workflows: [String: TeamWorkflow]) {
        self.team = team
        self.workflows = workflows
    }

    /// The facilities, sorted.
    public var facilityNames: [String] { workflows.keys.sorted() }

    /// The team's facilities (none without a team).
    private var facilities: [ResolvedFacility] { team?.facilities ?? [] }

    /// Every facility's observed state (fresh, or the newest snapshot without `refresh`), read concurrently; a
    /// facility that fails gives its error.
    public func observe(
        refresh: Bool, progress: (@Sendable (String, RefreshProgress) -> Void)? = nil
    ) async -> [String: Result<ObservedState, any Error>] {
        // A reference as the child result, as in `each` (a tuple with a Result in it was read back corrupted by the
        // release build).
        await withTaskGroup(of: FacilityOutcome<ObservedState>.self) { group in
            for facility in facilities {
                guard let workflow = workflows[facility.name] else { continue }
                let name = facility.name
                var perFacility: (@Sendable (RefreshProgress) -> Void)?
                if let progress { perFacility = { progress(name, $0) } }
                let report = perFacility
                group.addTask {
                    do {
                        let observed = try await workflow.observe(
                            for: [facility.manifest], refresh: refresh, progress: report)
                        return FacilityOutcome(name, .success(observed))
                    } catch {
                        return FacilityOutcome(name, .failure(error))
                    }
                }
            }
            var results: [String: Result<ObservedState, any Error>] = [:]
            for await outcome in group { results[outcome.facility] = outcome.result }
            return results
        }
    }

    /// Reads every facility (concurrently) and plans each; the facilities that could not be read are in the plan's
    /// `unreadable`.
    public func plan(
        refresh: Bool, maxRemovals: Int? = nil, today: CalendarDay? = nil,
        progress: (@Sendable (String, RefreshProgress) -> Void)? = nil
    ) async throws -> TeamPlan {
        let observed = await observe(refresh: refresh, progress: progress)
        // Every facility's plan records the team manifest and its people file: apply reads both again to prove it.
        let day = today ?? CalendarDay.today(at: Date())
        let source =
            team.flatMap { PlanSource.of(team: $0.team.path, people: $0.people.path, today: day) }
            ?? PlanSource(today: day, files: [])
        var plans: [Plan] = []
        var unreadable: [TeamPlan.UnreadableFacility] = []
        for facility in facilities {
            guard let workflow = workflows[facility.name], let result = observed[facility.name] else { continue }
            switch result {
            case .success(let state):
                plans.append(
                    try await workflow.plan(
                        [facility.manifest], against: state, maxRemovals: maxRemovals, today: day, source: source))
            case .failure(let error):
                unreadable.append(TeamPlan.UnreadableFacility(facility: facility.name, reason: "\(error)"))
            }
        }
        return TeamPlan(team: team?.team.spec.name ?? "", facilities: plans, unreadable: unreadable)
    }

    /// Proves a saved team plan, facility by facility (``TeamWorkflow/prove(_:check:)``), against the team this run
    /// was made with (its manifests read again): every facility's plan must be exactly what the team asks for there
    /// and hold the policy. A facility that cannot be read to prove it is left to fail on its own.
    public func prove(_ plan: TeamPlan, maxRemovals: Int?, today: CalendarDay) async -> TeamPlanProof {
        if plan.facilities.isEmpty { return TeamPlanProof(plan: plan, proofs: [:], unreadable: [:], problems: []) }
        guard let team else {
            return TeamPlanProof(
                plan: plan, proofs: [:], unreadable: [:],
                problems: ["a saved team plan is applied only once proven against its team manifest, and none was read"]
            )
        }
        var proofs: [String: SavedPlanProof] = [:]
        var unreadable: [String: String] = [:]
        var problems: [String] = []
        for facilityPlan in plan.facilities {
            let name = facilityPlan.basis.facility
            guard let resolved = team.facilities.first(where: { $0.name == name }), let workflow = workflows[name]
            else {
                problems.append(
                    "\(NameText.plain(name)): the plan covers a facility the team manifest does not (or that this run "
                        + "leaves out)")
                continue
            }
            let proof = await workflow.prove(
                facilityPlan,
                check: SavedPlanCheck(manifests: [resolved.manifest], maxRemovals: maxRemovals, today: today))
            if proof.couldNotRead {
                unreadable[name] = proof.problems.joined(separator: "; ")
            } else if !proof.holds {
                problems += proof.problems.map { "\(name): \($0)" }
            }
            proofs[name] = proof
        }
        return TeamPlanProof(plan: plan, proofs: proofs, unreadable: unreadable, problems: problems)
    }

    /// Applies each facility's plan, all at once, under each cache's apply lock. A saved plan (`saved`) is first
    /// proven at every facility (`proof`, or ``prove(_:maxRemovals:today:)`` now) and checked against each, and
    /// refused as a whole if any facility's plan does not hold, any facility moved since it was made or the
    /// credentials are someone else's; a facility that cannot be reached fails on its own. A plan made in this run has
    /// its policy re-checked on its changes at each facility.
    public func apply(
        _ plan: TeamPlan, saved: Bool, proof: TeamPlanProof? = nil, maxRemovals: Int? = nil, today: CalendarDay? = nil,
        ignoreStatus: Bool, concurrency: Int, log: Logger = Logger(label: "teamctl.apply")
    ) async throws -> TeamApplyReport {
        var locks: [ApplyLock] = []
        defer { locks.forEach { $0.release() } }
        for path in Set(workflows.values.map(\.cache.path)).sorted() {
            locks.append(try ApplyLock.acquire(cachePath: path))
        }
        var failures: [String: String] = [:]
        for facility in plan.unreadable { failures[facility.facility] = "not read: \(facility.reason)" }
        var plans = plan.facilities.filter { !$0.changes.isEmpty }
        for facilityPlan in plans where workflows[facilityPlan.basis.facility] == nil {
            throw WorkflowError.wrongFacility(
                plan: facilityPlan.basis.facility, current: workflows.keys.sorted().joined(separator: ", "))
        }
        let day = today ?? CalendarDay.today(at: Date())
        var verdict: TeamPlanProof?
        if saved {
            let proven: TeamPlanProof
            if let proof, proof.plan == plan {
                proven = proof
            } else {
                proven = await prove(plan, maxRemovals: maxRemovals, today: day)
            }
            if !proven.holds {
                return TeamApplyReport(
                    reports: [:], failures: failures,
                    refusal: "the saved plan does not hold, so nothing was sent anywhere: "
                        + proven.problems.joined(separator: "; "))
            }
            for (facility, reason) in proven.unreadable { failures[facility] = reason }
            plans.removeAll { proven.unreadable[$0.basis.facility] != nil }
            verdict = proven
        }
        let proofs = verdict?.proofs ?? [:]
        let checks = Dictionary(
            (team?.facilities ?? []).map {
                ($0.name, SavedPlanCheck(manifests: [$0.manifest], maxRemovals: maxRemovals, today: day))
            }, uniquingKeysWith: { first, _ in first })
        if saved {
            let checks = await each(plans) { workflow, facilityPlan in
                try await workflow.apply(
                    facilityPlan, saved: true, proof: proofs[facilityPlan.basis.facility], ignoreStatus: true,
                    concurrency: concurrency, lockHeld: true, checkOnly: true, log: log)
            }
            let moved = checks.compactMap { facility, result -> String? in
                guard case .success(let report) = result, report.outcome == .refused else { return nil }
                // Only a facility that moved, or credentials of someone else, refuse the whole plan; one that cannot
                // be reached fails on its own when its apply runs.
                let otherCaller = (report.refusal ?? "").contains(WorkflowError.wrongCallerMarker)
                return report.facilityMoved || otherCaller || report.planDisproved
                    ? "\(facility): \(report.refusal ?? "refused")" : nil
            }
            if !moved.isEmpty {
                return TeamApplyReport(
                    reports: [:], failures: failures,
                    refusal: "the saved plan no longer holds, so nothing was sent anywhere: "
                        + moved.sorted().joined(separator: "; "))
            }
        }
        let results = await each(plans) { workflow, facilityPlan in
            let facility = facilityPlan.basis.facility
            return try await workflow.apply(
                facilityPlan, saved: saved, check: checks[facility], proof: proofs[facility],
                ignoreStatus: ignoreStatus,
                concurrency: concurrency, lockHeld: true, log: log)
        }
        var reports: [String: ApplyReport] = [:]
        for (facility, result) in results {
            switch result {
            case .success(let report): reports[facility] = report
            case .failure(let error): failures[facility] = "\(error)"
            }
        }
        return TeamApplyReport(reports: reports, failures: failures, refusal: nil)
    }

    /// Runs `body` for each facility plan concurrently with its workflow.
    private func each(
        _ plans: [Plan], _ body: @escaping @Sendable (TeamWorkflow, Plan) async throws -> ApplyReport
    ) async -> [(String, Result<ApplyReport, any Error>)] {
        // The child tasks hand back a reference: with `(String, Result<ApplyReport, any Error>)` as the group's
        // result type, the release build (Swift 6.3.1, Linux) read the tuple back corrupted, printing a username as
        // the facility's name, losing a facility's report, or crashing in the task group's copy of the result.
        await withTaskGroup(of: FacilityOutcome<ApplyReport>.self) { group in
            for facilityPlan in plans {
                let facility = facilityPlan.basis.facility
                guard let workflow = workflows[facility] else { continue }
                group.addTask {
                    do { return FacilityOutcome(facility, .success(try await body(workflow, facilityPlan))) } catch {
                        return FacilityOutcome(facility, .failure(error))
                    }
                }
            }
            var results: [(String, Result<ApplyReport, any Error>)] = []
            for await outcome in group { results.append((outcome.facility, outcome.result)) }
            return results.sorted { $0.0 < $1.0 }
        }
    }
}

/// The outcome of proving a saved team plan at each of its facilities.
public struct TeamPlanProof: Sendable {
    /// The plan proven.
    public let plan: TeamPlan
    /// Each facility's proof, by facility.
    public let proofs: [String: SavedPlanProof]
    /// The facilities that could not be read to prove their plan, and why: each fails on its own.
    public let unreadable: [String: String]
    /// Everything that refuses the whole plan, each prefixed by its facility; empty when it holds.
    public let problems: [String]

    /// Whether the plan may be applied (at the facilities that could be read).
    public var holds: Bool { problems.isEmpty }
}

/// One facility's outcome (a read or an apply), as a child task of ``TeamRun`` returns it.
private final class FacilityOutcome<Value: Sendable>: Sendable {
    let facility: String
    let result: Result<Value, any Error>

    init(_ facility: String, _ result: Result<Value, any Error>) {
        self.facility = facility
        self.result = result
    }
}

/// What applying a team plan did at each facility.
public struct TeamApplyReport: Sendable {
    /// Each facility's apply report, for the facilities that had changes and could be reached.
    public var reports: [String: ApplyReport]
    /// The facilities that failed before their apply could start (not read at plan time, an error), and why.
    public var failures: [String: String]
    /// Why nothing was sent at all, when the whole plan was refused.
    public var refusal: String?

    /// Creates a report.
    public init(reports: [String: ApplyReport], failures: [String: String], refusal: String?) {
        self.reports = reports
        self.failures = failures
        self.refusal = refusal
    }

    /// Whether any facility failed, or the whole plan was refused.
    public var failed: Bool { refusal != nil || !failures.isEmpty || reports.values.contains(where: \.failed) }

    /// The outcome at each facility, one line each, then the total.
    public func summaryText() -> String {
        if let refusal { return "Refused: \(refusal.escapedForTerminal)" }
        var lines: [String] = []
        for facility in Set(reports.keys).union(failures.keys).sorted() {
            if let report = reports[facility] {
                lines.append("== \(facility) ==")
                lines.append(report.summaryText())
            } else if let failure = failures[facility] {
                lines.append("== \(facility) ==")
                lines.append("Failed: \(String(describing: failure).escapedForTerminal)")
            }
        }
        let failedAt = Set(failures.keys).union(reports.filter { $0.value.failed }.keys).sorted()
        lines.append(
            failedAt.isEmpty
                ? "Team: every facility applied."
                : "Team: failed at \(failedAt.joined(separator: ", ")); the other facilities were applied. "
                    + "Run apply again once the cause is fixed: confirmed changes are not sent twice.")
        return lines.joined(separator: "\n")
    }
}
