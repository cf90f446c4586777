import ArgumentParser
import FacilityEmulator
import Foundation

extension BenchCommand {
    /// `teamctl-bench scale`: the real `teamctl` executable, run as child processes against an in-process
    /// emulator holding a generated collaboration of each size, step by step (validate, refresh, plan
    /// from the warm cache, apply of a saved plan), each the median of several runs.
    struct Scale: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Time validate, refresh, plan and apply of the teamctl executable on generated collaborations.",
            discussion: """
                Sizes: S (1 project, 30 users, 5 groups), M (10, 1,000, 80), L (50, 5,000, 400), \
                XL (200, 100,000, 2,000), or any PROJECTSxUSERSxGROUPS such as 20x2000x160. Build teamctl in the same configuration first \
                (swift build -c release), then: swift run -c release teamctl-bench scale --sizes S,M,L
                """)

        @Option(help: "Comma-separated sizes: S, M, L, XL, or PROJECTSxUSERSxGROUPS (e.g. 20x2000x160).")
        var sizes = "S,M,L"

        @Option(help: "Runs per step; the median is reported.")
        var runs = 3

        @Option(help: "Latency the emulator adds to every request, in milliseconds.")
        var latencyMs = 20

        @Option(help: "Requests teamctl keeps in flight (TEAMCTL_CONCURRENCY).")
        var concurrency = 8

        @Option(help: "Members per listed group.")
        var groupSize = 30

        @Option(help: "Projects each user belongs to (at most).")
        var overlap = 4

        @Option(help: "Fraction of listed groups that drifted (0-1).")
        var drift = 0.1

        @Option(help: "The teamctl executable (default: next to this one).")
        var teamctl: String?

        @Option(
            help: ArgumentHelp(
                "A second teamctl executable (e.g. the previous release) measured side by side.",
                discussion: "Each step runs the two in turn, run by run (A B A B ...), each with its own cache, so a "
                    + "comparison holds while the machine's speed drifts; rows are marked (new) and (baseline)."))
        var baseline: String?

        @Flag(help: "Keep the generated manifests, seed (seed.json) and caches, and print where they are.")
        var keep = false

        func validate() throws {
            guard runs > 0, latencyMs >= 0, concurrency > 0, groupSize > 1, overlap > 0, (0...1).contains(drift) else {
                throw ValidationError("--runs, --concurrency, --group-size and --overlap must be positive, --drift 0-1")
            }
            _ = try chosenSizes()
        }

        func chosenSizes() throws -> [ScaleSize] {
            try sizes.split(separator: ",").map { name in
                guard let size = ScaleSize(named: String(name)) else {
                    throw ValidationError(
                        "unknown size '\(name)'; use S, M, L, XL or PROJECTSxUSERSxGROUPS with at least one group "
                            + "per project and two users, e.g. 20x2000x160")
                }
                return size
            }
        }

        func run() async throws {
            let executable = teamctl ?? Self.siblingExecutable("teamctl")
            guard FileManager.default.isExecutableFile(atPath: executable) else {
                throw ValidationError(
                    "no teamctl executable at \(executable); build it (swift build -c release) or pass --teamctl")
            }
            if let baseline, !FileManager.default.isExecutableFile(atPath: baseline) {
                throw ValidationError("no teamctl executable at \(baseline) (--baseline)")
            }
            say(
                "teamctl \(executable)\(baseline.map { " against baseline \($0)" } ?? ""); \(runs) runs per step, "
                    + "median shown; latency \(latencyMs) ms, "
                    + "concurrency \(concurrency), group size \(groupSize), overlap \(overlap), drift \(drift)")
            for size in try chosenSizes() {
                try await measure(size, executable: executable)
            }
        }

        /// One row of a size's table.
        struct Row {
            var step: String
            var runs: [ChildRun]
            var requests: String = "-"
            var bound: Double?

            var median: Double { Self.median(runs.map(\.seconds)) }
            var peakMB: Double { Double(runs.map(\.peakBytes).max() ?? 0) / 1_048_576 }

            static func median(_ values: [Double]) -> Double {
                let sorted = values.sorted()
                guard !sorted.isEmpty else { return 0 }
                return sorted.count % 2 == 1
                    ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
            }
        }

        private func measure(_ size: ScaleSize, executable: String) async throws {
            let started = Date()
            let workload = ScaleWorkload.generate(size, groupSize: groupSize, overlap: overlap, drift: drift)
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
                "teamctl-scale-\(size.name)-\(UUID().uuidString.prefix(8))")
            let manifests = directory.appendingPathComponent("manifests")
            try workload.writeManifests(to: manifests)
            defer { if !keep { try? FileManager.default.removeItem(at: directory) } }
            if keep {
                let encoder = JSONEncoder()
                try encoder.encode(workload.seed).write(to: directory.appendingPathComponent("seed.json"))
                say("kept: \(directory.path)")
            }
            say(
                "\n\(size.name): \(size.projects) project\(size.projects == 1 ? "" : "s"), \(size.users) users, "
                    + "\(workload.groupCount) groups "
                    + "(\(workload.createdGroups) to create, \(workload.changedGroups) to change), "
                    + "\(workload.memberships) roster entries; generated in "
                    + String(format: "%.2f s", Date().timeIntervalSince(started)))

            let day = "2026-11-25"
            var environment = [
                "HOME": directory.path, "XDG_CONFIG_HOME": directory.appendingPathComponent("config").path,
                "XDG_DATA_HOME": directory.appendingPathComponent("data").path,
                "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
                "TEAMCTL_ACCESS_TOKEN": ScaleWorkload.token, "TEAMCTL_CONCURRENCY": String(concurrency),
                "TEAMCTL_PROFILE": "", "NO_COLOR": "1",
            ]
            // The executables measured: the new one, and the baseline when given; each step runs them in turn.
            let executables: [(label: String, path: String)] =
                [(baseline == nil ? "" : " (new)", executable)] + (baseline.map { [(" (baseline)", $0)] } ?? [])
            func child(
                _ arguments: [String], stdout: String = "/dev/null", using path: String = executable,
                cache: String? = nil
            ) async throws -> ChildRun {
                var environment = environment
                if let cache { environment["TEAMCTL_CACHE"] = cache }
                let result = try await ChildRun.run(
                    path, arguments, environment: environment, stdoutPath: stdout, workDirectory: directory)
                guard result.status == 0 else {
                    throw ValidationError(
                        "teamctl \(arguments.joined(separator: " ")) exited \(result.status): "
                            + result.standardError.suffix(2000))
                }
                return result
            }
            let latency = Double(latencyMs) / 1000
            func bound(_ requests: Int) -> Double { latency * Double((requests + concurrency - 1) / concurrency) }

            var rows: [Row] = []
            var validateRuns: [[ChildRun]] = executables.map { _ in [] }
            for _ in 0..<runs {
                for (index, exe) in executables.enumerated() {
                    validateRuns[index].append(
                        try await child(["validate", manifests.path, "--today", day], using: exe.path))
                }
            }
            for (index, exe) in executables.enumerated() {
                rows.append(Row(step: "validate\(exe.label)", runs: validateRuns[index]))
            }

            // refresh, then plan from the cache it warmed.
            let server = try await EmulatorServer.start(
                seed: workload.seed, faults: FaultSettings(latencyMs: latencyMs))
            environment["TEAMCTL_API_URL"] = server.apiBaseURL.absoluteString
            environment["TEAMCTL_TOKEN_URL"] = server.tokenURL.absoluteString
            func cache(_ index: Int, _ name: String = "cache") -> String {
                directory.appendingPathComponent("\(name)-\(index).sqlite").path
            }
            var refreshRuns: [[ChildRun]] = executables.map { _ in [] }
            var refreshCounts: [Set<Int>] = executables.map { _ in [] }
            for _ in 0..<runs {
                for (index, exe) in executables.enumerated() {
                    let before = await server.requestLog().count
                    refreshRuns[index].append(
                        try await child(["refresh", "-f", manifests.path], using: exe.path, cache: cache(index)))
                    refreshCounts[index].insert(await server.requestLog().count - before)
                }
            }
            let refreshMinimum = workload.minimumRefreshRequests
            for (index, exe) in executables.enumerated() {
                rows.append(
                    Row(
                        step: "refresh\(exe.label)", runs: refreshRuns[index],
                        requests: "\(refreshCounts[index].sorted().map(String.init).joined(separator: "/")) "
                            + "(min \(refreshMinimum))",
                        bound: bound(refreshMinimum)))
            }
            var planRuns: [[ChildRun]] = executables.map { _ in [] }
            for _ in 0..<runs {
                for (index, exe) in executables.enumerated() {
                    let before = await server.requestLog().count
                    planRuns[index].append(
                        try await child(
                            ["plan", "-f", manifests.path, "--no-refresh", "--today", day], using: exe.path,
                            cache: cache(index)))
                    let made = await server.requestLog().count - before
                    if made != 0 { say("note: plan --no-refresh made \(made) requests") }
                }
            }
            for (index, exe) in executables.enumerated() {
                rows.append(Row(step: "plan --no-refresh\(exe.label)", runs: planRuns[index], requests: "0 (min 0)"))
            }
            await server.shutdown()

            // apply of a saved plan, each run against a fresh facility and cache.
            var applyRuns: [[ChildRun]] = executables.map { _ in [] }
            var applyCounts: [Set<String>] = executables.map { _ in [] }
            for run in 0..<runs {
                for (index, exe) in executables.enumerated() {
                    let fresh = try await EmulatorServer.start(
                        seed: workload.seed, faults: FaultSettings(latencyMs: latencyMs))
                    environment["TEAMCTL_API_URL"] = fresh.apiBaseURL.absoluteString
                    environment["TEAMCTL_TOKEN_URL"] = fresh.tokenURL.absoluteString
                    let applyCache = cache(index, "apply-\(run)")
                    let planFile = directory.appendingPathComponent("plan-\(run)-\(index).json").path
                    _ = try await child(
                        ["plan", "-f", manifests.path, "--today", day, "--out", planFile], using: exe.path,
                        cache: applyCache)
                    let before = await fresh.requestLog().count
                    applyRuns[index].append(
                        try await child(["apply", planFile, "--yes"], using: exe.path, cache: applyCache))
                    let log = await fresh.requestLog().dropFirst(before)
                    let reads = log.filter { $0.method == "GET" }.count
                    applyCounts[index].insert("\(reads)r+\(log.count - reads)w")
                    await fresh.shutdown()
                }
            }
            let applyReads = workload.minimumApplyReads
            let applyWrites = workload.minimumApplyWrites
            for (index, exe) in executables.enumerated() {
                rows.append(
                    Row(
                        step: "apply PLANFILE\(exe.label)", runs: applyRuns[index],
                        requests: applyCounts[index].sorted().joined(separator: "/")
                            + " (min \(applyReads)r+\(applyWrites)w)",
                        bound: bound(applyReads + applyWrites)))
            }

            let load = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ").prefix(3)
            say("load average after the runs: \(load?.joined(separator: " ") ?? "unknown")")
            say(
                "| step | median wall | min - max | median CPU | peak RSS | requests (minimum) | latency bound | x bound |"
            )
            say("|---|---|---|---|---|---|---|---|")
            for row in rows {
                let times = row.runs.map(\.seconds)
                let ratio = row.bound.map { $0 > 0 ? String(format: "%.2f", row.median / $0) : "-" } ?? "-"
                say(
                    "| \(row.step) | \(Self.format(row.median)) | \(Self.format(times.min() ?? 0)) - "
                        + "\(Self.format(times.max() ?? 0)) | \(Self.format(Row.median(row.runs.map(\.cpuSeconds)))) | \(String(format: "%.0f MB", row.peakMB)) | "
                        + "\(row.requests) | \(row.bound.map(Self.format) ?? "-") | \(ratio) |")
            }
        }

        /// Prints a line unbuffered, so a long run shows its progress through a pipe or a file.
        func say(_ text: String) { FileHandle.standardOutput.write(Data((text + "\n").utf8)) }

        static func format(_ seconds: Double) -> String {
            seconds < 1 ? String(format: "%.0f ms", seconds * 1000) : String(format: "%.2f s", seconds)
        }

        /// `name` in the directory of the running executable.
        static func siblingExecutable(_ name: String) -> String {
            let own = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
            let located = Bundle.main.executableURL ?? own
            return located.deletingLastPathComponent().appendingPathComponent(name).path
        }
    }
}
