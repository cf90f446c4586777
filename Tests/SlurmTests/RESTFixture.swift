import Foundation
import Testing

@testable import TeamSync

/// One stack and API version the REST scenarios run against.
struct RESTCase: Sendable, CustomTestStringConvertible {
    /// `22.05` or `24.11`.
    let stack: String
    let api: SlurmRESTVersion

    /// A short tag for the test's account names: `38`, `40`, `41`, `42`.
    var tag: String { String(api.rawValue.suffix(2)) }
    var testDescription: String { "Slurm \(stack) \(api.rawValue)" }

    static let slurm2205 = [RESTCase(stack: "22.05", api: .dbv0_0_38)]
    static let slurm2411 = [
        RESTCase(stack: "24.11", api: .v0_0_40), RESTCase(stack: "24.11", api: .v0_0_41),
        RESTCase(stack: "24.11", api: .v0_0_42),
    ]
}

/// A root channel on one stack and version, and sacctmgr to set up and check the test's own accounts
/// (`re_<version>_<scenario>`; the stack helper's tests use `sa_`).
struct RESTFixture: Sendable {
    let stack: RESTStack
    let api: SlurmRESTVersion
    let tag: String
    let counter: CountingTransport
    let root: SlurmRESTChannel
    var cluster: String { stack.cluster }

    /// The user the scenarios call alice. On 22.05 it is dave: another test left alice with an association whose
    /// account has no association of its own there, and 22.05's slurmdbd then segfaults on any read filtered by
    /// alice (`GET associations/?user=alice`, `sacctmgr show user alice withassoc`).
    var alice: String { stack.slurmVersion == "22.05" ? "dave" : "alice" }

    /// Every test user is a member of this account, so a test can move a user's default account away from its own.
    static let home = "re_home"
    static let users = ["alice", "bob", "carol", "dave"]

    init(_ testCase: RESTCase) async throws {
        stack = try RESTStack.require(testCase.stack)
        api = testCase.api
        tag = testCase.tag
        counter = CountingTransport()
        root = try SlurmRESTChannel(
            baseURL: stack.restURL, cluster: stack.cluster, userName: "root",
            token: SlurmJWTSource(token: try stack.token(for: "root")), apiVersion: api, transport: counter)
        stack.sacctmgrQuietly([
            "-i", "add", "account", Self.home, "cluster=\(cluster)", "description=teamctl rest tests",
            "organization=teamctl",
        ])
        stack.sacctmgrQuietly([
            "-i", "add", "user", Self.users.joined(separator: ","), "account=\(Self.home)", "cluster=\(cluster)",
        ])
    }

    /// A channel acting as `user` with that user's own token.
    func channel(as user: String, transport: any HTTPTransport = URLSessionTransport()) throws -> SlurmRESTChannel {
        try SlurmRESTChannel(
            baseURL: stack.restURL, cluster: cluster, userName: user,
            token: SlurmJWTSource(token: try stack.token(for: user)), apiVersion: api, transport: transport)
    }

    /// A new, empty account `re_<tag>_<scenario>` (removed first if an earlier run left it).
    func freshAccount(_ scenario: String, qos: [String] = ["normal"], grpTRESMins: String? = nil) throws -> String {
        let name = "re_\(tag)_\(scenario)"
        removeAccount(name)
        var arguments = [
            "-i", "add", "account", name, "cluster=\(cluster)", "description=teamctl rest \(scenario)",
            "organization=teamctl", "qos=\(qos.joined(separator: ","))",
        ]
        if let grpTRESMins { arguments.append("GrpTRESMins=\(grpTRESMins)") }
        try stack.sacctmgr(arguments)
        return name
    }

    /// Adds users to an account with sacctmgr, independently of the code under test.
    func sacctmgrAddUsers(_ users: [String], to account: String, settings: [String] = []) throws {
        try stack.sacctmgr(
            ["-i", "add", "user", users.joined(separator: ","), "account=\(account)", "cluster=\(cluster)"] + settings)
    }

    /// Removes an account, first moving any user whose default it is to ``home``.
    func removeAccount(_ name: String) {
        let defaults = (try? stack.sacctmgr(["-nP", "show", "user", "format=user,defaultaccount"])) ?? ""
        for line in defaults.split(separator: "\n") {
            let fields = line.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
            guard fields.count == 2, fields[1] == name, fields[0] != "root" else { continue }
            stack.sacctmgrQuietly([
                "-i", "modify", "user", "where", "name=\(fields[0])", "set", "defaultaccount=\(Self.home)",
            ])
        }
        stack.sacctmgrQuietly(["-i", "delete", "account", name])
    }

    /// One association as sacctmgr shows it: `fields` joined by `|`.
    func sacctmgrAssociation(account: String, user: String, fields: String) throws -> String {
        let output = try stack.sacctmgr([
            "-nP", "show", "assoc", "where", "account=\(account)", "cluster=\(cluster)", "format=user,\(fields)",
        ])
        let line = output.split(separator: "\n").first {
            $0.split(separator: "|", omittingEmptySubsequences: false).first.map(String.init) == user
        }
        return line.map { String($0.drop(while: { $0 != "|" }).dropFirst()) } ?? "<none>"
    }

    /// Runs a `sacctmgr ...` command line that an error message told the user to run.
    func runSacctmgrCommand(in message: String) throws {
        guard let range = message.range(of: "sacctmgr ") else {
            Issue.record("no sacctmgr command in: \(message)")
            return
        }
        let words = message[range.upperBound...].split(separator: " ").map(String.init)
        try stack.sacctmgr(words)
    }
}
