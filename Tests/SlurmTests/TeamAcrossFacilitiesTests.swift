import FacilityEmulator
import Foundation
import Testing

@testable import TeamSync

#if canImport(Glibc)
    import Glibc
#endif

extension SlurmStacks {
    /// One team (manifest version 2) on the SFAPI emulator and a real Slurm accounting stack at once, through the built
    /// `teamctl`: one plan lists both facilities, apply converges on both, ending a person removes them at both, and a
    /// Slurm stack killed in the middle of an apply leaves NERSC applied, fails the run, and a rerun converges. NERSC is
    /// checked in the emulator's own state and Slurm with the stack's own sacctmgr, not through teamctl.
    @Suite(SlurmStack.enabled)
    struct TeamAcrossFacilitiesTests {
        @Test(arguments: SlurmStack.testedVersions)
        func oneTeamOnTwoFacilitiesConvergesAndOffboardsEverywhere(version: String) async throws {
            try await SlurmStackLock.exclusive(version) {
                let t = try await TeamScenario(version, channel: .rest)
                defer { t.cleanUp() }
                do {
                    try await t.run()
                } catch {
                    await t.server.shutdown()
                    throw error
                }
                await t.server.shutdown()
            }
        }

        @Test(arguments: SlurmStack.testedVersions)
        func aSlurmStackKilledMidApplyLeavesNERSCAppliedAndARerunConverges(version: String) async throws {
            try await SlurmStackLock.exclusive(version) {
                let t = try await TeamScenario(version, channel: .killingSacctmgr)
                defer { t.cleanUp() }
                do {
                    try await t.runWithKill()
                } catch {
                    await t.restartStack()
                    await t.server.shutdown()
                    throw error
                }
                await t.server.shutdown()
            }
        }
    }
}

/// The two facilities and the team of one test: four people with different usernames at each.
struct TeamScenario {
    enum Channel { case rest, killingSacctmgr }

    let fixture: Fixture
    let server: EmulatorServer
    let cli: TeamctlCLI
    /// Usernames at `site` (Slurm) and at `nersc` (the emulator), by person id.
    let site: [String: String]
    let nersc: [String: String]
    let stray: String
    /// Files that arm and count the killing sacctmgr wrapper.
    let armed: String
    let counter: String

    init(_ version: String, channel: Channel) async throws {
        let f = try Fixture(version)
        fixture = f
        site = ["ana": f.user(), "bo": f.user(), "cem": f.user(), "dan": f.user()]
        nersc = ["ana": "amorales", "bo": "bchen", "cem": "cyilmaz", "dan": "dkovacs"]
        stray = f.user()
        // Everyone has another account on the cluster (their default), as users of a shared cluster do; Slurm keeps
        // a user with no other account from being removed.
        let other = try f.makeAccount()
        try f.admin("add", "user", (Array(site.values) + [stray]).joined(separator: ","), "account=\(other)")
        // Slurm drift: ana and bo are there, cem and dan are not, a stray user is.
        try f.admin("add", "user", [site["ana"]!, site["bo"]!, stray].joined(separator: ","), "account=\(f.account)")
        // NERSC drift: everyone is in the project; group lumcal lacks cem and dan and holds olduser.
        let users = (Array(nersc.values) + ["olduser"]).sorted().enumerated().map { index, name in
            "  - {name: \(name), uid: \(71_000 + index), firstname: F, lastname: \(name), email: \(name)@example.org}"
        }
        let members = (Array(nersc.values) + ["olduser"]).sorted().map { name in
            "      - {user: \(name), role: \(name == "amorales" ? "PI" : "Member")}"
        }
        let seed = try EmulatorSeed(
            yaml: """
                users:
                \(users.joined(separator: "\n"))
                projects:
                  - id: 4812
                    repo_name: m4812
                    members:
                \(members.joined(separator: "\n"))
                groups:
                  - {name: m4812, gid: 64812, repo_name: m4812, members: [amorales, bchen, cyilmaz, dkovacs, olduser]}
                  - {name: lumcal, gid: 64813, repo_name: m4812, members: [amorales, bchen, olduser]}
                tokens:
                  - {token: team-pi, user: amorales}
                systems:
                  - {name: iris, full_name: Iris, description: Accounts, system_type: service, status: active, notes: [], updated_at: '2026-11-24T08:00:00+00:00'}
                """)
        server = try await EmulatorServer.start(seed: seed)
        let stack = f.stack
        cli = try TeamctlCLI(config: "")
        armed = cli.directory + "/armed"
        counter = cli.directory + "/writes"
        var slurm = ["provider: slurm", "cluster: \(stack.cluster)", "user: root"]
        switch channel {
        case .rest:
            let token = try cli.write("jwt", try stack.token(for: "root", lifetime: 3600))
            slurm += ["url: \(stack.restURL.absoluteString)", "token_file: \(token)"]
        case .killingSacctmgr:
            // sacctmgr as the channel, through a wrapper that, once armed, kills slurmdbd (and its supervisor, so it stays
            // down) and slurmrestd just before the second write of the run reaches them.
            let wrapper = try cli.write(
                "sacctmgr",
                """
                #!/bin/sh
                case " $* " in
                *" add "*|*" modify "*|*" delete "*)
                    if [ -e \(armed) ]; then
                        n=$(( $(cat \(counter) 2>/dev/null || echo 0) + 1 )); echo $n > \(counter)
                        if [ $n -ge 2 ]; then
                            kill -KILL $(cat \(Self.pidFile(version, "slurmdbd-supervisor"))) 2>/dev/null
                            kill -KILL $(cat \(Self.pidFile(version, "slurmdbd"))) 2>/dev/null
                            kill -KILL $(cat \(Self.pidFile(version, "slurmrestd"))) 2>/dev/null
                            sleep 1
                        fi
                    fi ;;
                esac
                exec \(stack.sacctmgr) "$@"

                """)
            chmod(wrapper, 0o700)
            slurm.append("sacctmgr: \(wrapper)")
        }
        let config =
            "profiles:\n  nersc:\n    api_url: \(server.apiBaseURL.absoluteString)\n"
            + "    token_url: \(server.tokenURL.absoluteString)\n  site:\n"
            + slurm.map { "    \($0)\n" }.joined()
        try config.write(toFile: cli.directory + "/home/.config/teamctl/config.yaml", atomically: true, encoding: .utf8)
        try writePeople()
        try cli.write(
            "team.yaml",
            """
            version: 2
            team: lumen
            people: people.yaml
            facilities:
              nersc:
                project: m4812
                groups:
                  m4812: {members: all}
                  lumcal: {members: [ana, bo, cem, dan]}
              site:
                project: \(f.account)
                permissions:
                  premium: [ana, cem]
            members:
              ana: {role: pi}
              bo: {}
              cem: {}
              dan: {}
            policy:
              protected: [ana]

            """)
    }

