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
        return migrator
    }
}
