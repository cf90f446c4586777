import AccountModels
import ArgumentParser
import FacilityEmulator
import Foundation
import TeamSync

extension BenchCommand {
    /// `teamctl-bench refresh`: a refresh of a large generated facility at a fixed emulator latency,
    /// timed against the bound `latency x ceil(requests / concurrency)`, with requests counted against the minimum.
    struct RefreshBench: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "refresh",
            abstract: "Time a refresh of a generated facility (projects, groups, users) against the emulator.")

        @Option(help: "Projects in the generated facility; the caller is PI of all of them.")
        var projects = 50

        @Option(help: "File groups, spread evenly over the projects.")
        var groups = 400

        @Option(help: "Users, spread evenly over the projects.")
        var users = 5000

        @Option(help: "Group members per group.")
        var groupSize = 30

        @Option(help: "Latency the emulator adds to every request, in milliseconds.")
        var latencyMs = 20

        @Option(parsing: .upToNextOption, help: "Requests in flight at once; one series per value.")
        var concurrency: [Int] = [8]

        @Option(help: "Refreshes per series.")
        var runs = 3

        func validate() throws {
            guard projects > 0, groups >= projects, users >= projects, groupSize > 0, latencyMs >= 0, runs > 0,
                concurrency.allSatisfy({ $0 > 0 })
            else {
                throw ValidationError(
                    "sizes, --runs and --concurrency must be positive, with at least one group and user per project")
            }
        }

        func run() async throws {
            let (seed, groupNames, ownGroups) = generate()
            let server = try await EmulatorServer.start(seed: seed, faults: FaultSettings(latencyMs: latencyMs))
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
                "teamctl-bench-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            let cache = try AccountCache(path: directory.appendingPathComponent("cache.sqlite").path)
            // The caller's five list reads, plus one read for each named group its own list does not return.
            let minimum = 5 + groupNames.count - ownGroups
            print(
                "refresh: \(projects) projects, \(groups) groups (\(ownGroups) the caller's own), \(users) users, "
                    + "\(latencyMs) ms latency; minimum requests \(minimum)")
            for limit in concurrency {
                let bound = Double(latencyMs) / 1000 * Double((minimum + limit - 1) / limit)
                for run in 1...runs {
                    let before = await server.requestLog().count
                    let client = SFAPIClient(
                        apiBaseURL: server.apiBaseURL, transport: URLSessionTransport(maxConcurrent: limit),
                        tokens: StaticTokenSource(token: "bench-pi"))
                    let start = DispatchTime.now().uptimeNanoseconds
                    let read = try await Refresher(client: client, cache: nil)
                        .refresh(facility: "bench", extraGroups: groupNames)
                    let readDone = DispatchTime.now().uptimeNanoseconds
                    let snapshot = try cache.store(read)
                    let end = DispatchTime.now().uptimeNanoseconds
                    let reads = Double(readDone - start) / 1e9
                    let wall = Double(end - start) / 1e9
                    let made = await server.requestLog().count - before
                    let ratio: Double = bound > 0 ? reads / bound : 0
                    print(
                        String(
                            format:
                                "concurrency %d run %d: %.3f s wall (reads %.3f s, bound %.3f s, x%.2f; store %.3f s); "
                                + "%d requests, minimum %d; snapshot %lld with %d groups",
                            limit, run, wall, reads, bound, ratio, wall - reads, made, minimum,
                            snapshot.id, snapshot.groups.count))
                }
            }
            await server.shutdown()
        }

        /// A facility where user `pi` leads every project and belongs to the first group of each.
        private func generate() -> (EmulatorSeed, [String], Int) {
            var seedUsers = [SFAPIWire.UserInfo(uid: 100_000, name: "pi")]
            seedUsers += (0..<users).map { SFAPIWire.UserInfo(uid: 100_001 + $0, name: String(format: "u%05d", $0)) }
            let members = seedUsers.dropFirst().map(\.name)
            var seedProjects: [EmulatorSeed.Project] = []
            var seedGroups: [EmulatorSeed.Group] = []
            var own = 0
            for p in 0..<projects {
                let repo = "m\(1000 + p)"
                let roster = stride(from: p, to: members.count, by: projects).map { members[$0] }
                seedProjects.append(
                    EmulatorSeed.Project(
                        id: 1000 + p, repo_name: repo, description: "bench project \(p)",
                        members: [EmulatorSeed.Member(user: "pi", role: .pi)]
                            + roster.map { EmulatorSeed.Member(user: $0) }))
                let count = groups / projects + (p < groups % projects ? 1 : 0)
                for g in 0..<count {
                    var names = (0..<min(groupSize, roster.count)).map { roster[($0 + g * 7) % roster.count] }
                    if g == 0 {
                        names.append("pi")
                        own += 1
                    }
                    seedGroups.append(
                        EmulatorSeed.Group(
                            name: "\(repo)g\(g)", gid: 70_000 + seedGroups.count, repo_name: repo, members: names))
                }
            }
            let seed = EmulatorSeed(
                users: seedUsers, projects: seedProjects, groups: seedGroups,
                tokens: [EmulatorSeed.StaticToken(token: "bench-pi", user: "pi")],
                systems: [SFAPIWire.SystemStatus(name: "iris", status: .active)])
            return (seed, seedGroups.map(\.name), own)
        }
    }
}
