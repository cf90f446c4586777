import ArgumentParser
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

extension BenchCommand {
    /// `teamctl-bench slurm`: a generated Slurm site (by default L: 50 accounts, 5,000 users, 20,000 user
    /// associations) seeded into a real slurmdbd through the stack's sacctmgr, manifests describing it with drift, and
    /// in one run, from the same seeded state each time, `teamctl apply` over slurmrestd, `teamctl apply` over
    /// sacctmgr, and a shell script making one `sacctmgr -i` call per change; each timed, checked for convergence and
    /// its requests (HTTP requests, or sacctmgr runs) counted against the minimum.
    struct SlurmBench: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "slurm",
            abstract:
                "Reconcile a generated Slurm site over slurmrestd, over sacctmgr, and with one sacctmgr call per change.",
            discussion: """
                Needs a stack of scripts/slurm-stack (default: Slurm 24.11 in /var/tmp/teamctl-slurm/24.11) and a \
                release teamctl beside this executable. Touches only accounts and users whose names start with \
                --prefix, and removes them at the end unless --keep-data.
                """)

        @Option(help: "The stack's folder (holding stack.env).")
        var stack = (ProcessInfo.processInfo.environment["TEAMCTL_SLURM_DIR"] ?? "/var/tmp/teamctl-slurm") + "/24.11"

        @Option(help: "Accounts.")
        var accounts = 50

        @Option(help: "Users.")
        var users = 5_000

        @Option(help: "Accounts each user is in.")
        var overlap = 4

        @Option(help: "Share of each account's associations that drifted (0-1).")
        var drift = 0.1

        @Option(help: "Runs of each variant (each from a freshly reset seed).")
        var runs = 2

        @Option(help: "Variants, in order: rest, sacctmgr, naive.")
        var variants = "rest,sacctmgr,naive"

        @Option(help: "Prefix of every account and user name the bench makes.")
        var prefix = "bl_"

        @Option(help: "Seed of the generator.")
        var seed: UInt64 = 14

        @Option(help: "The teamctl executable (default: next to this one).")
        var teamctl: String?

        @Flag(help: "Keep the work folder (manifests, naive.sh, logs, dumps) and print where it is.")
        var keep = false

        @Flag(help: "Leave the seeded accounts and users in Slurm at the end.")
        var keepData = false

        @Flag(help: "Only remove the bench's accounts and users from the stack.")
        var cleanupOnly = false

        @Flag(help: "Only print the workload, the changes teamctl plans and the minimum requests; change nothing.")
        var describe = false

        enum Variant: String, CaseIterable {
            case rest, sacctmgr, naive
            var title: String {
                switch self {
                case .rest: return "teamctl apply, REST (slurmrestd)"
                case .sacctmgr: return "teamctl apply, sacctmgr"
                case .naive: return "script, one sacctmgr call per change"
                }
            }
        }

        func validate() throws {
            guard accounts > 0, users > 0, overlap > 0, runs > 0, (0...1).contains(drift) else {
                throw ValidationError("--accounts, --users, --overlap and --runs must be positive, --drift 0-1")
            }
            guard prefix.count >= 2, prefix.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }),
                prefix.first!.isLetter
            else { throw ValidationError("--prefix: letters, digits and _, starting with a letter") }
            _ = try chosenVariants()
        }

        func chosenVariants() throws -> [Variant] {
            try variants.split(separator: ",").map {
                guard let v = Variant(rawValue: String($0)) else {
                    throw ValidationError("unknown variant '\($0)'; use rest, sacctmgr, naive")
                }
                return v
            }
        }

        /// One variant's run.
        struct Outcome {
            var variant: Variant
            var run: Int
            var child: ChildRun
            var requests: [String]
            var converged: Bool
            var note: String
            var planWall: Double?
            var planRequests: Int?
            var reads: Int
            var writes: Int { requests.count - reads }
        }

        func say(_ text: String) { FileHandle.standardOutput.write(Data((text + "\n").utf8)) }

        func run() async throws {
            let env = try Self.loadStack(stack)
            guard let sacctmgr = env["SLURM_SACCTMGR"], let restURL = env["SLURM_REST_URL"].flatMap(URL.init(string:)),
                let tokenCommand = env["SLURM_TOKEN_CMD"]
            else { throw ValidationError("\(stack)/stack.env lacks SLURM_SACCTMGR, SLURM_REST_URL or SLURM_TOKEN_CMD") }
            let cluster = env["SLURM_CLUSTER"] ?? "test"
            let version = env["SLURM_VERSION"] ?? "?"
            if version.hasPrefix("22.") {
                say("warning: slurmdbd 22.05 is known to crash under concurrent clients; this bench is meant for 24.11")
            }
            let workload = SlurmBenchWorkload.generate(
                prefix: prefix, cluster: cluster, accounts: accounts, users: users, overlap: overlap, drift: drift,
                seed: seed)
            let admin = SlurmBenchAdmin(
                sacctmgr: sacctmgr, cluster: cluster, prefix: prefix, accountNames: workload.accountNames, say: say)
            if cleanupOnly {
                let started = Date()
                let calls = try admin.removeEverything()
                say(
                    String(
                        format: "removed the bench's accounts and users: %d sacctmgr runs, %.1f s", calls,
                        Date().timeIntervalSince(started)))
                return
            }
            let executable = teamctl ?? Scale.siblingExecutable("teamctl")
            guard FileManager.default.isExecutableFile(atPath: executable) else {
                throw ValidationError(
                    "no teamctl executable at \(executable); build it (swift build -c release) or pass --teamctl")
            }
            let chosen = try chosenVariants()

            // The work folder: manifests, the naive script, configs, the token, a counting sacctmgr wrapper.
            let work = FileManager.default.temporaryDirectory.appendingPathComponent(
                "teamctl-slurm-bench-\(UUID().uuidString.prefix(8))")
            let manifests = work.appendingPathComponent("manifests")
            try FileManager.default.createDirectory(at: manifests, withIntermediateDirectories: true)
            defer { if !keep { try? FileManager.default.removeItem(at: work) } }
            for name in workload.accountNames {
                try workload.manifest(for: name, facility: "site").write(
                    to: manifests.appendingPathComponent("\(name).yaml"), atomically: true, encoding: .utf8)
            }
            let naive = workload.naiveScript()
            let naivePath = work.appendingPathComponent("naive.sh").path
            try naive.text.write(toFile: naivePath, atomically: true, encoding: .utf8)
            let callLog = work.appendingPathComponent("sacctmgr-runs.log").path
            _ = FileManager.default.createFile(atPath: callLog, contents: nil)
            let wrapper = work.appendingPathComponent("sacctmgr").path
            try "#!/bin/sh\nprintf '%s\\n' \"$*\" >>'\(callLog)'\nexec '\(sacctmgr)' \"$@\"\n".write(
                toFile: wrapper, atomically: true, encoding: .utf8)
            chmod(wrapper, 0o700)
            let (tokenStatus, token, tokenError) = try SlurmBenchAdmin.execute(tokenCommand, ["root", "14400"])
            guard tokenStatus == 0 else { throw ValidationError("\(tokenCommand) root failed: \(tokenError)") }
            let tokenPath = work.appendingPathComponent("jwt").path
            try token.trimmingCharacters(in: .whitespacesAndNewlines).write(
                toFile: tokenPath, atomically: true, encoding: .utf8)
            chmod(tokenPath, 0o600)
            let relay = try CountingRelay(upstreamPort: restURL.port ?? 6830)
            defer { relay.stop() }
            func writeConfig(_ folder: String, _ lines: [String]) throws {
                let dir = work.appendingPathComponent(folder).appendingPathComponent("teamctl")
                try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
                let text = "profiles:\n  site:\n" + lines.map { "    \($0)\n" }.joined()
                try text.write(to: dir.appendingPathComponent("config.yaml"), atomically: true, encoding: .utf8)
            }
            try writeConfig(
                "config-rest",
                [
                    "provider: slurm", "cluster: \(cluster)", "url: http://127.0.0.1:\(relay.port)", "user: root",
                    "token_file: \(tokenPath)",
                ])
            try writeConfig(
                "config-sacctmgr", ["provider: slurm", "cluster: \(cluster)", "sacctmgr: \(wrapper)", "user: root"])
            func callLogLines() -> [String] {
                ((try? String(contentsOfFile: callLog, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
            }

            let planned = workload.plannedChanges()
            let slurmVersion = (try? admin.run(["-V"]))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? version
            say(
                "teamctl \(executable); \(slurmVersion) (stack \(stack)), cluster \(cluster), slurmrestd \(restURL.absoluteString) via a counting relay on 127.0.0.1:\(relay.port)"
            )
            say("machine: \(ProcessInfo.processInfo.activeProcessorCount) cores, load average \(Self.loadAverage())")
            say(
                "workload: \(accounts) accounts, \(workload.seed.accountsOfUser.count) users, "
                    + "\(workload.seed.associationCount) user associations seeded; drift: \(workload.changes.count) "
                    + "association-level changes ("
                    + workload.changeCounts.map { "\($0.1) \($0.0)" }.joined(separator: ", ")
                    + "); teamctl plans \(planned.total) changes (\(planned.addToProject) add, \(planned.removeFromProject) "
                    + "remove, \(planned.setRole) role, \(planned.grants) grant + \(planned.revokes) revoke naming "
                    + "\(planned.permissionUsers) associations, \(planned.setLimit) limit); the script makes \(naive.calls) calls"
            )
            if keep { say("work folder: \(work.path)") }
            let minimum = Self.minimum(planned: planned, accounts: accounts, naiveCalls: naive.calls)
            say(
                "minimum requests (reads + writes): REST \(minimum[.rest]!.reads) + \(minimum[.rest]!.writes), sacctmgr "
                    + "\(minimum[.sacctmgr]!.reads) + \(minimum[.sacctmgr]!.writes); removal changes moving a default: "
                    + "\(planned.removalsMovingDefaults), distinct new defaults: \(planned.distinctNewDefaults)")
            if describe { return }

            // Seed (or, after an interrupted run, finish resetting to the seed).
            var started = Date()
            let seedCalls = try reset(admin, to: workload.seed)
            var state = workload.seed
            say(String(format: "seeded in %.1f s with %d sacctmgr runs", Date().timeIntervalSince(started), seedCalls))
            var atSeed = true

            var outcomes: [Outcome] = []
            var restDumps: [Int: String] = [:]
            for runIndex in 1...runs {
                for variant in chosen {
                    if !atSeed {
                        started = Date()
                        let calls = try reset(admin, to: workload.seed)
                        say(
                            String(
                                format: "  reset to the seed in %.1f s (%d sacctmgr runs)",
                                Date().timeIntervalSince(started), calls))
                    }
                    atSeed = false
                    var environment = [
                        "HOME": work.path, "XDG_DATA_HOME": work.appendingPathComponent("data").path,
                        "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "NO_COLOR": "1",
                        "TEAMCTL_CACHE": work.appendingPathComponent("cache-\(variant.rawValue)-\(runIndex).sqlite")
                            .path,
                    ]
                    let output = work.appendingPathComponent("\(variant.rawValue)-\(runIndex).out").path
                    let requestsBefore = relay.snapshot().requests.count
                    let runsBefore = callLogLines().count
                    let child: ChildRun
                    switch variant {
                    case .rest, .sacctmgr:
                        environment["XDG_CONFIG_HOME"] = work.appendingPathComponent("config-\(variant.rawValue)").path
                        child = try await ChildRun.run(
                            executable, ["apply", "-f", manifests.path, "--yes"], environment: environment,
                            stdoutPath: output, workDirectory: work)
                    case .naive:
                        child = try await ChildRun.run(
                            "/bin/sh", [naivePath, wrapper], environment: environment, stdoutPath: output,
                            workDirectory: work)
                    }
                    let requests: [String]
                    let reads: Int
                    if variant == .rest {
                        let seen = relay.snapshot().requests.dropFirst(requestsBefore)
                        requests = seen.map(Self.classify)
                        reads = seen.filter { $0.method == "GET" }.count
                    } else {
                        let lines = callLogLines().dropFirst(runsBefore)
                        requests = lines.map(Self.classify)
                        reads = lines.filter { !$0.hasPrefix("-i ") }.count
                    }
                    var notes: [String] = []
                    if child.status != 0 {
                        notes.append("exit \(child.status): " + child.standardError.suffix(600))
                    }
                    // Converged? teamctl's own plan (REST and sacctmgr), and Slurm's state against the manifests'.
                    var planWall: Double?
                    var planRequests: Int?
                    var converged = true
                    if variant != .naive {
                        let before = variant == .rest ? relay.snapshot().requests.count : callLogLines().count
                        let plan = try await ChildRun.run(
                            executable, ["plan", "-f", manifests.path, "--detailed-exitcode"], environment: environment,
                            stdoutPath: work.appendingPathComponent("\(variant.rawValue)-\(runIndex)-plan.out").path,
                            workDirectory: work)
                        planWall = plan.seconds
                        planRequests =
                            (variant == .rest ? relay.snapshot().requests.count : callLogLines().count) - before
                        if plan.status != 0 {
                            converged = false
                            let text =
                                (try? String(
                                    contentsOfFile: work.appendingPathComponent(
                                        "\(variant.rawValue)-\(runIndex)-plan.out"
                                    ).path, encoding: .utf8)) ?? ""
                            notes.append("plan --detailed-exitcode exited \(plan.status): " + text.prefix(600))
                        }
                    }
                    let dump = try admin.dump()
                    try dump.write(
                        to: work.appendingPathComponent("dump-\(variant.rawValue)-\(runIndex).txt"), atomically: true,
                        encoding: .utf8)
                    state = SlurmBenchAdmin.state(fromDump: dump, prefix: prefix)
                    if state != workload.desired {
                        converged = false
                        notes.append(
                            "Slurm differs from the manifests: "
                                + state.differences(from: workload.desired).joined(separator: "; "))
                    }
                    if variant == .rest { restDumps[runIndex] = dump }
                    if variant != .rest, let rest = restDumps[runIndex] {
                        if rest == dump {
                            notes.append("Slurm dump identical to the REST run's")
                        } else {
                            let a = Set(rest.split(separator: "\n")), b = Set(dump.split(separator: "\n"))
                            notes.append(
                                "Slurm dump differs from the REST run's in \(a.symmetricDifference(b).count) rows, e.g. "
                                    + a.subtracting(b).sorted().prefix(2).joined(separator: " / ") + " vs "
                                    + b.subtracting(a).sorted().prefix(2).joined(separator: " / "))
                        }
                    }
                    let outcome = Outcome(
                        variant: variant, run: runIndex, child: child, requests: requests, converged: converged,
                        note: notes.joined(separator: "; "), planWall: planWall, planRequests: planRequests,
                        reads: reads)
                    outcomes.append(outcome)
                    say(
                        String(
                            format: "run %d %@: %.2f s wall, %.2f s CPU, %d reads + %d writes, %@", runIndex,
                            variant.rawValue, child.seconds, child.cpuSeconds, outcome.reads, outcome.writes,
                            converged ? "converged" : "NOT converged")
                            + (planWall.map {
                                String(format: " (plan after: %.2f s, %d requests, exit 0)", $0, planRequests ?? 0)
                            } ?? "")
                            + (outcome.note.isEmpty ? "" : "\n    " + outcome.note))
                    say("    by kind: " + Self.breakdown(requests))
                }
            }

            say("\nload average after the runs: \(Self.loadAverage())")
            say(
                "| variant | runs | median wall | min - max | median CPU | peak RSS | requests: reads + writes (minimum) | converged |"
            )
            say("|---|---|---|---|---|---|---|---|")
            for variant in chosen {
                let mine = outcomes.filter { $0.variant == variant }
                guard !mine.isEmpty else { continue }
                let walls = mine.map(\.child.seconds)
                let counts = Set(mine.map { "\($0.reads) + \($0.writes)" }).sorted().joined(separator: " / ")
                let min = minimum[variant]!
                say(
                    "| \(variant.title) | \(mine.count) | \(Scale.format(Scale.Row.median(walls))) | "
                        + "\(Scale.format(walls.min()!)) - \(Scale.format(walls.max()!)) | "
                        + "\(Scale.format(Scale.Row.median(mine.map(\.child.cpuSeconds)))) | "
                        + String(format: "%.0f MB", Double(mine.map(\.child.peakBytes).max()!) / 1_048_576) + " | "
                        + "\(counts) (\(min.reads) + \(min.writes)) | "
                        + (mine.allSatisfy(\.converged) ? "yes" : "NO") + " |")
            }

            if keepData {
                say(
                    "\nkept the bench's accounts and users in Slurm (remove them with: teamctl-bench slurm --cleanup-only)"
                )
            } else {
                started = Date()
                say("\nremoving the bench's accounts and users ...")
                let calls = try admin.removeEverything()
                say(String(format: "removed in %.1f s (%d sacctmgr runs)", Date().timeIntervalSince(started), calls))
            }
        }

        /// The minimum requests: the reads that show the state (REST: teamctl's version probe and status check, per
        /// account its record with coordinators and its associations, the QOS list, the accounts of those who may
        /// leave; sacctmgr: the status check, three reads per account, the QOS list, two for those who may leave), and
        /// one write per change teamctl plans (POST associations/ takes a list, `modify user where name=A,B` a list of
        /// users), plus what moving default accounts away takes (REST: one POST users/ per removal change that needs
        /// it; sacctmgr: one `modify user ... set defaultaccount=X` per distinct X).
        static func minimum(planned: SlurmPlannedChanges, accounts: Int, naiveCalls: Int) -> [Variant: (
            reads: Int, writes: Int
        )] {
            [
                .rest: (2 + 2 * accounts + 2, planned.total + planned.removalsMovingDefaults),
                .sacctmgr: (1 + 3 * accounts + 3, planned.total + planned.distinctNewDefaults),
                .naive: (0, naiveCalls),
            ]
        }

        /// Brings the bench's accounts to `target`, checking the result and converging again (up to three times)
        /// when other clients of the same slurmdbd got in the way. Returns the sacctmgr runs it took.
        func reset(_ admin: SlurmBenchAdmin, to target: SlurmBenchState) throws -> Int {
            var calls = 0
            for attempt in 1...3 {
                calls += try admin.converge(to: target)
                let state = try admin.currentState()
                if state == target { return calls }
                let differences = state.differences(from: target)
                if attempt == 3 {
                    throw ValidationError(
                        "could not bring Slurm to the wanted state:\n" + differences.joined(separator: "\n"))
                }
                say("  not there yet (\(differences.first ?? "")); converging again")
            }
            return calls
        }

        /// Counts by kind, largest first.
        static func breakdown(_ requests: [String]) -> String {
            let byKind = Dictionary(grouping: requests, by: { $0 }).mapValues(\.count)
            return byKind.sorted { $0.value > $1.value || ($0.value == $1.value && $0.key < $1.key) }
                .map { "\($0.value) \($0.key)" }.joined(separator: ", ")
        }

        /// A request's kind: method and path with names replaced, or sacctmgr's verb and entity.
        static func classify(_ request: CountingRelay.Request) -> String {
            var parts = request.path.split(separator: "/").map(String.init)
            if parts.count >= 2 { parts.removeFirst(2) }  // slurmdb/v0.0.42
            if parts.count == 2 { parts[1] = "{name}" }  // account/NAME, user/NAME
            var kind = "\(request.method) \(parts.joined(separator: "/"))/"
            if parts.first == "associations", request.method == "GET" {
                kind += request.target.contains("user=") ? " (one user's)" : " (an account's)"
            }
            return kind
        }

        static func classify(_ line: String) -> String {
            let words = line.split(separator: " ").map(String.init)
            let flags = words.prefix { $0.hasPrefix("-") }
            let rest = words.dropFirst(flags.count)
            var kind = rest.prefix(2).joined(separator: " ")
            if rest.contains("onlydefaults") { kind += " onlydefaults" }
            if rest.contains("withcoord") { kind += " withcoord" }
            if kind == "modify user", rest.contains(where: { $0.hasPrefix("defaultaccount=") }) {
                kind += " (default account)"
            }
            return (flags.contains("-i") ? "write: " : "read: ") + kind
        }

        static func loadStack(_ folder: String) throws -> [String: String] {
            guard FileManager.default.fileExists(atPath: folder + "/ready"),
                let text = try? String(contentsOfFile: folder + "/stack.env", encoding: .utf8)
            else {
                throw ValidationError(
                    "no Slurm stack at \(folder) (no ready or stack.env): scripts/slurm-stack up 24.11")
            }
            var values: [String: String] = [:]
            for line in text.split(separator: "\n") where !line.hasPrefix("#") {
                guard let equals = line.firstIndex(of: "=") else { continue }
                values[String(line[..<equals])] = String(line[line.index(after: equals)...])
            }
            return values
        }

        static func loadAverage() -> String {
            let text = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? ""
            return text.split(separator: " ").prefix(3).joined(separator: " ")
        }
    }
}
