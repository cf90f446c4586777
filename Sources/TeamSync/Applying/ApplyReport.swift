/// What an apply run did, change by change, and how it ended.
public struct ApplyReport: Sendable, Hashable {
    /// What became of one planned change.
    public enum ChangeOutcome: String, Sendable, Codable, Hashable, CaseIterable {
        /// Confirmed in this run.
        case confirmed
        /// Confirmed by an earlier run of the same plan; not sent again.
        case alreadyConfirmed
        /// The facility refused it, or it could not be confirmed after one retry.
        case failed
        /// Not sent because an earlier step of the same group failed (e.g. its creation).
        case notAttempted
        /// Dry run: would be sent.
        case wouldApply
    }

    /// One change and its outcome.
    public struct ChangeResult: Sendable, Hashable {
        /// The planned change.
        public var change: PlannedChange
        /// What became of it.
        public var outcome: ChangeOutcome
        /// The facility's answer, the error, or how it was confirmed.
        public var detail: String?
        /// How many write requests were sent for it (0, 1, or 2 after an ambiguous failure).
        public var requests: Int

        /// Creates a result.
        public init(change: PlannedChange, outcome: ChangeOutcome, detail: String? = nil, requests: Int = 0) {
            self.change = change
            self.outcome = outcome
            self.detail = detail
            self.requests = requests
        }
    }

    /// The plan applied.
    public var planID: String
    /// The journal's run id; nil when nothing was journaled (refused before starting, or a dry run).
    public var runID: String?
    /// How the run ended.
    public var outcome: ApplyOutcome
    /// Why nothing was sent, when the run was refused.
    public var refusal: String?
    /// Every change of the plan, in plan order.
    public var results: [ChangeResult]
    /// Whether the run was refused because the facility moved since the plan was made (a saved plan's basis no
    /// longer holds), as opposed to a target that could not be re-read.
    public var facilityMoved = false
    /// Whether the run was refused because the saved plan is not what its manifests ask for, or breaks policy
    /// (``TeamWorkflow/prove(_:check:)``).
    public var planDisproved = false

    /// Creates a report.
    public init(planID: String, runID: String?, outcome: ApplyOutcome, refusal: String? = nil, results: [ChangeResult])
    {
        self.planID = planID
        self.runID = runID
        self.outcome = outcome
        self.refusal = refusal
        self.results = results
    }

    /// The report of a plan refused before anything was sent because it does not hold: each problem named.
    public static func disproved(_ plan: Plan, problems: [String]) -> ApplyReport {
        var report = ApplyReport(
            planID: plan.planID, runID: nil, outcome: .refused,
            refusal: "the plan does not hold, so nothing was sent: " + problems.joined(separator: "; "),
            results: plan.changes.map { ChangeResult(change: $0, outcome: .notAttempted) })
        report.planDisproved = true
        return report
    }

    /// Whether the run should end with a non-zero exit: refused, or a change failed.
    public var failed: Bool { outcome == .failed || outcome == .refused }

    /// How many changes ended each way.
    public var counts: [ChangeOutcome: Int] {
        Dictionary(grouping: results, by: \.outcome).mapValues(\.count)
    }

    /// A plain summary for people: one line per change that needs attention, then a closing line.
    public func summaryText() -> String {
        if let refusal {
            return "Nothing was changed: \(refusal.escapedForTerminal)\n"
        }
        var lines: [String] = []
        for result in results where result.outcome != .alreadyConfirmed {
            let mark: String
            switch result.outcome {
            case .confirmed: mark = "ok"
            case .alreadyConfirmed: mark = "=="
            case .failed: mark = "FAILED"
            case .notAttempted: mark = "skipped"
            case .wouldApply: mark = "would"
            }
            // Ids, usernames and a facility's answer may hold anything: written out (see `escapedForTerminal`).
            var line = "  \(mark) \(result.change.id) \(result.change.usernames.joined(separator: ","))"
                .escapedForTerminal.trimmingTrailingSpaces()
            if let detail = result.detail { line += ": \(detail.escapedForTerminal)" }
            lines.append(line)
        }
        let c = counts
        var parts: [String] = []
        if outcome == .dryRun {
            parts.append("\(c[.wouldApply, default: 0]) would be sent")
        } else {
            parts.append("\(c[.confirmed, default: 0]) confirmed")
        }
        if let n = c[.alreadyConfirmed], n > 0 { parts.append("\(n) already done by an earlier run") }
        if let n = c[.failed], n > 0 { parts.append("\(n) failed") }
        if let n = c[.notAttempted], n > 0 { parts.append("\(n) not attempted") }
        var closing = "Apply of plan \(planID): " + parts.joined(separator: ", ") + "."
        switch outcome {
        case .failed:
            closing += " Fix the cause and run apply with the same plan again: confirmed changes are not repeated."
        case .dryRun:
            closing += " Dry run: nothing was sent."
        case .succeeded, .refused:
            break
        }
        lines.append(closing)
        return lines.joined(separator: "\n") + "\n"
    }
}

extension String {
    fileprivate func trimmingTrailingSpaces() -> String {
        var text = self
        while text.last == " " { text.removeLast() }
        return text
    }
}
