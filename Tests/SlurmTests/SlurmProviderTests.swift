import Foundation
import Testing

@testable import TeamSync

#if canImport(Glibc)
    import Glibc
#endif

extension SlurmStacks {
    /// The whole flow through the built `teamctl`, on both stacks and over both channels: a profile with
    /// `provider: slurm`, a manifest for a seeded account with drift, plan, dry-run, apply, plan again. Every check reads
    /// Slurm back with the stack's own sacctmgr, not through teamctl. One test per stack at a time, like the other
    /// Slurm suites (``SlurmStackLock``: slurmdbd 22.05.8 crashes under concurrent clients).
    @Suite(SlurmStack.enabled)
    struct SlurmProviderTests {
        enum Channel: String, CaseIterable, Sendable, CustomTestStringConvertible {
            case rest, sacctmgr
            var testDescription: String { rawValue }
        }

        @Test(arguments: SlurmStack.testedVersions, Channel.allCases)
        func reconcilesASeededAccountAndConverges(version: String, channel: Channel) async throws {
            try await SlurmStackLock.exclusive(version) {
                let s = try await Scenario(version, channel)
                defer { s.cleanUp() }
                let f = s.fixture
                let (alice, bob, carol, dave, eve, grace, hank) = (
                    f.user(), f.user(), f.user(), f.user(), f.user(), f.user(), f.user()
                )
                let ivan = f.user()
                let other = try f.makeAccount()
                try f.admin("modify", "account", "where", "name=\(f.account)", "set", "grptresmins=cpu=60000")
                try f.admin(
                    "add", "user", [alice, bob, dave, eve, grace, hank].joined(separator: ","), "account=\(f.account)")
                try f.admin(
                    "add", "user", ivan, "account=\(f.account)", "qos=normal", "grptresmins=cpu=6000,gres/gpu=60")
                try f.admin("add", "user", eve, "account=\(other)")
                try f.admin(
                    "modify", "user", "where", "name=\(bob)", "account=\(f.account)", "set", "qos=normal,premium",
                    "grptresmins=cpu=6000")
                try f.admin("add", "coordinator", "names=\(alice),\(hank)", "accounts=\(f.account)")
                let defaultQOSBefore = try s.defaultQOS()
                // 22.05's slurmrestd can neither change an account's own limits nor remove a coordinator: with no sacctmgr
                // beside it those are manual items (checked in their own test), so this manifest leaves them alone there.
                let legacy = s.legacyREST
                try s.writeManifest(
                    """
                    version: 1
                    facility: site
                    project: \(f.account)
                    \(legacy ? "" : "limits: {cpu_hours: 2000}")
                    members:
                      \(alice): {role: pi}
                      \(bob): {limits: {gpu_hours: 10}}
                      \(carol): {limits: {cpu_hours: 50}}
                      \(dave): {role: pi_proxy}
                      \(hank): {role: \(legacy ? "pi" : "member")}
                      \(ivan): {limits: {cpu_hours: unlimited}}
                    permissions:
                      premium: [\(carol)]
                    policy:
                      protected: [\(grace)]
                      max_removals: 10
                    """)

                let plan = try await s.cli.run(["plan", "-f", "team.yaml", "--detailed-exitcode"])
                #expect(plan.status == 2, "\(plan.output)")
                #expect(plan.stdout.contains(carol) && plan.stdout.contains(eve), "\(plan.output)")

                let before = try s.accountDump()
                let dry = try await s.cli.run(["apply", "-f", "team.yaml", "--dry-run", "--yes"])
                #expect(dry.status == 0, "\(dry.output)")
                #expect(try s.accountDump() == before, "a dry run changed Slurm")

                let apply = try await s.cli.run(["apply", "-f", "team.yaml", "--yes"])
                #expect(apply.status == 0, "\(apply.output)")

                let rows = try f.stack.associations(f.account)
                #expect(Set(rows.keys) == ["", alice, bob, carol, dave, grace, hank, ivan], "\(rows)")
                #expect(
                    rows[ivan]?.grpTRESMins == "gres/gpu=60", "unlimited clears the CPU limit and keeps the GPU one")
                #expect(rows[bob]?.qos == "normal", "premium revoked from bob, normal kept")
                #expect(rows[carol].map { $0.qos.split(separator: ",").contains("premium") } == true)
                #expect(rows[alice].map { $0.qos.split(separator: ",").contains("premium") } == false)
                #expect(
                    rows[grace].map { $0.qos.split(separator: ",").contains("premium") } == true, "grace is protected")
                #expect(rows[bob]?.grpTRESMins == "cpu=6000,gres/gpu=600", "bob's CPU limit survives the GPU change")
                #expect(rows[carol]?.grpTRESMins == "cpu=3000")
                // The fixture's account also limits GPU minutes: a CPU change keeps that.
                #expect(rows[""]?.grpTRESMins == (legacy ? "cpu=60000,gres/gpu=6000" : "cpu=120000,gres/gpu=6000"))
                #expect(try s.coordinators() == Set(legacy ? [alice, dave, hank] : [alice, dave]))
                #expect(
                    try s.defaultAccount(of: eve) == other, "eve's default moved to her other account before removal")
                #expect(try s.defaultQOS().filter { $0.key != carol } == defaultQOSBefore.filter { $0.key != eve })

