import ArgumentParser
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension BenchCommand {
    /// `teamctl-bench team`: one team (a people file and a team manifest of version 2) across two facilities, each a
    /// `teamctl-emulator` process of its own; `teamctl plan` and `teamctl apply` of the whole team against the same
    /// of each facility alone (`--facility`), so the team's wall time can be set against the slower facility's and
    /// against the two one after the other.
    struct TeamBench: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "team",
            abstract: "Time plan and apply of a team across two emulated facilities against each facility alone.",
            discussion: """
                Each facility holds one project with the size's users and groups (S: 30 users, 5 groups; M: 1,000, \
                80; L: 5,000, 400; XL: 100,000, 2,000; or PROJECTSxUSERSxGROUPS, whose project count is not used) \
                and the scale workload's drift. Build teamctl and teamctl-emulator in the same configuration first \
                (swift build -c release --product teamctl, then --product teamctl-emulator), then: \
                swift run -c release teamctl-bench team --size L --runs 5
                """)

        @Option(help: "The size of the team: S, M, L, XL or PROJECTSxUSERSxGROUPS (users and groups at each facility).")
        var size = "L"

        @Option(help: "Runs per step; min, median and max are reported.")
        var runs = 5

        @Option(help: "Latency each emulator adds to every request, in milliseconds.")
        var latencyMs = 20

        @Option(help: "Requests teamctl keeps in flight at each facility (TEAMCTL_CONCURRENCY).")
        var concurrency = 8

        @Option(help: "Members per listed group.")
        var groupSize = 30

        @Option(help: "Fraction of listed groups that drifted (0-1).")
        var drift = 0.1

        @Option(help: "The teamctl executable (default: next to this one).")
        var teamctl: String?

        @Option(help: "The teamctl-emulator executable (default: next to this one).")
        var emulator: String?

        @Flag(help: "Keep the people file, team manifest, seeds, config and caches, and print where they are.")
        var keep = false

        @Flag(help: "Only print the workload, the minimum requests and the bounds; start nothing.")
        var describe = false

        /// The two facilities' profile names.
        static let facilityNames = ("nersc", "perlmutter2")
        static let day = "2026-11-25"

        func validate() throws {
            guard runs > 0, latencyMs >= 0, concurrency > 0, groupSize > 1, (0...1).contains(drift) else {
                throw ValidationError("--runs, --concurrency and --group-size must be positive, --drift 0-1")
            }
            _ = try chosenSize()
        }

        func chosenSize() throws -> ScaleSize {
            guard let chosen = ScaleSize(named: size) else {
                throw ValidationError(
                    "unknown size '\(size)'; use S, M, L, XL or PROJECTSxUSERSxGROUPS, e.g. 1x2000x160")
            }
            return chosen
        }

        /// What one step is: the whole team, or one facility alone.
        enum Scope: Hashable {
            case team
            case facility(String)

            var arguments: [String] {
                switch self {
                case .team: return []
                case .facility(let name): return ["--facility", name]
                }
            }
            var label: String {
                switch self {
                case .team: return "team"
                case .facility(let name): return name
                }
            }
        }

        /// The runs of one step.
        struct Step {
            var command: String
            var scope: Scope
            var runs: [ChildRun] = []
            /// The emulators' CPU time in each run, both together.
            var emulatorCPU: [Double] = []
            /// Requests at each facility in each run, as "reads" or "reads r+writes w".
            var requests: [String: Set<String>] = [:]
            /// For the team: the share of the shorter facility's request window that the other's overlapped.
            var overlaps: [Double] = []
            /// Each run in three: start to the first request, first to last request (at any facility), last request
            /// (its arrival) to exit.
            var phases: [(head: Double, requests: Double, tail: Double)] = []

            var median: Double { Scale.Row.median(runs.map(\.seconds)) }
        }

        func run() async throws {
            let size = try chosenSize()
            let workload = TeamWorkload.generate(
                size, facilities: Self.facilityNames, groupSize: groupSize, drift: drift)
            let names = workload.facilities.map(\.name)
            let latency = Double(latencyMs) / 1000
            func bound(_ requests: Int) -> Double { latency * Double((requests + concurrency - 1) / concurrency) }
            // Per facility: plan reads what refresh reads; apply -f reads that and the account system's status, then
            // writes (it made the plan itself, so it does not re-read the groups it touches).
            let planMinimum = Dictionary(
                uniqueKeysWithValues: workload.facilities.map { ($0.name, $0.workload.minimumRefreshRequests) })
            let applyMinimum = Dictionary(
                uniqueKeysWithValues: workload.facilities.map {
                    ($0.name, (reads: $0.workload.minimumRefreshRequests + 1, writes: $0.workload.minimumApplyWrites))
                })
            let planBound = planMinimum.mapValues(bound)
            let applyBound = applyMinimum.mapValues { bound($0.reads) + bound($0.writes) }

            say(
                "team \(workload.team): \(workload.people.count + 1) people, at each of \(names.joined(separator: " and ")) "
                    + "one project of \(size.users + 1) members; latency \(latencyMs) ms, concurrency "
                    + "\(concurrency) per facility, group size \(groupSize), drift \(drift)")
            for facility in workload.facilities {
                let w = facility.workload
                say(
                    "  \(facility.name): project \(w.wanted.map(\.repo).joined()), \(w.groupCount) groups "
                        + "(\(w.createdGroups) to create, \(w.changedGroups) to change: one add and one remove each), "
                        + "usernames \(w.caller), \(w.userNames.first ?? "")...\(w.userNames.last ?? ""); minimum: plan "
                        + "\(planMinimum[facility.name]!) reads (bound \(Scale.format(planBound[facility.name]!))), "
                        + "apply \(applyMinimum[facility.name]!.reads)r+\(applyMinimum[facility.name]!.writes)w "
                        + "(bound \(Scale.format(applyBound[facility.name]!)))")
            }
            say(
                "machine: \(ProcessInfo.processInfo.activeProcessorCount) cores, load average \(SlurmBench.loadAverage())"
            )
            if describe { return }

            let executable = teamctl ?? Scale.siblingExecutable("teamctl")
            let emulatorExecutable = emulator ?? Scale.siblingExecutable("teamctl-emulator")
            for (path, option) in [(executable, "--teamctl"), (emulatorExecutable, "--emulator")]
            where !FileManager.default.isExecutableFile(atPath: path) {
                throw ValidationError(
                    "no executable at \(path); build it (swift build -c release --product \(URL(fileURLWithPath: path).lastPathComponent)) or pass \(option)"
                )
            }

            let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
                "teamctl-team-\(size.name)-\(UUID().uuidString.prefix(8))")
            try workload.write(to: directory)
            defer { if !keep { try? FileManager.default.removeItem(at: directory) } }
            if keep { say("kept: \(directory.path)") }
            let teamFile = directory.appendingPathComponent("team.yaml").path
            let configDirectory = directory.appendingPathComponent("config/teamctl")
            try FileManager.default.createDirectory(at: configDirectory, withIntermediateDirectories: true)

            // The facilities: one emulator process each; restarted from their seeds before every apply.
            var emulators: [String: EmulatorProcess] = [:]
            func startEmulators() async throws {
                for (_, running) in emulators { await running.stop() }
                emulators = [:]
                var profiles = "profiles:\n"
                for facility in workload.facilities {
                    let started = try await EmulatorProcess.start(
                        executable: emulatorExecutable, seed: workload.seedURL(facility.name, in: directory),
                        latencyMs: latencyMs, workDirectory: directory)
                    emulators[facility.name] = started
                    profiles +=
                        "  \(facility.name):\n    api_url: \(started.apiBaseURL.absoluteString)\n"
                        + "    token_url: \(started.tokenURL.absoluteString)\n"
                }
                try Data(profiles.utf8).write(to: configDirectory.appendingPathComponent("config.yaml"))
            }
            defer {
                let pids = emulators.values.map(\.pid)
                for pid in pids { kill(pid, SIGTERM) }
            }

            let environment = [
                "HOME": directory.path, "XDG_CONFIG_HOME": directory.appendingPathComponent("config").path,
                "XDG_DATA_HOME": directory.appendingPathComponent("data").path,
                "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
                "TEAMCTL_ACCESS_TOKEN": ScaleWorkload.token, "TEAMCTL_CONCURRENCY": String(concurrency),
                "NO_COLOR": "1",
            ]
            var cacheNumber = 0
            /// Runs teamctl with a cache of its own, measuring the emulators' CPU and requests too.
            func measure(_ arguments: [String], into step: inout Step) async throws -> ChildRun {
                cacheNumber += 1
                var environment = environment
                environment["TEAMCTL_CACHE"] = directory.appendingPathComponent("cache-\(cacheNumber).sqlite").path
                var logBefore: [String: Int] = [:]
                for (name, running) in emulators { logBefore[name] = try await running.requestLog().count }
                let cpuBefore = emulators.values.map(\.cpuSeconds).reduce(0, +)
                let output = directory.appendingPathComponent("\(arguments[0])-\(step.scope.label).out")
                let started = Date().timeIntervalSince1970
                let result = try await ChildRun.run(
                    executable, arguments, environment: environment, stdoutPath: output.path, workDirectory: directory)
                let ended = Date().timeIntervalSince1970
                let cpu = emulators.values.map(\.cpuSeconds).reduce(0, +) - cpuBefore
                guard result.status == 0 else {
                    let text = (try? String(contentsOf: output, encoding: .utf8)) ?? ""
                    throw ValidationError(
                        "teamctl \(arguments.joined(separator: " ")) exited \(result.status): "
                            + result.standardError.suffix(2000) + text.suffix(1000))
                }
                var windows: [ClosedRange<Double>] = []
                for (name, running) in emulators {
                    let log = try await running.requestLog().dropFirst(logBefore[name] ?? 0)
                    let reads = log.filter { $0.method == "GET" }.count
                    let count = log.count == reads ? "\(reads)" : "\(reads)r+\(log.count - reads)w"
                    step.requests[name, default: []].insert(count)
                    if let first = log.map(\.time).min(), let last = log.map(\.time).max() {
                        windows.append(first...last)
                    }
                }
                if step.scope == .team, windows.count == 2 {
                    let shorter = min(
                        windows[0].upperBound - windows[0].lowerBound, windows[1].upperBound - windows[1].lowerBound)
                    let shared = max(
                        0,
                        min(windows[0].upperBound, windows[1].upperBound)
                            - max(windows[0].lowerBound, windows[1].lowerBound))
                    step.overlaps.append(shorter > 0 ? shared / shorter : 0)
                }
                if let first = windows.map(\.lowerBound).min(), let last = windows.map(\.upperBound).max() {
                    step.phases.append((first - started, last - first, ended - last))
                }
                step.runs.append(result)
                step.emulatorCPU.append(cpu)
                return result
            }

            func applyOutput(_ scope: Scope) -> URL { directory.appendingPathComponent("apply-\(scope.label).out") }
            let scopes: [Scope] = [.team] + names.map(Scope.facility)
            var plans = scopes.map { Step(command: "plan", scope: $0) }
            var applies = scopes.map { Step(command: "apply --yes", scope: $0) }
            var checks: [String] = []

            // plan (it reads each facility first), run by run, the team and each facility in turn.
            try await startEmulators()
            for run in 1...runs {
                for index in plans.indices {
                    let result = try await measure(
                        ["plan", "-f", teamFile, "--today", Self.day] + plans[index].scope.arguments,
                        into: &plans[index])
                    say(
                        String(
                            format: "run %d plan %@: %.2f s wall, %.2f s CPU (emulators %.2f s)", run,
                            plans[index].scope.label, result.seconds, result.cpuSeconds,
                            plans[index].emulatorCPU.last ?? 0))
                }
            }

            // apply -f --yes from freshly started emulators, then plan --detailed-exitcode (0 or 3: nothing left).
            for run in 1...runs {
                for index in applies.indices {
                    try await startEmulators()
                    let scope = applies[index].scope
                    let result = try await measure(
                        ["apply", "-f", teamFile, "--yes", "--today", Self.day] + scope.arguments, into: &applies[index]
                    )
                    // The report names each facility applied (a release build once printed a username there).
                    let report = (try? String(contentsOf: applyOutput(scope), encoding: .utf8)) ?? ""
                    for name in names where scope == .team || scope == .facility(name) {
                        if !report.contains("\n== \(name) ==\n") {
                            checks.append("run \(run) apply \(scope.label): the report has no '== \(name) ==' section")
                        }
                    }
                    var environment = environment
                    environment["TEAMCTL_CACHE"] = directory.appendingPathComponent("check-\(run)-\(index).sqlite").path
                    let output = directory.appendingPathComponent("check-\(run)-\(index).out")
                    let check = try await ChildRun.run(
                        executable,
                        ["plan", "-f", teamFile, "--detailed-exitcode", "--today", Self.day] + scope.arguments,
                        environment: environment, stdoutPath: output.path, workDirectory: directory)
                    let converged = check.status == 0 || check.status == 3
                    if !converged {
                        let text = (try? String(contentsOf: output, encoding: .utf8)) ?? ""
                        checks.append(
                            "run \(run) \(scope.label): plan --detailed-exitcode exited \(check.status): "
                                + text.prefix(600) + check.standardError.suffix(600))
                    }
                    say(
                        String(
                            format: "run %d apply %@: %.2f s wall, %.2f s CPU (emulators %.2f s); then plan "
                                + "--detailed-exitcode exited %d (%@)", run, scope.label, result.seconds,
                            result.cpuSeconds, applies[index].emulatorCPU.last ?? 0, check.status,
                            converged ? "converged" : "NOT converged"))
                }
            }
            for (_, running) in emulators { await running.stop() }
            emulators = [:]

            say("\nload average after the runs: \(SlurmBench.loadAverage())")
            let cores = Double(ProcessInfo.processInfo.activeProcessorCount)
            say(
                "| step | median wall | min - max | median CPU teamctl | median CPU emulators | CPU / (wall x \(Int(cores)) cores) "
                    + "| peak RSS | requests \(names.joined(separator: " / ")) (minimum) | bound | wall / bound |")
            say("|---|---|---|---|---|---|---|---|---|---|")
            for step in plans + applies {
                let times = step.runs.map(\.seconds)
                let clientCPU = Scale.Row.median(step.runs.map(\.cpuSeconds))
                let serverCPU = Scale.Row.median(step.emulatorCPU)
                let busy = Scale.Row.median(
                    zip(step.runs, step.emulatorCPU).map { ($0.cpuSeconds + $1) / ($0.seconds * cores) })
                let shown: [String] = step.scope == .team ? names : [step.scope.label]
                let minimum = shown.map { name in
                    step.command == "plan"
                        ? "\(planMinimum[name]!)" : "\(applyMinimum[name]!.reads)r+\(applyMinimum[name]!.writes)w"
                }
                let requests = shown.map { (step.requests[$0] ?? []).sorted().joined(separator: "/") }
                let stepBound = shown.map { step.command == "plan" ? planBound[$0]! : applyBound[$0]! }.max() ?? 0
                say(
                    "| \(step.command) \(step.scope == .team ? "(team)" : "--facility \(step.scope.label)") | "
                        + "\(Scale.format(step.median)) | \(Scale.format(times.min() ?? 0)) - \(Scale.format(times.max() ?? 0)) | "
                        + "\(Scale.format(clientCPU)) | \(Scale.format(serverCPU)) | \(String(format: "%.0f%%", busy * 100)) | "
                        + String(format: "%.0f MB", Double(step.runs.map(\.peakBytes).max() ?? 0) / 1_048_576) + " | "
                        + "\(requests.joined(separator: " / ")) (\(minimum.joined(separator: " / "))) | "
                        + "\(Scale.format(stepBound)) | \(String(format: "%.2f", stepBound > 0 ? step.median / stepBound : 0)) |"
                )
            }

            say("\n| step | start to first request | first to last request | last request to exit |")
            say("|---|---|---|---|")
            for step in plans + applies {
                let parts = [step.phases.map(\.head), step.phases.map(\.requests), step.phases.map(\.tail)]
                say(
                    "| \(step.command) \(step.scope == .team ? "(team)" : "--facility \(step.scope.label)") | "
                        + parts.map { Scale.format(Scale.Row.median($0)) }.joined(separator: " | ") + " |")
            }

            say("")
            for (command, steps) in [("plan", plans), ("apply", applies)] {
                let team = steps[0].median
                let alone = steps.dropFirst().map(\.median)
                let slower = alone.max() ?? 0
                let sum = alone.reduce(0, +)
                let slowerBound = names.map { command == "plan" ? planBound[$0]! : applyBound[$0]! }.max() ?? 0
                say(
                    "\(command): team \(Scale.format(team)); alone "
                        + zip(names, alone).map { "\($0) \(Scale.format($1))" }.joined(separator: ", ")
                        + "; slower facility \(Scale.format(slower)), one after the other \(Scale.format(sum)); team / "
                        + String(
                            format: "slower %.2f, team / (A+B) %.2f, team / slower facility's bound %.2f",
                            team / slower,
                            team / sum, team / slowerBound)
                        + "; the two facilities' request windows overlapped "
                        + String(format: "%.0f%%", Scale.Row.median(steps[0].overlaps) * 100)
                        + " of the shorter (median)")
            }
            // A run narrowed with --facility must not reach the other facility at all.
            for step in plans + applies {
                guard case .facility(let chosen) = step.scope else { continue }
                for name in names where name != chosen && step.requests[name] != ["0"] {
                    checks.append(
                        "\(step.command) --facility \(chosen) sent requests to \(name): "
                            + (step.requests[name] ?? []).sorted().joined(separator: "/"))
                }
            }
            say(
                checks.isEmpty
                    ? "every apply converged (plan --detailed-exitcode exited 0 or 3 after each) and reported each "
                        + "facility it applied; no --facility run reached the other facility"
                    : "FAILED checks:\n  " + checks.joined(separator: "\n  "))
            if !checks.isEmpty { throw ExitCode.failure }
        }

        /// Prints a line unbuffered, so a long run shows its progress through a pipe or a file.
        func say(_ text: String) { FileHandle.standardOutput.write(Data((text + "\n").utf8)) }
    }
}
