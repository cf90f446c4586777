import AccountModels
import Crypto
import Foundation
import GRDB
import Testing

@testable import TeamSync

/// The cache writes group JSON and the content hash without `JSONEncoder`; both must be byte for byte
/// what `JSONEncoder` gave, so a stored row reads the same and the same state keeps the same hash.
struct GroupJSONWriterTests {
    static let plainGroups: [GroupStats] = [
        GroupStats(
            gid: 70001, name: "m1000g0",
            users: [UserStats(uid: 100_000, name: "pi"), UserStats(uid: 1, name: "u-1_x.y")]),
        GroupStats(gid: 0, name: "empty", users: []),
        GroupStats(gid: -5, name: "no users", users: nil),
        GroupStats(gid: Int.max, name: "~!@#$%^&*()[]{}<>?,.;:'`|= +", users: [UserStats(uid: Int.min, name: "min")]),
    ]

    static let escapedGroups: [GroupStats] = [
        GroupStats(gid: 1, name: "a/b", users: [UserStats(uid: 2, name: "c")]),
        GroupStats(gid: 1, name: "plain", users: [UserStats(uid: 2, name: "jos\u{e9}")]),
        GroupStats(gid: 1, name: "quote\"", users: nil),
        GroupStats(gid: 1, name: "back\\slash", users: []),
        GroupStats(gid: 1, name: "tab\t", users: []),
        GroupStats(gid: 1, name: "del\u{7F}", users: []),
    ]

    static func encoded(_ group: GroupStats, escapingSlashes: Bool) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = escapingSlashes ? [.sortedKeys] : [.sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(group))
    }

    @Test(arguments: plainGroups)
    func writesWhatJSONEncoderWritesWithOrWithoutEscapedSlashes(group: GroupStats) throws {
        let written = try #require(GroupJSONWriter.json(group))
        #expect(written == (try Self.encoded(group, escapingSlashes: true)))
        #expect(written == (try Self.encoded(group, escapingSlashes: false)))
    }

    @Test(arguments: escapedGroups)
    func leavesNamesThatNeedEscapingToJSONEncoder(group: GroupStats) {
        #expect(GroupJSONWriter.json(group) == nil)
    }

    /// The content hash as it was computed before the writer: `JSONEncoder` for everything.
    static func referenceHash(_ snapshot: FacilitySnapshot) throws -> String {
        struct Header: Encodable {
            var facility: String
            var caller: String
            var user: UserInfo?
            var projects: [ProjectStats]
            var roles: [RoleStats]
            var missingGroups: [String]
            var clients: [APIClient]
        }
        let content = snapshot.canonicalized()
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var hasher = SHA256()
        hasher.update(
            data: try encoder.encode(
                Header(
                    facility: content.facility, caller: content.caller, user: content.user,
                    projects: content.projects, roles: content.roles, missingGroups: content.missingGroups,
                    clients: content.clients)))
        for name in content.groups.keys.sorted() {
            hasher.update(data: Data([0x1E]) + Data(name.utf8) + Data([0x1F]))
            hasher.update(data: try encoder.encode(content.groups[name]))
        }
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }

    @Test func theStoredHashAndRowsAreWhatJSONEncoderGave() throws {
        var groups: [String: GroupStats] = [:]
        for group in Self.plainGroups + Self.escapedGroups { groups[group.name] = group }
        // Members out of order and one listed twice: canonical order and the JSON row keep both.
        groups["m1000g0"]?.users?.append(UserStats(uid: 7, name: "aa"))
        groups["m1000g0"]?.users?.append(UserStats(uid: 7, name: "aa"))
        let snapshot = FacilitySnapshot(
            fetchedAt: 1_800_000_000, facility: "nersc", caller: "pi", user: UserInfo(uid: 1, name: "pi"),
            projects: [ProjectStats(id: 1, description: "p/q", repo_name: "m1000", iris_role: "PI")],
            groups: groups, missingGroups: ["zz", "gone/x"],
            clients: [APIClient(name: "ci", clientId: "ID", expiresAt: nil)])
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("gjw-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let cache = try AccountCache(path: directory.appendingPathComponent("cache.sqlite").path)
        let stored = try cache.store(snapshot)

        let reference = try Self.referenceHash(snapshot)
        #expect(try cache.contentHash(snapshotId: stored.id) == reference)
        #expect(try snapshot.computeContentHash() == reference)

        let rows = try cache.dbWriter.read { db in
            try Row.fetchAll(
                db, sql: "SELECT name, json FROM observed_group WHERE snapshot_id = ?", arguments: [stored.id])
        }
        #expect(rows.count == groups.count)
        for row in rows {
            let name: String = row["name"]
            let json: String = row["json"]
            let group = try #require(stored.groups[name])
            #expect(Array(json.utf8) == (try Self.encoded(group, escapingSlashes: true)), "row of \(name)")
        }
        #expect(try cache.snapshot(id: stored.id)?.groups == stored.groups)
    }

    /// Member rows of plain groups come from SQLite reading the row's JSON, of others from one insert per
    /// member; both hold each username once, with the lowest uid when the facility lists a name twice.
    @Test(arguments: ["plain", "caf\u{e9}"])
    func memberRowsHoldEachUsernameOnceInEitherPath(groupName: String) throws {
        let users = [
            UserStats(uid: 9, name: "zed"), UserStats(uid: 3, name: "amy"), UserStats(uid: 2, name: "amy"),
            UserStats(uid: 5, name: "bob"), UserStats(uid: 5, name: "bob"),
        ]
        let snapshot = FacilitySnapshot(
            fetchedAt: 1, facility: "nersc", caller: "amy",
            groups: [groupName: GroupStats(gid: 1, name: groupName, users: users)])
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("gjw-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let cache = try AccountCache(path: directory.appendingPathComponent("cache.sqlite").path)
        let stored = try cache.store(snapshot)
        let rows = try cache.dbWriter.read { db in
            try Row.fetchAll(
                db,
                sql: "SELECT group_name, username, uid FROM observed_group_member WHERE snapshot_id = ? ORDER BY rowid",
                arguments: [stored.id])
        }
        #expect(rows.map { $0["group_name"] as String } == [groupName, groupName, groupName])
        #expect(rows.map { $0["username"] as String } == ["amy", "bob", "zed"])
        #expect(rows.map { $0["uid"] as Int } == [2, 5, 9])
        #expect(try cache.snapshot(id: stored.id)?.groups == stored.groups)
    }
}
