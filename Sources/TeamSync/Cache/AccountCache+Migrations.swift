import GRDB

extension AccountCache {
    /// The cache's schema, one named migration per version. Append new ones; never edit a shipped one.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-snapshots") { db in
            try db.execute(
                sql: """
                    CREATE TABLE snapshot (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        fetched_at REAL NOT NULL,
                        facility TEXT NOT NULL,
                        caller TEXT NOT NULL,
                        content_hash TEXT NOT NULL,
                        missing_groups TEXT NOT NULL DEFAULT '[]'
                    );
                    CREATE INDEX snapshot_by_facility ON snapshot (facility, fetched_at);

                    CREATE TABLE observed_user (
                        snapshot_id INTEGER NOT NULL REFERENCES snapshot(id) ON DELETE CASCADE,
                        fetched_at REAL NOT NULL,
                        name TEXT NOT NULL,
                        uid INTEGER NOT NULL,
                        json TEXT NOT NULL,
                        PRIMARY KEY (snapshot_id, name)
                    );
                    CREATE TABLE observed_project (
                        snapshot_id INTEGER NOT NULL REFERENCES snapshot(id) ON DELETE CASCADE,
                        fetched_at REAL NOT NULL,
                        repo_name TEXT NOT NULL,
                        project_id INTEGER NOT NULL,
                        iris_role TEXT,
                        json TEXT NOT NULL,
                        PRIMARY KEY (snapshot_id, repo_name, project_id)
                    );
                    CREATE TABLE observed_role (
                        snapshot_id INTEGER NOT NULL REFERENCES snapshot(id) ON DELETE CASCADE,
                        position INTEGER NOT NULL,
                        fetched_at REAL NOT NULL,
                        repo_name TEXT NOT NULL,
                        iris_role TEXT,
                        json TEXT NOT NULL,
                        PRIMARY KEY (snapshot_id, position)
                    );
                    CREATE TABLE observed_group (
                        snapshot_id INTEGER NOT NULL REFERENCES snapshot(id) ON DELETE CASCADE,
                        fetched_at REAL NOT NULL,
                        name TEXT NOT NULL,
                        gid INTEGER NOT NULL,
                        member_count INTEGER,
                        json TEXT NOT NULL,
                        PRIMARY KEY (snapshot_id, name)
                    );
                    CREATE TABLE observed_group_member (
                        snapshot_id INTEGER NOT NULL REFERENCES snapshot(id) ON DELETE CASCADE,
                        fetched_at REAL NOT NULL,
                        group_name TEXT NOT NULL,
                        username TEXT NOT NULL,
                        uid INTEGER NOT NULL,
                        PRIMARY KEY (snapshot_id, group_name, username)
                    );
                    CREATE INDEX observed_group_member_by_user ON observed_group_member (username);
                    CREATE TABLE observed_client (
                        snapshot_id INTEGER NOT NULL REFERENCES snapshot(id) ON DELETE CASCADE,
                        position INTEGER NOT NULL,
                        fetched_at REAL NOT NULL,
                        client_id TEXT NOT NULL,
                        name TEXT,
                        expires_at TEXT,
                        json TEXT NOT NULL,
                        PRIMARY KEY (snapshot_id, position)
                    );
                    """)
        }
        JournalSchema.register(in: &migrator)
        registerSeenMembers(in: &migrator)
        migrator.registerMigration("v4-facility-everywhere") { db in
            // Snapshots say which back end they came from; runs say which facility they wrote to; manual-item
            // acknowledgements carry the facility in their ids, as plans of format 2 name them. Everything before
            // this came from SFAPI; a cache that held one facility's snapshots gives old runs and acks that
            // facility (a cache with several keeps each ack once per facility, since the old ids cannot tell).
            try db.execute(
                sql: """
                    ALTER TABLE snapshot ADD COLUMN provider TEXT NOT NULL DEFAULT 'sfapi';
                    ALTER TABLE apply_run ADD COLUMN facility TEXT NOT NULL DEFAULT '';
                    UPDATE apply_run SET facility = COALESCE(
                        (SELECT facility FROM snapshot GROUP BY facility ORDER BY MAX(fetched_at) DESC LIMIT 1), '');
                    INSERT OR IGNORE INTO manual_ack (item_id, acknowledged_at, note)
                        SELECT f.facility || '/' || a.item_id, a.acknowledged_at, a.note
                        FROM manual_ack a, (SELECT DISTINCT facility FROM snapshot) f
                        WHERE substr(a.item_id, 1, length(f.facility) + 1) != f.facility || '/';
                    DELETE FROM manual_ack WHERE EXISTS (SELECT 1 FROM snapshot) AND NOT EXISTS (
                        SELECT 1 FROM (SELECT DISTINCT facility FROM snapshot) f
                        WHERE substr(manual_ack.item_id, 1, length(f.facility) + 1) = f.facility || '/');
                    """)
        }
        registerPayloads(in: &migrator)
        registerManualItems(in: &migrator)
        return migrator
    }
}
