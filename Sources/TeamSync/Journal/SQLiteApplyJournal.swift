import Foundation
import GRDB

/// The apply journal kept in the account cache: every change of every run, as planned, sent,
/// confirmed or failed, with the facility's answer. A rerun of the same plan reads it to skip what
/// is already confirmed; `teamctl history` reads it to list past applies.
public struct SQLiteApplyJournal: ApplyJournal {
    private let dbWriter: any DatabaseWriter
    private let now: @Sendable () -> Date
    private let planJSON: String?

    /// Creates a journal over a database whose schema includes ``JournalSchema``. `plan`: the JSON of the plan the
    /// runs apply, stored with each run as it begins, so a run that dies half-way still says what it sent
    /// (`teamctl drift` leaves those changes out).
    public init(dbWriter: any DatabaseWriter, now: @escaping @Sendable () -> Date = Date.init, plan: Data? = nil) {
        self.dbWriter = dbWriter
        self.now = now
        self.planJSON = plan.map { String(decoding: $0, as: UTF8.self) }
    }

    public func begin(run: ApplyRun) async throws {
        try await begin(run: run, planned: false)
    }

    /// One transaction for the run and every planned record: each commit waits for the disk, and
    /// committing one per change kept a large apply's first write waiting (70 changes, 70 syncs).
    public func beginPlanned(run: ApplyRun) async throws {
        try await begin(run: run, planned: true)
    }

    private func begin(run: ApplyRun, planned: Bool) async throws {
        let changeIDs = String(decoding: try JSONEncoder().encode(run.changeIDs), as: UTF8.self)
        let at = now().timeIntervalSince1970
        try await dbWriter.write { db in
            try db.execute(
                sql: """
                    INSERT INTO apply_run (id, plan_id, started_at, provider, facility, change_ids, outcome, plan_json)
                    VALUES (?, ?, ?, ?, ?, ?, NULL, ?)
                    """,
                arguments: [run.id, run.planID, run.startedAt, run.provider, run.facility, changeIDs, planJSON])
            guard planned else { return }
            let insert = try db.cachedStatement(
                sql: "INSERT INTO apply_event (run_id, change_id, state, detail, at) VALUES (?, ?, ?, NULL, ?)")
            for changeID in run.changeIDs {
                try insert.execute(arguments: [run.id, changeID, ChangeState.planned.rawValue, at])
            }
        }
    }

    /// Records one change's step. The detail is facility words as often as teamctl's: it is stored without any secret
    /// (``Redaction``) and cut to ``maxDetailLength`` characters, whatever the caller passed.
    public func record(runID: String, changeID: String, state: ChangeState, detail: String?) async throws {
        let detail = detail.map(Self.storable)
        let at = now().timeIntervalSince1970
        try await dbWriter.write { db in
            try db.execute(
                sql: "INSERT INTO apply_event (run_id, change_id, state, detail, at) VALUES (?, ?, ?, ?, ?)",
                arguments: [runID, changeID, state.rawValue, detail, at])
        }
    }

    /// The longest detail stored, in characters.
    public static let maxDetailLength = 2000

    /// A detail as the journal keeps it: redacted, then cut.
    static func storable(_ detail: String) -> String {
        let redacted = Redaction.redact(String(detail.prefix(Redaction.window)))
        return redacted.count > maxDetailLength ? String(redacted.prefix(maxDetailLength)) + "..." : redacted
    }

    public func confirmedChangeIDs(planID: String) async throws -> Set<String> {
        try await changeIDs(planID: planID, states: [.confirmed])
    }

    public func attemptedChangeIDs(planID: String) async throws -> Set<String> {
        try await changeIDs(planID: planID, states: [.sent, .confirmed, .failed])
    }

    public func finish(run: ApplyRun, outcome: ApplyOutcome) async throws {
        let at = now().timeIntervalSince1970
        try await dbWriter.write { db in
            try db.execute(
                sql: "UPDATE apply_run SET outcome = ?, finished_at = ? WHERE id = ?",
                arguments: [outcome.rawValue, at, run.id])
        }
    }

    private func changeIDs(planID: String, states: [ChangeState]) async throws -> Set<String> {
        let placeholders = states.map { _ in "?" }.joined(separator: ", ")
        var arguments: StatementArguments = [planID]
        arguments += StatementArguments(states.map(\.rawValue))
        return try await dbWriter.read { [arguments] db in
            Set(
                try String.fetchAll(
                    db,
                    sql: """
                        SELECT DISTINCT e.change_id FROM apply_event e JOIN apply_run r ON r.id = e.run_id
                        WHERE r.plan_id = ? AND e.state IN (\(placeholders))
                        """,
                    arguments: arguments))
        }
    }

    // MARK: Drift

