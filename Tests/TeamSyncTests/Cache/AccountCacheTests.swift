import AccountModels
import Foundation
import GRDB
import Synchronization
import Testing

@testable import TeamSync

struct AccountCacheTests {
    func tempPath() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("teamctl-cache-\(UUID().uuidString)/cache.sqlite")
            .path
    }

    func sample(at time: Double = 1_800_000_000, members: [String] = ["alice", "bob"]) -> FacilitySnapshot {
        FacilitySnapshot(
            fetchedAt: time, facility: "nersc", caller: "alice", user: UserInfo(uid: 1001, name: "alice"),
            projects: [
                ProjectStats(id: 2, description: "B", repo_name: "m2000", iris_role: "Member"),
                ProjectStats(id: 1, description: "A", repo_name: "m1234", iris_role: "PI", cpu_hours_used: 12.5),
            ],
            roles: [RoleStats(id: 1, description: "A", repo_name: "m1234", iris_role: "PI")],
            groups: [
                "m1234g": GroupStats(
                    gid: 60001, name: "m1234g",
                    users: members.enumerated().map { UserStats(uid: 1001 + $0.offset, name: $0.element) })
            ],
            missingGroups: ["newgrp"],
            clients: [APIClient(name: "ci", clientId: "ABCDEFGHIJKLM", expiresAt: "2027-01-01T00:00:00Z")])
    }

    @Test func storesASnapshotAndReadsTheSameBack() throws {
        let cache = try AccountCache(path: tempPath())
        let stored = try cache.store(sample())
        #expect(stored.id > 0)
        let loaded = try #require(try cache.snapshot(id: stored.id))
        #expect(loaded == stored)
        #expect(loaded.projects.map(\.repo_name) == ["m1234", "m2000"])
        #expect(loaded.groups["m1234g"]?.memberNames == ["alice", "bob"])
        #expect(loaded.missingGroups == ["newgrp"])
        #expect(try cache.latestSnapshot(facility: "nersc")?.id == stored.id)
        #expect(try cache.latestSnapshot(facility: "olcf") == nil)
    }

    @Test func theContentHashIgnoresOrderTimeAndId() throws {
        let cache = try AccountCache(path: tempPath())
        var shuffled = sample(at: 1_900_000_000)
        shuffled.projects.reverse()
        shuffled.groups["m1234g"]?.users?.reverse()
        let first = try cache.store(sample())
        let second = try cache.store(shuffled)
        let third = try cache.store(sample(members: ["alice"]))
        let hashes = try [first, second, third].map { try #require(try cache.contentHash(snapshotId: $0.id)) }
        #expect(hashes[0] == hashes[1])
        #expect(hashes[0] != hashes[2])
        #expect(hashes[0].count == 64)
    }

    @Test func keepsHistoryOldestFirst() throws {
        let cache = try AccountCache(path: tempPath())
        for (offset, time) in [300.0, 100, 200].enumerated() {
            try cache.store(sample(at: time, members: Array(["alice", "bob", "carol"].prefix(offset + 1))))
        }
        #expect(try cache.snapshots(facility: "nersc", since: nil).map(\.fetchedAt) == [100, 200, 300])
        #expect(try cache.snapshots(facility: "nersc", since: 150).map(\.fetchedAt) == [200, 300])
        #expect(try cache.latestSnapshot(facility: "nersc")?.fetchedAt == 300)
    }

    @Test func aHistoryOfSomeGroupsLoadsOnlyThose() throws {
        let cache = try AccountCache(path: tempPath())
        var snapshot = sample(at: 100, members: ["alice", "bob"])
        snapshot.groups["other"] = GroupStats(gid: 60002, name: "other", users: [UserStats(uid: 1009, name: "zed")])
        try cache.store(snapshot)
        let all = try cache.snapshots(facility: "nersc", since: nil)
        #expect(all.first.map { Set($0.groups.keys) } == ["m1234g", "other"])
        let some = try cache.snapshots(facility: "nersc", since: nil, groups: ["m1234g", "absent"])
        #expect(some.first.map { Set($0.groups.keys) } == ["m1234g"])
        #expect(some.first?.groups["m1234g"]?.memberNames == ["alice", "bob"])
        #expect(some.first?.projects == all.first?.projects, "everything but the other groups is loaded")
        #expect(try cache.snapshots(facility: "nersc", since: nil, groups: []).first?.groups.isEmpty == true)
    }

    @Test func oneRowPerObservedObjectWithItsFetchTime() throws {
        let cache = try AccountCache(path: tempPath())
        let stored = try cache.store(sample())
        let (members, projects, times) = try cache.dbWriter.read { db in
            (
                try Int.fetchOne(
                    db, sql: "SELECT count(*) FROM observed_group_member WHERE snapshot_id = ?", arguments: [stored.id]),
                try Int.fetchOne(
                    db, sql: "SELECT count(*) FROM observed_project WHERE snapshot_id = ?", arguments: [stored.id]),
                try Double.fetchAll(db, sql: "SELECT DISTINCT fetched_at FROM observed_client")
            )
        }
        #expect(members == 2)
        #expect(projects == 2)
        #expect(times == [1_800_000_000])
    }

    @Test func theFileIsPrivateAndInWALMode() throws {
        let path = tempPath()
        let cache = try AccountCache(path: path)
        try cache.store(sample())
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        let journal = try cache.dbWriter.read { try String.fetchOne($0, sql: "PRAGMA journal_mode") }
        #expect(journal == "wal")
        let applied = try cache.dbWriter.read { try AccountCache.migrator.appliedIdentifiers($0) }
        #expect(applied.contains("v1-snapshots"))
    }

    /// Turning a new file into a WAL database needs SQLite's exclusive lock, which SQLite does not wait
    /// for: several openers of one new cache at once used to fail with "database is locked".
    @Test func severalOpenersOfOneNewCacheAllSucceed() throws {
        for _ in 0..<10 {
            let path = tempPath()
            let openers = 4
            let failures = Mutex<[String]>([])
            let start = DispatchSemaphore(value: 0)
            let done = DispatchGroup()
            for _ in 0..<openers {
                done.enter()
                Thread.detachNewThread {
                    start.wait()
                    do { _ = try AccountCache(path: path) } catch { failures.withLock { $0.append("\(error)") } }
                    done.leave()
                }
            }
            for _ in 0..<openers { start.signal() }
            done.wait()
            #expect(failures.withLock { $0 } == [])
            #expect(AccountCache.isInWALMode(path: path))
        }
    }

    @Test func reopeningKeepsTheData() throws {
        let path = tempPath()
        let id = try AccountCache(path: path).store(sample()).id
        #expect(try AccountCache(path: path).snapshot(id: id) != nil)
    }

    @Test func aSecondWriterWaitsThenFailsClearlyWhileTheLockIsHeld() throws {
        let path = tempPath()
        let holder = try AccountCache(path: path)
        let other = try AccountCache(path: path)
        try holder.withWriterLock(timeout: 1) {
            let error = #expect(throws: CacheError.self) { try other.store(sample(), lockTimeout: 0.2) }
            #expect(error?.description.contains("another teamctl process") == true)
        }
        #expect(try other.store(sample()).id > 0)
    }

    @Test func defaultPathFollowsXDGDataHome() {
        #expect(
            AccountCache.defaultPath(environment: ["XDG_DATA_HOME": "/data", "HOME": "/h"])
                == "/data/teamctl/cache.sqlite")
        #expect(AccountCache.defaultPath(environment: ["HOME": "/h"]) == "/h/.local/share/teamctl/cache.sqlite")
        #expect(
            AccountCache.defaultPath(environment: ["XDG_DATA_HOME": "relative", "HOME": "/h"])
                == "/h/.local/share/teamctl/cache.sqlite")
    }
}
