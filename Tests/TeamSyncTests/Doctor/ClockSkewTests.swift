import Foundation
import Testing

@testable import TeamSync

struct ClockSkewTests {
    @Test func readsAnIMFFixdate() throws {
        let date = try #require(ClockSkew.parseHTTPDate("Sun, 06 Nov 1994 08:49:37 GMT"))
        #expect(date.timeIntervalSince1970 == 784_111_777)
    }

    @Test(arguments: [
        "", "Sunday, 06-Nov-94 08:49:37 GMT", "Sun, 31 Feb 2026 08:49:37 GMT", "Sun, 06 Nov 1994 08:49 GMT",
    ])
    func refusesWhatIsNotAnIMFFixdate(text: String) {
        #expect(ClockSkew.parseHTTPDate(text) == nil)
    }

    @Test func aSubSecondDifferenceIsNone() {
        let server = Date(timeIntervalSince1970: 1_000_000)
        let sent = server.addingTimeInterval(0.4)
        #expect(ClockSkew.offset(serverDate: server, sent: sent, received: sent.addingTimeInterval(0.1)) == 0)
    }

    @Test func aClockAheadIsPositiveAndBehindNegative() {
        let server = Date(timeIntervalSince1970: 1_000_000)
        let ahead = ClockSkew.offset(
            serverDate: server, sent: server.addingTimeInterval(600), received: server.addingTimeInterval(600))
        #expect(ahead > 590 && ahead < 600)
        let behind = ClockSkew.offset(
            serverDate: server, sent: server.addingTimeInterval(-600), received: server.addingTimeInterval(-600))
        #expect(behind < -590 && behind > -600)
    }

    /// The doctor's clock line from a token endpoint whose Date header is ten minutes behind this clock.
    @Test func doctorFailsTheClockWhenTheTokenEndpointDisagrees() async throws {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let serverTime = now.addingTimeInterval(-600)
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        let transport = ScriptedTransport([.respond(405, "", ["Date": formatter.string(from: serverTime)])])
        let settings = ConnectionSettings(
            profile: "test", apiURL: URL(string: "https://api.example.org/api/v1.2")!,
            tokenURL: URL(string: "https://oidc.example.org/token")!, key: "/nonexistent", cachePath: "/tmp/none")
        let doctor = Doctor(environment: [:], transport: transport, now: { now })
        let check = await doctor.clock(settings)
        #expect(check.outcome == .failed, "\(check)")
        #expect(check.message.contains("ahead of the token endpoint"), "\(check)")
        #expect(transport.sent.first?.method == .get)
        #expect(transport.sent.first?.body == nil, "doctor sends no credentials to read the time")
    }

    @Test func doctorAcceptsAClockWithinTolerance() async throws {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let transport = ScriptedTransport([.respond(405, "", ["Date": "Fri, 15 Jan 2027 08:00:05 GMT"])])
        let settings = ConnectionSettings(
            profile: "test", apiURL: URL(string: "https://api.example.org/api/v1.2")!,
            tokenURL: URL(string: "https://oidc.example.org/token")!, cachePath: "/tmp/none")
        let doctor = Doctor(environment: [:], transport: transport, now: { now })
        let check = await doctor.clock(settings)
        #expect(check.outcome == .ok, "\(check)")
    }
}
