import Foundation
import Testing

@testable import TeamSync

struct RetryPolicyTests {
    let url = URL(string: "https://api.example.org/api/v1.2/account/projects")!

    func sender(_ transport: ScriptedTransport, _ time: FakeTime, policy: RetryPolicy = .default) -> RetryingSender {
        RetryingSender(
            transport: transport, policy: policy, sleep: { time.sleep($0) }, now: { time.now }, random: { 0.5 })
    }

    @Test func retriesServiceUnavailableThenReturnsTheSuccess() async throws {
        let transport = ScriptedTransport([.respond(503, "{}"), .respond(502, "{}"), .respond(200, "[]")])
        let time = FakeTime()
        let (response, attempts) = try await sender(transport, time).send(
            HTTPRequest(method: .get, url: url), operation: "reading")
        #expect(response.status == 200)
        #expect(attempts == 3)
        #expect(time.sleeps.count == 2)
        #expect(time.sleeps[1] > time.sleeps[0])
    }

    @Test func honoursRetryAfterOn429() async throws {
        let transport = ScriptedTransport([.respond(429, "{}", ["Retry-After": "7"]), .respond(200, "[]")])
        let time = FakeTime()
        let (response, _) = try await sender(transport, time).send(HTTPRequest(method: .get, url: url), operation: "x")
        #expect(response.status == 200)
        #expect(time.sleeps == [7])
    }

    @Test func retriesDroppedConnectionsAndTimeouts() async throws {
        let transport = ScriptedTransport([
            .fail(.connectionFailed(method: .get, url: "u", reason: "reset")), .fail(.timedOut(method: .get, url: "u")),
            .respond(200, "[]"),
        ])
        let (response, attempts) = try await sender(transport, FakeTime()).send(
            HTTPRequest(method: .get, url: url), operation: "x")
        #expect(response.status == 200)
        #expect(attempts == 3)
    }

    @Test func givesUpAfterMaxAttemptsWithTheLastResponse() async throws {
        let transport = ScriptedTransport([], otherwise: .respond(503, #"{"detail":"maintenance"}"#))
        let (response, attempts) = try await sender(transport, FakeTime(), policy: RetryPolicy(maxAttempts: 4))
            .send(HTTPRequest(method: .get, url: url), operation: "x")
        #expect(response.status == 503)
        #expect(attempts == 4)
        #expect(transport.sent.count == 4)
    }

    @Test func connectionFailuresExhaustedBecomeAnSFAPIErrorNamingTheCall() async throws {
        let transport = ScriptedTransport(
            [], otherwise: .fail(.connectionFailed(method: .get, url: "u", reason: "refused")))
        let error = await #expect(throws: SFAPIError.self) {
            try await sender(transport, FakeTime(), policy: RetryPolicy(maxAttempts: 3))
                .send(HTTPRequest(method: .get, url: url), operation: "reading the caller's projects")
        }
        #expect(error?.status == nil)
        #expect(error?.attempts == 3)
        #expect(error?.path == "/api/v1.2/account/projects")
        #expect(error?.description.contains("reading the caller's projects failed") == true)
    }

    @Test func stopsWhenTheTotalTimeBudgetWouldBeExceeded() async throws {
        let transport = ScriptedTransport([], otherwise: .respond(503, "{}"))
        let time = FakeTime()
        let policy = RetryPolicy(maxAttempts: 100, baseDelay: 1, maxDelay: 10, maxTotal: 20)
        let (response, attempts) = try await sender(transport, time, policy: policy)
            .send(HTTPRequest(method: .get, url: url), operation: "x")
        #expect(response.status == 503)
        #expect(attempts < 100)
        #expect(time.now <= 20)
    }

    @Test(arguments: [1, 2, 5, 10, 30])
    func backoffGrowsButNeverExceedsTheCap(attempt: Int) {
        let policy = RetryPolicy(baseDelay: 0.25, maxDelay: 10)
        let low = policy.backoff(afterAttempt: attempt, jitter: 0)
        let high = policy.backoff(afterAttempt: attempt, jitter: 0.999)
        #expect(low <= high)
        #expect(high <= 10)
        #expect(low >= min(10, 0.25 * pow(2, Double(attempt - 1))) / 2)
    }

    @Test func doesNotRetryClientErrors() async throws {
        let transport = ScriptedTransport([.respond(404, #"{"detail":"no such group"}"#), .respond(200, "{}")])
        let (response, attempts) = try await sender(transport, FakeTime()).send(
            HTTPRequest(method: .get, url: url), operation: "x")
        #expect(response.status == 404)
        #expect(attempts == 1)
    }

    @Test func parsesRetryAfterAsSecondsOrHTTPDate() {
        #expect(RetryPolicy.retryAfter("3") == 3)
        let now = Date(timeIntervalSince1970: 1_000_000)
        let later = RetryPolicy.retryAfter("Mon, 12 Jan 1970 13:46:50 GMT", now: now)
        #expect(later == 10)
        #expect(RetryPolicy.retryAfter("soon") == nil)
        #expect(RetryPolicy.retryAfter(nil) == nil)
    }
}
