import Foundation
import GRDB

/// When each open manual item was first planned, so a report can say how long it has waited ("open since").
extension AccountCache {
    /// Adds the table.
    static func registerManualItems(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v6-manual-item-seen") { db in
            try db.execute(
                sql: """
                    CREATE TABLE manual_item_seen (
                        item_id TEXT PRIMARY KEY NOT NULL,
                        facility TEXT NOT NULL,
                        first_seen REAL NOT NULL
                    );
                    CREATE INDEX manual_item_seen_facility ON manual_item_seen(facility);
                    """)
        }
    }

    /// Records the manual items a plan of `facility` holds now: new ones are open from `at`, known ones keep their
    /// first time, and those no longer planned are closed (a later reopening starts again). Returns each open item's
    /// first time, seconds since 1970.
    @discardableResult
    public func recordOpenManualItems(facility: String, ids: [String], at: Double, lockTimeout: Double = 2) throws
        -> [String: Double]
    {
        try withWriterLock(timeout: lockTimeout) {
            try dbWriter.write { db in
                let known = try Row.fetchAll(
                    db, sql: "SELECT item_id, first_seen FROM manual_item_seen WHERE facility = ?",
                    arguments: [facility]
                ).reduce(into: [String: Double]()) { $0[$1["item_id"]] = $1["first_seen"] }
                let open = Set(ids)
                for (id, _) in known where !open.contains(id) {
                    try db.execute(sql: "DELETE FROM manual_item_seen WHERE item_id = ?", arguments: [id])
                }
                var result: [String: Double] = [:]
                for id in open {
                    if let first = known[id] {
                        result[id] = first
                    } else {
                        try db.execute(
                            sql:
                                "INSERT OR REPLACE INTO manual_item_seen (item_id, facility, first_seen) VALUES (?, ?, ?)",
                            arguments: [id, facility, at])
                        result[id] = at
                    }
                }
                return result
            }
        }
    }

    /// Each open manual item of `facility` with when it was first planned, without changing anything.
    public func openManualItems(facility: String) throws -> [String: Double] {
        try dbWriter.read { db in
            try Row.fetchAll(
                db, sql: "SELECT item_id, first_seen FROM manual_item_seen WHERE facility = ?", arguments: [facility]
            ).reduce(into: [String: Double]()) { $0[$1["item_id"]] = $1["first_seen"] }
        }
    }
}