    /// The stack's pid file of a daemon (as scripts/slurm-stack writes them).
    static func pidFile(_ version: String, _ daemon: String) -> String {
        let directory = SlurmStack.directory
        return version == "22.05"
            ? directory.appendingPathComponent("22.05/run/\(daemon).pid").path
            : directory.appendingPathComponent("trixie-root/run/slurm/\(daemon).pid").path
    }

    func writePeople(until: [String: String] = [:]) throws {
        let entries = ["ana", "bo", "cem", "dan"].map { id in
            "  \(id):\n    name: Person \(id)\n    accounts: {nersc: \(nersc[id]!), site: \(site[id]!)}\n"
                + (until[id].map { "    until: \($0)\n" } ?? "")
        }
        try cli.write("people.yaml", "version: 1\npeople:\n" + entries.joined())
    }

    func teamctl(_ arguments: [String]) async throws -> TeamctlCLI.Run {
        try await cli.run(
            arguments + ["--today", "2026-11-30"], environment: ["TEAMCTL_ACCESS_TOKEN": "team-pi"])
    }

    func cleanUp() {
        fixture.cleanUp()
        cli.remove()
    }

    /// The Slurm users with an association under the account.
    func slurmUsers() throws -> Set<String> {
        Set(try fixture.stack.associations(fixture.account).keys).subtracting([""])
    }

    /// The emulator's group members.
    func nerscGroup(_ name: String) async -> Set<String> {
        Set(await server.stateSnapshot().groups.first { $0.name == name }?.members ?? [])
    }

    /// The changes each facility still has, from `plan --format json`.
    func remainingChanges() async throws -> [String: Int] {
        let plan = try await teamctl(["plan", "-f", "team.yaml", "--format", "json"])
        #expect(plan.status == 0, "\(plan.output)")
        let team = try TeamPlan.load(from: Data(plan.stdout.utf8))
        #expect(team.unreadable.isEmpty)
        return Dictionary(uniqueKeysWithValues: team.facilities.map { ($0.basis.facility, $0.changes.count) })
    }

