import Foundation
import Testing

@testable import TeamSync

#if canImport(Glibc)
    import Glibc
#endif

extension SlurmStacks {
    /// SacctmgrChannel against the real slurmdbd of both stacks (`scripts/slurm-stack up 22.05|24.11`). Each test works
    /// in accounts of its own, named `sa_…`, and removes them at the end. One test per stack at a time (``SlurmStackLock``):
    /// slurmdbd 22.05.8 segfaulted again and again with these tests in parallel (several sacctmgr clients at once) and
    /// never when they ran one by one.
    @Suite(SlurmStack.enabled)
    struct SacctmgrChannelTests {
        @Test(arguments: SlurmStack.testedVersions)
        func readsAnAccountWithItsUsersLimitsAndCoordinators(version: String) async throws {
            try await SlurmStackLock.exclusive(version) {
                let f = try Fixture(version)
                defer { f.cleanUp() }
                let (u1, u2) = (f.user(), f.user())
                try f.admin(
                    "add", "user", u1, "account=\(f.account)", "qos=normal,premium", "grptresmins=cpu=1000,gres/gpu=60")
                try f.admin("add", "user", u2, "account=\(f.account)")
                try f.admin("add", "coordinator", "names=\(u1)", "accounts=\(f.account)")

                let state = try #require(try await f.channel.readAccount(f.account.uppercased()))
                #expect(state.name == f.account)
                #expect(state.association.user == "")
                #expect(state.association.qos == ["debug", "normal", "premium"])
                #expect(state.association.defaultQOS == "normal")
                #expect(state.association.grpTRESMins == ["cpu": 100_000, "gres/gpu": 6000])
                #expect(Set(state.users.keys) == [u1, u2])
                #expect(state.users[u1]?.qos == ["normal", "premium"])
                #expect(state.users[u1]?.grpTRESMins == ["cpu": 1000, "gres/gpu": 60])
                #expect(state.users[u1]?.isDefault == true)
                #expect(
                    state.users[u2]?.qos == ["debug", "normal", "premium"], "a user without QOS of its own inherits")
                #expect(state.users[u2]?.grpTRESMins == [:])
                #expect(state.coordinators == [u1])

                #expect(try await f.channel.readAccount(SlurmStack.uniqueName("sa_none_")) == nil)
                #expect(try await f.channel.qosNames().isSuperset(of: ["normal", "premium", "debug", "long"]))
                let users = try await f.channel.users([u1, "sa_nobody_here"])
                #expect(users == [u1: SlurmUserState(name: u1, defaultAccount: f.account, accounts: [f.account])])
                try await f.channel.ping()
            }
        }

