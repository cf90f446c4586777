import AccountModels
import Foundation
import GRDB
import Testing

@testable import TeamSync

/// A cache a newer teamctl wrote (its `grdb_migrations` names migrations this one does not know) is read, never
/// written: every write (a snapshot, the journal, an apply's lock) is refused with an error naming the cache and the
/// unknown migration, and the file is left as it was.
struct CacheCompatibilityTests {
    static func cacheFromTheFuture(_ migrations: [String]) throws -> (path: String, snapshot: Int64) {
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("teamctl-future-\(UUID().uuidString)/cache.sqlite").path
        let stored = try AccountCache(path: path).store(AccountCacheTests().sample())
        // What a newer release's migrations leave: their names, and a table this release has never heard of.
        let database = try DatabaseQueue(path: path)
        try database.write { db in
            for name in migrations {
                try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES (?)", arguments: [name])
            }
            try db.execute(sql: "CREATE TABLE future_thing (id INTEGER PRIMARY KEY)")
        }
        try database.close()
        return (path, stored.id)
    }

    static func tables(_ path: String) throws -> (migrations: [String], snapshots: Int) {
        let database = try DatabaseQueue(
            path: path,
            configuration: {
                var c = Configuration(); c.readonly = true; return c
            }())
        return try database.read { db in
            (
                try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations ORDER BY identifier"),
                try Int.fetchOne(db, sql: "SELECT count(*) FROM snapshot") ?? -1
            )
        }
    }

    @Test(arguments: [["v7-from-a-newer-teamctl"], ["v7-person-notes", "w1-experimental"]])
    func aNewerTeamctlsCacheIsReadButNeverWritten(unknown: [String]) async throws {
        let (path, id) = try Self.cacheFromTheFuture(unknown)
        let before = try Self.tables(path)

        let cache = try AccountCache(path: path)
        #expect(try cache.snapshot(id: id)?.caller == "alice", "reading still works")

        let store = try #require(throws: (any Error).self) {
            try cache.store(AccountCacheTests().sample(at: 1_900_000_000))
        }
        for words in ["newer teamctl", path, unknown[0], "upgrade teamctl or use another --cache"] {
            #expect("\(store)".contains(words), "\(store)")
        }
        await #expect(throws: (any Error).self) {
            try await SQLiteApplyJournal(dbWriter: cache.dbWriter).acknowledge(itemIDs: ["nersc/x"], note: nil)
        }
        let lock = try #require(throws: (any Error).self) { try ApplyLock.acquire(cachePath: path) }
        #expect("\(lock)".contains("newer teamctl") && "\(lock)".contains(unknown[0]), "\(lock)")
        #expect(!FileManager.default.fileExists(atPath: path + ".apply.lock"))

        let after = try Self.tables(path)
        #expect(after.migrations == before.migrations)
        #expect(after.snapshots == before.snapshots)
    }

    @Test func aCacheOfThisVersionStillOpensWritableAndMigratesAnOlderOne() throws {
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("teamctl-current-\(UUID().uuidString)/cache.sqlite").path
        let cache = try AccountCache(path: path)
        try cache.store(AccountCacheTests().sample())
        let lock = try ApplyLock.acquire(cachePath: path)
        lock.release()
        #expect(try Self.tables(path).snapshots == 1)
    }
}
