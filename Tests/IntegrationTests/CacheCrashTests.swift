import FacilityEmulator
import Foundation
import GRDB
import Testing

@testable import TeamSync

/// The cache under real process crashes and real concurrent processes: `teamctl refresh` is run as a
/// child process against the emulator and killed with SIGKILL at varied moments.
@Suite(.serialized)
struct CacheCrashTests {
    static let groupCount = 300

    func refreshProcess(_ binary: URL, server: EmulatorServer, cachePath: String) throws -> Process {
        let process = Process()
        process.executableURL = binary
        process.arguments = ["refresh"]
        var environment = ProcessInfo.processInfo.environment
        environment["TEAMCTL_API_URL"] = server.apiBaseURL.absoluteString
        environment["TEAMCTL_TOKEN_URL"] = server.tokenURL.absoluteString
        environment["TEAMCTL_ACCESS_TOKEN"] = "dev-alice"
        environment["TEAMCTL_CACHE"] = cachePath
        environment["TEAMCTL_PROFILE"] = nil
        environment["XDG_CONFIG_HOME"] = (cachePath as NSString).deletingLastPathComponent
        process.environment = environment
        process.standardOutput = Pipe()
        process.standardError = Pipe()
        try process.run()
        return process
    }

    func integrity(_ path: String) throws -> String? {
        let queue = try DatabaseQueue(path: path)
        return try queue.read { try String.fetchOne($0, sql: "PRAGMA integrity_check") }
    }

    @Test func killNineDuringRefreshesNeverBreaksTheCache() async throws {
        let binary = try RefreshFixture.teamctlBinary()
        let server = try await RefreshFixture.start(extraGroups: Self.groupCount)
        defer { Task { await server.shutdown() } }
        let cachePath = try RefreshFixture.tempDirectory() + "/cache.sqlite"
        var killed = 0
        // A refresh of this facility takes about 0.1 s in a debug build: spread the kills over start-up,
        // the reads and the write.
        for round in 0..<16 {
            let process = try refreshProcess(binary, server: server, cachePath: cachePath)
            try await Task.sleep(nanoseconds: UInt64(10 + round * 10) * 1_000_000)
            if process.isRunning {
                kill(process.processIdentifier, SIGKILL)
                killed += 1
            }
            await RefreshFixture.waitForExit(process)
        }
        #expect(killed > 0)
        let last = try refreshProcess(binary, server: server, cachePath: cachePath)
        await RefreshFixture.waitForExit(last)
        #expect(last.terminationStatus == 0)
        #expect(try integrity(cachePath) == "ok")
        let cache = try AccountCache(path: cachePath)
        let snapshots = try cache.snapshots(facility: "nersc", since: nil)
        #expect(!snapshots.isEmpty)
        // Every stored snapshot is whole: no refresh was half-written.
        for snapshot in snapshots {
            #expect(snapshot.groups.count == Self.groupCount + 1)
            #expect(snapshot.caller == "alice")
        }
    }

    @Test func concurrentRefreshesNeverCorruptTheCache() async throws {
        let binary = try RefreshFixture.teamctlBinary()
        let server = try await RefreshFixture.start(extraGroups: Self.groupCount)
        defer { Task { await server.shutdown() } }
        let cachePath = try RefreshFixture.tempDirectory() + "/cache.sqlite"
        let rounds = 3
        for _ in 0..<rounds {
            let processes = try (0..<2).map { _ in try refreshProcess(binary, server: server, cachePath: cachePath) }
            for process in processes {
                await RefreshFixture.waitForExit(process)
                #expect(process.terminationStatus == 0)
            }
        }
        #expect(try integrity(cachePath) == "ok")
        let snapshots = try AccountCache(path: cachePath).snapshots(facility: "nersc", since: nil)
        #expect(snapshots.count == 2 * rounds)
        #expect(
            Set(try snapshots.map { try #require(try AccountCache(path: cachePath).contentHash(snapshotId: $0.id)) })
                .count == 1)
    }

    @Test func aSecondProcessWaitsForTheLockThenFailsClearly() async throws {
        let binary = try RefreshFixture.teamctlBinary()
        let server = try await RefreshFixture.start()
        defer { Task { await server.shutdown() } }
        let cachePath = try RefreshFixture.tempDirectory() + "/cache.sqlite"
        let cache = try AccountCache(path: cachePath)
        // Hold the writer lock longer than teamctl waits for it (10 s), on a thread of its own.
        let outcome = await RefreshFixture.offThePool { () -> Result<(Int32, Data), any Error> in
            Result {
                try cache.withWriterLock(timeout: 1) {
                    let process = try refreshProcess(binary, server: server, cachePath: cachePath)
                    process.waitUntilExit()
                    let stderr = (process.standardError as? Pipe)?.fileHandleForReading.readDataToEndOfFile() ?? Data()
                    return (process.terminationStatus, stderr)
                }
            }
        }
        let (status, stderr) = try outcome.get()
        #expect(status != 0)
        #expect(String(decoding: stderr, as: UTF8.self).contains("another teamctl process is writing the cache"))
        #expect(try cache.latestSnapshot(facility: "nersc") == nil)
    }
}
