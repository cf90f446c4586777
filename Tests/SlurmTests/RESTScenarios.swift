import Foundation
import Testing

@testable import TeamSync

/// The REST channel's behaviour against a real slurmrestd, shared by the 22.05 and 24.11 suites.
enum RESTScenarios {
    static func readsAnAccountInTwoRequests(_ testCase: RESTCase) async throws {
        let f = try await RESTFixture(testCase)
        let account = try f.freshAccount("read", qos: ["normal", "premium"], grpTRESMins: "cpu=100000")
        defer { f.removeAccount(account) }
        try f.sacctmgrAddUsers([f.alice, "carol"], to: account)
        try f.sacctmgrAddUsers(["bob"], to: account, settings: ["qos=normal", "GrpTRESMins=cpu=5000,gres/gpu=60"])
        try f.stack.sacctmgr(["-i", "add", "coordinator", "account=\(account)", "names=carol"])

        f.counter.reset()
        let state = try #require(try await f.root.readAccount(account))
        #expect(f.counter.requests.count == 2, "requests: \(f.counter.requests)")

        #expect(state.name == account)
        #expect(state.association.user == "")
        #expect(state.association.qos == ["normal", "premium"])
        #expect(state.association.grpTRESMins == ["cpu": 100000])
        #expect(state.association.isDefault == false)
        #expect(Set(state.users.keys) == [f.alice, "bob", "carol"])
        #expect(state.users["bob"]?.qos == ["normal"])
        #expect(state.users["bob"]?.grpTRESMins == ["cpu": 5000, "gres/gpu": 60])
        #expect(state.users[f.alice]?.qos == ["normal", "premium"])
        #expect(state.users[f.alice]?.grpTRESMins == [:])
        #expect(state.coordinators == ["carol"])

        #expect(try await f.root.readAccount("re_\(f.tag)_nosuch") == nil)

        f.counter.reset()
        let users = try await f.root.users([f.alice, "bob", "re_nosuchuser"])
        #expect(f.counter.requests.count == 1)
        #expect(Set(users.keys) == [f.alice, "bob"])
        #expect(users["bob"]?.accounts.contains(account) == true)
        #expect(users["bob"]?.accounts.contains(RESTFixture.home) == true)

        let qos = try await f.root.qosNames()
        #expect(qos.isSuperset(of: ["normal", "premium", "debug", "long"]))
    }

    static func addsUsersWithQOSAndLimits(_ testCase: RESTCase) async throws {
        let f = try await RESTFixture(testCase)
        let account = try f.freshAccount("add", qos: ["normal", "premium", "debug"])
        defer { f.removeAccount(account) }
        let before = try await f.root.users([f.alice, "bob", "carol"])

        let additions = [
            SlurmNewAssociation(user: f.alice, qos: ["normal"]),
            SlurmNewAssociation(user: "bob", qos: ["premium", "normal"], grpTRESMins: ["cpu": 6000, "gres/gpu": 120]),
            SlurmNewAssociation(user: "carol"),
        ]
        try await f.root.addUsers(additions, account: account)

        let state = try #require(try await f.root.readAccount(account))
        #expect(state.users[f.alice]?.qos == ["normal"])
        #expect(state.users[f.alice]?.grpTRESMins == [:])
        #expect(state.users["bob"]?.qos == ["normal", "premium"])
        #expect(state.users["bob"]?.grpTRESMins == ["cpu": 6000, "gres/gpu": 120])
        #expect(state.users["carol"]?.qos == ["debug", "normal", "premium"])
        #expect(
            try f.sacctmgrAssociation(account: account, user: "bob", fields: "grptresmins") == "cpu=6000,gres/gpu=120")

        // Existing users keep their default account.
        let after = try await f.root.users([f.alice, "bob", "carol"])
        for user in [f.alice, "bob", "carol"] {
            #expect(after[user]?.defaultAccount == before[user]?.defaultAccount, "\(user)")
            #expect(after[user]?.accounts.contains(account) == true)
        }

        // Adding them again changes nothing and is no error.
        try await f.root.addUsers(additions, account: account)
        #expect(try await f.root.readAccount(account) == state)