    /// Every change of `facility` an apply sent, with when it was first sent or confirmed, from the plans the runs
    /// stored (a run without its plan borrows one from another run of the same plan): what `teamctl drift` leaves
    /// out. A change only planned, never sent, changed nothing.
    public func appliedChanges(facility: String) async throws -> [AppliedChange] {
        struct Sent: Sendable {
            var planID: String
            var changeID: String
            var at: Double
        }
        let (sent, plansByID) = try await dbWriter.read { db in
            let sent = try Row.fetchAll(
                db,
                sql: """
                    SELECT r.plan_id, e.change_id, MIN(e.at) AS at FROM apply_run r
                    JOIN apply_event e ON e.run_id = r.id
                    WHERE e.state IN ('sent', 'confirmed')
                    GROUP BY r.id, e.change_id
                    """
            ).map { Sent(planID: $0["plan_id"], changeID: $0["change_id"], at: $0["at"]) }
            var plans: [String: String] = [:]
            for row in try Row.fetchAll(
                db, sql: "SELECT plan_id, plan_json FROM apply_run WHERE plan_json IS NOT NULL ORDER BY started_at")
            {
                plans[row["plan_id"]] = row["plan_json"]
            }
            return (sent, plans)
        }
        var changes: [String: [String: PlannedChange]] = [:]
        for (planID, json) in plansByID {
            // A plan stored by a teamctl this one cannot read explains nothing; its changes show as drift.
            guard let plan = try? Plan.load(from: Data(json.utf8)) else { continue }
            changes[planID] = Dictionary(plan.changes.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        }
        return sent.compactMap { sent in
            guard let change = changes[sent.planID]?[sent.changeID], change.facility == facility else { return nil }
            return AppliedChange(at: sent.at, change: change)
        }
    }

    // MARK: History

    /// One past apply run, for `teamctl history`.
    public struct RunSummary: Sendable, Hashable, Codable {
        public var id: String
        public var planID: String
        public var startedAt: Double
        public var finishedAt: Double?
        public var provider: String
        /// nil while running, or when the process died before finishing.
        public var outcome: String?
        public var confirmed: Int
        public var failed: Int
        public var changes: Int
    }

    /// One recorded state of one change.
    public struct Event: Sendable, Hashable, Codable {
        public var changeID: String
        public var state: String
        public var detail: String?
        public var at: Double
    }

    /// The most recent runs, newest first.
    public func runs(limit: Int = 50) async throws -> [RunSummary] {
        try await dbWriter.read { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT r.id, r.plan_id, r.started_at, r.finished_at, r.provider, r.outcome, r.change_ids,
                      (SELECT COUNT(DISTINCT change_id) FROM apply_event WHERE run_id = r.id AND state = 'confirmed') AS confirmed,
                      (SELECT COUNT(DISTINCT change_id) FROM apply_event WHERE run_id = r.id AND state = 'failed') AS failed
                    FROM apply_run r ORDER BY r.started_at DESC, r.rowid DESC LIMIT ?
                    """,
                arguments: [limit])
            return rows.map { row in
                let ids =
                    (try? JSONDecoder().decode([String].self, from: Data((row["change_ids"] as String? ?? "[]").utf8)))
                    ?? []
                return RunSummary(
                    id: row["id"], planID: row["plan_id"], startedAt: row["started_at"], finishedAt: row["finished_at"],
                    provider: row["provider"], outcome: row["outcome"], confirmed: row["confirmed"],
                    failed: row["failed"], changes: ids.count)
            }
        }
    }

    /// Every event of one run, in the order recorded. `runID` may be a unique prefix.
    public func events(runID: String) async throws -> (run: String, events: [Event])? {
        try await dbWriter.read { db in
            let matches = try String.fetchAll(
                db, sql: "SELECT id FROM apply_run WHERE id = ? OR id LIKE ? ORDER BY started_at",
                arguments: [runID, runID + "%"])
            guard let id = matches.first(where: { $0 == runID }) ?? (matches.count == 1 ? matches.first : nil) else {
                return nil
            }
            let events = try Row.fetchAll(
                db, sql: "SELECT change_id, state, detail, at FROM apply_event WHERE run_id = ? ORDER BY id",
                arguments: [id]
            ).map { Event(changeID: $0["change_id"], state: $0["state"], detail: $0["detail"], at: $0["at"]) }
            return (id, events)
        }
    }

    // MARK: Acknowledged manual items

    /// Records that a person did unverifiable manual items (e.g. granted a permission in Iris).
    public func acknowledge(itemIDs: [String], note: String?) async throws {
        let at = now().timeIntervalSince1970
        try await dbWriter.write { db in
            for id in itemIDs {
                try db.execute(
                    sql: "INSERT OR REPLACE INTO manual_ack (item_id, acknowledged_at, note) VALUES (?, ?, ?)",
                    arguments: [id, at, note])
            }
        }
    }

    /// The manual items people have marked done.
    public func acknowledgedItemIDs() async throws -> Set<String> {
        try await dbWriter.read { db in Set(try String.fetchAll(db, sql: "SELECT item_id FROM manual_ack")) }
    }
}

/// The journal's tables, registered in the cache's migrator.
public enum JournalSchema {
    /// Adds the journal's migrations to `migrator`.
    public static func register(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v2-apply-journal") { db in
            try db.execute(
                sql: """
                    CREATE TABLE apply_run (
                      id TEXT PRIMARY KEY NOT NULL,
                      plan_id TEXT NOT NULL,
                      started_at DOUBLE NOT NULL,
                      finished_at DOUBLE,
                      provider TEXT NOT NULL,
                      change_ids TEXT NOT NULL,
                      outcome TEXT,
                      plan_json TEXT
                    );
                    CREATE INDEX apply_run_plan ON apply_run(plan_id);
                    CREATE TABLE apply_event (
                      id INTEGER PRIMARY KEY AUTOINCREMENT,
                      run_id TEXT NOT NULL REFERENCES apply_run(id),
                      change_id TEXT NOT NULL,
                      state TEXT NOT NULL,
                      detail TEXT,
                      at DOUBLE NOT NULL
                    );
                    CREATE INDEX apply_event_run ON apply_event(run_id);
                    CREATE TABLE manual_ack (
                      item_id TEXT PRIMARY KEY NOT NULL,
                      acknowledged_at DOUBLE NOT NULL,
                      note TEXT
                    );
                    """)
        }
    }
}
