import Foundation
import GRDB
import Testing

/// A cache written by the previous release (0.1.0, plan format 1; `teamctl demo --cache` then `teamctl ack`, kept in
/// `Tests/TeamSyncTests/Fixtures/release-0.1.0-cache` with that release's own `history` and `usage` output) opens,
/// migrates in place, keeps its history, and reads the same.
struct OldCacheTests {
    static let fixture = TeamctlHarness.repoPath("Tests/TeamSyncTests/Fixtures/release-0.1.0-cache")

    /// A copy of the old cache in a fresh folder.
    static func copy() throws -> String {
        let directory = try RefreshFixture.tempDirectory()
        let cache = directory + "/cache.sqlite"
        try FileManager.default.copyItem(atPath: fixture + "/cache.sqlite", toPath: cache)
        return cache
    }

    static func run(_ arguments: [String], cache: String) async throws -> TeamctlRun {
        let harness = try await TeamctlHarness.examples()
        defer { Task { await harness.shutdown() } }
        return try await harness.run(arguments, environment: ["TEAMCTL_CACHE": cache])
    }

    @Test func historyReadsAsTheOldReleaseShowedIt() async throws {
        let cache = try Self.copy()
        let list = try await Self.run(["history"], cache: cache)
        #expect(list.status == 0, "\(list.output)")
        let expected = try String(contentsOfFile: Self.fixture + "/history.txt", encoding: .utf8)
        #expect(list.stdout == expected)
        let runID = try #require(expected.split(separator: "\n").dropFirst().first?.split(separator: " ").first)
        let detail = try await Self.run(["history", String(runID)], cache: cache)
        #expect(detail.status == 0, "\(detail.output)")
        #expect(detail.stdout == (try String(contentsOfFile: Self.fixture + "/history-run.txt", encoding: .utf8)))
    }

    @Test func usageShowsTheSameHistoryAndFigures() async throws {
        let cache = try Self.copy()
        let usage = try await Self.run(["usage", "--format", "json"], cache: cache)
        #expect(usage.status == 0, "\(usage.output)")
        func object(_ text: String) throws -> [String: Any] {
            try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        }
        let old = try object(try String(contentsOfFile: Self.fixture + "/usage.json", encoding: .utf8))
        let new = try object(usage.stdout)
        for key in ["snapshotCount", "facility", "caller", "allocationYear"] {
            #expect(
                NSDictionary(dictionary: ["v": new[key] ?? NSNull()])
                    == NSDictionary(dictionary: ["v": old[key] ?? NSNull()]),
                "\(key)")
        }
        let oldProjects = try #require(old["projects"] as? [[String: Any]])
        let newProjects = try #require(new["projects"] as? [[String: Any]])
        #expect(newProjects.count == oldProjects.count)
        for (before, after) in zip(oldProjects, newProjects) {
            // The snapshot history and the figures read from it; the burn rate's rules changed on purpose (#18).
            for key in ["project", "asOf", "series", "storage", "callerRole"] {
                #expect(
                    NSDictionary(dictionary: ["v": after[key] ?? NSNull()])
                        == NSDictionary(dictionary: ["v": before[key] ?? NSNull()]), "\(key)")
            }
            for resource in ["cpu", "gpu"] {
                let a = try #require(before[resource] as? [String: Any])
                let b = try #require(after[resource] as? [String: Any])
                for key in ["projectGiven", "projectUsed", "callerGiven", "callerUsed", "percentUsed"] {
                    #expect("\(b[key] ?? "-")" == "\(a[key] ?? "-")", "\(resource).\(key)")
                }
            }
        }
    }

    @Test func theMigrationCarriesTheFacilityIntoRunsAcknowledgementsAndSnapshots() async throws {
        let cache = try Self.copy()
        // Any command opens (and so migrates) the cache.
        let list = try await Self.run(["history"], cache: cache)
        #expect(list.status == 0, "\(list.output)")
        let database = try DatabaseQueue(path: cache)
        let (acks, facilities, providers, snapshots) = try await database.read { db in
            (
                try String.fetchAll(db, sql: "SELECT item_id FROM manual_ack"),
                try String.fetchAll(db, sql: "SELECT DISTINCT facility FROM apply_run"),
                try String.fetchAll(db, sql: "SELECT DISTINCT provider FROM snapshot"),
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM snapshot")
            )
        }
        #expect(acks == ["nersc/m4812/permissions/premium_qos/amorales"])
        #expect(facilities == ["nersc"])
        #expect(providers == ["sfapi"])
        #expect(snapshots == 9)
    }

    @Test func aPlanFromTheMigratedCacheHonoursTheOldAcknowledgement() async throws {
        let cache = try Self.copy()
        let harness = try await TeamctlHarness.examples()
        defer { Task { await harness.shutdown() } }
        let plan = try await harness.run(
            ["plan", "-f", "team.yaml", "--no-refresh", "--today", PlanApplyTests.today, "--format", "json"],
            environment: ["TEAMCTL_CACHE": cache])
        #expect(plan.status == 0, "\(plan.output)")
        let ids = try PlanJSON(plan.stdout).manualItems.compactMap { $0["id"] as? String }
        #expect(!ids.isEmpty)
        #expect(ids.allSatisfy { $0.hasPrefix("nersc/m4812/") })
        #expect(!ids.contains("nersc/m4812/permissions/premium_qos/amorales"), "acknowledged under the old id")
        #expect(ids.contains("nersc/m4812/permissions/premium_qos/bchen"))
    }
}