    func run() async throws {
        let plan = try await teamctl(["plan", "-f", "team.yaml", "--detailed-exitcode"])
        #expect(plan.status == 2, "\(plan.output)")
        #expect(plan.stdout.contains("== nersc: project m4812 (sfapi) =="), "\(plan.output)")
        #expect(plan.stdout.contains("== site: project \(fixture.account) (slurm) =="), "\(plan.output)")
        #expect(plan.stdout.contains("Total over 2 facilities"), "\(plan.output)")

        let apply = try await teamctl(["apply", "-f", "team.yaml", "--yes"])
        #expect(apply.status == 0, "\(apply.output)")
        #expect(try slurmUsers() == Set([site["ana"]!, site["bo"]!, site["cem"]!, site["dan"]!]))
        #expect(await nerscGroup("lumcal") == ["amorales", "bchen", "cyilmaz", "dkovacs"])
        let rows = try fixture.stack.associations(fixture.account)
        #expect(
            rows[site["cem"]!]?.qos.contains("premium") == true && rows[site["bo"]!]?.qos.contains("premium") != true)
        #expect(try await remainingChanges() == ["nersc": 0, "site": 0])

        // Ending a person in the people file removes them at both facilities in one apply.
        try writePeople(until: ["bo": "2026-11-29"])
        let offboard = try await teamctl(["plan", "-f", "team.yaml"])
        #expect(
            offboard.stdout.contains("- bchen") && offboard.stdout.contains("- \(site["bo"]!)"), "\(offboard.output)")
        let remove = try await teamctl(["apply", "-f", "team.yaml", "--yes"])
        #expect(remove.status == 0, "\(remove.output)")
        #expect(try !slurmUsers().contains(site["bo"]!))
        let lumcal = await nerscGroup("lumcal")
        let everyone = await nerscGroup("m4812")
        #expect(!lumcal.contains("bchen") && !everyone.contains("bchen"))
        #expect(try await remainingChanges() == ["nersc": 0, "site": 0])

        // Where is everyone: `teamctl person` by id and by a facility username.
        let person = try await teamctl(["person", "bo", "-f", "team.yaml"])
        #expect(person.status == 0, "\(person.output)")
        #expect(person.stdout.contains("not an active member"), "\(person.output)")
        let byUsername = try await teamctl(["person", site["cem"]!, "-f", "team.yaml"])
        #expect(
            byUsername.stdout.contains("site (project \(fixture.account)) as \(site["cem"]!): in sync"),
            "\(byUsername.output)")
    }

    func runWithKill() async throws {
        try "".write(toFile: armed, atomically: true, encoding: .utf8)
        let apply = try await teamctl(["apply", "-f", "team.yaml", "--yes"])
        let writes =
            Int(
                (try? String(contentsOfFile: counter, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
                    ?? "") ?? 0
        await restartStack()
        try FileManager.default.removeItem(atPath: armed)
        #expect(writes >= 2, "the stack was never killed: \(apply.output)")
        #expect(apply.status == 1, "\(apply.output)")
        #expect(apply.stdout.contains("Team: failed at site"), "\(apply.output)")
        // NERSC was applied in full while Slurm died.
        #expect(await nerscGroup("lumcal") == ["amorales", "bchen", "cyilmaz", "dkovacs"], "\(apply.output)")
        // A rerun converges at both, and a plan after it is empty.
        let rerun = try await teamctl(["apply", "-f", "team.yaml", "--yes"])
        #expect(rerun.status == 0, "\(rerun.output)")
        #expect(try slurmUsers() == Set([site["ana"]!, site["bo"]!, site["cem"]!, site["dan"]!]))
        #expect(try await remainingChanges() == ["nersc": 0, "site": 0])
    }

    /// Brings the killed daemons back (`scripts/slurm-stack up` starts what is not running), waiting on a thread of
    /// its own: blocking a task's thread for the seconds this takes would stall the other tests of the process.
    func restartStack() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            Thread {
                restartStackBlocking()
                continuation.resume()
            }.start()
        }
    }

    /// Spawned and reaped directly: Foundation's Process never saw this script end, as the daemons it starts outlive
    /// it.
    private func restartStackBlocking() {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let script = root.appendingPathComponent("scripts/slurm-stack").path
        let arguments = [script, "up", fixture.stack.version]
        var argv = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        // The daemons it starts must stop on SIGTERM later (`slurm-stack down`): give them default signal handling
        // and no blocked signals, whatever this process has.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGTERM, SIGINT, SIGHUP, SIGCHLD] { sigaddset(&defaults, signal) }
        var unblocked = sigset_t()
        sigemptyset(&unblocked)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setsigmask(&attributes, &unblocked)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
        var pid: pid_t = 0
        guard posix_spawn(&pid, script, &actions, &attributes, &argv, environ) == 0 else { return }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
    }
}