                let again = try await s.cli.run(["plan", "-f", "team.yaml", "--detailed-exitcode"])
                #expect(again.status == 0, "\(again.output)")
            }
        }

        @Test(arguments: SlurmStack.testedVersions, Channel.allCases)
        func refusesOverMaxRemovalsAndLeavesAnOnlyAccountToAPerson(version: String, channel: Channel) async throws {
            try await SlurmStackLock.exclusive(version) {
                let s = try await Scenario(version, channel)
                defer { s.cleanUp() }
                let f = s.fixture
                let (keep, lone, gone1, gone2) = (f.user(), f.user(), f.user(), f.user())
                let other = try f.makeAccount()
                try f.admin("add", "user", [keep, lone, gone1, gone2].joined(separator: ","), "account=\(f.account)")
                try f.admin("add", "user", "\(gone1),\(gone2)", "account=\(other)")
                try s.writeManifest(
                    """
                    version: 1
                    facility: site
                    project: \(f.account)
                    members:
                      \(keep): {}
                    policy:
                      max_removals: 1
                    """)
                let before = try s.accountDump()
                let refused = try await s.cli.run(["apply", "-f", "team.yaml", "--yes"])
                #expect(refused.status == 1, "\(refused.output)")
                #expect((refused.stdout + refused.stderr).contains("max_removals"), "\(refused.output)")
                #expect(try s.accountDump() == before, "a refused plan changed Slurm")

                let applied = try await s.cli.run(["apply", "-f", "team.yaml", "--yes", "--max-removals", "5"])
                #expect(applied.status == 0, "\(applied.output)")
                #expect(Set(try f.stack.associations(f.account).keys) == ["", keep, lone])
                let plan = try await s.cli.run(["plan", "-f", "team.yaml", "--detailed-exitcode", "--format", "json"])
                #expect(plan.status == 3, "only the manual item is left: \(plan.output)")
                #expect(
                    plan.stdout.contains("sacctmgr -i delete user where name=\(lone) account=\(f.account)"),
                    "\(plan.output)")
            }
        }

        /// A plan saved on a pull request and applied on merge: applied exactly when Slurm has not moved, refused
        /// (nothing sent) when someone changed what it touches meanwhile; `--no-refresh` plans from the cache.
        @Test(arguments: SlurmStack.testedVersions, Channel.allCases)
        func aSavedPlanAppliesOnlyWhileSlurmHasNotMoved(version: String, channel: Channel) async throws {
            try await SlurmStackLock.exclusive(version) {
                let s = try await Scenario(version, channel)
                defer { s.cleanUp() }
                let f = s.fixture
                let (pi, member, newcomer, intruder) = (f.user(), f.user(), f.user(), f.user())
                try f.admin("add", "user", "\(pi),\(member)", "account=\(f.account)", "qos=normal")
                try s.writeManifest(
                    """
                    version: 1
                    facility: site
                    project: \(f.account)
                    members:
                      \(pi): {role: pi}
                      \(member): {limits: {cpu_hours: 10}}
                      \(newcomer): {}
                    permissions:
                      premium: [\(member)]
                    """)
                let saved = try await s.cli.run(["plan", "-f", "team.yaml", "--out", "plan.json"])
                #expect(saved.status == 0, "\(saved.output)")
                let cached = try await s.cli.run(["plan", "-f", "team.yaml", "--no-refresh", "--detailed-exitcode"])
                #expect(cached.status == 2 && cached.stdout.contains(newcomer), "\(cached.output)")
                // Someone adds a user (who has a home account elsewhere) by hand after the plan was made.
                try f.admin("add", "user", intruder, "account=\(try f.makeAccount())")
                try f.admin("add", "user", intruder, "account=\(f.account)", "qos=normal,premium")
                let before = try s.accountDump()
                let refused = try await s.cli.run(["apply", "plan.json", "--yes"])
                #expect(refused.status == 1, "\(refused.output)")
                #expect((refused.stdout + refused.stderr).contains("changed since the plan"), "\(refused.output)")
                #expect(try s.accountDump() == before, "a refused plan sent nothing")

                let fresh = try await s.cli.run(["plan", "-f", "team.yaml", "--out", "plan2.json"])
                #expect(fresh.status == 0, "\(fresh.output)")
                let applied = try await s.cli.run(["apply", "plan2.json", "--yes"])
                #expect(applied.status == 0, "\(applied.output)")
                let rows = try f.stack.associations(f.account)
                #expect(Set(rows.keys) == ["", pi, member, newcomer], "the intruder is not in the manifest: \(rows)")
                #expect(try s.coordinators() == [pi])
                #expect(rows[member]?.grpTRESMins == "cpu=600")
            }
        }

        @Test(arguments: SlurmStack.testedVersions, Channel.allCases)
        func convergesAfterKill9MidApply(version: String, channel: Channel) async throws {
            try await SlurmStackLock.exclusive(version) {
                let s = try await Scenario(version, channel)
                defer { s.cleanUp() }
                let f = s.fixture
                let people = (0..<12).map { _ in f.user() }
                try s.writeManifest(
                    """
                    version: 1
                    facility: site
                    project: \(f.account)
                    members:
                    \(people.enumerated().map { "  \($1): {limits: {cpu_hours: \(10 + $0)}}" }.joined(separator: "\n"))
                    permissions:
                      debug: [\(people.prefix(6).joined(separator: ", "))]
                    """)
                let child = try s.cli.launch(["apply", "-f", "team.yaml", "--yes"])
                try await Task.sleep(for: .milliseconds(Int.random(in: 700...2500)))
                kill(child.processIdentifier, SIGKILL)
                child.waitUntilExit()

                let resumed = try await s.cli.run(["apply", "-f", "team.yaml", "--yes"])
                #expect(resumed.status == 0, "\(resumed.output)")
                let rows = try f.stack.associations(f.account)
                #expect(Set(rows.keys) == Set([""] + people))
                for (index, person) in people.enumerated() {
                    #expect(rows[person]?.grpTRESMins == "cpu=\((10 + index) * 60)", "\(person)")
                }
                let plan = try await s.cli.run(["plan", "-f", "team.yaml", "--detailed-exitcode"])
                #expect(plan.status == 0, "\(plan.output)")
            }
        }

        /// As a coordinator, not an administrator: adding and removing users and setting a member's limit from
        /// unlimited work; the account's own limit is refused by Slurm, reported for that change, and the rest goes on.
        @Test(arguments: SlurmStack.testedVersions, Channel.allCases)
        func actsAsACoordinatorAndReportsWhatSlurmRefuses(version: String, channel: Channel) async throws {
            try await SlurmStackLock.exclusive(version) {
                let coordinator = "bob"
                let s = try await Scenario(version, channel, actingAs: coordinator)
                defer { s.cleanUp() }
                let f = s.fixture
                let (newcomer, leaver) = (f.user(), f.user())
                let other = try f.makeAccount()
                // The leaver's default account is another one: moving a default is an administrator's (tested apart).
                try f.admin("add", "user", leaver, "account=\(other)")
                try f.admin("add", "user", "\(coordinator),\(leaver)", "account=\(f.account)")
                try f.admin("add", "coordinator", "names=\(coordinator)", "accounts=\(f.account)")
                try s.writeManifest(
                    """
                    version: 1
                    facility: site
                    project: \(f.account)
                    limits: {cpu_hours: 900}
                    members:
                      \(coordinator): {role: pi}
                      \(newcomer): {limits: {cpu_hours: 20}}
                    """)
                let apply = try await s.cli.run(["apply", "-f", "team.yaml", "--yes"])
                let rows = try f.stack.associations(f.account)
                #expect(Set(rows.keys) == ["", coordinator, newcomer], "\(apply.output)")
                #expect(rows[newcomer]?.grpTRESMins == "cpu=1200", "\(apply.output)")
                #expect(
                    rows[""]?.grpTRESMins == "cpu=100000,gres/gpu=6000",
                    "a coordinator cannot change the account's limits")
                if s.legacyREST {
                    #expect(apply.status == 0, "\(apply.output)")
                    #expect(
                        apply.stdout.contains("sacctmgr -i modify account where name=\(f.account)"), "\(apply.output)")
                } else {
                    #expect(apply.status == 1, "\(apply.output)")
                    let text = (apply.stdout + apply.stderr).lowercased()
                    #expect(text.contains("permission") || text.contains("denied"), "\(apply.output)")
                }
            }
        }

        /// 22.05's slurmrestd alone: the account's limits and a coordinator's removal are manual items naming the
        /// sacctmgr command; with `sacctmgr:` beside `url:` in the profile, teamctl makes them itself.
        @Test(arguments: SlurmStack.testedVersions.filter { $0 == "22.05" })
        func legacyRESTLeavesWhatItCannotWriteToSacctmgr(version: String) async throws {
            try await SlurmStackLock.exclusive(version) {
                for withSacctmgr in [false, true] {
                    let s = try await Scenario(version, .rest, sacctmgrToo: withSacctmgr)
                    defer { s.cleanUp() }
                    let f = s.fixture
                    let (pi, former) = (f.user(), f.user())
                    try f.admin("add", "user", "\(pi),\(former)", "account=\(f.account)")
                    try f.admin("add", "coordinator", "names=\(pi),\(former)", "accounts=\(f.account)")
                    try s.writeManifest(
                        """
                        version: 1
                        facility: site
                        project: \(f.account)
                        limits: {cpu_hours: 700}
                        members:
                          \(pi): {role: pi}
                          \(former): {}
                        """)
                    let plan = try await s.cli.run(["plan", "-f", "team.yaml"])
                    let apply = try await s.cli.run(["apply", "-f", "team.yaml", "--yes"])
                    #expect(apply.status == 0, "\(apply.output)")
                    if withSacctmgr {
                        #expect(
                            try f.stack.associations(f.account)[""]?.grpTRESMins == "cpu=42000,gres/gpu=6000",
                            "\(apply.output)"
                        )
                        #expect(try s.coordinators() == [pi], "\(apply.output)")
                    } else {
                        #expect(
                            plan.stdout.contains("sacctmgr -i modify account where name=\(f.account)"), "\(plan.output)"
                        )
                        #expect(
                            plan.stdout.contains("sacctmgr -i delete coordinator names=\(former)"), "\(plan.output)")
                        #expect(try f.stack.associations(f.account)[""]?.grpTRESMins == "cpu=100000,gres/gpu=6000")
                        #expect(try s.coordinators() == [pi, former])
                    }
                }
            }
        }

        /// `teamctl usage --refresh` on Slurm: the account's and each member's used hours against their GrpTRESMins,
        /// from sreport (sacctmgr channel) or slurmrestd's association usage (v0.0.40+); 22.05's slurmrestd has none,
        /// and says so.
        @Test(arguments: SlurmStack.testedVersions, Channel.allCases)
        func reportsUsagePerAccountAndMember(version: String, channel: Channel) async throws {
            try await SlurmStackLock.exclusive(version) {
                let s = try await Scenario(version, channel)
                defer { s.cleanUp() }
                let f = s.fixture
                let (heavy, light) = (f.user(), f.user())
                try f.admin("add", "user", heavy, "account=\(f.account)", "grptresmins=cpu=6000,gres/gpu=600")
                try f.admin("add", "user", light, "account=\(f.account)")
                let yesterday = Date().addingTimeInterval(-86_400)
                try f.insertUsage(user: heavy, day: yesterday, cpuMinutes: 5400, gpuMinutes: 60)
                try f.insertUsage(user: light, day: yesterday, cpuMinutes: 600, gpuMinutes: 0)
                let run = try await s.cli.run([
                    "usage", "--refresh", "--profile", "site", "--project", f.account, "--format", "json", "--warn-at",
                    "85",
                ])
                if s.legacyREST {
                    #expect(run.status == 1, "\(run.output)")
                    #expect(run.stderr.contains("reports no usage"), "\(run.output)")
                    return
                }
                #expect(run.status == 4, "heavy is at 90% of their own CPU limit: \(run.output)")
                let report = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any]
                let project = try #require((report?["projects"] as? [[String: Any]])?.first, "\(run.output)")
                let cpu = project["cpu"] as? [String: Any]
                #expect(cpu?["projectUsed"] as? Double == 100, "6,000 CPU minutes: \(run.output)")
                #expect(cpu?["projectGiven"] as? Double == 100_000 / 60.0, "the fixture's cpu=100000 minutes")
                let members = (project["members"] as? [[String: Any]]) ?? []
                let row = members.first { $0["user"] as? String == heavy }
                #expect(row?["cpuUsed"] as? Double == 90 && row?["cpuLimit"] as? Double == 100, "\(members)")
                #expect(row?["gpuUsed"] as? Double == 1 && row?["gpuLimit"] as? Double == 10, "\(members)")
                #expect(run.stderr.contains("\(heavy) has used 90.0% of their own CPU limit"), "\(run.output)")
            }
        }

        @Test(arguments: SlurmStack.testedVersions, Channel.allCases)
        func unknownQOSAndMissingAccountAreClearErrors(version: String, channel: Channel) async throws {
            try await SlurmStackLock.exclusive(version) {
                let s = try await Scenario(version, channel)
                defer { s.cleanUp() }
                let f = s.fixture
                try s.writeManifest(
                    """
                    version: 1
                    facility: site
                    project: \(f.account)
                    members:
                      \(f.user()): {}
                    permissions:
                      premum: []
                    """)
                let typo = try await s.cli.run(["plan", "-f", "team.yaml"])
                #expect(typo.status == 1, "\(typo.output)")
                #expect(typo.stderr.contains("premum") && typo.stderr.contains("not a QOS"), "\(typo.output)")
                let missing = SlurmStack.uniqueName("sa_none_")
                try s.writeManifest(
                    """
                    version: 1
                    facility: site
                    project: \(missing)
                    members:
                      \(f.user()): {}
                    """)
                let absent = try await s.cli.run(["plan", "-f", "team.yaml"])
                #expect(absent.status == 1, "\(absent.output)")
                #expect(absent.stderr.contains("account \(missing) does not exist"), "\(absent.output)")
            }
        }
    }
}

