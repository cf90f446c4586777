import FacilityEmulator
import Foundation
import GRDB
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// A cache the user may read but not write (file mode 0444, or a folder of mode 0555): the commands that only read
/// it work (history, drift, usage, plan --no-refresh), and those that write fail before doing anything with a
/// message that says the cache is read-only and what to do. Run as an unprivileged user (root ignores modes): this
/// suite drops to `nobody` with setpriv when it runs as root.
struct ReadOnlyCacheTests {
    static let nobody: UInt32 = 65534

    /// A facility, a cache with two snapshots of it, everything handed to `nobody` (when root) and made read-only.
    static func readOnlyCache(folderToo: Bool) async throws -> (harness: TeamctlHarness, snapshots: Int) {
        let harness = try await TeamctlHarness.examples()
        for _ in 0..<2 {
            let refresh = try await harness.run(["refresh", "-f", "team.yaml"])
            try #require(refresh.status == 0, "\(refresh.output)")
        }
        // Counted while it is still writable: the last connection's close removes -wal and -shm, so the runs
        // below meet a read-only folder with neither, as after any clean exit.
        let snapshots = try snapshotCount(harness.cachePath)
        try FileManager.default.createDirectory(atPath: harness.directory + "/home", withIntermediateDirectories: true)
        if geteuid() == 0 {
            let enumerator = FileManager.default.enumerator(atPath: harness.directory)
            chown(harness.directory, nobody, nobody)
            while let name = enumerator?.nextObject() as? String {
                chown(harness.directory + "/" + name, nobody, nobody)
            }
        }
        chmod(harness.cachePath, 0o444)
        if folderToo {
            chmod(harness.cachePath, 0o644)
            chmod(harness.directory, 0o555)
        }
        #expect(!FileManager.default.fileExists(atPath: harness.cachePath + "-shm"))
        return (harness, snapshots)
    }

    /// How many snapshots the cache holds.
    static func snapshotCount(_ path: String) throws -> Int {
        let database = try DatabaseQueue(path: path)
        defer { try? database.close() }
        return try database.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM snapshot") } ?? -1
    }

    /// Runs teamctl as the harness would, but as `nobody` when this process is root.
    static func run(_ harness: TeamctlHarness, _ arguments: [String]) async throws -> TeamctlRun {
        let process = Process()
        let binary = try RefreshFixture.teamctlBinary()
        if geteuid() == 0 {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
            process.arguments =
                ["--reuid=\(nobody)", "--regid=\(nobody)", "--clear-groups", "--", binary.path] + arguments
        } else {
            process.executableURL = binary
            process.arguments = arguments
        }
        process.environment = harness.environment()
        process.currentDirectoryURL = URL(fileURLWithPath: harness.directory)
        let run = try await ChildProcess.collect(process)
        return TeamctlRun(status: run.status, stdout: run.stdout, stderr: run.stderr)
    }

    static func cleanUp(_ harness: TeamctlHarness) async {
        chmod(harness.directory, 0o755)
        await harness.shutdown()
    }

    @Test(
        .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv") || geteuid() != 0),
        arguments: [false, true])
    func readingCommandsWorkOnAReadOnlyCacheAndWritingOnesSayWhy(folderToo: Bool) async throws {
        let (harness, snapshots) = try await Self.readOnlyCache(folderToo: folderToo)
        let mode = try FileManager.default.attributesOfItem(atPath: harness.cachePath)[.posixPermissions] as? NSNumber

        for arguments in [
            ["history"], ["drift", "-f", "team.yaml"], ["usage", "--format", "json"],
            ["plan", "-f", "team.yaml", "--no-refresh", "--today", PlanApplyTests.today],
        ] {
            let run = try await Self.run(harness, arguments)
            #expect(run.status == 0, "\(arguments.joined(separator: " ")): \(run.output)")
        }
        let usage = try await Self.run(harness, ["usage", "--format", "json"])
        #expect((try? JSONSerialization.jsonObject(with: Data(usage.stdout.utf8))) != nil, "\(usage.output)")

        let before = await harness.mutatingRequests().count
        for arguments in [
            ["refresh", "-f", "team.yaml"], ["ack", "nersc/m4812/roster/x"],
            ["apply", "-f", "team.yaml", "--yes", "--today", PlanApplyTests.today],
        ] {
            let run = try await Self.run(harness, arguments)
            #expect(run.status != 0, "\(arguments.joined(separator: " ")): \(run.output)")
            #expect(run.stderr.contains("read-only"), "\(arguments[0]): \(run.output)")
            #expect(run.stderr.contains(harness.cachePath), "\(arguments[0]): \(run.output)")
        }
        #expect(await harness.mutatingRequests().count == before, "a write reached the facility")
        #expect(
            try FileManager.default.attributesOfItem(atPath: harness.cachePath)[.posixPermissions] as? NSNumber == mode)
        chmod(harness.directory, 0o755)
        chmod(harness.cachePath, 0o644)
        #expect(try Self.snapshotCount(harness.cachePath) == snapshots)
        await Self.cleanUp(harness)
    }

    /// A cache a newer teamctl wrote: the reading commands say so once and work; refresh and apply stop before
    /// sending anything, naming the cache and the unknown migration; nothing in the file changes.
    @Test func aNewerTeamctlsCacheIsReadWithAWarningAndNeverWritten() async throws {
        let harness = try await TeamctlHarness.examples()
        defer { Task { await harness.shutdown() } }
        let refresh = try await harness.run(["refresh", "-f", "team.yaml"])
        try #require(refresh.status == 0, "\(refresh.output)")
        let database = try DatabaseQueue(path: harness.cachePath)
        try await database.write { db in
            try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v9-from-the-future')")
        }
        try database.close()
        let snapshots = try Self.snapshotCount(harness.cachePath)

        for arguments in [["history"], ["usage", "--format", "json"], ["drift", "-f", "team.yaml"]] {
            let run = try await harness.run(arguments)
            #expect(run.status == 0, "\(arguments[0]): \(run.output)")
            #expect(run.stderr.contains("warning: the cache \(harness.cachePath) was written by a newer teamctl"))
            #expect(run.stderr.contains("v9-from-the-future"), "\(arguments[0]): \(run.stderr)")
        }
        let before = await harness.mutatingRequests().count
        for arguments in [
            ["refresh", "-f", "team.yaml"], ["apply", "-f", "team.yaml", "--yes", "--today", PlanApplyTests.today],
        ] {
            let run = try await harness.run(arguments)
            #expect(run.status != 0, "\(arguments[0]): \(run.output)")
            for words in ["written by a newer teamctl", "v9-from-the-future", harness.cachePath, "upgrade teamctl"] {
                #expect(run.stderr.contains(words), "\(arguments[0]): \(run.stderr)")
            }
        }
        #expect(await harness.mutatingRequests().count == before, "a write reached the facility")
        #expect(try Self.snapshotCount(harness.cachePath) == snapshots)
    }
}