        @Test(arguments: SlurmStack.testedVersions)
        func addsUsersWithQOSAndLimitsAndIsIdempotent(version: String) async throws {
            try await SlurmStackLock.exclusive(version) {
                let f = try Fixture(version)
                defer { f.cleanUp() }
                let (u1, u2, u3) = (f.user(), f.user(), f.user())
                try await f.channel.addUsers(
                    [
                        SlurmNewAssociation(
                            user: u1, qos: ["normal", "premium"], grpTRESMins: ["cpu": 6000, "gres/gpu": 120]),
                        SlurmNewAssociation(
                            user: u2, qos: ["normal", "premium"], grpTRESMins: ["cpu": 6000, "gres/gpu": 120]),
                        SlurmNewAssociation(user: u3),
                    ], account: f.account)
                var rows = try f.stack.associations(f.account)
                #expect(rows[u1]?.qos == "normal,premium")
                #expect(rows[u1]?.grpTRESMins == "cpu=6000,gres/gpu=120")
                #expect(rows[u2]?.grpTRESMins == "cpu=6000,gres/gpu=120")
                #expect(rows[u3]?.grpTRESMins == "")

                // Again, now with other settings for u3: the association exists, the settings still have to hold.
                try await f.channel.addUsers(
                    [
                        SlurmNewAssociation(
                            user: u1, qos: ["normal", "premium"], grpTRESMins: ["cpu": 6000, "gres/gpu": 120])
                    ],
                    account: f.account)
                try await f.channel.addUsers(
                    [SlurmNewAssociation(user: u3, qos: ["normal"], grpTRESMins: ["cpu": 10])], account: f.account)
                rows = try f.stack.associations(f.account)
                #expect(rows[u1]?.grpTRESMins == "cpu=6000,gres/gpu=120")
                #expect(rows[u3]?.qos == "normal")
                #expect(rows[u3]?.grpTRESMins == "cpu=10")

                let noAccount = await #expect(throws: SlurmError.self) {
                    try await f.channel.addUsers([SlurmNewAssociation(user: f.user())], account: "sa_no_such_account")
                }
                #expect(noAccount?.kind == .notFound)
                let error = await #expect(throws: SlurmError.self) {
                    try await f.channel.addUsers(
                        [SlurmNewAssociation(user: f.user(), qos: ["sa_bogus"])], account: f.account)
                }
                #expect(error?.kind == .unknownQOS)
            }
        }

        @Test(arguments: SlurmStack.testedVersions)
        func changesQOSAndLimitsWithoutLosingTheOther(version: String) async throws {
            try await SlurmStackLock.exclusive(version) {
                let f = try Fixture(version)
                defer { f.cleanUp() }
                let u = f.user()
                try f.admin("add", "user", u, "account=\(f.account)", "qos=normal", "grptresmins=cpu=1000,gres/gpu=60")

                try await f.channel.modifyAssociation(
                    account: f.account, user: u, change: SlurmAssociationChange(qos: ["normal", "premium"]))
                #expect(try f.stack.associations(f.account)[u]?.qos == "normal,premium")
                #expect(try f.stack.associations(f.account)[u]?.grpTRESMins == "cpu=1000,gres/gpu=60")

                try await f.channel.modifyAssociation(
                    account: f.account, user: u, change: SlurmAssociationChange(grpTRESMins: ["cpu": 2000]))
                #expect(try f.stack.associations(f.account)[u]?.qos == "normal,premium")
                #expect(try f.stack.associations(f.account)[u]?.grpTRESMins == "cpu=2000,gres/gpu=60")

                // Clear one TRES (nil), the other stays; then set it again.
                try await f.channel.modifyAssociation(
                    account: f.account, user: u, change: SlurmAssociationChange(grpTRESMins: ["gres/gpu": nil]))
                #expect(try f.stack.associations(f.account)[u]?.grpTRESMins == "cpu=2000")
                try await f.channel.modifyAssociation(
                    account: f.account, user: u, change: SlurmAssociationChange(grpTRESMins: ["gres/gpu": 30]))
                #expect(try f.stack.associations(f.account)[u]?.grpTRESMins == "cpu=2000,gres/gpu=30")

                // The account's own association; its users keep theirs.
                try await f.channel.modifyAssociation(
                    account: f.account, user: "",
                    change: SlurmAssociationChange(
                        qos: ["debug", "long", "normal", "premium"], grpTRESMins: ["cpu": 5000]))
                let rows = try f.stack.associations(f.account)
                #expect(rows[""]?.qos == "debug,long,normal,premium")
                #expect(rows[""]?.grpTRESMins == "cpu=5000,gres/gpu=6000")
                #expect(rows[u]?.grpTRESMins == "cpu=2000,gres/gpu=30")

                // Changing to what already holds is fine; a missing association or QOS is named.
                try await f.channel.modifyAssociation(
                    account: f.account, user: u, change: SlurmAssociationChange(grpTRESMins: ["cpu": 2000]))
                let missing = await #expect(throws: SlurmError.self) {
                    try await f.channel.modifyAssociation(
                        account: f.account, user: f.user(), change: SlurmAssociationChange(qos: ["normal"]))
                }
                #expect(missing?.kind == .notFound)
                let badQOS = await #expect(throws: SlurmError.self) {
                    try await f.channel.modifyAssociation(
                        account: f.account, user: u, change: SlurmAssociationChange(qos: ["sa_bogus"]))
                }
                #expect(badQOS?.kind == .unknownQOS)
            }
        }

        @Test(arguments: SlurmStack.testedVersions)
        func changesSeveralAssociationsInOneRunPerSetting(version: String) async throws {
            try await SlurmStackLock.exclusive(version) {
                let f = try Fixture(version)
                defer { f.cleanUp() }
                let (a, b, c, d) = (f.user(), f.user(), f.user(), f.user())
                try f.admin("add", "user", a, "account=\(f.account)", "qos=normal", "grptresmins=cpu=1000,gres/gpu=60")
                try f.admin("add", "user", b, "account=\(f.account)", "qos=normal,premium")
                try f.admin("add", "user", c, "account=\(f.account)", "qos=normal", "maxjobs=7")
                try f.admin("add", "user", d, "account=\(f.account)", "qos=normal,debug")
                // A wrapper that logs every run, in front of the stack's own sacctmgr.
                let log = NSTemporaryDirectory() + "sacctmgr-runs-\(UUID().uuidString.prefix(8))"
                let wrapper = log + ".sh"
                try "#!/bin/sh\necho \"$*\" >>\(log)\nexec \(f.stack.sacctmgr) \"$@\"\n".write(
                    toFile: wrapper, atomically: true, encoding: .utf8)
                chmod(wrapper, 0o755)
                defer { try? FileManager.default.removeItem(atPath: log) }
                defer { try? FileManager.default.removeItem(atPath: wrapper) }
                let channel = SacctmgrChannel(sacctmgr: wrapper, cluster: f.stack.cluster)
                func modifies() -> [String] {
                    ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
                        .filter { $0.contains("modify") }
                }

                // a and c end with the same list: one run; b holds it already: none; d's own list: one more.
                let grant = SlurmAssociationChange(addingQOS: ["premium"])
                try await channel.modifyAssociations(
                    account: f.account, changes: [a: grant, b: grant, c: grant, d: grant])
                var rows = try f.stack.associations(f.account)
                #expect(rows[a]?.qos == "normal,premium")
                #expect(rows[b]?.qos == "normal,premium")
                #expect(rows[c]?.qos == "normal,premium")
                #expect(rows[d]?.qos == "debug,normal,premium")
                #expect(rows[a]?.grpTRESMins == "cpu=1000,gres/gpu=60")
                let runs = modifies()
                #expect(runs.count == 2, "\(runs)")
                #expect(runs.contains { $0.contains("user=\([a, c].sorted().joined(separator: ","))") })

                // The same limit on three associations is one run; a user not in the account is named afterwards.
                let stranger = f.user()
                let missing = await #expect(throws: SlurmError.self) {
                    try await channel.modifyAssociations(
                        account: f.account,
                        changes: [
                            a: .init(grpTRESMins: ["cpu": 600]), b: .init(grpTRESMins: ["cpu": 600]),
                            c: .init(grpTRESMins: ["cpu": 600]), stranger: .init(grpTRESMins: ["cpu": 600]),
                        ])
                }
                #expect(missing?.kind == .notFound)
                #expect(missing?.message.contains(stranger) == true)
                rows = try f.stack.associations(f.account)
                #expect(rows[a]?.grpTRESMins == "cpu=600,gres/gpu=60")
                #expect(rows[b]?.grpTRESMins == "cpu=600")
                #expect(rows[c]?.grpTRESMins == "cpu=600")
                #expect(
                    try f.stack.sacctmgr(["-nP", "show", "assoc", "where", "user=\(c)", "format=maxjobs"]).output
                        .trimmingCharacters(in: .whitespacesAndNewlines) == "7")
                #expect(modifies().count == 3)
            }
        }

        /// slurmdbd refuses to delete an association with a running job (ESLURM_JOBS_RUNNING_ON_ASSOC; it looks in its
        /// own job table, so a job row with no end time stands for one without a slurmctld): both channels say so as
        /// a retryable failure, and the association stays.
        @Test(arguments: SlurmStack.testedVersions)
        func aRunningJobBlocksARemovalClearly(version: String) async throws {
            try await SlurmStackLock.exclusive(version) {
                let f = try Fixture(version)
                defer { f.cleanUp() }
                let other = try f.makeAccount()
                let u = f.user()
                try f.admin("add", "user", u, "account=\(other)")  // their default account is another one
                try f.admin("add", "user", u, "account=\(f.account)")
                let job = Int.random(in: 900_000_000..<999_000_000)
                let logs = version == "22.05" ? "" : "std_err, std_in, std_out, "
                let logValues = version == "22.05" ? "" : "'', '', '', "
                try f.stack.runSQL(
                    """
                    SET @id := (SELECT id_assoc FROM test_assoc_table WHERE user='\(u)' AND acct='\(f.account)'
                      AND deleted=0 AND `partition`='');
                    SET @now := UNIX_TIMESTAMP();
                    INSERT INTO test_job_table (mod_time, deleted, account, cpus_req, id_assoc, id_job, id_qos, id_user,
                      id_group, job_name, nodelist, nodes_alloc, `partition`, state, timelimit, time_submit,
                      time_eligible, time_start, time_end, gres_used, wckey, work_dir, \(logs)tres_alloc, tres_req,
                      mem_req, exit_code, id_array_job, id_resv, id_wckey, het_job_id, het_job_offset, kill_requid,
                      state_reason_prev, priority)
                    VALUES (@now, 0, '\(f.account)', 1, @id, \(job), 1, 4242, 4242, 'teamctl-running', 'localhost', 1,
                      'debug', 1, 60, @now-120, @now-120, @now-60, 0, '', '', '/var/empty', \(logValues)'1=1,2=100,4=1',
                      '1=1,2=100,4=1', 100, 0, 0, 0, 0, 0, 4294967294, 4294967294, 0, 1);
                    """)
                defer { _ = try? f.stack.runSQL("DELETE FROM test_job_table WHERE id_job=\(job);") }

                let bySacctmgr = await #expect(throws: SlurmError.self) {
                    try await f.channel.removeUsers([u], account: f.account)
                }
                #expect(bySacctmgr?.kind == .jobsRunning, "\(String(describing: bySacctmgr))")
                #expect(bySacctmgr?.message.contains("Retry once they end") == true)

                let rest = try await SlurmRESTChannel.connect(
                    baseURL: f.stack.restURL, cluster: f.stack.cluster, userName: "root",
                    token: SlurmJWTSource(token: try f.stack.token(for: "root")))
                let byREST = await #expect(throws: SlurmError.self) {
                    try await rest.removeUsers([u], account: f.account)
                }
                #expect(byREST?.kind == .jobsRunning, "\(String(describing: byREST))")
                #expect(try f.stack.associations(f.account)[u] != nil)
            }
        }

        @Test(arguments: SlurmStack.testedVersions)
        func addsAndRemovesCoordinators(version: String) async throws {
            try await SlurmStackLock.exclusive(version) {
                let f = try Fixture(version)
                defer { f.cleanUp() }
                let (u1, u2) = (f.user(), f.user())
                try await f.channel.addUsers(
                    [SlurmNewAssociation(user: u1), SlurmNewAssociation(user: u2)], account: f.account)

                try await f.channel.addCoordinators([u1, u2], account: f.account)
                try await f.channel.addCoordinators([u1], account: f.account)
                #expect(try await f.channel.readAccount(f.account)?.coordinators == [u1, u2].sorted())

                try await f.channel.removeCoordinators([u2], account: f.account)
                try await f.channel.removeCoordinators([u2], account: f.account)
                #expect(try await f.channel.readAccount(f.account)?.coordinators == [u1])

                let unknown = await #expect(throws: SlurmError.self) {
                    try await f.channel.addCoordinators(["sa_nobody_here"], account: f.account)
                }
                #expect(unknown?.kind == .notFound)
            }
        }

        @Test(arguments: SlurmStack.testedVersions)
        func removesAUserWhoseDefaultAccountThisIs(version: String) async throws {
            try await SlurmStackLock.exclusive(version) {
                let f = try Fixture(version)
                defer { f.cleanUp() }
                let other = try f.makeAccount()
                let u = f.user()
                try await f.channel.addUsers([SlurmNewAssociation(user: u)], account: f.account)
                try await f.channel.addUsers([SlurmNewAssociation(user: u)], account: other)
                #expect(try await f.channel.users([u])[u]?.defaultAccount == f.account)

                // 24.11 refuses; 22.05 would allow it and leave the user without a default (which later crashed its
                // slurmdbd), so the channel refuses on both.
                let refused = await #expect(throws: SlurmError.self) {
                    try await f.channel.removeUsers([u], account: f.account)
                }
                #expect(refused?.kind == .defaultAccount)
                #expect(refused?.message.contains("default account") == true)
                #expect(try f.stack.associations(f.account)[u] != nil, "nothing was removed")
                try await f.channel.setDefaultAccount(user: u, account: other)
                try await f.channel.removeUsers([u], account: f.account)
                #expect(
                    try await f.channel.users([u])[u]
                        == SlurmUserState(name: u, defaultAccount: other, accounts: [other]))
                #expect(try f.stack.associations(f.account)[u] == nil)
                try await f.channel.removeUsers([u], account: f.account)  // "Nothing deleted": already so
            }
        }

        @Test(arguments: SlurmStack.testedVersions)
        func actsAsACoordinator(version: String) async throws {
            try await SlurmStackLock.exclusive(version) {
                let f = try Fixture(version, accountQOS: "normal")
                defer { f.cleanUp() }
                let other = try f.makeAccount()
                let member = f.user()
                try await f.channel.addUsers([SlurmNewAssociation(user: member)], account: other)
                try f.giveAliceAHome()
                try await f.channel.addUsers([SlurmNewAssociation(user: "alice")], account: f.account)
                try await f.channel.addCoordinators(["alice"], account: f.account)
                let alice = SacctmgrChannel(
                    sacctmgr: f.stack.sacctmgr, sreport: f.stack.sreport, cluster: f.stack.cluster,
                    environment: ["SLURM_AS_USER": "alice"])

                // Allowed: users of her own account, their QOS among the account's, lowering and clearing their limits.
                try await alice.addUsers(
                    [SlurmNewAssociation(user: member, qos: ["normal"], grpTRESMins: ["cpu": 500])], account: f.account)
                try await alice.modifyAssociation(
                    account: f.account, user: member, change: SlurmAssociationChange(grpTRESMins: ["cpu": 400]))
                #expect(try f.stack.associations(f.account)[member]?.grpTRESMins == "cpu=400")

                // A user Slurm does not know yet. (22.05 refuses this while slurmdbd's cache does not yet list her as a
                // coordinator, e.g. right after she was first added, so only 24.11 is checked.)
                if version != "22.05" {
                    let newcomer = f.user()
                    try await alice.addUsers([SlurmNewAssociation(user: newcomer)], account: f.account)
                    #expect(try f.stack.associations(f.account)[newcomer] != nil)
                }

                // Refused: the account's own limits, a QOS the account lacks.
                let own = await #expect(throws: SlurmError.self) {
                    try await alice.modifyAssociation(
                        account: f.account, user: "", change: SlurmAssociationChange(grpTRESMins: ["cpu": 1]))
                }
                #expect(own?.kind == .permissionDenied)
                #expect(own?.message.contains("permission denied") == true)
                #expect(own?.message.contains(f.account) == true)
                let qos = await #expect(throws: SlurmError.self) {
                    try await alice.modifyAssociation(
                        account: f.account, user: member, change: SlurmAssociationChange(qos: ["normal", "premium"]))
                }
                #expect(qos?.kind == .permissionDenied)
                // Another account: refused on both, but on 22.05.8 a coordinator's refused `add user` (DBD_ADD_USERS security
                // violation) crashes slurmdbd right after, so it is only checked on 24.11.
                if version != "22.05" {
                    let elsewhere = await #expect(throws: SlurmError.self) {
                        try await alice.addUsers([SlurmNewAssociation(user: f.user())], account: other)
                    }
                    #expect(elsewhere?.kind == .permissionDenied)
                }

                // Raising a set limit: allowed on 22.05, refused from 24.05 on.
                if version == "22.05" {
                    try await alice.modifyAssociation(
                        account: f.account, user: member, change: SlurmAssociationChange(grpTRESMins: ["cpu": 600]))
                    #expect(try f.stack.associations(f.account)[member]?.grpTRESMins == "cpu=600")
                } else {
                    let raise = await #expect(throws: SlurmError.self) {
                        try await alice.modifyAssociation(
                            account: f.account, user: member, change: SlurmAssociationChange(grpTRESMins: ["cpu": 600]))
                    }
                    #expect(raise?.kind == .permissionDenied)
                    #expect(raise?.errorNumbers == [7012])
                }
                try await alice.modifyAssociation(
                    account: f.account, user: member, change: SlurmAssociationChange(grpTRESMins: ["cpu": nil]))
                #expect(try f.stack.associations(f.account)[member]?.grpTRESMins == "")
                try await alice.removeUsers([member], account: f.account)
                #expect(try f.stack.associations(f.account)[member] == nil)
                #expect(try f.stack.associations(f.account)[""]?.grpTRESMins == "cpu=100000,gres/gpu=6000")
            }
        }

        @Test(arguments: SlurmStack.testedVersions)
        func readsUsageFromSreport(version: String) async throws {
            try await SlurmStackLock.exclusive(version) {
                let f = try Fixture(version)
                defer { f.cleanUp() }
                let (u1, u2) = (f.user(), f.user())
                try await f.channel.addUsers(
                    [SlurmNewAssociation(user: u1), SlurmNewAssociation(user: u2)], account: f.account)
                let day = Date(timeIntervalSinceNow: -3 * 86_400)
                try f.insertUsage(user: u1, day: day, cpuMinutes: 600, gpuMinutes: 120)
                try f.insertUsage(user: u2, day: day, cpuMinutes: 480, gpuMinutes: 0)

                let usage = try #require(
                    try await f.channel.usage(account: f.account, from: day.addingTimeInterval(-86_400), to: Date()))
                #expect(usage.account == ["cpu": 1080, "gres/gpu": 120])
                #expect(usage.users[u1] == ["cpu": 600, "gres/gpu": 120])
                #expect(usage.users[u2]?["cpu"] == 480)
                #expect(usage.users[u2]?["gres/gpu"] ?? 0 == 0)
            }
        }

        @Test(arguments: SlurmStack.testedVersions)
        func reportsAnUnreachableSlurmdbd(version: String) async throws {
            try await SlurmStackLock.exclusive(version) {
                let stack = try SlurmStack.require(version)
                // The same wrapper with SLURM_CONF pointing at a port nothing listens on is only possible on the host stack;
                // inside the root, point sacctmgr at a missing program instead.
                let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
                    SlurmStack.uniqueName("sa_dead_"))
                try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
                defer { try? FileManager.default.removeItem(at: dir) }
                let channel: SacctmgrChannel
                if version == "22.05" {
                    let conf =
                        "ClusterName=test\nSlurmctldHost=localhost\nAuthType=auth/munge\n"
                        + "AccountingStorageType=accounting_storage/slurmdbd\n"
                        + "AccountingStorageHost=localhost\nAccountingStoragePort=1\n"
                    try conf.write(to: dir.appendingPathComponent("slurm.conf"), atomically: true, encoding: .utf8)
                    channel = SacctmgrChannel(
                        sacctmgr: "/usr/bin/sacctmgr", cluster: stack.cluster,
                        environment: ["SLURM_CONF": dir.appendingPathComponent("slurm.conf").path])
                } else {
                    channel = SacctmgrChannel(
                        sacctmgr: dir.appendingPathComponent("sacctmgr").path, cluster: stack.cluster)
                }
                let error = await #expect(throws: SlurmError.self) { try await channel.ping() }
                #expect(error?.kind == .unavailable)
            }
        }
    }
}