/// One test's account (a ``Fixture``), a teamctl folder whose config has a `site` profile for the stack over the
/// channel, and readers of Slurm's state through the stack's own sacctmgr.
struct Scenario {
    let fixture: Fixture
    let cli: TeamctlCLI
    let legacyREST: Bool

    init(
        _ version: String, _ channel: SlurmStacks.SlurmProviderTests.Channel, actingAs user: String = "root",
        sacctmgrToo: Bool = false
    ) async throws {
        fixture = try Fixture(version)
        let stack = fixture.stack
        legacyREST = channel == .rest && version == "22.05" && !sacctmgrToo
        var profile = ["provider: slurm", "cluster: \(stack.cluster)", "user: \(user)"]
        switch channel {
        case .rest:
            profile += ["url: \(stack.restURL.absoluteString)", "token_file: TOKEN"]
            if sacctmgrToo { profile.append("sacctmgr: \(stack.sacctmgr)") }
        case .sacctmgr:
            profile.append("sacctmgr: SACCTMGR")
        }
        let config = "profiles:\n  site:\n" + profile.map { "    \($0)\n" }.joined()
        let cli = try TeamctlCLI(config: "")
        let token = try cli.write("jwt", try stack.token(for: user, lifetime: 3600))
        // sacctmgr acts as whoever runs it: a wrapper runs the stack's as the acting user.
        let wrapper = try cli.write(
            "sacctmgr", "#!/bin/sh\nSLURM_AS_USER=\(user) exec \(stack.sacctmgr) \"$@\"\n")
        chmod(wrapper, 0o700)
        let text = config.replacingOccurrences(of: "TOKEN", with: token)
            .replacingOccurrences(of: "SACCTMGR", with: user == "root" ? stack.sacctmgr : wrapper)
        try text.write(toFile: cli.directory + "/home/.config/teamctl/config.yaml", atomically: true, encoding: .utf8)
        self.cli = cli
    }