        // An account that does not exist is reported, not silently skipped.
        let missing = await #expect(throws: SlurmError.self) {
            try await f.root.addUsers([SlurmNewAssociation(user: f.alice)], account: "re_\(f.tag)_nosuch")
        }
        #expect(missing?.kind == .notFound)
    }

    /// A QOS granted to several associations is one read, one POST associations/ and one read back, whatever each
    /// held before; every other limit survives; an association that is not there is named after the others changed.
    static func changesSeveralAssociationsInOneWrite(_ testCase: RESTCase) async throws {
        let f = try await RESTFixture(testCase)
        let account = try f.freshAccount("batch", qos: ["normal", "premium"])
        defer { f.removeAccount(account) }
        try f.sacctmgrAddUsers([f.alice], to: account, settings: ["qos=normal", "GrpTRESMins=cpu=1000,mem=2000"])
        try f.sacctmgrAddUsers(["bob"], to: account, settings: ["qos=normal,premium", "GrpTRESMins=gres/gpu=60"])
        try f.sacctmgrAddUsers(["carol"], to: account, settings: ["qos=normal", "MaxJobs=7"])

        f.counter.reset()
        let grant = SlurmAssociationChange(addingQOS: ["premium"])
        try await f.root.modifyAssociations(account: account, changes: [f.alice: grant, "bob": grant, "carol": grant])
        #expect(f.counter.requests.filter { $0.hasPrefix("POST") }.count == 1)
        #expect(f.counter.requests.count == 3)
        var state = try #require(try await f.root.readAccount(account))
        for user in [f.alice, "bob", "carol"] { #expect(state.users[user]?.qos == ["normal", "premium"]) }
        #expect(state.users[f.alice]?.grpTRESMins == ["cpu": 1000, "mem": 2000])
        #expect(state.users["bob"]?.grpTRESMins == ["gres/gpu": 60])
        #expect(try f.sacctmgrAssociation(account: account, user: "carol", fields: "maxjobs") == "7")

        // Revoking from some and a limit on others, with one user who is not in the account: the others change,
        // then the missing one is reported.
        f.counter.reset()
        let missing = await #expect(throws: SlurmError.self) {
            try await f.root.modifyAssociations(
                account: account,
                changes: [
                    f.alice: .init(removingQOS: ["premium"]), "bob": .init(grpTRESMins: ["cpu": 600]),
                    "carol": .init(removingQOS: ["premium"], grpTRESMins: ["cpu": 60]),
                    "nobody": .init(removingQOS: ["premium"]),
                ])
        }
        #expect(missing?.kind == .notFound)
        #expect(missing?.message.contains("nobody") == true)
        #expect(f.counter.requests.filter { $0.hasPrefix("POST") }.count == 1)
        state = try #require(try await f.root.readAccount(account))
        #expect(state.users[f.alice]?.qos == ["normal"])
        #expect(state.users[f.alice]?.grpTRESMins == ["cpu": 1000, "mem": 2000])
        #expect(state.users["bob"]?.qos == ["normal", "premium"])
        #expect(state.users["bob"]?.grpTRESMins == ["cpu": 600, "gres/gpu": 60])
        #expect(state.users["carol"]?.qos == ["normal"])
        #expect(state.users["carol"]?.grpTRESMins == ["cpu": 60])
    }

    static func changesKeepTheOtherLimits(_ testCase: RESTCase) async throws {
        let f = try await RESTFixture(testCase)
        let account = try f.freshAccount("limits", qos: ["normal", "premium"])
        defer { f.removeAccount(account) }
        try f.sacctmgrAddUsers(
            [f.alice], to: account,
            settings: ["qos=normal", "GrpTRESMins=cpu=1000,mem=2000", "GrpTRES=cpu=8", "MaxJobs=5"])
        func alice() async throws -> SlurmAssociation {
            try #require(try await f.root.readAccount(account)?.users[f.alice])
        }

        // QOS change: GrpTRESMins kept.
        try await f.root.modifyAssociation(account: account, user: f.alice, change: .init(qos: ["premium", "normal"]))
        var now = try await alice()
        #expect(now.qos == ["normal", "premium"])
        #expect(now.grpTRESMins == ["cpu": 1000, "mem": 2000])

        // GrpTRESMins change: QOS and the other TRES kept.
        try await f.root.modifyAssociation(account: account, user: f.alice, change: .init(grpTRESMins: ["cpu": 3000]))
        now = try await alice()
        #expect(now.qos == ["normal", "premium"])
        #expect(now.grpTRESMins == ["cpu": 3000, "mem": 2000])

        // Clear one TRES, set another, then clear the rest (the last one too).
        try await f.root.modifyAssociation(
            account: account, user: f.alice, change: .init(grpTRESMins: ["mem": nil, "gres/gpu": 50]))
        #expect(try await alice().grpTRESMins == ["cpu": 3000, "gres/gpu": 50])
        try await f.root.modifyAssociation(
            account: account, user: f.alice, change: .init(grpTRESMins: ["cpu": nil, "gres/gpu": nil]))
        now = try await alice()
        #expect(now.grpTRESMins == [:])
        #expect(now.qos == ["normal", "premium"])

        // Limits teamctl does not manage survived every change.
        #expect(try f.sacctmgrAssociation(account: account, user: f.alice, fields: "grptres,maxjobs") == "cpu=8|5")

        // A change that changes nothing sends nothing.
        f.counter.reset()
        try await f.root.modifyAssociation(account: account, user: f.alice, change: .init(qos: ["normal", "premium"]))
        #expect(f.counter.requests.allSatisfy { $0.hasPrefix("GET") })

        let missing = await #expect(throws: SlurmError.self) {
            try await f.root.modifyAssociation(account: account, user: "carol", change: .init(grpTRESMins: ["cpu": 1]))
        }
        #expect(missing?.kind == .notFound)
    }

    static func changesTheAccountsOwnAssociation(_ testCase: RESTCase) async throws {
        let f = try await RESTFixture(testCase)
        let account = try f.freshAccount("acct", qos: ["normal"], grpTRESMins: "cpu=100000")
        defer { f.removeAccount(account) }
        let change = SlurmAssociationChange(qos: ["normal", "premium"], grpTRESMins: ["cpu": 200000])

        if f.api.isLegacy {
            // 22.05 would answer 200 and change nothing: the channel refuses and names the sacctmgr command.
            f.counter.reset()
            let error = await #expect(throws: SlurmError.self) {
                try await f.root.modifyAssociation(account: account, user: "", change: change)
            }
            #expect(error?.kind == .unsupported)
            #expect(f.counter.requests.allSatisfy { $0.hasPrefix("GET") })
            let message = try #require(error?.message)
            #expect(
                message.contains(
                    "sacctmgr -i modify account where name=\(account) cluster=\(f.cluster) set QOS=normal,premium "
                        + "GrpTRESMins=cpu=200000"), "\(message)")
            #expect(try await f.root.readAccount(account)?.association.grpTRESMins == ["cpu": 100000])
            try f.runSacctmgrCommand(in: message)
        } else {
            try await f.root.modifyAssociation(account: account, user: "", change: change)
        }
        let own = try #require(try await f.root.readAccount(account)?.association)
        #expect(own.qos == ["normal", "premium"])
        #expect(own.grpTRESMins == ["cpu": 200000])
    }

    static func managesCoordinators(_ testCase: RESTCase) async throws {
        let f = try await RESTFixture(testCase)
        let account = try f.freshAccount("coord")
        defer { f.removeAccount(account) }
        try f.sacctmgrAddUsers(["bob", "carol"], to: account)

        try await f.root.addCoordinators(["bob"], account: account)
        #expect(try await f.root.readAccount(account)?.coordinators == ["bob"])
        try await f.root.addCoordinators(["carol", "bob"], account: account)
        #expect(try await f.root.readAccount(account)?.coordinators == ["bob", "carol"])
        // The account row is posted back as it was.
        #expect(
            try f.stack.sacctmgr(["-nP", "show", "account", account, "format=description,organization"])
                .trimmingCharacters(in: .whitespacesAndNewlines) == "teamctl rest coord|teamctl")

        if f.api.isLegacy {
            let error = await #expect(throws: SlurmError.self) {
                try await f.root.removeCoordinators(["bob", "dave"], account: account)
            }
            #expect(error?.kind == .unsupported)
            let message = try #require(error?.message)
            #expect(message.contains("sacctmgr -i delete coordinator names=bob accounts=\(account)"), "\(message)")
            #expect(try await f.root.readAccount(account)?.coordinators == ["bob", "carol"])
            try f.runSacctmgrCommand(in: message)
        } else {
            try await f.root.removeCoordinators(["bob", "dave"], account: account)
        }
        #expect(try await f.root.readAccount(account)?.coordinators == ["carol"])
        // Nobody to remove: nothing to do, on every version.
        try await f.root.removeCoordinators(["bob"], account: account)
    }

    static func removesAUserOnceTheDefaultMoved(_ testCase: RESTCase) async throws {
        let f = try await RESTFixture(testCase)
        let first = try f.freshAccount("defa")
        let second = try f.freshAccount("defb")
        defer {
            f.removeAccount(first)
            f.removeAccount(second)
        }
        try f.sacctmgrAddUsers(["dave"], to: first)
        try f.sacctmgrAddUsers(["dave"], to: second)

        try await f.root.setDefaultAccount(user: "dave", account: first)
        #expect(try await f.root.users(["dave"])["dave"]?.defaultAccount == first)
        #expect(try await f.root.readAccount(first)?.users["dave"]?.isDefault == true)

        if !f.api.isLegacy {
            // 24.11 refuses to remove a user's default account (22.05 allows it).
            let error = await #expect(throws: SlurmError.self) {
                try await f.root.removeUsers(["dave"], account: first)
            }
            #expect(error?.kind == .defaultAccount)
            #expect(error?.errorNumbers.contains(7009) == true)
            #expect(try await f.root.readAccount(first)?.users["dave"] != nil)
        }

        try await f.root.setDefaultAccount(user: "dave", account: second)
        try await f.root.removeUsers(["dave"], account: first)
        let dave = try #require(try await f.root.users(["dave"])["dave"])
        #expect(dave.defaultAccount == second)
        #expect(!dave.accounts.contains(first))
        #expect(try await f.root.readAccount(first)?.users["dave"] == nil)
        // Already gone: no error.
        try await f.root.removeUsers(["dave"], account: first)

        let missing = await #expect(throws: SlurmError.self) {
            try await f.root.setDefaultAccount(user: "dave", account: first)
        }
        #expect(missing?.kind == .notFound)
    }

    static func reportsAnUnknownQOS(_ testCase: RESTCase) async throws {
        let f = try await RESTFixture(testCase)
        let account = try f.freshAccount("uqos")
        defer { f.removeAccount(account) }
        try f.sacctmgrAddUsers([f.alice], to: account)

        let onAdd = await #expect(throws: SlurmError.self) {
            try await f.root.addUsers([SlurmNewAssociation(user: "bob", qos: ["re_nosuchqos"])], account: account)
        }
        #expect(onAdd?.kind == .unknownQOS)
        let onModify = await #expect(throws: SlurmError.self) {
            try await f.root.modifyAssociation(
                account: account, user: f.alice, change: .init(qos: ["normal", "re_nosuchqos"]))
        }
        #expect(onModify?.kind == .unknownQOS)
        let state = try #require(try await f.root.readAccount(account))
        #expect(state.users["bob"] == nil)
        #expect(state.users[f.alice]?.qos == ["normal"])
    }

    static func actsAsACoordinator(_ testCase: RESTCase) async throws {
        let f = try await RESTFixture(testCase)
        let own = try f.freshAccount("coown", qos: ["normal", "premium"])
        let other = try f.freshAccount("coother")
        defer {
            f.removeAccount(own)
            f.removeAccount(other)
        }
        try f.sacctmgrAddUsers([f.alice, "bob"], to: own)
        try f.stack.sacctmgr(["-i", "add", "coordinator", "account=\(own)", "names=\(f.alice)"])
        let coordinator = try f.channel(as: f.alice)

        // Allowed: add a member, read, set a member's limit from unlimited.
        try await coordinator.addUsers([SlurmNewAssociation(user: "carol")], account: own)
        #expect(try await coordinator.readAccount(own)?.users["carol"] != nil)
        try await coordinator.modifyAssociation(account: own, user: "bob", change: .init(grpTRESMins: ["cpu": 5000]))
        #expect(try await f.root.readAccount(own)?.users["bob"]?.grpTRESMins == ["cpu": 5000])

        // Refused: an account alice does not coordinate.
        let elsewhere = await #expect(throws: SlurmError.self) {
            try await coordinator.addUsers([SlurmNewAssociation(user: "carol")], account: other)
        }
        #expect(elsewhere?.kind == .permissionDenied)
        #expect(elsewhere?.errorNumbers.contains(2002) == true)
        #expect(try await f.root.readAccount(other)?.users["carol"] == nil)

        if !f.api.isLegacy {
            // 24.05+: a coordinator may not raise a set limit (22.05 allows it).
            let raise = await #expect(throws: SlurmError.self) {
                try await coordinator.modifyAssociation(
                    account: own, user: "bob", change: .init(grpTRESMins: ["cpu": 6000]))
            }
            #expect(raise?.kind == .permissionDenied)
            #expect(raise?.message.contains("Coordinators can not increase") == true, "\(raise?.message ?? "")")
            #expect(try await f.root.readAccount(own)?.users["bob"]?.grpTRESMins == ["cpu": 5000])
        }
    }

    static func refusesABadToken(_ testCase: RESTCase) async throws {
        let f = try await RESTFixture(testCase)
        let garbage = "re-not-a-token"
        let bad = try SlurmRESTChannel(
            baseURL: f.stack.restURL, cluster: f.cluster, userName: "root", token: SlurmJWTSource(token: garbage),
            apiVersion: f.api)
        let error = await #expect(throws: SlurmError.self) { try await bad.readAccount(RESTFixture.home) }
        #expect(error?.kind == .authentication)
        #expect(error?.message.contains(garbage) == false)

        // A token file is read again, once, when the token it held is refused.
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("re-jwt-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("token").path
        FileManager.default.createFile(
            atPath: file, contents: Data(garbage.utf8), attributes: [.posixPermissions: 0o600])
        let source = SlurmJWTSource(file: file)
        #expect(try await source.token() == garbage)
        try Data("SLURM_JWT=\(try f.stack.token(for: "root"))\n".utf8).write(to: URL(fileURLWithPath: file))
        let renewing = try SlurmRESTChannel(
            baseURL: f.stack.restURL, cluster: f.cluster, userName: "root", token: source, apiVersion: f.api)
        #expect(try await renewing.readAccount(RESTFixture.home) != nil)

        // A token file others may read is refused before anything is sent.
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: file)
        let open = try SlurmRESTChannel(
            baseURL: f.stack.restURL, cluster: f.cluster, userName: "root", token: SlurmJWTSource(file: file),
            apiVersion: f.api)
        let mode = await #expect(throws: SlurmError.self) { try await open.ping() }
        #expect(mode?.kind == .authentication)
        #expect(mode?.message.contains("chmod 600 \(file)") == true)
    }

    static func dryRunSendsNoWrite(_ testCase: RESTCase) async throws {
        let f = try await RESTFixture(testCase)
        let account = try f.freshAccount("dry")
        defer { f.removeAccount(account) }
        let dry = try SlurmRESTChannel(
            baseURL: f.stack.restURL, cluster: f.cluster, userName: "root",
            token: SlurmJWTSource(token: try f.stack.token(for: "root")), apiVersion: f.api,
            transport: DryRunTransport(wrapping: URLSessionTransport()))
        #expect(try await dry.readAccount(account)?.users == [:])
        await #expect(throws: TransportError.self) {
            try await dry.addUsers([SlurmNewAssociation(user: f.alice)], account: account)
        }
        #expect(try await f.root.readAccount(account)?.users == [:])
    }

    static func reportsUsage(_ testCase: RESTCase) async throws {
        let f = try await RESTFixture(testCase)
        let account = try f.freshAccount("usage")
        defer { f.removeAccount(account) }
        try f.sacctmgrAddUsers([f.alice, "bob"], to: account)
        // Yesterday (UTC), as slurmdbd's rollup would have written it: 36000 CPU-seconds and 7200 GPU-seconds for
        // alice, in the hour, day and month tables of her association only.
        let day = Date(timeIntervalSince1970: (Date().timeIntervalSince1970 / 86400).rounded(.down) * 86400 - 86400)
        let dayText = String(SlurmRESTChannel.slurmTime(day).prefix(10))
        if !f.api.isLegacy {
            let c = f.cluster
            try f.stack.sql(
                """
                SET @id := (SELECT id_assoc FROM \(c)_assoc_table WHERE user='\(f.alice)' AND acct='\(account)'
                  AND deleted=0 AND `partition`='');
                SET @gpu := (SELECT id FROM tres_table WHERE type='gres' AND name='gpu');
                SET @d := UNIX_TIMESTAMP('\(dayText) 00:00:00'), @now := UNIX_TIMESTAMP();
                SET @m := UNIX_TIMESTAMP(CONCAT(DATE_FORMAT('\(dayText)','%Y-%m-01'),' 00:00:00'));
                INSERT INTO \(c)_assoc_usage_hour_table (creation_time, mod_time, deleted, id, id_tres, time_start,
                  alloc_secs) VALUES (@now,@now,0,@id,1,@d+36000,36000), (@now,@now,0,@id,@gpu,@d+36000,7200);
                INSERT INTO \(c)_assoc_usage_day_table (creation_time, mod_time, deleted, id, id_tres, time_start,
                  alloc_secs) VALUES (@now,@now,0,@id,1,@d,36000), (@now,@now,0,@id,@gpu,@d,7200);
                INSERT INTO \(c)_assoc_usage_month_table (creation_time, mod_time, deleted, id, id_tres, time_start,
                  alloc_secs) VALUES (@now,@now,0,@id,1,@m,36000), (@now,@now,0,@id,@gpu,@m,7200);
                """)
        }
        let usage = try await f.root.usage(account: account, from: day, to: day.addingTimeInterval(86400))
        if f.api.isLegacy {
            #expect(usage == nil)
        } else {
            let found = try #require(usage)
            #expect(found.users[f.alice] == ["cpu": 600, "gres/gpu": 120])
            #expect((found.users["bob"] ?? [:]).values.allSatisfy { $0 == 0 })
            #expect(found.account["cpu"] == 600)
        }
    }
}
