import Crypto
import Foundation
import GRDB

/// Snapshots of back ends whose data has no tables of its own: the snapshot row (id, facility, caller, time,
/// content hash, provider) as for every back end, and the provider's own Codable value as one JSON document beside
/// it. History, ids and hashes work as for SFAPI; only the provider reads the document.
extension AccountCache {
    /// Adds the payload table.
    static func registerPayloads(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v5-snapshot-payload") { db in
            try db.execute(
                sql: """
                    CREATE TABLE snapshot_payload (
                        snapshot_id INTEGER PRIMARY KEY REFERENCES snapshot(id) ON DELETE CASCADE,
                        json TEXT NOT NULL
                    );
                    """)
        }
    }

    /// A stored payload snapshot: its row and the provider's document.
    public struct PayloadSnapshot<Payload: Decodable & Sendable>: Sendable {
        /// The snapshot's id.
        public var id: Int64
        /// When it was read, seconds since 1970.
        public var fetchedAt: Double
        /// Whom the credentials belonged to.
        public var caller: String
        /// The content hash of the document.
        public var contentHash: String
        /// The provider's document.
        public var payload: Payload
    }

    /// Stores a provider's snapshot as a JSON document (keys sorted, so equal content hashes equal), holding the
    /// writer lock; returns its id and content hash.
    public func storePayload(
        _ payload: some Encodable, facility: String, provider: String, caller: String, fetchedAt: Double,
        lockTimeout: Double = AccountCache.defaultLockTimeout
    ) throws -> (id: Int64, contentHash: String) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = try encoder.encode(payload)
        let hash = SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
        let json = String(decoding: data, as: UTF8.self)
        return try withWriterLock(timeout: lockTimeout) {
            try dbWriter.write { db in
                try db.execute(
                    sql: """
                        INSERT INTO snapshot (fetched_at, facility, caller, content_hash, provider)
                        VALUES (?, ?, ?, ?, ?)
                        """,
                    arguments: [fetchedAt, facility, caller, hash, provider])
                let id = db.lastInsertedRowID
                try db.execute(
                    sql: "INSERT INTO snapshot_payload (snapshot_id, json) VALUES (?, ?)", arguments: [id, json])
                return (id, hash)
            }
        }
    }

    /// Every payload snapshot of `facility` made by `provider` whose document contains `marker` (a JSON key, so
    /// snapshots without what the caller needs are not decoded), oldest first.
    public func payloads<Payload: Decodable & Sendable>(
        _ type: Payload.Type, facility: String, provider: String, containing marker: String, since: Double? = nil
    ) throws -> [PayloadSnapshot<Payload>] {
        let rows = try dbWriter.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT s.id, s.fetched_at, s.caller, s.content_hash, p.json FROM snapshot s
                    JOIN snapshot_payload p ON p.snapshot_id = s.id
                    WHERE s.facility = ? AND s.provider = ? AND s.fetched_at >= ? AND instr(p.json, ?) > 0
                    ORDER BY s.fetched_at, s.id
                    """,
                arguments: [facility, provider, since ?? -Double.greatestFiniteMagnitude, "\"\(marker)\""])
        }
        return try rows.map { row in
            let json: String = row["json"]
            return PayloadSnapshot(
                id: row["id"], fetchedAt: row["fetched_at"], caller: row["caller"], contentHash: row["content_hash"],
                payload: try JSONDecoder().decode(Payload.self, from: Data(json.utf8)))
        }
    }

    /// The newest payload snapshot of `facility` made by `provider`, or nil when there is none.
    public func latestPayload<Payload: Decodable & Sendable>(
        _ type: Payload.Type, facility: String, provider: String
    ) throws -> PayloadSnapshot<Payload>? {
        let row = try dbWriter.read { db in
            try Row.fetchOne(
                db,
                sql: """
                    SELECT s.id, s.fetched_at, s.caller, s.content_hash, p.json FROM snapshot s
                    JOIN snapshot_payload p ON p.snapshot_id = s.id
                    WHERE s.facility = ? AND s.provider = ? ORDER BY s.fetched_at DESC, s.id DESC LIMIT 1
                    """,
                arguments: [facility, provider])
        }
        guard let row else { return nil }
        let json: String = row["json"]
        let payload: Payload
        do {
            payload = try JSONDecoder().decode(Payload.self, from: Data(json.utf8))
        } catch {
            throw CacheError.cannotOpen(
                path: path,
                reason: "snapshot \(row["id"] as Int64) of \(facility) cannot be read (\(error)); "
                    + "run 'teamctl refresh' to store a new one")
        }
        return PayloadSnapshot(
            id: row["id"], fetchedAt: row["fetched_at"], caller: row["caller"], contentHash: row["content_hash"],
            payload: payload)
    }
}