    func writeManifest(_ text: String) throws { try cli.write("team.yaml", text + "\n") }

    func cleanUp() {
        fixture.cleanUp()
        cli.remove()
    }

    /// Every association of the account with its QOS, default QOS and limits, and the users' default accounts: what
    /// a dry run must leave exactly as it was.
    func accountDump() throws -> String {
        let (_, assoc) = try fixture.stack.sacctmgr([
            "-n", "-P", "show", "assoc", "where", "account=\(fixture.account)", "cluster=\(fixture.stack.cluster)",
            "format=user,qos,defaultqos,grptresmins",
        ])
        return assoc.split(separator: "\n").sorted().joined(separator: "\n") + "\ncoordinators: "
            + (try coordinators().sorted().joined(separator: ","))
    }

    /// The account's direct coordinators.
    func coordinators() throws -> Set<String> {
        let (_, output) = try fixture.stack.sacctmgr([
            "-n", "-P", "show", "account", fixture.account, "withcoord", "format=account,coordinators",
        ])
        let field = output.split(separator: "\n").first.map { $0.split(separator: "|").dropFirst().first ?? "" } ?? ""
        return Set(field.split(separator: ",").map { String($0) })
    }

    /// The default QOS of each user association under the account.
    func defaultQOS() throws -> [String: String] {
        let (_, output) = try fixture.stack.sacctmgr([
            "-n", "-P", "show", "assoc", "where", "account=\(fixture.account)", "cluster=\(fixture.stack.cluster)",
            "format=user,defaultqos",
        ])
        var result: [String: String] = [:]
        for line in output.split(separator: "\n") {
            let f = line.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
            if f.count == 2, !f[0].isEmpty { result[f[0]] = f[1] }
        }
        return result
    }

    /// A user's default account, read from the association flagged default (not `show user`, which crashed 22.05's
    /// slurmdbd for users without one).
    func defaultAccount(of user: String) throws -> String? {
        let (_, output) = try fixture.stack.sacctmgr([
            "-n", "-P", "show", "assoc", "where", "user=\(user)", "cluster=\(fixture.stack.cluster)", "onlydefaults",
            "format=account",
        ])
        return output.split(separator: "\n").first.map(String.init)
    }
}
