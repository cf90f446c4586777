import AccountModels
import Foundation
import Testing

@testable import TeamSync

struct SFAPIClientTests {
    let base = URL(string: "https://api.example.org/api/v1.2")!

    func client(_ transport: ScriptedTransport, token: String = "secret-token-123") -> SFAPIClient {
        SFAPIClient(
            apiBaseURL: base, transport: transport, tokens: StaticTokenSource(token: token),
            retry: RetryPolicy(maxAttempts: 3), sleep: { _ in })
    }

    @Test func readsAGroupWithItsMembersAndSendsTheBearerToken() async throws {
        let transport = ScriptedTransport([
            .respond(200, #"{"gid": 60001, "name": "m1234g", "users": [{"uid": 1001, "name": "alice"}]}"#)
        ])
        let group = try #require(try await client(transport).group(named: "m1234g"))
        #expect(group.memberNames == ["alice"])
        let request = try #require(transport.sent.first)
        #expect(request.url.absoluteString == "https://api.example.org/api/v1.2/account/groups/m1234g")
        #expect(request.headers["Authorization"] == "Bearer secret-token-123")
    }

    @Test func aMissingGroupIsNilNotAnError() async throws {
        let transport = ScriptedTransport([.respond(404, #"{"detail":"Group not found"}"#)])
        #expect(try await client(transport).group(named: "nogroup") == nil)
    }

    @Test func unauthorizedIsReportedWithAHintAndNeverTheToken() async throws {
        let transport = ScriptedTransport([], otherwise: .respond(401, #"{"detail":"Invalid token"}"#))
        let error = await #expect(throws: SFAPIError.self) {
            try await client(transport).projects()
        }
        let failure = try #require(error)
        #expect(failure.status == 401)
        #expect(failure.detail == "Invalid token")
        #expect(failure.description.contains("TEAMCTL_ACCESS_TOKEN"))
        #expect(!failure.description.contains("secret-token-123"))
        // A static token cannot be renewed, so the 401 is not retried.
        #expect(transport.sent.count == 1)
    }

    @Test func updateGroupSendsTheUsernamesAsOneCommaSeparatedFormField() async throws {
        let transport = ScriptedTransport([.respond(200, #"{"gid": 1, "name": "m1234g", "users": []}"#)])
        _ = try await client(transport).updateGroup(name: "m1234g", usernames: ["bob", "carol"], action: .batchRemove)
        let request = try #require(transport.sent.first)
        #expect(request.method == .put)
        #expect(request.headers["Content-Type"] == "application/x-www-form-urlencoded")
        #expect(
            String(decoding: try #require(request.body), as: UTF8.self) == "usernames=bob%2Ccarol&action=batch_remove")
    }

    @Test func createGroupPostsNameAndRepoName() async throws {
        let transport = ScriptedTransport([.respond(200, #"{"gid": 2, "name": "newgrp"}"#)])
        let group = try await client(transport).createGroup(name: "newgrp", repoName: "m1234")
        #expect(group.gid == 2)
        let request = try #require(transport.sent.first)
        #expect(request.method == .post)
        #expect(request.url.path == "/api/v1.2/account/groups")
        #expect(String(decoding: try #require(request.body), as: UTF8.self) == "name=newgrp&repo_name=m1234")
    }

    @Test func validationErrorsAreReadIntoTheDetail() async throws {
        let body = #"{"detail":[{"loc":["body","name"],"msg":"at most 8 characters","type":"value_error"}]}"#
        let transport = ScriptedTransport([.respond(422, body)])
        let error = await #expect(throws: SFAPIError.self) {
            try await client(transport).createGroup(name: "newgrp", repoName: "m1234")
        }
        #expect(error?.detail == "body.name: at most 8 characters")
        #expect(error?.operation == "creating group newgrp in m1234")
    }

    /// A name SFAPI would refuse (or read as something else) is refused before a request: a group longer than 8
    /// characters, and usernames that the comma-separated `usernames=` field would split.
    @Test func namesOutsideSFAPIsRulesAreNeverSent() async throws {
        let transport = ScriptedTransport([], otherwise: .respond(200, #"{"gid": 2, "name": "g"}"#))
        await #expect(throws: InvalidName.self) {
            try await client(transport).createGroup(name: "waytoolongname", repoName: "m1234")
        }
        for names in [["rsato,bchen"], ["rsato", "bchen "], ["BCHEN"], ["a&action=batch_add"]] {
            await #expect(throws: InvalidName.self) {
                try await client(transport).updateGroup(name: "lumana", usernames: names, action: .batchRemove)
            }
        }
        await #expect(throws: InvalidName.self) {
            try await client(transport).updateGroup(name: "../x", usernames: ["rsato"], action: .batchRemove)
        }
        #expect(transport.sent.isEmpty)
    }

    @Test func statusCallsCarryNoToken() async throws {
        let transport = ScriptedTransport([.respond(200, #"[{"name":"iris","status":"active"}]"#)])
        let systems = try await client(transport).systems()
        #expect(systems.map(\.name) == ["iris"])
        #expect(transport.sent.first?.headers["Authorization"] == nil)
    }

    @Test func outagesGroupedPerSystemAreFlattened() async throws {
        let body = #"[[{"name":"perlmutter","status":"Active"}],[{"name":"hpss","status":"Planned"}]]"#
        let outages = try await client(ScriptedTransport([.respond(200, body)])).outages()
        #expect(outages.map(\.name) == ["perlmutter", "hpss"])
    }

    @Test func aBodyThatDoesNotMatchTheSchemaIsAClearError() async throws {
        let transport = ScriptedTransport([.respond(200, #"{"groups": [{"name": "g"}]}"#)])
        let error = await #expect(throws: SFAPIError.self) { try await client(transport).groups() }
        #expect(error?.detail?.contains("gid") == true)
    }

    @Test func groupNamesArePercentEncodedAsOnePathSegment() async throws {
        let transport = ScriptedTransport([.respond(404, "{}")])
        _ = try await client(transport).group(named: "a/b c")
        #expect(transport.sent.first?.url.absoluteString.hasSuffix("/account/groups/a%2Fb%20c") == true)
    }
}
