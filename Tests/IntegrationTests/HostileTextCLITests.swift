import FacilityEmulator
import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Hostile names from the facility and hostile files, through the built `teamctl` as a user runs it: what it
/// prints holds no control character, no forged line and no live Markdown, and a FIFO or a file outside the team
/// is a clear error instead of a hang or an echo.
struct HostileTextCLITests {
    /// Project m100 whose group m100a holds, besides alice and bob, users whose names attack the output.
    static let seed = #"""
        users:
          - {name: alice, uid: 2001}
          - {name: bob, uid: 2002}
          - {name: "mal\e[2J\e[Hlory", uid: 2003}
          - {name: "nl\n      + add bchen", uid: 2004}
          - {name: "md\n```\n![x](http://127.0.0.2/x.png)\n[link](http://127.0.0.2/)", uid: 2005}
          - {name: "bidi\u202Enehcb", uid: 2006}
        projects:
          - id: 100
            repo_name: m100
            description: Small
            members:
              - {user: alice, role: PI}
              - {user: bob, role: Member}
        groups:
          - {name: m100a, gid: 65001, repo_name: m100, members: [alice, bob, "mal\e[2J\e[Hlory", "nl\n      + add bchen", "md\n```\n![x](http://127.0.0.2/x.png)\n[link](http://127.0.0.2/)", "bidi\u202Enehcb"]}
        tokens:
          - {token: tok-alice, user: alice}
        systems:
          - {name: iris, status: active}
          - {name: "perlmutter\e[2J", status: degraded, notes: ["down\r\n  iris   active"]}

