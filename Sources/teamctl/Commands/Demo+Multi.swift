import AccountModels
import ArgumentParser
import FacilityEmulator
import Foundation
import TeamSync

#if canImport(Glibc)
    import Glibc
#endif

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// `teamctl demo --multi`: one team on two facilities, the built-in emulator as NERSC and a local Slurm stack as
/// frontier, through the same library calls `plan -f TEAM` and `apply -f TEAM` make.
extension DemoCommand {
    /// The multi-facility example, relative to the repository (or the installed examples).
    static let multiTeam = "examples/multi/team.yaml"
    static let multiSlurmSeed = "examples/multi/frontier.sacctmgr"

    func startMulti() async throws {
        _ = Terminal.loggingBootstrapped
        let color = Terminal.useColor
        func step(_ number: Int, _ title: String) {
            let line = "==> \(number). \(title)"
            print(color ? "\n\u{1B}[1m\(line)\u{1B}[0m" : "\n\(line)")
        }
        let teamPath = Self.installedExample(Self.multiTeam)
        let slurmSeed = Self.installedExample(Self.multiSlurmSeed)
        for path in [seed, teamPath, slurmSeed] where !FileManager.default.fileExists(atPath: path) {
            throw CLIError("\(path) not found: run 'teamctl demo --multi' from the repository root")
        }
        let stack = try SlurmStackEnvironment.find(explicit: slurmEnv)
        // Membership is judged on the demo's day, as in the single-facility demo; the Slurm daemons keep real time.
        let day = today ?? Self.exampleDay

        // The team and people file go to a temporary folder with frontier's account renamed for this run, so every
        // run starts from the seed's drift whatever earlier runs left in the stack.
        let temporary = FileManager.default.temporaryDirectory.appendingPathComponent("teamctl-demo-multi-\(getpid())")
        try FileManager.default.createDirectory(at: temporary, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: temporary) }
        let suffix = String(UInt32.random(in: 0..<UInt32.max), radix: 36)
        let account = "ast145\(suffix)"
        let teamText = try String(contentsOfFile: teamPath, encoding: .utf8)
            .replacingOccurrences(of: "project: ast145", with: "project: \(account)")
        let team = temporary.appendingPathComponent("team.yaml").path
        try teamText.write(toFile: team, atomically: true, encoding: .utf8)
        let peopleSource = URL(fileURLWithPath: teamPath).deletingLastPathComponent().appendingPathComponent(
            "people.yaml")
        try FileManager.default.copyItem(
            at: peopleSource, to: temporary.appendingPathComponent("people.yaml"))

        step(1, "teamctl validate \(teamPath)   (frontier's account is \(account) for this run)")
        let profiles = [
            "nersc": ProviderFactory.traits(provider: nil), "frontier": ProviderFactory.traits(provider: "slurm"),
        ]
        let (resolved, diagnostics) = TeamLoader.validate(
            path: team, today: day, profiles: profiles, profilesSource: "the demo's profiles")
        for diagnostic in diagnostics { print(diagnostic.description) }
        guard let resolved else { throw CLIError("\(teamPath) does not validate; fix the errors above") }
        for facility in resolved.facilities {
            print(
                "\(facility.name): project \(facility.manifest.manifest.project), "
                    + "\(facility.manifest.manifest.members.count) members")
        }

        step(2, "seed frontier (Slurm \(stack.version), cluster \(stack.cluster)) from \(slurmSeed)")
        let seeded = try stack.seed(
            file: slurmSeed, renaming: ["ast145": account, "ast_old": "ast_old\(suffix)"])
        print("ran \(seeded) sacctmgr commands on \(stack.restURL.absoluteString)'s slurmdbd")

