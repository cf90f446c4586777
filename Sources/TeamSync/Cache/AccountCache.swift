import AccountModels
import Foundation
import GRDB

/// The local SQLite cache of what teamctl read from facilities: one snapshot per refresh, with one
/// row per observed object, so plans and reports run fast, offline and with history.
///
/// WAL journal, versioned migrations, file mode 0600, and a cross-process writer lock so two teamctl
/// processes never interleave writes. Secrets are never stored.
///
/// A cache this process may not write (the file or its folder is read-only to it) or must not write (a newer teamctl
/// wrote migrations this one does not know) is opened read-only: commands that only read it work, and every write
/// (``store(_:lockTimeout:)``, the writer lock, the apply lock, the journal) is refused with ``writeRefusal``.
public final class AccountCache: Sendable {
    /// The database file.
    public let path: String
    private let pool: any DatabaseWriter
    private let lock: WriterLock

    /// Why this cache is open for reading only (``CacheError/readOnly(path:reason:)`` or
    /// ``CacheError/newerVersion(path:unknown:newestKnown:)``); nil when it may be written.
    public let writeRefusal: CacheError?

    /// What a command should tell its user on opening this cache: that a newer teamctl wrote it and it is only read;
    /// nil for an ordinary cache (a read-only file needs no word until something tries to write).
    public var warning: String? {
        guard case .newerVersion(let path, let unknown, let known)? = writeRefusal else { return nil }
        return "the cache \(path) was written by a newer teamctl (migration \(unknown.joined(separator: ", ")) "
            + "unknown; this teamctl knows up to \(known)): reading it as this version can, writing nothing; "
            + "upgrade teamctl, or use another --cache"
    }

    /// The database, so other parts of teamctl (the apply journal) can add their own tables and migrations. A cache
    /// opened read-only refuses writes through it too (SQLite's own read-only mode).
    public var dbWriter: any DatabaseWriter { pool }

    /// How long ``store(_:)`` waits for another process's write, in seconds.
    public static let defaultLockTimeout: Double = 10

    /// Opens (creating if needed) the cache at `path` and runs the migrations; a cache it may not or must not write
    /// is opened read-only instead (see ``writeRefusal``).
    public init(path: String) throws {
        self.path = path
        self.lock = WriterLock(path: path + ".lock")
        var configuration = Configuration()
        configuration.busyMode = .timeout(Self.defaultLockTimeout)
        configuration.foreignKeysEnabled = true
        configuration.label = "teamctl-cache"
        configuration.prepareDatabase { db in
            // Storing a snapshot inserts each group's members in one statement, which needs a statement
            // journal; SQLite spills those over 64 KB to a temporary file (15,000 small writes on L).
            // In memory they cost nothing of the sort.
            try db.execute(sql: "PRAGMA temp_store = MEMORY")
        }
        if let refusal = Self.writeRefusal(path: path) {
            writeRefusal = refusal
            pool = try Self.openReadOnly(path: path, configuration: configuration, refusal: refusal)
            return
        }
        writeRefusal = nil
        let directory = (path as NSString).deletingLastPathComponent
        do {
            if !directory.isEmpty, !FileManager.default.fileExists(atPath: directory) {
                try FileManager.default.createDirectory(
                    atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            }
            // Created 0600 up front: SQLite gives the -wal and -shm files the database file's mode. O_EXCL,
            // not FileManager.createFile: that writes a new file and renames it over the path, which would
            // replace a cache another process created a moment before.
            let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
            if fd >= 0 {
                close(fd)
            } else if errno != EEXIST {
                throw CacheError.cannotOpen(
                    path: path, reason: "cannot create the file: \(String(cString: strerror(errno)))")
            }
        } catch let error as CacheError {
            throw error
        } catch {
            throw CacheError.cannotOpen(path: path, reason: error.localizedDescription)
        }
        do {
            // Opening turns a new file into a WAL database, which needs SQLite's exclusive lock and fails
            // at once (no busy wait) when a second process opens the same new file: take the writer lock
            // until the file is in WAL mode.
            let opened: DatabasePool
            if Self.isInWALMode(path: path) {
                opened = try DatabasePool(path: path, configuration: configuration)
            } else {
                opened = try lock.withLock(timeout: Self.defaultLockTimeout, cachePath: path) {
                    try DatabasePool(path: path, configuration: configuration)
                }
            }
            pool = opened
            // Migrating writes, so it takes the writer lock; an up-to-date cache opens without waiting.
            if try !pool.read({ try Self.migrator.hasCompletedMigrations($0) }) {
                try lock.withLock(timeout: Self.defaultLockTimeout, cachePath: path) {
                    // A newer teamctl may have migrated it between the check above and this lock: never run older
                    // migrations over a schema this version does not know.
                    if let unknown = try? opened.read({ try Self.unknownMigrations($0) }), !unknown.isEmpty {
                        throw Self.newerVersion(path: path, unknown: unknown)
                    }
                    try Self.migrator.migrate(opened)
                }
            }
        } catch let error as CacheError {
            throw error
        } catch {
            throw CacheError.cannotOpen(path: path, reason: "\(error)")
        }
    }

    /// Why teamctl may not or must not write the cache at `path`: the file or its folder is not writable by this
    /// process, or a newer teamctl recorded migrations this one does not know. Nil when it may be written (or does
    /// not exist yet). The apply lock asks this before an apply takes it.
    public static func writeRefusal(path: String) -> CacheError? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        if access(path, W_OK) != 0 {
            let reason =
                errno == EROFS
                ? "it is on a read-only file system"
                : "the file is not writable by you (mode \(Self.mode(of: path)))"
            return .readOnly(path: path, reason: reason)
        }
        let folder = (path as NSString).deletingLastPathComponent
        if access(folder.isEmpty ? "." : folder, W_OK | X_OK) != 0 {
            let reason =
                errno == EROFS
                ? "it is on a read-only file system"
                : "its folder \(folder.isEmpty ? "." : folder) is not writable by you (SQLite keeps the cache's "
                    + "-wal, -shm and lock files there)"
            return .readOnly(path: path, reason: reason)
        }
        if let unknown = try? Self.inspect(path: path, { try Self.unknownMigrations($0) }), !unknown.isEmpty {
            return newerVersion(path: path, unknown: unknown)
        }
        return nil
    }

