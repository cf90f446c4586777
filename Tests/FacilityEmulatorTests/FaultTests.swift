import Foundation
import TeamSync
import Testing

@testable import FacilityEmulator

@Suite("Emulator: faults on demand")
struct FaultTests {
    static let createForm = [("name", "newgrp"), ("repo_name", "m1234")]

    @Test func failRateAnswers503BeforeAnyEffect() async throws {
        try await RunningEmulator.with(faults: FaultSettings(failRate: 1)) { emulator in
            let response = try await emulator.api(.post, "/account/groups", token: "dev-alice", form: Self.createForm)
            #expect(response.status == 503)
            #expect(response.detailMessage?.contains("nothing was changed") == true)
            #expect(await emulator.server.stateSnapshot().groups.count == 2)
            let entry = try #require(await emulator.server.requestLog().last)
            #expect(entry.status == 503 && entry.effect == false && entry.caller == "alice")
        }
    }

    @Test func rateLimitAnswers429WithRetryAfter() async throws {
        try await RunningEmulator.with(faults: FaultSettings(rateLimit: 1)) { emulator in
            // Ten requests at once with one allowed per second: unless they straggle over ten separate
            // seconds (not even a badly loaded machine takes that long), some must be refused.
            let responses = try await withThrowingTaskGroup(of: HTTPResponse.self) { group in
                for _ in 0..<10 {
                    group.addTask { try await emulator.api(.get, "/account/groups", token: "dev-alice") }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let statuses = responses.map(\.status)
            let retryAfter = responses.filter { $0.status == 429 }.map { $0.headers["retry-after"] ?? "" }
            #expect(statuses.contains(429))
            #expect(Set(statuses).isSubset(of: [200, 429]))
            #expect(retryAfter.allSatisfy { Int($0) ?? 0 >= 1 })
            // Another caller has their own allowance.
            #expect(try await emulator.api(.get, "/account/groups", token: "dev-bob").status == 200)
        }
    }

    @Test func latencyDelaysEveryAnswer() async throws {
        try await RunningEmulator.with(faults: FaultSettings(latencyMs: 150)) { emulator in
            let start = Date()
            let response = try await emulator.api(.get, "/status")
            #expect(response.status == 200)
            #expect(Date().timeIntervalSince(start) >= 0.15)
        }
    }

    @Test func dropRateAppliesTheChangeThenClosesTheConnectionUnanswered() async throws {
        try await RunningEmulator.with(faults: FaultSettings(dropRate: 1)) { emulator in
            // Reads are never dropped.
            #expect(try await emulator.api(.get, "/account/groups", token: "dev-alice").status == 200)
            do {
                let response = try await emulator.api(
                    .post, "/account/groups", token: "dev-alice", form: Self.createForm)
                Issue.record("expected no answer, got \(response.status)")
            } catch let error as TransportError {
                guard case .connectionFailed = error else {
                    Issue.record("expected connectionFailed, got \(error)")
                    return
                }
                #expect(error.isAmbiguous)
            }
            // The group was created: the ambiguous case a client must survive by reading back.
            #expect(await emulator.server.stateSnapshot().groups.contains { $0.name == "newgrp" })
            let dropped = await emulator.server.requestLog().filter(\.dropped)
            #expect(dropped.first?.path == "/api/v1.2/account/groups" && dropped.first?.effect == true)

            // A request that changes nothing is answered even when drops are on.
            await emulator.server.setFaults(FaultSettings(dropRate: 1))
            let again = try await emulator.api(.post, "/account/groups", token: "dev-alice", form: Self.createForm)
            #expect(again.status == 409)
        }
    }

    @Test func faultChoicesRepeatForTheSameSeed() {
        func run(seed: UInt64) -> [FaultDecision] {
            var injector = FaultInjector(settings: FaultSettings(failRate: 0.3, dropRate: 0.5), seed: seed)
            return (0..<200).map { injector.decide(caller: "alice", isMutating: true, now: Double($0)) }
        }
        #expect(run(seed: 7) == run(seed: 7))
        #expect(run(seed: 7) != run(seed: 8))
        let failures = run(seed: 7).filter { $0 == .failed }.count
        #expect((30...90).contains(failures))  // about 30% of 200
    }

    @Test func rateLimitWindowsArePerCallerAndPerSecond() {
        var injector = FaultInjector(settings: FaultSettings(rateLimit: 2), seed: 1)
        let decisions = [
            injector.decide(caller: "a", isMutating: false, now: 10.1),
            injector.decide(caller: "a", isMutating: false, now: 10.2),
            injector.decide(caller: "a", isMutating: false, now: 10.3),
            injector.decide(caller: "b", isMutating: false, now: 10.4),
            injector.decide(caller: "a", isMutating: false, now: 11.0),
        ]
        let ok = FaultDecision.proceed(latencyMs: 0, dropAfterEffect: false)
        #expect(decisions == [ok, ok, .rateLimited(retryAfter: 1), ok, ok])
    }

    @Test(arguments: [
        FaultSettings(latencyMs: -1), FaultSettings(failRate: 1.5), FaultSettings(rateLimit: 0),
        FaultSettings(dropRate: -0.1),
    ])
    func invalidFaultSettingsAreRefused(_ faults: FaultSettings) async throws {
        #expect(!faults.problems.isEmpty)
        await #expect(throws: EmulatorServer.StartError.self) {
            _ = try await EmulatorServer.start(seed: try TestSeed.seed(), faults: faults)
        }
    }
}