/// One test's accounts on one stack, and the admin-side helpers to set them up and check them.
struct Fixture {
    let stack: SlurmStack
    let account: String
    let channel: SacctmgrChannel
    private let accounts: AccountList

    init(_ version: String, accountQOS: String = "normal,premium,debug") throws {
        stack = try SlurmStack.require(version)
        channel = SacctmgrChannel(sacctmgr: stack.sacctmgr, sreport: stack.sreport, cluster: stack.cluster)
        accounts = AccountList()
        account = SlurmStack.uniqueName("sa_")
        try create(account, qos: accountQOS)
    }

    /// Another account of this test.
    func makeAccount() throws -> String {
        let name = SlurmStack.uniqueName("sa_")
        try create(name, qos: "normal")
        return name
    }

    /// A fresh user name (Slurm users need not be Unix users; only those acting with sacctmgr do).
    func user() -> String { SlurmStack.uniqueName("sa_u") }

    /// Runs `sacctmgr -i ARGS` as root and fails the test when it fails.
    func admin(_ arguments: String...) throws {
        let (status, output) = try stack.sacctmgr(["-i"] + arguments)
        if status != 0 { throw SlurmStack.Failure(description: "sacctmgr \(arguments) failed: \(output)") }
    }

    /// Adds usage rows as slurmdbd's rollup would (examples/slurm/insert_usage.sql).
    func insertUsage(user: String, day: Date, cpuMinutes: Int, gpuMinutes: Int) throws {
        let sqlFile = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("examples/slurm/insert_usage.sql")
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyy-MM-dd"
        formatter.timeZone = TimeZone(identifier: "UTC")
        let set =
            "SET @user='\(user)', @acct='\(account)', @day='\(formatter.string(from: day))', "
            + "@cpu_secs=\(cpuMinutes * 60), @gpu_secs=\(gpuMinutes * 60);\n"
        let output = try stack.runSQL(set + (try String(contentsOf: sqlFile, encoding: .utf8)))
        #expect(output.contains("ok"), "usage rows for \(user): \(output)")
    }

