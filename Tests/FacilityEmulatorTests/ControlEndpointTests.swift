import Foundation
import Testing

@testable import FacilityEmulator

@Suite("Emulator: /_emulator/ control endpoints")
struct ControlEndpointTests {
    @Test func stateIsTheWholeFacilityInTheSeedsShape() async throws {
        try await RunningEmulator.with { emulator in
            _ = try await emulator.api(
                .put, "/account/groups/m1234g", token: "dev-alice",
                form: [("usernames", "carol"), ("action", "batch_add")])
            let response = try await emulator.send(.get, "/_emulator/state")
            let state = try response.decoded(EmulatorSeed.self)
            var expected = try TestSeed.seed()
            expected.groups[0].members = ["alice", "bob", "carol"]
            #expect(state == expected)
            #expect(await emulator.server.stateSnapshot() == expected)
        }
    }

    @Test func requestsListsEveryAPIRequestWithCallerAndStatus() async throws {
        try await RunningEmulator.with { emulator in
            let before = Date().timeIntervalSince1970
            _ = try await emulator.api(.get, "/account/groups", token: "dev-bob")
            _ = try await emulator.api(.get, "/account/groups/otherg", token: "dev-bob")
            _ = try await emulator.api(.get, "/status")
            let log = try await emulator.send(.get, "/_emulator/requests").decoded([LoggedRequest].self)
            #expect(
                log.map(\.path) == ["/api/v1.2/account/groups", "/api/v1.2/account/groups/otherg", "/api/v1.2/status"])
            #expect(log.map(\.caller) == ["bob", "bob", nil])
            #expect(log.map(\.status) == [200, 403, 200])
            #expect(log.allSatisfy { $0.method == "GET" && $0.time >= before - 1 && $0.effect == nil })
        }
    }

    @Test func faultsCanBeChangedAtRunTime() async throws {
        try await RunningEmulator.with { emulator in
            let set = try await emulator.send(.post, "/_emulator/faults", json: Data(#"{"fail_rate": 1}"#.utf8))
            #expect(set.status == 200)
            #expect(try await emulator.api(.get, "/status").status == 503)
            // Control endpoints are never faulted.
            #expect(try await emulator.send(.get, "/_emulator/faults").decoded(FaultSettings.self).failRate == 1)
            _ = try await emulator.send(.post, "/_emulator/faults", json: Data("{}".utf8))
            #expect(try await emulator.api(.get, "/status").status == 200)
            let bad = try await emulator.send(.post, "/_emulator/faults", json: Data(#"{"drop_rate": 2}"#.utf8))
            #expect(bad.status == 422)
            // The Swift API's camelCase spelling is understood too.
            _ = try await emulator.send(
                .post, "/_emulator/faults", json: Data(#"{"latencyMs": 5, "rateLimit": 50}"#.utf8))
            #expect(await emulator.server.faults == FaultSettings(latencyMs: 5, rateLimit: 50))
        }
    }

    @Test func usageAddsToTheMembersShareAndTheProjectTotal() async throws {
        try await RunningEmulator.with { emulator in
            let body = #"{"repo_name": "m1234", "user": "bob", "cpu_hours": 10.5, "gpu_hours": 2}"#
            #expect(try await emulator.send(.post, "/_emulator/usage", json: Data(body.utf8)).status == 200)
            try await emulator.server.addUsage(repoName: "m1234", user: "bob", cpuHours: 0.5, gpuHours: 0)
            let bob = try #require(
                try await emulator.api(.get, "/account/projects", token: "dev-bob").decoded(
                    [SFAPIWire.ProjectStats].self
                ).first)
            #expect(bob.cpu_hours_used == 311 && bob.gpu_hours_used == 2)
            #expect(bob.cpu_project_hours_used == 1511.5 && bob.gpu_project_hours_used == 102)

            let unknown = #"{"repo_name": "m1234", "user": "dave", "cpu_hours": 1, "gpu_hours": 0}"#
            #expect(try await emulator.send(.post, "/_emulator/usage", json: Data(unknown.utf8)).status == 404)
            await #expect(throws: EmulatorError.self) {
                try await emulator.server.addUsage(repoName: "nosuch", user: "bob", cpuHours: 1, gpuHours: 0)
            }
        }
    }

    @Test func systemsStatusCanBeSet() async throws {
        try await RunningEmulator.with { emulator in
            let body = #"{"name": "iris", "status": "unavailable"}"#
            let set = try await emulator.send(.post, "/_emulator/systems", json: Data(body.utf8))
            #expect(set.status == 200)
            let iris = try await emulator.api(.get, "/status/iris").decoded(SFAPIWire.SystemStatus.self)
            #expect(iris.status == .unavailable)
            await emulator.server.setSystemStatus(name: "dtn01", status: "active")
            #expect(
                try await emulator.api(.get, "/status/dtn01").decoded(SFAPIWire.SystemStatus.self).status == .active)
            let bad = #"{"name": "iris", "status": "sleepy"}"#
            #expect(try await emulator.send(.post, "/_emulator/systems", json: Data(bad.utf8)).status == 422)
        }
    }

    @Test func controlEndpointsAnswerLoopbackClientsOnly() async throws {
        let core = EmulatorCore(seed: try TestSeed.seed(), faults: .none, faultSeed: 1, tokenTTL: 600)
        let remote = IncomingRequest(
            method: "GET", path: "/_emulator/state", query: [:], authorization: nil,
            host: nil, body: Data(), fromLoopback: false)
        guard case .reply(let reply) = await core.handle(remote) else {
            Issue.record("dropped")
            return
        }
        #expect(reply.status == 403)
    }
}
