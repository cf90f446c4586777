import AccountModels
import Foundation
import Testing

@testable import TeamSync

struct GroupJSONReaderTests {
    /// Bodies the reader takes itself: its answer must be exactly `JSONDecoder`'s.
    static let plainGroups: [String] = [
        #"{"gid":70001,"name":"m1000g0","users":[{"name":"pi","uid":100000},{"name":"u0000","uid":100001}]}"#,
        #"{"gid": 60001, "name": "m1234g", "users": [{"uid": 1001, "name": "alice"}]}"#,
        " \n{ \"name\" : \"g\" ,\t\"gid\" : -0 , \"users\" : [ ] }\r\n",
        #"{"gid":1,"name":"no-users"}"#,
        #"{"gid":1,"name":"null-users","users":null}"#,
        #"{"gid":9223372036854775807,"name":"big","users":[{"uid":-9223372036854775808,"name":"min"}]}"#,
        #"{"gid":2,"name":"extra","owner":{"a":[1,-2.5e+3,true,false,null,"x",{}],"b":"c"},"users":[{"uid":3,"name":"u","email":"u@x.org","n":0.5}]}"#,
    ]

    /// Bodies outside the plain shape: the reader declines, and `JSONDecoder` decides (a value or an error).
    static let declinedGroups: [String] = [
        #"{"gid":1,"name":"caf\u00e9"}"#,
        "{\"gid\":1,\"name\":\"café\"}",
        #"{"gid":1,"name":"a\/b"}"#,
        #"{"gid":1.0,"name":"fraction"}"#,
        #"{"gid":1e3,"name":"exponent"}"#,
        #"{"gid":01,"name":"leading zero"}"#,
        #"{"gid":99999999999999999999,"name":"overflow"}"#,
        #"{"gid":"1","name":"string gid"}"#,
        #"{"name":"no gid"}"#,
        #"{"gid":1,"name":"dup","name":"dup2"}"#,
        #"{"gid":1,"name":"bad user","users":[{"uid":1}]}"#,
        #"{"gid":1,"name":"bad users","users":{}}"#,
        #"{"gid":1,"name":"trailing"} x"#,
        #"{"gid":1,"name":"unclosed""#,
        #"{"gid":1,"name":"skip bad","x":01}"#,
        #"[{"gid":1,"name":"array"}]"#,
        "",
    ]

    @Test(arguments: plainGroups)
    func readsThePlainShapeExactlyAsJSONDecoderDoes(body: String) throws {
        let fast = try #require(GroupJSONReader.group(Data(body.utf8)))
        let decoded = try JSONDecoder().decode(GroupStats.self, from: Data(body.utf8))
        #expect(fast == decoded)
    }

    @Test(arguments: declinedGroups)
    func declinesAnythingElseSoJSONDecoderDecides(body: String) {
        #expect(GroupJSONReader.group(Data(body.utf8)) == nil)
    }

    @Test func readsTheCallersGroupListWithItsMembers() throws {
        let body = #"""
            {"groups": [{"gid": 1, "name": "a", "users": [{"uid": 10, "name": "x"}]}, {"gid": 2, "name": "b"}],
             "next": null}
            """#
        let fast = try #require(GroupJSONReader.groupList(Data(body.utf8)))
        #expect(fast == (try JSONDecoder().decode(GroupList.self, from: Data(body.utf8))).groups)
        #expect(fast.map(\.name) == ["a", "b"])
    }

    @Test(arguments: [#"{"groups": [{"gid": 1}]}"#, #"{"other": []}"#, #"{"groups": [], "groups": []}"#, "[]"])
    func declinesAGroupListOutsideThePlainShape(body: String) {
        #expect(GroupJSONReader.groupList(Data(body.utf8)) == nil)
    }

    /// Through the client: a declined body still decodes (or fails) exactly as before.
    @Test func theClientFallsBackToJSONDecoderForWhatTheReaderDeclines() async throws {
        let transport = ScriptedTransport([
            .respond(200, #"{"gid":1,"name":"caf\u00e9","users":[{"uid":2,"name":"jos\u00e9"}]}"#),
            .respond(200, #"{"gid":"1","name":"bad"}"#),
        ])
        let client = SFAPIClient(
            apiBaseURL: URL(fileURLWithPath: "/api/v1.2"), transport: transport,
            tokens: StaticTokenSource(token: "t"), retry: .none, sleep: { _ in })
        let group = try #require(try await client.group(named: "café"))
        #expect(group.name == "café")
        #expect(group.memberNames == ["josé"])
        let error = await #expect(throws: SFAPIError.self) { try await client.group(named: "bad") }
        #expect(error?.detail?.contains("does not match the SFAPI v1.2 schema") == true)
    }
}
