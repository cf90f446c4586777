import AccountModels
import ArgumentParser
import FacilityEmulator
import Foundation
import TeamSync

/// `teamctl demo`: the whole main job against an in-process emulator, with nothing to configure.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run validate, refresh, plan, apply, a second plan and a usage report against a built-in emulator.",
        discussion: """
            Starts the facility emulator on a free loopback port, seeded from examples/facility.yaml, with a \
            temporary cache, and runs the flow on examples/team.yaml exactly as the commands do. Nothing \
            outside the temporary folder is touched. Run it from the repository root, or pass --seed and \
            --manifest; an installed release uses the examples it installed under PREFIX/share/teamctl.
            """)

    @Option(help: "The emulator's seed file.")
    var seed = "examples/facility.yaml"

    @Option(help: "The team manifest to apply.")
    var manifest = "examples/team.yaml"

    @Option(help: "Keep the cache here instead of a temporary folder (it is reused if it exists).")
    var cache: String?

    @Option(
        help: """
            The day the demo runs on, YYYY-MM-DD (default: \(DemoCommand.exampleDay), the day the examples describe, \
            so the demo shows the same on any day it is run).
            """)
    var today: CalendarDay?

    @Flag(
        help: """
            Run one team across two facilities instead: examples/multi/team.yaml on the built-in emulator (NERSC) \
            and a local Slurm accounting stack (frontier), started with 'scripts/slurm-stack up 24.11'.
            """)
    var multi = false

    @Option(help: "With --multi: the Slurm stack's stack.env (default: the first stack up under $TEAMCTL_SLURM_DIR).")
    var slurmEnv: String?

    @Option(
        help: ArgumentHelp(
            "With --multi: write the team page here at the end (as 'teamctl report -f TEAM --out FILE').",
            valueName: "file"))
    var page: String?

    /// The day the examples describe: examples/facility.yaml is the facility as it stands that day, and the end dates
    /// in the example teams are set around it. The demo runs on its own clock, starting at noon UTC that day (or on
    /// `--today`), and never reads the real date, so its output does not change as the calendar moves.
    static let exampleDay = CalendarDay(year: 2026, month: 11, day: 25)!

    /// Noon UTC on the demo's day: the time every snapshot, plan and report of the demo is made at (the simulated
    /// week of use moves forward from it).
    static func clock(on day: CalendarDay) -> Date {
        Date(timeIntervalSince1970: Double(day.daysSinceEpoch) * 86_400 + 12 * 3_600)
    }

    func run() async throws {
        var demo = self
        demo.seed = Self.installedExample(seed)
        demo.manifest = Self.installedExample(manifest)
        if multi {
            try await demo.startMulti()
            return
        }
        try await demo.start()
    }

    /// An example the release tarball installs (`PREFIX/share/teamctl/examples/`, beside `PREFIX/bin`), used
    /// when `path` is not under the working directory, so an installed `teamctl demo` runs from anywhere.
    static func installedExample(_ path: String) -> String {
        guard !FileManager.default.fileExists(atPath: path), path.hasPrefix("examples/"),
            let executable = Bundle.main.executableURL?.resolvingSymlinksInPath()
        else { return path }
        let installed = executable.deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("share/teamctl").appendingPathComponent(path).path
        return FileManager.default.fileExists(atPath: installed) ? installed : path
    }

    private func start() async throws {
        _ = Terminal.loggingBootstrapped
        let color = Terminal.useColor
        func step(_ number: Int, _ title: String) {
            let line = "==> \(number). \(title)"
            print(color ? "\n\u{1B}[1m\(line)\u{1B}[0m" : "\n\(line)")
        }
        for path in [seed, manifest] where !FileManager.default.fileExists(atPath: path) {
            throw CLIError(
                "\(path) not found: run 'teamctl demo' from the repository root, or pass --seed and --manifest")
        }
        let day = today ?? Self.exampleDay
        let now = Self.clock(on: day)

        step(1, "teamctl validate \(manifest)")
        let (loaded, diagnostics) = ManifestLoader.validate(paths: [manifest], today: day)
        for diagnostic in diagnostics { print(diagnostic.description) }
        guard diagnostics.allSatisfy({ $0.severity != .error }), !loaded.isEmpty else {
            throw CLIError("\(manifest) does not validate; fix the errors above")
        }
        print(
            "\(manifest): ok (\(loaded[0].manifest.members.count) members, \(loaded[0].manifest.groups.count) groups)")

        let facilitySeed = try EmulatorSeed.load(path: seed)
        let server = try await EmulatorServer.start(seed: facilitySeed, now: { now })
        let temporary = FileManager.default.temporaryDirectory.appendingPathComponent("teamctl-demo-\(getpid())")
        defer { try? FileManager.default.removeItem(at: temporary) }
        let cachePath: String
        if let cache {
            cachePath = cache
        } else {
            try FileManager.default.createDirectory(at: temporary, withIntermediateDirectories: true)
            cachePath = temporary.appendingPathComponent("cache.sqlite").path
        }
        do {
            try await runFlow(
                server: server, seed: facilitySeed, manifests: loaded, cachePath: cachePath, day: day, now: now,
                step: step)
        } catch {
            await server.shutdown()
            throw error
        }
        await server.shutdown()
    }

    private func runFlow(
        server: EmulatorServer, seed facilitySeed: EmulatorSeed, manifests: [LoadedManifest], cachePath: String,
        day: CalendarDay, now: Date, step: (Int, String) -> Void
    ) async throws {
        let project = manifests[0].manifest.project
        let pi = manifests[0].manifest.members.filter { $0.value.role == .pi }.keys.sorted().first
        guard let token = facilitySeed.tokens.first(where: { $0.user == pi })?.token ?? facilitySeed.tokens.first?.token
        else { throw CLIError("\(seed) has no static token to act with; add one under 'tokens:'") }
        print(
            "emulator listening on \(server.baseURL.absoluteString); acting as \(pi ?? "the seed's first token") with a static token"
        )

        let settings = ConnectionSettings(
            profile: manifests[0].manifest.facility ?? "nersc", apiURL: server.apiBaseURL, tokenURL: server.tokenURL,
            cachePath: cachePath, concurrency: 8, accessToken: token)
        let context = TeamctlContext(settings: settings, now: { now })
        let workflow = TeamWorkflow(
            context: context, cache: try AccountCache(path: cachePath), toolVersion: TeamCtlVersion.current,
            now: { now })

        step(2, "teamctl refresh -f \(manifest)")
        // How long the refresh takes is measured, not read off the calendar.
        let started = ContinuousClock.now
        let refreshed = try await workflow.refresh(for: manifests, observe: true)
        guard let snapshot = refreshed.observed else { throw CLIError("the refresh returned no observed state") }
        let took = ContinuousClock.now - started
        let seconds = Double(took.components.seconds) + Double(took.components.attoseconds) / 1e18
        print(
            "refreshed \(refreshed.facility) as \(refreshed.caller): \(refreshed.summary) in "
                + "\(String(format: "%.2f", seconds)) s (snapshot \(refreshed.snapshotID))")

        step(3, "teamctl plan -f \(manifest)")
        let plan = try await workflow.plan(manifests, against: snapshot, today: day)
        print(PlanRenderer.text(plan, color: Terminal.useColor), terminator: "")

        step(4, "teamctl apply -f \(manifest) --yes")
        let report = try await workflow.apply(plan, saved: false, ignoreStatus: false, concurrency: 8)
        print(report.summaryText())
        if report.failed { throw CLIError("the demo's apply failed; see above") }

        step(5, "teamctl plan -f \(manifest)   (again: nothing left for the API to do)")
        let again = try await workflow.plan(
            manifests, against: try await workflow.observe(for: manifests, refresh: true), today: day)
        print(PlanRenderer.summaryLine(again))
        guard again.changes.isEmpty else {
            print(PlanRenderer.text(again, color: Terminal.useColor), terminator: "")
            throw CLIError("the second plan is not empty: apply did not converge")
        }
        if !again.manualItems.isEmpty {
            print(
                "The \(again.manualItems.count) manual item(s) stay listed until done in Iris (SFAPI v1.2 cannot make them)."
            )
        }

        step(6, "teamctl usage --project \(project)   (after a week of simulated use)")
        // Simulate a week: each day the project burns some hours, and a daily refresh (run with the clock
        // moved forward a day) records it, so the report has a burn rate to show.
        let start = now
        for dayNumber in 1...7 {
            try await server.addUsage(repoName: project, user: pi ?? snapshot.caller, cpuHours: 1_800, gpuHours: 240)
            let later = start.addingTimeInterval(Double(dayNumber) * 86_400)
            let daily = TeamWorkflow(
                context: TeamctlContext(settings: settings, now: { later }), cache: workflow.cache,
                toolVersion: TeamCtlVersion.current, now: { later })
            _ = try await daily.observe(for: [], refresh: true)
        }
        let history = try workflow.cache.snapshots(facility: workflow.facility, since: nil)
        let usage = UsageReport.build(
            snapshots: history, projects: [project], now: start.addingTimeInterval(7 * 86_400), warnAt: 80)
        print(UsageRenderer.table(usage, color: Terminal.useColor), terminator: "")

        let mutations = await server.requestLog().filter { $0.method != "GET" && !$0.path.hasSuffix("/token") }
        print(
            "\nDone: the emulator received \(mutations.count) change request(s), one per created group and at most one add and one remove per changed group."
        )
    }
}
