import AccountModels
import FacilityEmulator
import Foundation
import Testing

@testable import TeamSync

/// End to end: the real emulator over loopback, the real client and refresher, a real SQLite cache.
/// `POST /_emulator/usage` adds usage between refreshes, and the report must find exactly that burn.
struct UsageReportEmulatorTests {
    static let seed = """
        users:
          - {name: alice, uid: 1001}
          - {name: bob, uid: 1002}
        projects:
          - id: 1234
            repo_name: m1234
            description: Detector calibration
            cpu_hours_given: 10000
            gpu_hours_given: 2000
            members:
              - {user: alice, role: PI, cpu_hours_given: 5000, cpu_hours_used: 1000, gpu_hours_given: 1000, gpu_hours_used: 0}
              - {user: bob, role: Member, cpu_hours_given: 5000, cpu_hours_used: 0}
            storage:
              projdir: {bytes_given: 1.0e13, bytes_used: 2.5e12, files_given: 1.0e7, files_used: 250000}
              hpss: {bytes_given: 5.0e14, bytes_used: 1.0e13}
        groups:
          - {name: m1234g, gid: 60001, repo_name: m1234, members: [alice, bob]}
        tokens:
          - {token: dev-alice, user: alice}
        systems:
          - {name: iris, status: active}
        """

    /// A clock the test moves: one refresh per simulated day.
    final class SimulatedClock: @unchecked Sendable {
        private let lock = NSLock()
        private var current: Date
        init(_ start: Date) { current = start }
        var now: Date { lock.withLock { current } }
        func advance(days: Double) { lock.withLock { current = current.addingTimeInterval(days * 86_400) } }
    }

    func postUsage(
        _ server: EmulatorServer, transport: URLSessionTransport, user: String, cpu: Double, gpu: Double
    ) async throws {
        let body = #"{"repo_name": "m1234", "user": "\#(user)", "cpu_hours": \#(cpu), "gpu_hours": \#(gpu)}"#
        let request = HTTPRequest(
            method: .post, url: server.baseURL.appendingPathComponent("_emulator/usage"),
            headers: ["Content-Type": "application/json"], body: Data(body.utf8))
        let response = try await transport.send(request)
        try #require(response.status == 200, "POST /_emulator/usage answered \(response.status)")
    }

    @Test func reportsTheBurnAddedBetweenRefreshes() async throws {
        let server = try await EmulatorServer.start(seed: try EmulatorSeed(yaml: Self.seed))
        do {
            try await run(server)
            await server.shutdown()
        } catch {
            await server.shutdown()
            throw error
        }
    }

    func run(_ server: EmulatorServer) async throws {
        let transport = URLSessionTransport(maxConcurrent: 4)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "teamctl-usage-e2e-\(UUID().uuidString)")
        let cache = try AccountCache(path: folder.appendingPathComponent("cache.sqlite").path)
        let clock = SimulatedClock(try UsageHistory.date("2026-03-01", hour: 6))
        let client = SFAPIClient(
            apiBaseURL: server.apiBaseURL, transport: transport, tokens: StaticTokenSource(token: "dev-alice"))
        let refresher = Refresher(client: client, cache: cache, now: { clock.now })

        // Eleven daily refreshes; between them alice and bob together use 100 CPU hours and alice 20 GPU hours.
        _ = try await refresher.refresh(facility: "nersc", extraGroups: [])
        for _ in 1...10 {
            try await postUsage(server, transport: transport, user: "alice", cpu: 60, gpu: 20)
            try await postUsage(server, transport: transport, user: "bob", cpu: 40, gpu: 0)
            clock.advance(days: 1)
            _ = try await refresher.refresh(facility: "nersc", extraGroups: [])
        }

        let snapshots = try cache.snapshots(facility: "nersc", since: nil)
        #expect(snapshots.count == 11)
        let report = UsageReport.build(
            snapshots: snapshots, now: try UsageHistory.date("2026-03-11", hour: 9), warnAt: 80)
        let project = try #require(report.projects.first { $0.project == "m1234" })
        #expect(report.caller == "alice")
        #expect(project.cpu.projectUsed == 2_000)
        #expect(project.cpu.callerUsed == 1_600)
        #expect(project.cpu.callerGiven == 5_000)
        #expect(project.cpu.burn?.hoursPerDay == 100)
        #expect(project.cpu.burnBasis == .window)
        #expect(project.cpu.burn?.points == 8)
        // 8,000 hours left at 100 a day: 80 days after 2026-03-11 06:00.
        #expect(project.cpu.runOutDay == CalendarDay("2026-05-30"))
        #expect(project.gpu.projectUsed == 200)
        #expect(project.gpu.burn?.hoursPerDay == 20)
        // 1,800 left at 20 a day: 90 days after 2026-03-11.
        #expect(project.gpu.runOutDay == CalendarDay("2026-06-09"))
        #expect(project.series.map(\.cpuUsed) == (0...10).map { 1_000 + 100 * Double($0) })
        #expect(project.storage.first { $0.area == .projdir }?.bytesPercentUsed == 25)
        #expect(report.warnings.map(\.kind) == [.runsOutBeforeYearEnd, .runsOutBeforeYearEnd])
        #expect(report.exitCode == 4)

        let html = UsageRenderer.html(report)
        #expect(html.components(separatedBy: "<svg").count - 1 == report.projects.count)
        let csv = UsageRenderer.csv(report)
        #expect(csv.contains("m1234,cpu,hours,,10000,2000,20,5000,1600,32,100,2026-05-30,"))
    }
}
