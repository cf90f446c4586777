import Foundation
import Testing

@testable import TeamSync

/// sacctmgr's and sreport's text, as measured on 22.05.8 and 24.11.5 (shared/reference/slurm/transcripts), read
/// without a daemon.
struct SacctmgrParsingTests {
    @Test func readsTRESListsAndWritesOnlyTheNamedOnes() {
        #expect(SacctmgrParsing.tres("cpu=6000,gres/gpu=120") == ["cpu": 6000, "gres/gpu": 120])
        #expect(SacctmgrParsing.tres("") == [:])
        #expect(SacctmgrParsing.tresArgument(["gres/gpu": nil, "cpu": 10]) == "cpu=10,gres/gpu=-1")
        #expect(SacctmgrParsing.list("premium,Normal,") == ["normal", "premium"])
    }

    @Test func padsShortParsableRows() {
        #expect(SacctmgrParsing.rows("a|b\n\nc\n", fields: 3) == [["a", "b", ""], ["c", "", ""]])
    }

    @Test(arguments: [
        // coord-sacctmgr-2205.txt / -2411.txt
        (
            "sacctmgr: error: Your user doesn't have privilege to perform this action\n"
                + " Error with request: Access/permission denied", SlurmError.Kind.permissionDenied
        ),
        (" Problem adding users: Access/permission denied\n Adding User(s)\n  dave", .permissionDenied),
        (
            "sacctmgr: error: Coordinators can not increase job limits beyond the parent ones\n"
                + " Error with request: Coordinators can not increase job limits beyond the parent ones",
            .permissionDenied
        ),
        (
            " Error with request: You can not remove the default account of a user\n"
                + "  C = test            A = proj1   U = bob", .defaultAccount
        ),
        (
            "sacctmgr: error: You gave a bad qos 'bogus'. Valid QOS's are normal,premium\n Unknown option: qos=bogus",
            .unknownQOS
        ),
        (" This account 'nope' doesn't exist.\n        Contact your admin to add this account.", .notFound),
        ("No account nope on cluster test, skipping.\nNothing added.", .notFound),
        (" You specified a non-existent user 'zed'.", .notFound),
        (
            "sacctmgr: error: slurm_persist_conn_open_without_init: failed to open persistent connection to "
                + "host:localhost:6819: Connection refused\nsacctmgr: error: Sending PersistInit msg: Connection refused",
            .unavailable
        ),
        ("Error with request: Job(s) active, cancel job(s) before remove", .jobsRunning),
        (" Problem adding user associations: Unspecified error", .failed),
    ])
    func classifiesSlurmMessages(text: String, kind: SlurmError.Kind) {
        let error = SacctmgrParsing.error(SacctmgrOutput(status: 1, stdout: "", stderr: text), doing: "do it")
        #expect(error.kind == kind)
        #expect(error.message.contains("do it"))
        #expect(!error.message.contains("C = test"), "echoed association tables are left out")
    }

    @Test func tellsExistingAssociationsFromAMissingAccount() {
        #expect(SacctmgrParsing.saysAssociationsExist(" Nothing new added."))
        #expect(SacctmgrParsing.saysAssociationsExist("Request didn't affect anything\nNothing added.\nMake sure"))
        #expect(!SacctmgrParsing.saysAssociationsExist("No account x on cluster test, skipping.\nNothing added."))
    }

    @Test func readsTheUsersAModifyMatched() {
        let output = """
             Modified user associations...
              C = test       A = sa_x                 U = sa_u1      
              C = test       A = sa_x                 U = SA_U2
            """
        #expect(SacctmgrParsing.modifiedUsers(output) == ["sa_u1", "sa_u2"])
        #expect(SacctmgrParsing.modifiedUsers(" Modified account associations...\n  C = test  A = sa_x\n").isEmpty)
    }

    @Test func readsSreportRowsPerTRES() {
        let text = """
            proj1||cpu|1080
            proj1||gres/gpu|120
            proj1|alice|cpu|600
            proj1|alice|gres/gpu|120
            proj1|bob|cpu|480
            proj1|bob|gres/gpu|0
            """
        let usage = SacctmgrParsing.usage(text, account: "proj1")
        #expect(usage.account == ["cpu": 1080, "gres/gpu": 120])
        #expect(usage.users == ["alice": ["cpu": 600, "gres/gpu": 120], "bob": ["cpu": 480, "gres/gpu": 0]])
    }
}
