import AccountModels
import FacilityEmulator
import Foundation
import Testing

@testable import TeamSync

struct RefreshIntegrationTests {
    func cache() throws -> AccountCache { try AccountCache(path: try RefreshFixture.tempDirectory() + "/cache.sqlite") }

    @Test func aRefreshStoresWhatTheFacilityHoldsIncludingGroupsReadByName() async throws {
        let server = try await RefreshFixture.start()
        defer { Task { await server.shutdown() } }
        let cache = try cache()
        let snapshot = try await Refresher(client: RefreshFixture.client(server), cache: cache)
            .refresh(facility: "emulated", extraGroups: ["m1234x", "nosuchg"])
        #expect(snapshot.caller == "alice")
        #expect(snapshot.projects.map(\.repo_name) == ["m1234", "m2000"])
        #expect(snapshot.callerRole(in: "m1234") == .pi)
        #expect(snapshot.groups["m1234g"]?.memberNames == ["alice", "bob"])
        #expect(snapshot.groups["m1234x"]?.memberNames == ["bob"])
        #expect(snapshot.missingGroups == ["nosuchg"])
        #expect(snapshot.clients.map(\.clientId) == [RefreshFixture.clientId])
        #expect(try cache.latestSnapshot(facility: "emulated") == snapshot)
        let state = await server.stateSnapshot()
        for group in state.groups where snapshot.groups[group.name] != nil {
            #expect(snapshot.groups[group.name]?.memberNames == group.members.sorted())
        }
    }

    @Test func rateLimited429sAreRetriedAfterTheirRetryAfter() async throws {
        let server = try await RefreshFixture.start(faults: FaultSettings(rateLimit: 3))
        defer { Task { await server.shutdown() } }
        let sleeps = SleepLog()
        let snapshot = try await Refresher(
            client: RefreshFixture.client(server, sleep: { try await sleeps.sleep($0) }), cache: try cache()
        ).refresh(facility: "emulated", extraGroups: ["m1234x", "m1234g"])
        #expect(snapshot.groups.count == 2)
        let log = await server.requestLog()
        let limited = log.filter { $0.status == 429 }.count
        #expect(limited > 0)
        // Every 429 said Retry-After: 1, and the client waited exactly that before trying again.
        #expect(sleeps.sleeps.count == limited)
        #expect(sleeps.sleeps.allSatisfy { $0 == 1 })
    }

    @Test func serviceUnavailableAnswersAreRetried() async throws {
        let server = try await RefreshFixture.start(
            extraGroups: 20, callerInExtraGroups: false, faults: FaultSettings(failRate: 0.4))
        defer { Task { await server.shutdown() } }
        let named = ["m1234x"] + (0..<20).map { "g\($0)" }
        let snapshot = try await Refresher(
            client: RefreshFixture.client(server, retry: RetryPolicy(baseDelay: 0.01)), cache: try cache()
        ).refresh(facility: "emulated", extraGroups: named)
        #expect(snapshot.groups["m1234x"]?.memberNames == ["bob"])
        #expect(snapshot.groups.count == 22)
        let log = await server.requestLog()
        #expect(log.contains { $0.status == 503 })
        // Every read got its answer in the end.
        #expect(log.filter { $0.status == 200 }.count == 5 + named.count)
    }

    @Test func aDroppedWriteIsNotReSentButReportedAsAmbiguous() async throws {
        let server = try await RefreshFixture.start(faults: FaultSettings(dropRate: 1))
        defer { Task { await server.shutdown() } }
        let client = RefreshFixture.client(server, retry: RetryPolicy(baseDelay: 0.01))
        // The PUT took effect and its answer was lost: the client says so and leaves the decision to the applier,
        // which re-reads; it never sends the write again by itself.
        let error = await #expect(throws: SFAPIError.self) {
            try await client.updateGroup(name: "m1234x", usernames: ["carol"], action: .batchAdd)
        }
        #expect(error?.isAmbiguous == true)
        #expect(error?.status == nil)
        #expect(error?.attempts == 1)
        await server.setFaults(.none)
        #expect(try await client.group(named: "m1234x")?.memberNames == ["bob", "carol"])
        let writes = await server.requestLog().filter { $0.method == "PUT" }
        #expect(writes.count == 1 && writes[0].dropped, "one PUT, dropped after it took effect")
    }

    @Test func aRefreshWhoseReadsFailLeavesThePreviousSnapshotIntact() async throws {
        let server = try await RefreshFixture.start()
        defer { Task { await server.shutdown() } }
        let cache = try cache()
        let retry = RetryPolicy(maxAttempts: 3, baseDelay: 0.01)
        let good = try await Refresher(client: RefreshFixture.client(server, retry: retry), cache: cache)
            .refresh(facility: "emulated", extraGroups: ["m1234x"])
        await server.setFaults(FaultSettings(failRate: 1))
        let error = await #expect(throws: SFAPIError.self) {
            try await Refresher(client: RefreshFixture.client(server, retry: retry), cache: cache)
                .refresh(facility: "emulated", extraGroups: ["m1234x"])
        }
        #expect(error?.status == 503)
        #expect(error?.attempts == 3)
        #expect(try cache.snapshots(facility: "emulated", since: nil).map(\.id) == [good.id])
        #expect(try cache.latestSnapshot(facility: "emulated") == good)
    }
}
