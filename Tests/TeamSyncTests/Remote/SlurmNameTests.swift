import AccountModels
import Foundation
import Testing

@testable import TeamSync

/// Both Slurm channels refuse a name that slurmdbd would read as something else before anything is run or sent: a
/// comma splits a list (`user=rsato,bchen` is two users to REST and sacctmgr alike), `=` or a space starts another
/// argument, upper case is folded onto another user, a letter outside ASCII is not a Slurm name. No daemon: sacctmgr is
/// a script that records its arguments, slurmrestd a scripted transport.
struct SlurmNameTests {
    static let hostileUsers = [
        "rsato,bchen", "bchen ", "BCHEN", "rsato\nbchen", "rsato bchen", "bchen=x", "\"bchen\"", "rsato%2Cbchen",
        "ｂｃｈｅｎ", "bchén", "-bchen", "..", "bchen\u{0}",
    ]

    static let hostileAccounts = ["m4812,m4999", "m4812 cluster=other", "..", "m4812/..", "m4812\n", "m4812%2C"]

    /// A sacctmgr that records every run and answers as if it did it.
    struct RecordingSacctmgr {
        let folder: String
        var log: String { folder + "/runs.log" }
        var path: String { folder + "/sacctmgr" }

        init() throws {
            folder = FileManager.default.temporaryDirectory.appendingPathComponent("teamctl-sacctmgr-\(UUID())").path
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            try "#!/bin/sh\nprintf '%s\\n' \"$*\" >> \"\(log)\"\nexit 0\n".write(
                toFile: path, atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
        }

        var runs: [String] {
            ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
        }

        func remove() { try? FileManager.default.removeItem(atPath: folder) }
    }

    /// Every write of the channel that names a user, with `user` in it.
    static func userWrites(_ user: String) -> [(String, @Sendable (any SlurmAccounting) async throws -> Void)] {
        [
            ("removeUsers", { try await $0.removeUsers(["rsato", user], account: "m4812") }),
            ("addUsers", { try await $0.addUsers([SlurmNewAssociation(user: user)], account: "m4812") }),
            ("addCoordinators", { try await $0.addCoordinators([user], account: "m4812") }),
            ("removeCoordinators", { try await $0.removeCoordinators([user], account: "m4812") }),
            ("setDefaultAccount", { try await $0.setDefaultAccount(user: user, account: "m4812") }),
            ("setDefaultAccounts", { try await $0.setDefaultAccounts([user: "m4812"]) }),
            (
                "modifyAssociations",
                {
                    try await $0.modifyAssociations(
                        account: "m4812", changes: [user: SlurmAssociationChange(grpTRESMins: ["cpu": 60])])
                }
            ),
        ]
    }

    static func accountWrites(_ account: String) -> [(String, @Sendable (any SlurmAccounting) async throws -> Void)] {
        [
            ("removeUsers", { try await $0.removeUsers(["rsato"], account: account) }),
            ("addUsers", { try await $0.addUsers([SlurmNewAssociation(user: "rsato")], account: account) }),
            ("addCoordinators", { try await $0.addCoordinators(["rsato"], account: account) }),
            ("setDefaultAccounts", { try await $0.setDefaultAccounts(["rsato": account]) }),
            (
                "modifyAssociations",
                {
                    try await $0.modifyAssociations(
                        account: account, changes: ["rsato": SlurmAssociationChange(grpTRESMins: ["cpu": 60])])
                }
            ),
        ]
    }

    @Test(arguments: hostileUsers)
    func sacctmgrIsNeverRunWithAUserNameThatIsNotOne(user: String) async throws {
        let sacctmgr = try RecordingSacctmgr()
        defer { sacctmgr.remove() }
        let channel = SacctmgrChannel(sacctmgr: sacctmgr.path, cluster: "perlmutter")
        for (name, write) in Self.userWrites(user) {
            await #expect(throws: SlurmError.self, "\(name) of \(user.debugDescription)") { try await write(channel) }
        }
        #expect(sacctmgr.runs.isEmpty, "ran: \(sacctmgr.runs)")
    }

    @Test(arguments: hostileAccounts)
    func sacctmgrIsNeverRunWithAnAccountNameThatIsNotOne(account: String) async throws {
        let sacctmgr = try RecordingSacctmgr()
        defer { sacctmgr.remove() }
        let channel = SacctmgrChannel(sacctmgr: sacctmgr.path, cluster: "perlmutter")
        for (name, write) in Self.accountWrites(account) {
            await #expect(throws: SlurmError.self, "\(name) of \(account.debugDescription)") {
                try await write(channel)
            }
        }
        #expect(sacctmgr.runs.isEmpty, "ran: \(sacctmgr.runs)")
    }

    @Test(arguments: hostileUsers)
    func slurmrestdIsNeverSentAUserNameThatIsNotOne(user: String) async throws {
        for version in [SlurmRESTVersion.dbv0_0_38, .v0_0_41] {
            // Every read answers an empty list, every write success: only the name check can stop a write.
            let transport = ScriptedTransport([], otherwise: .respond(200, #"{"errors": [], "warnings": []}"#))
            let channel = try SlurmRESTChannel(
                baseURL: URL(string: "http://127.0.0.1:6820")!, cluster: "perlmutter", userName: "amorales",
                token: SlurmJWTSource(token: "t"), apiVersion: version, transport: transport)
            for (name, write) in Self.userWrites(user) {
                await #expect(throws: SlurmError.self, "\(name) of \(user.debugDescription) on \(version)") {
                    try await write(channel)
                }
            }
            let writes = transport.sent.filter { $0.method != .get }
            #expect(writes.isEmpty, "\(version) sent: \(writes.map { "\($0.method) \($0.url)" })")
            let named = transport.sent.filter { Self.mentions($0, user) }
            #expect(named.isEmpty, "\(version) read with the name: \(named.map(\.url))")
        }
    }

    @Test(arguments: hostileAccounts)
    func slurmrestdIsNeverSentAnAccountNameThatIsNotOne(account: String) async throws {
        let transport = ScriptedTransport([], otherwise: .respond(200, #"{"errors": [], "warnings": []}"#))
        let channel = try SlurmRESTChannel(
            baseURL: URL(string: "http://127.0.0.1:6820")!, cluster: "perlmutter", userName: "amorales",
            token: SlurmJWTSource(token: "t"), apiVersion: .v0_0_41, transport: transport)
        for (name, write) in Self.accountWrites(account) {
            await #expect(throws: SlurmError.self, "\(name) of \(account.debugDescription)") {
                try await write(channel)
            }
        }
        #expect(transport.sent.isEmpty, "sent: \(transport.sent.map { "\($0.method) \($0.url)" })")
    }

    /// The names Slurm sites use pass: dots, digits, `_`, `-`, `@`.
    @Test(arguments: ["rsato", "f.alice", "u1", "_svc", "a-b", "jdoe@lab"])
    func ordinaryNamesPass(user: String) {
        #expect(SlurmNaming().problem(with: user, as: .username) == nil)
    }

    static func mentions(_ request: HTTPRequest, _ name: String) -> Bool {
        guard !name.isEmpty else { return false }
        let body = request.body.map { String(decoding: $0, as: UTF8.self) } ?? ""
        let encoded = SlurmRESTChannel.encoded(name)
        return request.url.absoluteString.contains(encoded) || body.contains(name)
    }
}
