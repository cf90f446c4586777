import Foundation
import Testing

@testable import TeamSync

/// How slurmrestd's answers are classified, on the exact bodies recorded in `slurm/transcripts/`.
struct RESTResponseTests {
    private func answer(_ status: Int, _ body: String) -> SlurmRESTResponse {
        SlurmRESTResponse(HTTPResponse(status: status, body: Data(body.utf8)))
    }

    private func kind(_ status: Int, _ body: String) -> SlurmError.Kind {
        answer(status, body).error(action: "POST associations/", actor: "alice", endpoint: "http://127.0.0.1:6830").kind
    }

    @Test func emptyNotModifiedIsSuccess() {
        #expect(answer(304, "").succeeded)
        #expect(answer(304, "").isNotModified)
    }

    @Test func errorsWithHTTP200AreAFailure() {
        let body = ##"{"errors":[{"description":"Missing required field 'user'","source":"_parser_run"}]}"##
        #expect(!answer(200, body).succeeded)
        #expect(kind(200, body) == .failed)
    }

    @Test func anIgnoredFieldIsAFailure() {
        let body = #"""
            {"accounts":[],"errors":[],"warnings":[{"description":"Ignoring unknown field \"with_assocs\" of type boolean in DATA_PARSER_ACCOUNT_CONDITION","source":"#/with_assocs/"}]}
            """#
        #expect(!answer(200, body).succeeded)
        #expect(
            answer(200, body).error(action: "GET accounts/", actor: "root", endpoint: "").message.contains("disagree"))
    }

    @Test(arguments: [
        // 22.05: bad, expired or claim-less token.
        (
            500,
            ##"{"errors":[{"error_number":1007,"error":"Protocol authentication error","source":"slurmdb_qos_get"}]}"##,
            SlurmError.Kind.authentication
        ),
        // 24.11: the same.
        (
            502,
            ##"{"errors":[{"description":"Failed to open slurmdbd connection, authentication error","error_number":7000,"error":"Unable to connect to database","source":"openapi_get_db_conn"}],"warnings":[]}"##,
            .authentication
        ),
        (401, "Authentication failure", .authentication),
        // 22.05 with slurmdbd down.
        (
            500,
            ##"{"errors":[{"error_number":7000,"error":"Unable to connect to database","description":"Failed connecting to slurmdbd"}]}"##,
            .unavailable
        ),
        (
            500, ##"{"errors":[{"error_number":111,"error":"Connection refused","source":"slurmdb_users_get"}]}"##,
            .unavailable
        ),
        (
            500,
            ##"{"errors":[{"description":"Unable to resolve QOS: nosuchqos","error_number":2066,"error":"Invalid qos specification","source":"#/associations[0]/qos/"}],"warnings":[]}"##,
            .unknownQOS
        ),
        (
            400,
            ##"{"errors":[{"description":"QOS name to ID conversion failed","error_number":9001,"error":"Failure during parsing","source":"nosuchqos"},{"description":"Failed to parse field 'qos'","error_number":9001,"error":"Failure during parsing","source":"_parser_run"}]}"##,
            .unknownQOS
        ),
        (
            500,
            ##"{"errors":[{"description":"slurmdb_associations_remove(0x7fb530010940) failed","error_number":7009,"error":"You can not remove the default account of a user","source":"_delete_assoc"}],"warnings":[]}"##,
            .defaultAccount
        ),
        (
            500, ##"{"errors":[{"error_number":7001,"error":"Job(s) active, cancel job(s) before remove"}]}"##,
            .jobsRunning
        ),
        (
            400,
            ##"{"errors":[{"error_number":2002,"error":"Access/permission denied","source":"slurmdb_associations_modify"}]}"##,
            .permissionDenied
        ),
        (
            500,
            ##"{"errors":[{"description":"slurmdb_associations_modify(0x7fb554002fc0) failed","error_number":7012,"error":"Coordinators can not increase job limits beyond the parent ones","source":"_foreach_update_assoc"}],"warnings":[]}"##,
            .permissionDenied
        ),
    ])
    func classifiesFailures(_ status: Int, _ body: String, _ expected: SlurmError.Kind) {
        #expect(kind(status, body) == expected)
    }

    @Test func aCoordinatorRefusalKeepsSlurmsWords() {
        let body =
            ##"{"errors":[{"description":"slurmdb_associations_modify(0x7fb554002fc0) failed","error_number":7012,"error":"Coordinators can not increase job limits beyond the parent ones","source":"_foreach_update_assoc"}],"warnings":[]}"##
        let error = answer(500, body).error(action: "POST associations/", actor: "alice", endpoint: "")
        #expect(error.message.contains("Coordinators can not increase job limits beyond the parent ones (7012)"))
        #expect(error.errorNumbers == [7012])
    }

    @Test func theTokenComesFromSLURMJWT() async throws {
        #expect(SlurmJWTSource.environment(["PATH": "/bin"]) == nil)
        let source = try #require(SlurmJWTSource.environment(["SLURM_JWT": " abc.def.ghi\n"]))
        #expect(try await source.token() == "abc.def.ghi")
        #expect(!source.description.contains("abc"))
    }
}