    /// The refusal for a cache with migrations this teamctl does not know.
    static func newerVersion(path: String, unknown: [String]) -> CacheError {
        .newerVersion(path: path, unknown: unknown, newestKnown: migrator.migrations.last ?? "none")
    }

    /// The migrations recorded in the database that this teamctl does not know, sorted.
    static func unknownMigrations(_ db: Database) throws -> [String] {
        let known = Set(migrator.migrations)
        return try migrator.appliedIdentifiers(db).filter { !known.contains($0) }.sorted()
    }

    /// Runs `body` on a short-lived read-only connection to `path`.
    private static func inspect<T>(path: String, _ body: (Database) throws -> T) throws -> T {
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(defaultLockTimeout)
        return try openReadOnly(path: path, configuration: configuration).read(body)
    }

    /// Opens the cache for reading only, and checks this teamctl can read its schema.
    private static func openReadOnly(
        path: String, configuration: Configuration, refusal: CacheError
    ) throws -> DatabaseQueue {
        var configuration = configuration
        configuration.readonly = true
        let queue: DatabaseQueue
        let complete: Bool
        do {
            queue = try openReadOnly(path: path, configuration: configuration)
            complete = try queue.read { db in
                try migrator.hasCompletedMigrations(db) || !unknownMigrations(db).isEmpty
            }
        } catch {
            throw CacheError.cannotOpen(path: path, reason: "cannot read it (\(refusal.reason)): \(error)")
        }
        guard complete else {
            // Written by an older teamctl: its schema must be migrated first, which writes.
            throw CacheError.readOnly(
                path: path,
                reason: "\(refusal.reason), and it was written by an older teamctl: it must be upgraded once, "
                    + "which needs write access")
        }
        return queue
    }