        let facilitySeed = try EmulatorSeed.load(path: seed)
        let server = try await EmulatorServer.start(seed: facilitySeed)
        do {
            try await runMultiFlow(
                server: server, stack: stack, team: resolved, temporary: temporary, day: day, step: step)
        } catch {
            await server.shutdown()
            throw error
        }
        await server.shutdown()
    }

    private func runMultiFlow(
        server: EmulatorServer, stack: SlurmStackEnvironment, team: ResolvedTeam, temporary: URL, day: CalendarDay,
        step: (Int, String) -> Void
    ) async throws {
        print("NERSC emulator listening on \(server.baseURL.absoluteString); acting as amorales with a static token")
        let cachePath = cache ?? temporary.appendingPathComponent("cache.sqlite").path
        let tokenFile = temporary.appendingPathComponent("jwt").path
        try stack.token(for: "root").write(toFile: tokenFile, atomically: true, encoding: .utf8)
        chmod(tokenFile, 0o600)
        var frontier = ConnectionSettings(
            profile: "frontier", apiURL: server.apiBaseURL, tokenURL: server.tokenURL, cachePath: cachePath)
        frontier.slurm = SlurmSettings(cluster: stack.cluster, url: stack.restURL, user: "root", tokenFile: tokenFile)
        let nersc = ConnectionSettings(
            profile: "nersc", apiURL: server.apiBaseURL, tokenURL: server.tokenURL, cachePath: cachePath,
            accessToken: "demo-pi")
        let cache = try AccountCache(path: cachePath)
        var workflows: [String: TeamWorkflow] = [:]
        for settings in [nersc, frontier] {
            workflows[settings.profile] = TeamWorkflow(
                context: TeamctlContext(settings: settings), cache: cache, toolVersion: TeamCtlVersion.current)
        }
        let run = TeamRun(team: team, workflows: workflows)

        step(3, "teamctl plan -f team.yaml   (both facilities, read at once)")
        let started = Date()
        let plan = try await run.plan(refresh: true, today: day)
        print(TeamPlanRenderer.text(plan, color: Terminal.useColor), terminator: "")
        print("(read and planned in \(String(format: "%.2f", Date().timeIntervalSince(started))) s)")
        guard plan.unreadable.isEmpty else { throw CLIError("a facility could not be read; see above") }

        step(4, "teamctl apply -f team.yaml --yes")
        let report = try await run.apply(plan, saved: false, ignoreStatus: false, concurrency: 8)
        print(report.summaryText())
        if report.failed { throw CLIError("the demo's apply failed; see above") }

        step(5, "teamctl plan -f team.yaml   (again: nothing left for the APIs to do)")
        let again = try await run.plan(refresh: true, today: day)
        print(TeamPlanRenderer.totalLine(again))
        guard again.changeCount == 0 else {
            print(TeamPlanRenderer.text(again, color: Terminal.useColor), terminator: "")
            throw CLIError("the second plan is not empty: apply did not converge")
        }

        step(6, "teamctl person cyilmaz -f team.yaml   (ended in people.yaml: gone at both)")
        var observed: [String: ObservedState] = [:]
        for facility in team.facilities {
            observed[facility.name] = try? workflows[facility.name]?.provider.cachedState(
                for: [facility.manifest.manifest], cache: cache)
        }
        if let person = team.people.directory.people["cyilmaz"] {
            print(PersonReport.build(person: person, team: team, observed: observed, today: day).text(), terminator: "")
        }

        step(7, "someone changes both facilities by hand; teamctl drift -f team.yaml")
        // A colleague adds tobrien to lumcal in Iris (here: an SFAPI request from another tool), and frontier's
        // administrator raises kmensah's limit with sacctmgr. Both facilities also burn some hours.
        try await Self.addToGroupOutOfBand(server: server, group: "lumcal", user: "tobrien", token: "demo-pi")
        let frontierAccount = team.facilities.first { $0.name == "frontier" }?.manifest.manifest.project ?? ""
        let (status, output) = try SlurmStackEnvironment.run(
            stack.sacctmgr,
            [
                "-i", "modify", "user", "where", "name=kmensah", "account=\(frontierAccount)", "set",
                "grptresmins=cpu=600000",
            ])
        if status != 0 { throw CLIError("sacctmgr failed: \(output)") }
        try await server.addUsage(repoName: "m4812", user: "dpatel", cpuHours: 1_800, gpuHours: 240)
        for (facility, result) in await run.observe(refresh: true) {
            if case .failure(let error) = result { throw CLIError("refreshing \(facility) failed: \(error)") }
        }
        for facility in team.facilities {
            try await workflows[facility.name]?.provider.refreshUsage(
                projects: [facility.manifest.manifest.project], cache: cache)
        }
        var drift: [String: Result<[DriftEvent]?, any Error>] = [:]
        for facility in team.facilities {
            guard let workflow = workflows[facility.name] else { continue }
            drift[facility.name] = .success(try await workflow.drift(manifests: [facility.manifest], since: nil))
        }
        print(DriftReport(since: nil, results: drift).text(), terminator: "")

        if let page {
            step(8, "teamctl report -f team.yaml --out \(page)")
            let teamPage = try await run.page(refresh: false, today: day)
            try Terminal.write(TeamPageRenderer.html(teamPage), to: page)
            print(
                "wrote the team page of \(teamPage.team) (\(teamPage.rows.count) rows, \(teamPage.items.count) open manual items) to \(page)"
            )
        }
        print(
            "\nDone: one plan and one apply for both facilities; NERSC's roster, roles and permissions stay manual "
                + "items (SFAPI cannot write them), frontier's are applied through slurmrestd; drift lists what "
                + "others changed by hand.")
    }

    /// Adds `user` to `group` through the facility's API as another tool would: a change teamctl did not make.
    static func addToGroupOutOfBand(server: EmulatorServer, group: String, user: String, token: String) async throws {
        var request = URLRequest(url: server.apiBaseURL.appendingPathComponent("account/groups/\(group)"))
        request.httpMethod = "PUT"
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        request.setValue("application/x-www-form-urlencoded", forHTTPHeaderField: "Content-Type")
        request.httpBody = Data("usernames=\(user)&action=batch_add".utf8)
        let (_, response) = try await URLSession.shared.data(for: request)
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        guard status == 200 else { throw CLIError("the emulator answered \(status) to the out-of-band change") }
    }
}

