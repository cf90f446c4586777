import AccountModels

/// What has happened to one change so far in an apply: the input of ``ApplyDecision``.
public enum ApplyEvent: Sendable, Hashable {
    /// The change is about to be handled; `attemptedBefore` when an earlier run sent it and never confirmed it.
    case begin(attemptedBefore: Bool)
    /// The facility answered the write.
    case answered(ChangeAnswer)
    /// The write failed: how, and the error in words.
    case failed(ApplyFailure, String)
    /// A re-read of the change's target.
    case reread(TargetState)
    /// The re-read itself failed.
    case rereadFailed(String)
}

/// How a write failed, as far as the applier cares.
public enum ApplyFailure: String, Sendable, Hashable {
    /// No answer: the write may or may not have taken effect.
    case ambiguous
    /// The facility says the object already exists.
    case alreadyExists
    /// The facility refused, or the request was never sent: nothing happened.
    case definite
}

/// What the applier does next for one change: the output of ``ApplyDecision``.
public enum ApplyAction: Sendable, Hashable {
    /// Send the write.
    case send
    /// Read the target again.
    case reread
    /// The change is in effect; the words go to the journal.
    case confirm(String)
    /// The change failed; the words go to the journal and the report.
    case fail(String)
}

/// The applier's decisions, as a pure function of what happened: no I/O, so every path is tested without a
/// facility. The executor (``Applier``) performs each action against the provider and the journal and feeds the
/// outcome back as the next event.
///
/// Rules: a write whose answer was lost, or that met "already exists", is never re-sent blind: the target is
/// re-read, and the change is confirmed when the re-read shows it in effect, or sent once more otherwise (never
/// more than ``maxSends`` times in one run). A change an earlier run sent and never confirmed is re-read first.
public struct ApplyDecision: Sendable, Hashable {
    /// Why the target is being re-read.
    enum RereadReason: Sendable, Hashable {
        case earlierRun
        case lostAnswer(String)
        case alreadyExists(String)
    }

    /// The most times one run sends a change (the first time and one retry).
    public static let maxSends = 2

    /// The change decided about.
    public let change: PlannedChange
    /// How many times this run has sent it.
    public private(set) var sends = 0
    /// The last failure, for messages.
    private var lastProblem: String?
    private var rereadReason: RereadReason?

    /// Starts deciding about a change.
    public init(change: PlannedChange) { self.change = change }

    /// The next action after `event`.
    public mutating func next(after event: ApplyEvent) -> ApplyAction {
        switch event {
        case .begin(let attemptedBefore):
            if attemptedBefore {
                rereadReason = .earlierRun
                return .reread
            }
            return send()
        case .answered(let answer):
            if let state = answer.state, !change.isInEffect(in: state) {
                return .fail(
                    withRetries("the facility answered, but \(describe(change.target)) \(missing(in: state))"))
            }
            return .confirm(answer.detail)
        case .failed(.definite, let message):
            return .fail(withRetries(message))
        case .failed(.ambiguous, let message):
            lastProblem = message
            rereadReason = .lostAnswer(message)
            return .reread
        case .failed(.alreadyExists, let message):
            lastProblem = message
            rereadReason = .alreadyExists(message)
            return .reread
        case .reread(let state):
            if change.isInEffect(in: state) { return .confirm(confirmation()) }
            if case .alreadyExists(let message) = rereadReason {
                return .fail(withRetries("\(message); a re-read shows \(describe(change.target)) not as asked"))
            }
            return sends < Self.maxSends
                ? send() : .fail(withRetries("\(lastProblem ?? "not confirmed"); a re-read shows it not in effect"))
        case .rereadFailed(let message):
            if case .alreadyExists(let problem) = rereadReason {
                return .fail(withRetries("\(problem); the re-read to check it failed (\(message))"))
            }
            if sends < Self.maxSends { return send() }
            return .fail(withRetries("\(lastProblem ?? "not confirmed"); the re-read failed too (\(message))"))
        }
    }

    private mutating func send() -> ApplyAction {
        sends += 1
        return .send
    }

    private func withRetries(_ message: String) -> String {
        guard sends > 1, let lastProblem, !message.hasPrefix(lastProblem) else { return message }
        return "\(lastProblem); retried once: \(message)"
    }

    private func confirmation() -> String {
        switch rereadReason {
        case .earlierRun, nil: return "sent by an earlier run; a re-read shows it in effect"
        case .lostAnswer(let message): return "the answer was lost (\(message)); a re-read shows it in effect"
        case .alreadyExists(let message): return "\(message); a re-read shows it as asked"
        }
    }

    private func missing(in state: TargetState) -> String {
        guard state.exists else { return "does not exist" }
        let wanted = change.applied(to: state).values
        switch change.action {
        case .removeGroupMembers(_, let names), .removeProjectMembers(let names), .revokePermission(_, let names):
            return "still has " + state.values.intersection(names).sorted().joined(separator: ", ")
        default:
            return "still lacks " + wanted.subtracting(state.values).sorted().joined(separator: ", ")
        }
    }
}

/// A target in words, e.g. `group lumcal` or `the roster of m4812`.
func describe(_ target: ChangeTarget) -> String {
    switch target {
    case .group(let name): return "group \(name)"
    case .roster(let project): return "the roster of \(project)"
    case .roles(let project): return "the roles in \(project)"
    case .permission(let project, let name): return "permission \(name) in \(project)"
    case .limits(let project, let subject):
        return subject.isEmpty ? "the limits of \(project)" : "\(subject)'s limits in \(project)"
    }
}