    /// A read-only connection; a WAL database in a folder no one may write to has no `-shm` file for readers to
    /// share, so it is read as immutable then (SQLite's `immutable=1`; only when there is no `-wal` to miss).
    private static func openReadOnly(path: String, configuration: Configuration) throws -> DatabaseQueue {
        do {
            let queue = try DatabaseQueue(path: path, configuration: configuration)
            try queue.read { db in _ = try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master") }
            return queue
        } catch {
            guard !FileManager.default.fileExists(atPath: path + "-wal") else { throw error }
            let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
            var allowed = CharacterSet.urlPathAllowed
            allowed.remove(charactersIn: "?#%")
            let encoded = absolute.addingPercentEncoding(withAllowedCharacters: allowed) ?? absolute
            let queue = try DatabaseQueue(path: "file:\(encoded)?immutable=1", configuration: configuration)
            try queue.read { db in _ = try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master") }
            return queue
        }
    }

    /// The file's permission bits in octal, e.g. `0444`.
    private static func mode(of path: String) -> String {
        var info = stat()
        guard stat(path, &info) == 0 else { return "?" }
        let octal = String(info.st_mode & 0o7777, radix: 8)
        return String(repeating: "0", count: max(0, 4 - octal.count)) + octal
    }

    /// Throws ``writeRefusal`` when there is one: for commands about to write through ``dbWriter`` themselves.
    public func requireWritable() throws {
        if let writeRefusal { throw writeRefusal }
    }

    /// Whether the SQLite file at `path` is already a WAL database (its header's format bytes are 2).
    static func isInWALMode(path: String) -> Bool {
        guard let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        guard let header = try? handle.read(upToCount: 20), header.count == 20 else { return false }
        return header[header.startIndex + 18] == 2 && header[header.startIndex + 19] == 2
    }

    /// The default cache file: `$XDG_DATA_HOME/teamctl/cache.sqlite`, `~/.local/share` when unset.
    public static func defaultPath(environment: [String: String]) -> String {
        let dataHome: String
        if let xdg = environment["XDG_DATA_HOME"], xdg.hasPrefix("/") {
            dataHome = xdg
        } else {
            let home = environment["HOME"] ?? FileManager.default.homeDirectoryForCurrentUser.path
            dataHome = (home as NSString).appendingPathComponent(".local/share")
        }
        return (dataHome as NSString).appendingPathComponent("teamctl/cache.sqlite")
    }

    /// Runs `body` holding the cross-process writer lock, waiting up to `timeout` seconds for it; throws
    /// ``writeRefusal`` at once for a cache open for reading only.
    public func withWriterLock<T>(timeout: Double = AccountCache.defaultLockTimeout, _ body: () throws -> T) throws -> T
    {
        try requireWritable()
        return try lock.withLock(timeout: timeout, cachePath: path, body)
    }

    /// Stores a snapshot in one transaction, holding the writer lock; returns it canonicalized and with
    /// its id. The content hash is stored with it (read it with ``contentHash(snapshotId:)``).
    @discardableResult
    public func store(_ snapshot: FacilitySnapshot, lockTimeout: Double = AccountCache.defaultLockTimeout) throws
        -> FacilitySnapshot
    {
        let content = snapshot.canonicalized()
        // Hashed as the groups are written below, so each group is encoded once for its row and the hash.
        var hasher = try ContentHasher(canonical: content)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        func json(_ value: some Encodable) throws -> String {
            String(decoding: try encoder.encode(value), as: UTF8.self)
        }
        return try withWriterLock(timeout: lockTimeout) {
            try pool.write { db in
                let at = content.fetchedAt
                try db.execute(
                    sql: """
                        INSERT INTO snapshot (fetched_at, facility, caller, content_hash, missing_groups)
                        VALUES (?, ?, ?, ?, ?)
                        """,
                    arguments: [at, content.facility, content.caller, "", try json(content.missingGroups)])
                let id = db.lastInsertedRowID
                if let user = content.user {
                    try db.execute(
                        sql:
                            "INSERT INTO observed_user (snapshot_id, fetched_at, name, uid, json) VALUES (?, ?, ?, ?, ?)",
                        arguments: [id, at, user.name, user.uid, try json(user)])
                }
                for project in content.projects {
                    try db.execute(
                        sql: """
                            INSERT INTO observed_project (snapshot_id, fetched_at, repo_name, project_id, iris_role, json)
                            VALUES (?, ?, ?, ?, ?, ?)
                            """,
                        arguments: [id, at, project.repo_name, project.id, project.iris_role, try json(project)])
                }
                for (position, role) in content.roles.enumerated() {
                    try db.execute(
                        sql: """
                            INSERT INTO observed_role (snapshot_id, position, fetched_at, repo_name, iris_role, json)
                            VALUES (?, ?, ?, ?, ?, ?)
                            """,
                        arguments: [id, position, at, role.repo_name, role.iris_role, try json(role)])
                }
                // One prepared statement per table, reused for every row: at 100,000 users a snapshot has
                // hundreds of thousands of member rows, and compiling the SQL for each one dominated the store.
                let groupInsert = try db.cachedStatement(
                    sql: """
                        INSERT INTO observed_group (snapshot_id, fetched_at, name, gid, member_count, json)
                        VALUES (?, ?, ?, ?, ?, ?)
                        """)
                // A group whose JSON the writer produced (plain names, no escapes) has its members read out
                // of that JSON by SQLite: one statement per group instead of one per member.
                let memberInsertFromJSON = try db.cachedStatement(
                    sql: """
                        INSERT OR IGNORE INTO observed_group_member (snapshot_id, fetched_at, group_name, username, uid)
                        SELECT ?, ?, ?, json_extract(value, '$.name'), json_extract(value, '$.uid')
                        FROM json_each(?, '$.users')
                        """)
                let memberInsert = try db.cachedStatement(
                    sql: """
                        INSERT OR IGNORE INTO observed_group_member
                            (snapshot_id, fetched_at, group_name, username, uid) VALUES (?, ?, ?, ?, ?)
                        """)
                for name in content.groups.keys.sorted() {
                    guard let group = content.groups[name] else { continue }
                    // Members go in in canonical order, so the rows enter the primary key's B-tree in order;
                    // a username listed twice keeps its first row (the lowest uid).
                    if let plain = GroupJSONWriter.json(group) {
                        // No name needs escaping: the same bytes serve the row, the hash and the member rows.
                        hasher.add(json: plain, named: name)
                        let stored = String(decoding: plain, as: UTF8.self)
                        try groupInsert.execute(arguments: [id, at, name, group.gid, group.users?.count, stored])
                        try memberInsertFromJSON.execute(arguments: [id, at, name, stored])
                    } else {
                        try hasher.add(group, named: name)
                        try groupInsert.execute(arguments: [
                            id, at, name, group.gid, group.users?.count, try json(group),
                        ])
                        for member in group.users ?? [] {
                            try memberInsert.execute(arguments: [id, at, name, member.name, member.uid])
                        }
                    }
                }
                try Self.recordSeenMembers(snapshotID: id, facility: content.facility, db)
                for (position, client) in content.clients.enumerated() {
                    try db.execute(
                        sql: """
                            INSERT INTO observed_client (snapshot_id, position, fetched_at, client_id, name, expires_at, json)
                            VALUES (?, ?, ?, ?, ?, ?, ?)
                            """,
                        arguments: [id, position, at, client.clientId, client.name, client.expiresAt, try json(client)])
                }
                try db.execute(
                    sql: "UPDATE snapshot SET content_hash = ? WHERE id = ?", arguments: [hasher.finalize(), id])
                var stored = content
                stored.id = id
                return stored
            }
        }
    }

    /// The newest snapshot of `facility`, or nil when it was never refreshed.
    public func latestSnapshot(facility: String) throws -> FacilitySnapshot? {
        try read { db in
            let id = try Int64.fetchOne(
                db, sql: "SELECT id FROM snapshot WHERE facility = ? ORDER BY fetched_at DESC, id DESC LIMIT 1",
                arguments: [facility])
            return try id.flatMap { try self.load(id: $0, db) }
        }
    }

    /// The snapshot with this id, or nil.
    public func snapshot(id: Int64) throws -> FacilitySnapshot? {
        try read { db in try self.load(id: id, db) }
    }

    /// The content hash stored with a snapshot, or nil when there is no such snapshot.
    public func contentHash(snapshotId id: Int64) throws -> String? {
        try read { db in try String.fetchOne(db, sql: "SELECT content_hash FROM snapshot WHERE id = ?", arguments: [id])
        }
    }

    /// Every snapshot of `facility` fetched at or after `since` (all when nil), oldest first.
    ///
    /// `groups`: load only these groups (the rest of each snapshot's groups are left out), so reading a long
    /// history of a few groups does not load every member of every snapshot.
    public func snapshots(facility: String, since: Double?, groups: [String]? = nil) throws -> [FacilitySnapshot] {
        try read { db in
            let ids = try Int64.fetchAll(
                db, sql: "SELECT id FROM snapshot WHERE facility = ? AND fetched_at >= ? ORDER BY fetched_at, id",
                arguments: [facility, since ?? -Double.greatestFiniteMagnitude])
            return try ids.compactMap { try self.load(id: $0, db, groups: groups) }
        }
    }

    /// A summary of each snapshot of `facility`, oldest first, without loading their objects.
    public func snapshotSummaries(facility: String) throws -> [SnapshotSummary] {
        try read { db in
            try Row.fetchAll(
                db,
                sql:
                    "SELECT id, fetched_at, caller, content_hash FROM snapshot WHERE facility = ? ORDER BY fetched_at, id",
                arguments: [facility]
            ).map { row in
                SnapshotSummary(
                    id: row["id"], fetchedAt: row["fetched_at"], facility: facility, caller: row["caller"],
                    contentHash: row["content_hash"])
            }
        }
    }

    private func read<T>(_ body: (Database) throws -> T) throws -> T {
        do {
            return try pool.read(body)
        } catch let error as CacheError {
            throw error
        } catch let error as DecodingError {
            throw CacheError.corrupt(path: path, reason: SFAPIClient.describe(error))
        }
    }

    private func load(id: Int64, _ db: Database, groups only: [String]? = nil) throws -> FacilitySnapshot? {
        guard
            let row = try Row.fetchOne(
                db, sql: "SELECT fetched_at, facility, caller, missing_groups FROM snapshot WHERE id = ?",
                arguments: [id])
        else { return nil }
        let decoder = JSONDecoder()
        func objects<T: Decodable>(_ type: T.Type, _ sql: String) throws -> [T] {
            try String.fetchAll(db, sql: sql, arguments: [id]).map { try decoder.decode(T.self, from: Data($0.utf8)) }
        }
        let missingText: String = row["missing_groups"]
        let groups = try loadGroups(snapshotID: id, db, decoder: decoder, only: only)
        return FacilitySnapshot(
            id: id, fetchedAt: row["fetched_at"], facility: row["facility"], caller: row["caller"],
            user: try objects(UserInfo.self, "SELECT json FROM observed_user WHERE snapshot_id = ?").first,
            projects: try objects(
                ProjectStats.self,
                "SELECT json FROM observed_project WHERE snapshot_id = ? ORDER BY repo_name, project_id"),
            roles: try objects(
                RoleStats.self, "SELECT json FROM observed_role WHERE snapshot_id = ? ORDER BY position"),
            groups: groups,
            missingGroups: try decoder.decode([String].self, from: Data(missingText.utf8)),
            clients: try objects(
                APIClient.self, "SELECT json FROM observed_client WHERE snapshot_id = ? ORDER BY position"))
    }

    /// A snapshot's groups, built from the member rows (decoding every group's JSON was a quarter of a
    /// large plan's time). A group whose rows do not account for every member it was stored with (a
    /// member listed twice) is decoded from its stored JSON instead, so nothing is lost.
    private func loadGroups(snapshotID id: Int64, _ db: Database, decoder: JSONDecoder, only: [String]? = nil) throws
        -> [String: GroupStats]
    {
        var members: [String: [UserStats]] = [:]
        // Only some groups: an IN list of them (none: no rows at all).
        let names = only ?? []
        let placeholders = names.map { _ in "?" }.joined(separator: ", ")
        func filter(_ column: String) -> String {
            guard only != nil else { return "" }
            return names.isEmpty ? " AND 0" : " AND \(column) IN (\(placeholders))"
        }
        var arguments: StatementArguments = [id]
        arguments += StatementArguments(names)
        let memberRows = try Row.fetchCursor(
            db,
            sql: """
                SELECT group_name, username, uid FROM observed_group_member
                WHERE snapshot_id = ?\(filter("group_name")) ORDER BY group_name, username, uid
                """,
            arguments: arguments)
        while let row = try memberRows.next() {
            members[row[0] as String, default: []].append(UserStats(uid: row[2], name: row[1]))
        }
        var groups: [String: GroupStats] = [:]
        let groupRows = try Row.fetchAll(
            db,
            sql:
                "SELECT name, gid, member_count FROM observed_group WHERE snapshot_id = ?\(filter("name")) ORDER BY name",
            arguments: arguments)
        for row in groupRows {
            let name: String = row[0]
            let count: Int? = row[2]
            let users = members[name] ?? []
            if count == nil, users.isEmpty {
                groups[name] = GroupStats(gid: row[1], name: name, users: nil)
            } else if count == users.count {
                groups[name] = GroupStats(gid: row[1], name: name, users: users)
            } else if let json = try String.fetchOne(
                db, sql: "SELECT json FROM observed_group WHERE snapshot_id = ? AND name = ?", arguments: [id, name])
            {
                let group = try decoder.decode(GroupStats.self, from: Data(json.utf8))
                groups[group.name] = groups[group.name] ?? group
            }
        }
        return groups
    }
}

/// One snapshot's identity without its objects.
public struct SnapshotSummary: Sendable, Hashable, Codable {
    /// The snapshot id.
    public var id: Int64
    /// When the refresh finished, seconds since 1970.
    public var fetchedAt: Double
    /// The facility profile.
    public var facility: String
    /// The username the credentials belonged to.
    public var caller: String
    /// SHA-256 of the canonical content.
    public var contentHash: String
}
