import FacilityEmulator
import Foundation
import Testing

@testable import TeamSync

/// Two `teamctl apply` processes at once on one cache: exactly one proceeds, the other stops before
/// sending anything and says why.
struct ConcurrencyTests {
    static let manifest = """
        version: 1
        project: m1234
        members:
          alice: {role: pi}
          bob: {}
          carol: {}
        groups:
          m1234g: {members: [alice, bob, carol]}
          m1234new: {members: [alice, carol]}

        """

    /// Applies through the saved plan, or from the manifest with -f (which refreshes first).
    @Test(arguments: [true, false])
    func twoAppliesAtOnceOnOneCacheLetExactlyOneProceed(savedPlan: Bool) async throws {
        let server = try await RefreshFixture.start()
        defer { Task { await server.shutdown() } }
        let directory = try RefreshFixture.tempDirectory()
        let manifestPath = directory + "/team.yaml"
        try Self.manifest.write(toFile: manifestPath, atomically: true, encoding: .utf8)
        let cache = directory + "/cache.sqlite"
        let environment = ["TEAMCTL_ACCESS_TOKEN": "dev-alice", "TEAMCTL_CACHE": cache]
        let planPath = directory + "/plan.json"
        let made = try await RefreshFixture.runTeamctl(
            ["plan", "-f", manifestPath, "--today", "2026-11-25", "--out", planPath], server: server,
            environment: environment)
        try #require(made.status == 0, "\(made.stderr)")

        // Slow every request, so the first apply holds the lock while the second starts.
        await server.setFaults(FaultSettings(latencyMs: 400))
        let before = await server.requestLog().count
        let arguments =
            savedPlan ? ["apply", planPath, "--yes"] : ["apply", "-f", manifestPath, "--today", "2026-11-25", "--yes"]
        async let first = RefreshFixture.runTeamctl(arguments, server: server, environment: environment)
        async let second = RefreshFixture.runTeamctl(arguments, server: server, environment: environment)
        let runs = try await [first, second]

        let winners = runs.filter { $0.status == 0 }
        let losers = runs.filter { $0.status != 0 }
        #expect(winners.count == 1, "\(runs.map { "\($0.status): \($0.stderr)" })")
        #expect(losers.count == 1)
        if let loser = losers.first {
            #expect(loser.stderr.contains("another teamctl apply (pid "), "\(loser.stderr)")
            #expect(loser.stderr.contains("is running on \(cache)"))
            #expect(!loser.stdout.contains("applied"), "\(loser.stdout)")
        }

        // One run in the journal, and each change of the plan sent once (one request per change).
        let saved = try TeamSync.Plan.load(from: try Data(contentsOf: URL(fileURLWithPath: planPath)))
        let mutations = await server.requestLog().dropFirst(before).filter {
            $0.method != "GET" && $0.path.contains("/account/")
        }
        #expect(mutations.count == saved.changes.count, "\(mutations.map { "\($0.method) \($0.path)" })")
        let history = try await SQLiteApplyJournal(dbWriter: try AccountCache(path: cache).dbWriter).runs(limit: 10)
        #expect(history.count == 1)
        let state = await server.stateSnapshot()
        #expect(state.groups.first { $0.name == "m1234g" }.map { Set($0.members) } == ["alice", "bob", "carol"])
        #expect(state.groups.first { $0.name == "m1234new" }.map { Set($0.members) } == ["alice", "carol"])
    }

    @Test func theLockIsReleasedWhenTheHolderIsKilled() async throws {
        let directory = try RefreshFixture.tempDirectory()
        let cache = directory + "/cache.sqlite"
        // A child holds the lock the same way teamctl does (flock on <cache>.apply.lock), then dies by SIGKILL.
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        holder.arguments = [
            "python3", "-c",
            "import fcntl, os, sys, time; fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT, 0o600); "
                + "fcntl.flock(fd, fcntl.LOCK_EX); time.sleep(30)",
            cache + ".apply.lock",
        ]
        try holder.run()
        defer { if holder.isRunning { kill(holder.processIdentifier, SIGKILL) } }
        var busy = false
        for _ in 0..<50 {
            do {
                try ApplyLock.acquire(cachePath: cache).release()
                try await Task.sleep(for: .milliseconds(50))
            } catch let error as ApplyLockError {
                busy = true
                #expect("\(error)".contains("wait for it to finish"))
                break
            }
        }
        #expect(busy, "the lock held by the child was not seen")
        kill(holder.processIdentifier, SIGKILL)
        await RefreshFixture.waitForExit(holder)
        let lock = try ApplyLock.acquire(cachePath: cache)
        lock.release()
    }
}
