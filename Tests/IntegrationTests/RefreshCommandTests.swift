import FacilityEmulator
import Foundation
import Testing

@testable import TeamSync

/// `teamctl refresh` and `teamctl status` as a user runs them: the built executable against the emulator.
struct RefreshCommandTests {
    @Test func refreshPrintsOneSummaryLineAndStoresNoSecret() async throws {
        let server = try await RefreshFixture.start()
        defer { Task { await server.shutdown() } }
        let directory = try RefreshFixture.tempDirectory()
        let manifest = directory + "/team.yaml"
        try
            "version: 1\nproject: m1234\nmembers:\n  alice: {role: pi}\ngroups:\n  m1234x: {members: all}\n  newgrp: {members: all}\n"
            .write(
                toFile: manifest, atomically: true, encoding: .utf8)
        let cachePath = directory + "/cache.sqlite"
        let run = try await RefreshFixture.runTeamctl(
            ["refresh", "-f", manifest], server: server,
            environment: ["TEAMCTL_ACCESS_TOKEN": "dev-alice", "TEAMCTL_CACHE": cachePath])
        #expect(run.status == 0, "\(run.stderr)")
        let lines = run.stdout.split(separator: "\n")
        #expect(lines.count == 1)
        #expect(lines.first?.hasPrefix("refreshed nersc as alice: 2 projects, 2 groups, 1 client") == true)
        #expect(run.stderr.isEmpty)
        let snapshot = try #require(try AccountCache(path: cachePath).latestSnapshot(facility: "nersc"))
        #expect(snapshot.groups["m1234x"] != nil)
        #expect(snapshot.missingGroups == ["newgrp"])
        for file in [cachePath, cachePath + "-wal"] where FileManager.default.fileExists(atPath: file) {
            let bytes = try Data(contentsOf: URL(fileURLWithPath: file))
            #expect(bytes.range(of: Data("dev-alice".utf8)) == nil)
        }
    }

    @Test func aFailedRefreshExitsNonZeroWithTheReasonAndNoToken() async throws {
        let server = try await RefreshFixture.start()
        defer { Task { await server.shutdown() } }
        let run = try await RefreshFixture.runTeamctl(
            ["refresh"], server: server,
            environment: [
                "TEAMCTL_ACCESS_TOKEN": "stolen-token-xyz",
                "TEAMCTL_CACHE": try RefreshFixture.tempDirectory() + "/c.sqlite",
            ])
        #expect(run.status != 0)
        #expect(run.stderr.contains("returned 401"))
        #expect(!run.stderr.contains("stolen-token-xyz"))
        #expect(!run.stdout.contains("stolen-token-xyz"))
    }

    @Test func statusExitsThreeWhenTheAccountSystemIsDown() async throws {
        let server = try await RefreshFixture.start()
        defer { Task { await server.shutdown() } }
        let up = try await RefreshFixture.runTeamctl(["status"], server: server, environment: [:])
        #expect(up.status == 0)
        #expect(up.stdout.contains("perlmutter  degraded"))
        #expect(up.stdout.contains("the account system (iris) is active"))
        await server.setSystemStatus(name: "iris", status: "unavailable")
        let down = try await RefreshFixture.runTeamctl(["status"], server: server, environment: [:])
        #expect(down.status == 3)
        #expect(down.stdout.contains("the account system (iris) is unavailable"))
    }

    @Test func plainHTTPToARemoteHostIsRefused() async throws {
        let server = try await RefreshFixture.start()
        defer { Task { await server.shutdown() } }
        let run = try await RefreshFixture.runTeamctl(
            ["status", "--api-url", "http://api.example.org/api/v1.2"], server: server, environment: [:])
        #expect(run.status != 0)
        #expect(run.stderr.contains("plain http"))
    }
}
