import GRDB

/// Everyone ever seen in each group, kept as a summary beside the snapshots.
///
/// A plan asks who was ever in a project's groups (to keep a "remove from the project" item for someone
/// who left every group). Answering that from the snapshots meant reading every member row of every snapshot
/// ever stored: on 5,000 people and five refreshes, 150,000 rows and a third of `teamctl plan`; after a
/// year of daily refreshes, seconds. The summary has one row per group and person, whatever the history's length.
extension AccountCache {
    /// Creates the summary and fills it from the snapshots already stored.
    static func registerSeenMembers(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v3-seen-group-members") { db in
            try db.execute(
                sql: """
                    CREATE TABLE seen_group_member (
                        facility TEXT NOT NULL,
                        group_name TEXT NOT NULL,
                        username TEXT NOT NULL,
                        first_seen REAL NOT NULL,
                        PRIMARY KEY (facility, group_name, username)
                    ) WITHOUT ROWID;
                    INSERT INTO seen_group_member (facility, group_name, username, first_seen)
                        SELECT s.facility, m.group_name, m.username, MIN(m.fetched_at)
                        FROM observed_group_member m JOIN snapshot s ON s.id = m.snapshot_id
                        GROUP BY s.facility, m.group_name, m.username;
                    """)
        }
    }

    /// Adds the members of a snapshot just stored (in the same transaction) to the summary.
    static func recordSeenMembers(snapshotID id: Int64, facility: String, _ db: Database) throws {
        try db.execute(
            sql: """
                INSERT OR IGNORE INTO seen_group_member (facility, group_name, username, first_seen)
                    SELECT ?, group_name, username, fetched_at FROM observed_group_member WHERE snapshot_id = ?
                """,
            arguments: [facility, id])
    }

    /// For each of `groups`, everyone any stored snapshot of `facility` showed in it; with `snapshotID`, only
    /// those that snapshot does not show in it (the ones who left). One query, so a plan over many manifests
    /// reads the summary once; the filtering is done by SQLite, so a plan decodes only the few who left.
    public func usernamesEverSeen(
        inGroups groups: [String], facility: String, notIn snapshotID: Int64? = nil
    ) throws -> [String: Set<String>] {
        guard !groups.isEmpty else { return [:] }
        let placeholders = groups.map { _ in "?" }.joined(separator: ", ")
        var arguments: StatementArguments = [facility]
        arguments += StatementArguments(groups)
        var sql = """
            SELECT s.group_name, s.username FROM seen_group_member s
            WHERE s.facility = ? AND s.group_name IN (\(placeholders))
            """
        if let snapshotID {
            sql += """

                AND NOT EXISTS (
                    SELECT 1 FROM observed_group_member m
                    WHERE m.snapshot_id = ? AND m.group_name = s.group_name AND m.username = s.username)
                """
            arguments += [snapshotID]
        }
        return try dbWriter.read { [sql, arguments] db in
            var seen: [String: Set<String>] = [:]
            let rows = try Row.fetchCursor(db, sql: sql, arguments: arguments)
            while let row = try rows.next() {
                seen[row[0] as String, default: []].insert(row[1] as String)
            }
            return seen
        }
    }
}