/// A local Slurm accounting stack of `scripts/slurm-stack`, as its stack.env describes it.
struct SlurmStackEnvironment {
    var version: String
    var cluster: String
    var restURL: URL
    var sacctmgr: String
    var tokenCommand: String
    /// The stack's SQL shell on slurmdbd's database, for usage rows; nil when stack.env names none.
    var sql: String?

    /// The stack.env given, or the first stack that is up (24.11, then 22.05) under `$TEAMCTL_SLURM_DIR`.
    static func find(explicit: String?) throws -> SlurmStackEnvironment {
        let directory = ProcessInfo.processInfo.environment["TEAMCTL_SLURM_DIR"] ?? "/var/tmp/teamctl-slurm"
        let candidates =
            explicit.map { [$0] }
            ?? ["24.11", "22.05"].compactMap { version in
                let ready = "\(directory)/\(version)/ready"
                return FileManager.default.fileExists(atPath: ready) ? "\(directory)/\(version)/stack.env" : nil
            }
        guard let path = candidates.first, let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw CLIError(
                "demo --multi needs a local Slurm accounting stack and none is up under \(directory): run "
                    + "'scripts/slurm-stack up 24.11' as root (or pass --slurm-env STACK.ENV)")
        }
        var values: [String: String] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            guard let equals = line.firstIndex(of: "=") else { continue }
            values[String(line[..<equals])] = String(line[line.index(after: equals)...])
        }
        guard let rest = values["SLURM_REST_URL"].flatMap(URL.init(string:)), let sacctmgr = values["SLURM_SACCTMGR"],
            let token = values["SLURM_TOKEN_CMD"]
        else { throw CLIError("\(path) lacks SLURM_REST_URL, SLURM_SACCTMGR or SLURM_TOKEN_CMD") }
        return SlurmStackEnvironment(
            version: values["SLURM_VERSION"] ?? "?", cluster: values["SLURM_CLUSTER"] ?? "test", restURL: rest,
            sacctmgr: sacctmgr, tokenCommand: token, sql: values["SLURM_SQL"])
    }

    /// Runs each command line of a seed file as `sacctmgr -i LINE` (the form `scripts/slurm-stack seed` reads; usage
    /// lines are left out), with words renamed; returns how many ran.
    func seed(file: String, renaming: [String: String]) throws -> Int {
        var count = 0
        let lines = try String(contentsOfFile: file, encoding: .utf8).split(separator: "\n")
        for (number, line) in lines.enumerated() {
            let text = line.trimmingCharacters(in: .whitespaces)
            guard !text.isEmpty, !text.hasPrefix("#") else { continue }
            if text.hasPrefix("usage ") {
                try addUsage(line: text, renaming: renaming, file: file, number: number + 1)
                count += 1
                continue
            }
            let words = Self.words(text).map { word in
                renaming.reduce(word) { renamed, pair in
                    renamed.replacingOccurrences(of: pair.key, with: pair.value)
                }
            }
            let (status, output) = try Self.run(sacctmgr, ["-i"] + words)
            let harmless = ["Nothing new added", "Already existing", "already exists"].contains {
                output.contains($0)
            }
            if status != 0 && !harmless {
                throw CLIError("\(file):\(number + 1): sacctmgr -i \(text) failed: \(output)")
            }
            count += 1
        }
        return count
    }

    /// A `usage USER ACCOUNT DAY CPU_MINUTES [GPU_MINUTES]` seed line, written into slurmdbd's tables as its rollup
    /// would (examples/slurm/insert_usage.sql, as `scripts/slurm-stack seed` does); skipped when the stack has no SQL
    /// shell.
    func addUsage(line: String, renaming: [String: String], file: String, number: Int) throws {
        let words = Self.words(line)
        guard let sql, words.count >= 5, let cpu = Int(words[4]) else {
            if sql == nil { return }
            throw CLIError("\(file):\(number): a usage line is 'usage USER ACCOUNT DAY CPU_MINUTES [GPU_MINUTES]'")
        }
        let account = renaming.reduce(words[2]) { $0.replacingOccurrences(of: $1.key, with: $1.value) }
        let gpu = words.count > 5 ? Int(words[5]) ?? 0 : 0
        let script = DemoCommand.installedExample("examples/slurm/insert_usage.sql")
        let body = try String(contentsOfFile: script, encoding: .utf8)
        let input =
            "SET @user='\(words[1])', @acct='\(account)', @day='\(words[3])', @cpu_secs=\(cpu * 60), "
            + "@gpu_secs=\(gpu * 60);\n" + body
        let (status, output) = try Self.run(sql, [], input: input)
        guard status == 0 else { throw CLIError("\(file):\(number): adding usage failed: \(output)") }
    }

    /// A JWT for `user` from the stack's token command.
    func token(for user: String) throws -> String {
        let (status, output) = try Self.run(tokenCommand, [user, "3600"])
        guard status == 0 else { throw CLIError("the stack's token command failed: \(output)") }
        return output.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Splits a seed line into words; double quotes group words and are dropped.
    static func words(_ line: String) -> [String] {
        var words: [String] = []
        var current = ""
        var quoted = false
        for character in line {
            if character == "\"" {
                quoted.toggle()
            } else if character == " " && !quoted {
                if !current.isEmpty { words.append(current) }
                current = ""
            } else {
                current.append(character)
            }
        }
        if !current.isEmpty { words.append(current) }
        return words
    }

    static func run(_ executable: String, _ arguments: [String], input: String? = nil) throws -> (Int32, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        let stdin = input.map { _ in Pipe() }
        process.standardInput = stdin ?? FileHandle.nullDevice
        try process.run()
        if let stdin, let input {
            stdin.fileHandleForWriting.write(Data(input.utf8))
            try? stdin.fileHandleForWriting.close()
        }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
