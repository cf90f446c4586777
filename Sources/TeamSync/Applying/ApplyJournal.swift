import Foundation

/// Where a planned change stands in one apply run.
public enum ChangeState: String, Sendable, Codable, Hashable, CaseIterable {
    /// Recorded at the start of the run; nothing sent yet.
    case planned
    /// The request is about to go out; after a crash the change may or may not have taken effect.
    case sent
    /// The facility's answer (or a re-read) shows the change in effect.
    case confirmed
    /// The facility refused the change, or it could not be confirmed after a retry.
    case failed
}

/// How an apply run ended.
public enum ApplyOutcome: String, Sendable, Codable, Hashable {
    /// Every change is confirmed (now or in an earlier run of the same plan).
    case succeeded
    /// At least one change failed or was not attempted; rerunning the same plan resumes.
    case failed
    /// Nothing was sent: a policy refusal, the account system's status, a changed facility, or the journal.
    case refused
    /// `--dry-run`: reads only; nothing was sent and nothing journaled.
    case dryRun
}

/// One apply run of one plan, as the journal records it.
public struct ApplyRun: Sendable, Codable, Hashable {
    /// A unique id for this run.
    public var id: String
    /// The plan's `planID`; runs of the same plan share it.
    public var planID: String
    /// When the run started, seconds since 1970.
    public var startedAt: Double
    /// The provider's `name`.
    public var provider: String
    /// The facility profile the run wrote to, e.g. `nersc`.
    public var facility: String
    /// The changes this run will attempt (those not confirmed by an earlier run), in order.
    public var changeIDs: [String]

    /// Creates a run record.
    public init(id: String, planID: String, startedAt: Double, provider: String, facility: String, changeIDs: [String])
    {
        self.id = id
        self.planID = planID
        self.startedAt = startedAt
        self.provider = provider
        self.facility = facility
        self.changeIDs = changeIDs
    }
}

/// Durable record of every change an apply run makes, so a rerun after a failure or a crash converges
/// without repeating confirmed changes. The cache provides the SQLite implementation.
public protocol ApplyJournal: Sendable {
    /// Records that a run starts.
    func begin(run: ApplyRun) async throws
    /// Records that a run starts with every change in `run.changeIDs` planned: ``begin(run:)`` and a
    /// ``ChangeState/planned`` record per change, which a durable journal writes in one step.
    func beginPlanned(run: ApplyRun) async throws
    /// Records a change's new state in a run, with the facility's answer or the error, if any.
    func record(runID: String, changeID: String, state: ChangeState, detail: String?) async throws
    /// The ids of changes of this plan confirmed in any run.
    func confirmedChangeIDs(planID: String) async throws -> Set<String>
    /// The ids of changes of this plan that some run sent (whatever came of it): they may be in effect.
    func attemptedChangeIDs(planID: String) async throws -> Set<String>
    /// Records how a run ended.
    func finish(run: ApplyRun, outcome: ApplyOutcome) async throws
}

extension ApplyJournal {
    /// Begins the run, then records each change as planned, one call at a time.
    public func beginPlanned(run: ApplyRun) async throws {
        try await begin(run: run)
        for changeID in run.changeIDs {
            try await record(runID: run.id, changeID: changeID, state: .planned, detail: nil)
        }
    }
}

/// An apply journal kept in memory, for tests and for runs that need no durability.
public actor InMemoryApplyJournal: ApplyJournal {
    /// One recorded state change.
    public struct Entry: Sendable, Hashable {
        /// The run that recorded it.
        public var runID: String
        /// The change.
        public var changeID: String
        /// The state recorded.
        public var state: ChangeState
        /// The facility's answer or the error.
        public var detail: String?
    }

    /// Every run begun, in order.
    public private(set) var runs: [ApplyRun] = []
    /// Every state change recorded, in order.
    public private(set) var entries: [Entry] = []
    /// How each run ended, by run id.
    public private(set) var outcomes: [String: ApplyOutcome] = [:]

    /// Creates an empty journal.
    public init() {}

    public func begin(run: ApplyRun) async throws { runs.append(run) }

    public func record(runID: String, changeID: String, state: ChangeState, detail: String?) async throws {
        entries.append(Entry(runID: runID, changeID: changeID, state: state, detail: detail))
    }

    public func confirmedChangeIDs(planID: String) async throws -> Set<String> {
        ids(planID: planID, states: [.confirmed])
    }

    public func attemptedChangeIDs(planID: String) async throws -> Set<String> {
        ids(planID: planID, states: [.sent, .confirmed, .failed])
    }

    public func finish(run: ApplyRun, outcome: ApplyOutcome) async throws { outcomes[run.id] = outcome }

    /// The states recorded for one change, across runs, in order.
    public func states(of changeID: String) -> [ChangeState] {
        entries.filter { $0.changeID == changeID }.map(\.state)
    }

    private func ids(planID: String, states: Set<ChangeState>) -> Set<String> {
        let runIDs = Set(runs.filter { $0.planID == planID }.map(\.id))
        return Set(entries.filter { runIDs.contains($0.runID) && states.contains($0.state) }.map(\.changeID))
    }
}
