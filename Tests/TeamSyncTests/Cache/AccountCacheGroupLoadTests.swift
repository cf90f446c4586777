import AccountModels
import Foundation
import Testing

@testable import TeamSync

/// Groups are loaded from the member rows; every shape a facility can answer must come back as stored.
struct AccountCacheGroupLoadTests {
    @Test func groupsComeBackExactlyAsStored() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("grpload-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let cache = try AccountCache(path: directory.appendingPathComponent("cache.sqlite").path)
        let groups: [String: GroupStats] = [
            "plain": GroupStats(
                gid: 1, name: "plain", users: [UserStats(uid: 2, name: "bob"), UserStats(uid: 1, name: "al")]),
            "empty": GroupStats(gid: 2, name: "empty", users: []),
            "nousers": GroupStats(gid: 3, name: "nousers", users: nil),
            // The same person listed twice: the member rows hold one, so the stored JSON is used.
            "twice": GroupStats(
                gid: 4, name: "twice", users: [UserStats(uid: 5, name: "eve"), UserStats(uid: 5, name: "eve")]),
        ]
        let stored = try cache.store(
            FacilitySnapshot(fetchedAt: 100, facility: "nersc", caller: "al", groups: groups, missingGroups: ["gone"]))
        let loaded = try #require(try cache.snapshot(id: stored.id))
        #expect(loaded.groups == stored.groups)
        #expect(loaded.groups["nousers"]?.users == nil)
        #expect(loaded.groups["empty"]?.users == [])
        #expect(loaded.groups["twice"]?.users?.count == 2)
        #expect(loaded.groups["plain"]?.memberNames == ["al", "bob"])
        #expect(loaded.missingGroups == ["gone"])
    }
}