    /// Alice keeps an association and her default in `sa_home`, which no test removes: a user left without a
    /// default account (22.05 allows it) was seen to crash slurmdbd 22.05.8 on `show user withassoc`.
    func giveAliceAHome() throws {
        _ = try stack.sacctmgr([
            "-i", "add", "account", "sa_home", "cluster=\(stack.cluster)",
            "description=alice's home for coordinator tests", "organization=teamctl",
        ])
        _ = try stack.sacctmgr(["-i", "add", "user", "alice", "account=sa_home", "cluster=\(stack.cluster)"])
        try admin("modify", "user", "where", "name=alice", "cluster=\(stack.cluster)", "set", "defaultaccount=sa_home")
    }

    /// Removes the test's accounts. Users whose default one of them is get another default first, read from
    /// associations only (24.11 refuses otherwise; 22.05 would leave them without a default).
    func cleanUp() {
        for name in accounts.names {
            let defaults =
                (try? stack.sacctmgr([
                    "-n", "-P", "show", "assoc", "where", "account=\(name)",
                    "cluster=\(stack.cluster)", "onlydefaults", "format=user",
                ]).output) ?? ""
            for user in defaults.split(separator: "\n").map(String.init) where !user.isEmpty {
                let rows =
                    (try? stack.sacctmgr([
                        "-n", "-P", "show", "assoc", "where", "user=\(user)",
                        "cluster=\(stack.cluster)", "format=account",
                    ]).output) ?? ""
                if let other = rows.split(separator: "\n").map(String.init).first(where: { $0 != name }) {
                    _ = try? stack.sacctmgr([
                        "-i", "modify", "user", "where", "name=\(user)",
                        "cluster=\(stack.cluster)", "set", "defaultaccount=\(other)",
                    ])
                }
            }
            _ = try? stack.sacctmgr(["-i", "delete", "account", name])
        }
    }

    private func create(_ name: String, qos: String) throws {
        try admin(
            "add", "account", name, "cluster=\(stack.cluster)", "description=sacctmgr test", "organization=teamctl",
            "qos=\(qos)", "defaultqos=normal", "grptresmins=cpu=100000,gres/gpu=6000")
        accounts.add(name)
    }
}

private final class AccountList: @unchecked Sendable {
    private let lock = NSLock()
    private var list: [String] = []
    func add(_ name: String) { lock.withLock { list.append(name) } }
    var names: [String] { lock.withLock { list.reversed() } }
}
