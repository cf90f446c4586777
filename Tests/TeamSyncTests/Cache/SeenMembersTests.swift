import AccountModels
import Foundation
import GRDB
import Testing

@testable import TeamSync

/// Who was ever in a group comes from a summary kept beside the snapshots; it must say what reading every
/// snapshot would, for new caches and for caches written before the summary existed.
struct SeenMembersTests {
    static func temporaryCachePath() throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("seen-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory.appendingPathComponent("cache.sqlite").path
    }

    static func snapshot(at time: Double, facility: String = "nersc", _ groups: [String: [String]]) -> FacilitySnapshot
    {
        var stats: [String: GroupStats] = [:]
        for (name, users) in groups {
            stats[name] = GroupStats(
                gid: name.hashValue & 0xFFFF, name: name,
                users: users.enumerated().map { UserStats(uid: 1000 + $0.offset, name: $0.element) })
        }
        return FacilitySnapshot(fetchedAt: time, facility: facility, caller: "pi", groups: stats)
    }

    /// The answer read the slow way: every member row of every snapshot of the facility.
    static func fromEverySnapshot(_ cache: AccountCache, facility: String) throws -> [String: Set<String>] {
        try cache.dbWriter.read { db in
            var seen: [String: Set<String>] = [:]
            for row in try Row.fetchAll(
                db,
                sql: """
                    SELECT m.group_name, m.username FROM observed_group_member m
                    JOIN snapshot s ON s.id = m.snapshot_id WHERE s.facility = ?
                    """, arguments: [facility])
            {
                seen[row[0] as String, default: []].insert(row[1] as String)
            }
            return seen
        }
    }

    @Test func someoneWhoLeftIsStillSeenAndOtherFacilitiesAreApart() throws {
        let cache = try AccountCache(path: try Self.temporaryCachePath())
        try cache.store(Self.snapshot(at: 1, ["g1": ["alice", "bob"], "g2": ["carol"]]))
        try cache.store(Self.snapshot(at: 2, ["g1": ["bob"], "g2": []]))
        try cache.store(Self.snapshot(at: 3, ["g1": ["bob", "dave"]]))
        try cache.store(Self.snapshot(at: 4, facility: "other", ["g1": ["mallory"]]))
        let seen = try cache.usernamesEverSeen(inGroups: ["g1", "g2", "g3"], facility: "nersc")
        #expect(seen == ["g1": ["alice", "bob", "dave"], "g2": ["carol"]])
        #expect(seen == (try Self.fromEverySnapshot(cache, facility: "nersc")))
        #expect(try cache.usernamesEverSeen(inGroups: ["g1"], facility: "other") == ["g1": ["mallory"]])
        #expect(try cache.usernamesEverSeen(inGroups: [], facility: "nersc") == [:])
    }

    @Test func withASnapshotOnlyThoseWhoLeftItsGroupsAreListed() throws {
        let cache = try AccountCache(path: try Self.temporaryCachePath())
        try cache.store(Self.snapshot(at: 1, ["g1": ["alice", "bob"], "g2": ["carol", "erin"]]))
        try cache.store(Self.snapshot(at: 2, ["g1": ["bob", "carol"], "g2": ["erin"]]))
        let latest = try #require(try cache.latestSnapshot(facility: "nersc"))
        let left = try cache.usernamesEverSeen(inGroups: ["g1", "g2"], facility: "nersc", notIn: latest.id)
        // carol moved from g2 to g1: she left g2 (the planner then finds her still in the project's roster).
        #expect(left == ["g1": ["alice"], "g2": ["carol"]])
        let everSeen = try cache.usernamesEverSeen(inGroups: ["g1", "g2"], facility: "nersc")
        for (group, users) in everSeen {
            let now = Set(latest.groups[group]?.memberNames ?? [])
            #expect(left[group, default: []] == users.subtracting(now), "\(group)")
        }
    }

    @Test func aCacheFromBeforeTheSummaryIsFilledWhenOpened() throws {
        let path = try Self.temporaryCachePath()
        // Build the cache as the previous version left it: snapshots stored, no summary table yet.
        do {
            let pool = try DatabasePool(path: path)
            try AccountCache.migrator.migrate(pool, upTo: "v2-apply-journal")
            try pool.write { db in
                for (id, time, facility, group, user) in [
                    (1, 10.0, "nersc", "g1", "alice"), (1, 10.0, "nersc", "g1", "bob"),
                    (2, 20.0, "nersc", "g1", "bob"), (3, 30.0, "other", "g1", "eve"),
                ] {
                    try db.execute(
                        sql: """
                            INSERT OR IGNORE INTO snapshot (id, fetched_at, facility, caller, content_hash)
                            VALUES (?, ?, ?, 'pi', 'h')
                            """, arguments: [id, time, facility])
                    try db.execute(
                        sql: """
                            INSERT INTO observed_group_member (snapshot_id, fetched_at, group_name, username, uid)
                            VALUES (?, ?, ?, ?, 1)
                            """, arguments: [id, time, group, user])
                }
            }
        }
        let cache = try AccountCache(path: path)
        #expect(try cache.usernamesEverSeen(inGroups: ["g1"], facility: "nersc") == ["g1": ["alice", "bob"]])
        #expect(try cache.usernamesEverSeen(inGroups: ["g1"], facility: "other") == ["g1": ["eve"]])
        let firstSeen = try cache.dbWriter.read { db in
            try Double.fetchOne(
                db, sql: "SELECT first_seen FROM seen_group_member WHERE facility = 'nersc' AND username = 'bob'")
        }
        #expect(firstSeen == 10)
        // New snapshots keep adding to the summary that the migration filled.
        try cache.store(Self.snapshot(at: 40, ["g1": ["frank"]]))
        #expect(try cache.usernamesEverSeen(inGroups: ["g1"], facility: "nersc") == ["g1": ["alice", "bob", "frank"]])
    }
}