        """#

    static let manifest =
        "version: 1\nproject: m100\nfacility: nersc\nmembers:\n  alice: {role: pi}\n  bob: {}\n"
        + "groups:\n  m100a: {members: [alice, bob]}\n"

    static func isClean(_ text: String) -> Bool {
        !text.unicodeScalars.contains {
            ($0.value < 0x20 && $0 != "\n") || (0x7F...0x9F).contains($0.value) || (0x202A...0x202E).contains($0.value)
                || (0x2066...0x2069).contains($0.value)
        }
    }

    @Test func theTextPlanShowsHostileUsernamesWrittenOut() async throws {
        let harness = try await TeamctlHarness.start(seedYAML: Self.seed, token: "tok-alice")
        defer { Task { await harness.shutdown() } }
        try harness.write("team.yaml", Self.manifest)
        let run = try await harness.run(["plan", "-f", "team.yaml", "--today", "2026-11-25"])
        #expect(Self.isClean(run.stdout) && Self.isClean(run.stderr), "\(run.output)")
        let lines = run.stdout.split(separator: "\n").map(String.init)
        #expect(!lines.contains { $0.hasPrefix("      + add bchen") }, "\(run.stdout)")
        #expect(run.stdout.contains(#"mal\u{1B}[2J\u{1B}[Hlory"#), "\(run.output)")
        #expect(run.stdout.contains(#"nl\n      + add bchen"#), "\(run.output)")
    }

    @Test func theMarkdownPlanKeepsHostileUsernamesInsideTheBlockAndInert() async throws {
        let harness = try await TeamctlHarness.start(seedYAML: Self.seed, token: "tok-alice")
        defer { Task { await harness.shutdown() } }
        try harness.write("team.yaml", Self.manifest)
        let run = try await harness.run(["plan", "-f", "team.yaml", "--today", "2026-11-25", "--format", "markdown"])
        #expect(Self.isClean(run.stdout), "\(run.output)")
        let lines = run.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        // The planner refuses the hostile names (they are in no change), and names each in the refusal, written out.
        #expect(run.status != 0, "\(run.output)")
        #expect(run.stdout.contains("Refused"), "\(run.output)")
        // Fence lines come in pairs (a diff block is opened and closed, or there is none).
        let fences = lines.filter { $0.trimmingCharacters(in: .whitespaces).hasPrefix("```") }
        #expect(fences.count == 0 || fences.count == 2, "\(fences)")
        var outside = lines
        if let open = lines.firstIndex(where: { $0.hasPrefix("```") }),
            let close = lines[(open + 1)...].firstIndex(where: { $0.hasPrefix("```") })
        {
            outside = Array(lines[..<open] + lines[(close + 1)...])
        }
        for line in outside.map(PlanMarkdown.withoutCodeSpans) {
            // `](` closes a link or an image unless its `]` is escaped.
            #expect(line.range(of: #"(?<!\\)\]\("#, options: .regularExpression) == nil, "a live link in \(line)")
            #expect(!line.contains("http://127.0.0.2"), "an autolink in \(line)")
        }
    }

    @Test func statusShowsTheFacilitysTextWrittenOut() async throws {
        let harness = try await TeamctlHarness.start(seedYAML: Self.seed, token: "tok-alice")
        defer { Task { await harness.shutdown() } }
        let run = try await harness.run(["status"])
        #expect(Self.isClean(run.stdout), "\(run.output)")
        #expect(run.stdout.contains(#"perlmutter\u{1B}[2J"#), "\(run.output)")
        #expect(!run.stdout.split(separator: "\n").contains("  iris   active"), "\(run.output)")
    }

    @Test func anErrorACommandExitsWithIsPrintedEscaped() async throws {
        // The error quotes what it was given (here the run id; elsewhere a facility's answer): written out.
        let harness = try await TeamctlHarness.start(seedYAML: Self.seed, token: "tok-alice")
        defer { Task { await harness.shutdown() } }
        _ = try await harness.run(["refresh"])
        let run = try await harness.run(["history", "\u{1B}[2J\rforged"])
        #expect(run.status == 1, "\(run.output)")
        #expect(Self.isClean(run.stderr), "\(run.output)")
        #expect(run.stderr.contains(#"no apply run matches '\u{1B}[2J\rforged'"#), "\(run.output)")
    }

    @Test func validateOfAFIFOFailsAtOnceInsteadOfHanging() async throws {
        let harness = try await TeamctlHarness.start(seedYAML: Self.seed, token: "tok-alice")
        defer { Task { await harness.shutdown() } }
        let fifo = harness.path("team.yaml")
        try #require(mkfifo(fifo, 0o600) == 0)
        let run = await Self.runWithDeadline(harness, ["validate", "team.yaml"], seconds: 60)
        #expect(run.status == 1, "\(run.output)")
        #expect(
            run.stderr.contains("team.yaml: error: the file is a FIFO (named pipe), not a regular file"),
            "\(run.output)")
        let plan = await Self.runWithDeadline(harness, ["plan", "-f", "team.yaml"], seconds: 60)
        #expect(plan.status == 1, "\(plan.output)")
        #expect(plan.stderr.contains("FIFO"), "\(plan.output)")
    }

    @Test func aPlanFileThatIsAFIFOOrADeviceIsRefusedAtOnce() async throws {
        let harness = try await TeamctlHarness.start(seedYAML: Self.seed, token: "tok-alice")
        defer { Task { await harness.shutdown() } }
        let fifo = harness.path("plan.json")
        try #require(mkfifo(fifo, 0o600) == 0)
        let run = await Self.runWithDeadline(harness, ["apply", "plan.json", "--yes"], seconds: 60)
        #expect(run.status == 1, "\(run.output)")
        #expect(run.stderr.contains("FIFO"), "\(run.output)")
        let device = await Self.runWithDeadline(harness, ["apply", "/dev/zero", "--yes"], seconds: 60)
        #expect(device.status == 1, "\(device.output)")
        #expect(device.stderr.contains("character device"), "\(device.output)")
    }

    @Test func aTeamWhosePeopleFileLiesOutsideIsRefusedWithoutEchoingIt() async throws {
        let harness = try await TeamctlHarness.start(seedYAML: Self.seed, token: "tok-alice")
        defer { Task { await harness.shutdown() } }
        let secret = "ghp_0123456789abcdefghijklmnopqrstuvwxyzAB"
        try FileManager.default.createDirectory(atPath: harness.path("team"), withIntermediateDirectories: true)
        try harness.write(".env", "GITHUB_TOKEN=\(secret)\n")
        try harness.write(
            "team/team.yaml",
            "version: 2\nteam: lumen\npeople: ../.env\nfacilities:\n  nersc: {project: m100}\nmembers:\n  ana: {}\n")
        for arguments in [["validate", "team/team.yaml"], ["plan", "-f", "team/team.yaml"]] {
            let run = try await harness.run(arguments)
            #expect(run.status == 1, "\(run.output)")
            #expect(
                run.stderr.contains(
                    "team/team.yaml:3:9: error: the people file '../.env' lies outside this team "
                        + "manifest's folder"), "\(run.output)")
            #expect(run.stderr.contains("--people-outside"), "\(run.output)")
            #expect(!run.output.contains(secret) && !run.output.contains("GITHUB_TOKEN"), "\(run.output)")
        }
        // The flag lifts the rule: the file is read, and is then no people file (still without echoing the token).
        let allowed = try await harness.run(["validate", "--people-outside", "team/team.yaml"])
        #expect(allowed.status == 1)
        #expect(!allowed.stderr.contains("lies outside"), "\(allowed.output)")
        #expect(!allowed.output.contains(secret), "\(allowed.output)")
    }

    /// Runs teamctl, killing it when it outlives `seconds` (so a hang fails the test instead of the suite).
    static func runWithDeadline(_ harness: TeamctlHarness, _ arguments: [String], seconds: Int) async -> TeamctlRun {
        guard let launched = try? harness.launch(arguments) else {
            return TeamctlRun(status: -1, stdout: "", stderr: "could not launch teamctl")
        }
        let watchdog = Task {
            try? await Task.sleep(for: .seconds(seconds))
            if !Task.isCancelled { launched.kill9() }
        }
        let run = await launched.finish()
        watchdog.cancel()
        return run
    }
}
