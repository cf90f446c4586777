import Foundation
import Testing

@testable import TeamSync

/// Facility text is shown short, escaped and without any secret teamctl holds.
struct RedactionTests {
    static let url = URL(string: "https://api.example.org/api/v1.2/account/groups/m1234g")!

    func request(token: String) -> HTTPRequest {
        HTTPRequest(method: .put, url: Self.url, headers: ["Authorization": "Bearer \(token)"])
    }

    @Test(arguments: [
        "tok-Kx7pQ2-secret-static-token", "8c5fd0b8a4e6c2f1", "short-but-real-1",
        "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl",
    ])
    func anErrorThatEchoesTheAuthorizationHeaderShowsNoneOfTheToken(token: String) {
        let request = request(token: token)
        let echoes = [
            #"{"detail": "bad header Authorization: Bearer \#(token)"}"#,
            "Forbidden\r\nAuthorization: Bearer \(token)\r\nHost: x\r\n",
            #"{"message": "token \#(token) was rejected"}"#,
            "<html><body>you sent \(token)</body></html>",
        ]
        for body in echoes {
            let detail = HTTPFailure.excerpt(of: Data(body.utf8), request: request) ?? ""
            #expect(!detail.contains(token), "\(detail)")
            #expect(!detail.contains(String(token.prefix(8))), "a prefix of the token shows: \(detail)")
            #expect(detail.contains(Redaction.placeholder), "\(detail)")
        }
    }

    @Test func aSecretTheTransportSentEarlierIsRemovedFromLaterText() {
        let secret = "client-secret-\(UUID().uuidString)"
        Redaction.remember(
            secretsOf: HTTPRequest(
                method: .post, url: Self.url, headers: ["Content-Type": "application/x-www-form-urlencoded"],
                body: Data("grant_type=client_credentials&client_secret=\(secret)".utf8)))
        // Another request, another server's words: the secret is still known.
        let text = Redaction.clean("the previous caller used \(secret) here")
        #expect(!text.contains(secret))
        #expect(text.contains(Redaction.placeholder))
    }

    @Test(arguments: [
        "Bearer abcdefgh12345678", "basic dXNlcjpwYXNzd29yZA==", "client_secret=s3cr3t-value",
        #""access_token": "opaque-value-1""#, "X-SLURM-USER-TOKEN: eyJhbGciOiJIUzI1NiJ9.eyJ1c2VyIjoiYSJ9.sig",
        "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
    ])
    func secretShapedValuesTeamctlNeverSawAreRemovedToo(text: String) {
        let cleaned = Redaction.clean("error: \(text) end")
        #expect(cleaned.contains(Redaction.placeholder), "\(cleaned)")
        #expect(cleaned.hasPrefix("error: ") && cleaned.hasSuffix(" end"), "\(cleaned)")
    }

    @Test func ordinaryWordsPathsAndIdentifiersStay() {
        let text =
            "group m1234g (gid 60001) not found at /api/v1.2/account/groups/m1234g; id 550e8400-e29b-41d4-a716-446655440000"
        #expect(Redaction.clean(text) == text)
    }

    @Test func aHugeBodyBecomesAShortExcerpt() {
        let body = Data(repeating: UInt8(ascii: "x"), count: 50 * 1024 * 1024)
        let clock = ContinuousClock()
        var excerpt: String?
        let elapsed = clock.measure { excerpt = HTTPFailure.excerpt(of: body, request: nil) }
        let text = try? #require(excerpt)
        #expect((text?.count ?? 0) <= Redaction.excerptLength + 3)
        #expect(elapsed < .seconds(2), "a 50 MB body took \(elapsed)")
    }

    @Test func aHugeJSONDetailIsCutToo() {
        let body = Data(#"{"detail": "\#(String(repeating: "a", count: 100_000))"}"#.utf8)
        let text = HTTPFailure.excerpt(of: body, request: nil) ?? ""
        #expect(text.count <= Redaction.excerptLength + 3)
        #expect(text.hasSuffix("..."))
    }

    @Test func controlCharactersAreEscaped() {
        let text = Redaction.clean("bad\u{1B}[2J\u{1B}[Hname\nPLAN: remove nobody\r\u{202E}txt")
        #expect(!text.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F || $0.value == 0x202E })
        #expect(text.contains("\\u{1B}[2J") && text.contains("\\n") && text.contains("\\u{202E}"))
    }

    @Test func aTokenCutByTheExcerptLeavesNoPrefixBehind() {
        let token = "tok" + String(repeating: "Q7", count: 40)
        let request = request(token: token)
        // The token starts just before the cut: only its first characters would fit.
        let body = String(repeating: "y ", count: (Redaction.excerptLength - 10) / 2) + token + " tail"
        let text = HTTPFailure.excerpt(of: Data(body.utf8), request: request) ?? ""
        #expect(!text.contains("tokQ7"), "\(text)")
    }

    @Test func anHTTPFailureNamesTheRequestAndShowsTheRedactedAnswer() {
        let token = "tok-failure-0123456789"
        let request = request(token: token)
        let response = HTTPResponse(
            status: 403, body: Data(#"{"message": "token \#(token) may not change m1234g\u001B[2J"}"#.utf8))
        let failure = HTTPFailure(request: request, response: response)
        #expect(failure.method == .put && failure.path == "/api/v1.2/account/groups/m1234g" && failure.status == 403)
        #expect(
            failure.description
                == "PUT /api/v1.2/account/groups/m1234g returned 403: token [redacted] may not change m1234g\\u{1B}[2J")
    }

    @Test func theSFAPIDetailKeepsTheFacilitysWordsWhenNothingIsSecret() {
        let body = Data(#"{"detail":[{"loc":["body","usernames"],"msg":"field required"}]}"#.utf8)
        #expect(SFAPIError.detail(fromBody: body) == "body.usernames: field required")
        #expect(
            SFAPIError.detail(fromBody: Data(#"{"detail":"Group m1234g not found"}"#.utf8)) == "Group m1234g not found")
    }
}
