import ArgumentParser
import FacilityEmulator
import Foundation
import TeamSync

extension BenchCommand {
    /// Many small keep-alive requests from concurrent clients: shows the emulator and transport add no stalls.
    struct Keepalive: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Send N keep-alive GET /account/groups requests from C concurrent clients to an in-process emulator.")

        @Option(help: "Total number of requests.")
        var requests = 1000

        @Option(help: "Number of concurrent clients, each with its own connection.")
        var clients = 8

        @Option(help: "How many times to repeat the run; each run is reported.")
        var runs = 3

        func validate() throws {
            guard requests > 0, clients > 0, runs > 0 else {
                throw ValidationError("--requests, --clients and --runs must be positive")
            }
        }

        func run() async throws {
            let seed = try EmulatorSeed(yaml: Self.seedYAML)
            let server = try await EmulatorServer.start(seed: seed)
            let url = server.apiBaseURL.appendingPathComponent("account/groups")
            print("keepalive: \(requests) requests, \(clients) clients, emulator at \(server.baseURL.absoluteString)")
            for run in 1...runs {
                let result = try await measure(url: url)
                let sorted = result.latencies.sorted()
                func percentile(_ p: Double) -> Double { sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))] * 1000 }
                print(String(
                    format: "run %d: %.3f s total, %.0f req/s, latency p50 %.2f ms, p99 %.2f ms, max %.2f ms, errors %d",
                    run, result.total, Double(requests) / result.total, percentile(0.5), percentile(0.99),
                    (sorted.last ?? 0) * 1000, result.errors))
            }
            await server.shutdown()
        }

        private struct Result {
            var total: Double
            var latencies: [Double]
            var errors: Int
        }

        private func measure(url: URL) async throws -> Result {
            let transports = (0..<clients).map { _ in URLSessionTransport(maxConcurrent: 1) }
            let request = HTTPRequest(method: .get, url: url, headers: ["Authorization": "Bearer bench-token"])
            let perClient = (0..<clients).map { requests / clients + ($0 < requests % clients ? 1 : 0) }
            let start = DispatchTime.now().uptimeNanoseconds
            let outcomes = await withTaskGroup(of: ([Double], Int).self) { group in
                for (transport, count) in zip(transports, perClient) {
                    group.addTask {
                        var latencies: [Double] = []
                        var errors = 0
                        for _ in 0..<count {
                            let sent = DispatchTime.now().uptimeNanoseconds
                            let status = (try? await transport.send(request))?.status
                            latencies.append(Double(DispatchTime.now().uptimeNanoseconds - sent) / 1e9)
                            if status != 200 { errors += 1 }
                        }
                        return (latencies, errors)
                    }
                }
                var all: [([Double], Int)] = []
                for await outcome in group { all.append(outcome) }
                return all
            }
            let total = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            return Result(total: total, latencies: outcomes.flatMap(\.0), errors: outcomes.map(\.1).reduce(0, +))
        }

        static let seedYAML = """
            users: [{name: bench, uid: 1001}]
            projects:
              - {id: 1, repo_name: m0001, description: Bench, members: [{user: bench, role: PI}]}
            groups: [{name: benchg, gid: 60001, repo_name: m0001, members: [bench]}]
            tokens: [{token: bench-token, user: bench}]
            """
    }
}
