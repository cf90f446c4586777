import Foundation
import Testing

@testable import TeamSync

/// Which redirects the transport follows, decided without a socket (the end-to-end cases, with hostile servers, are in
/// IntegrationTests/HostileServerTests).
struct RedirectPolicyTests {
    static let origin = URL(string: "https://api.nersc.gov/api/v1.2/account/")!

    @Test(arguments: [
        ("http://api.nersc.gov/api/v1.2/account/", "scheme"),
        ("https://evil.example.org/api/v1.2/account/", "another host"),
        ("https://api.nersc.gov.evil.example.org/x", "another host"),
        ("https://api.nersc.gov:8443/api/v1.2/account/", "another port"),
        ("https://user:pw@api.nersc.gov/api/v1.2/account/", "credentials"),
        ("ftp://api.nersc.gov/x", "cannot be read"),
        ("file:///etc/passwd", "cannot be read"),
    ])
    func aRedirectLeavingTheOriginIsRefused(target: String, reason: String) throws {
        let decision = RedirectPolicy.decide(
            method: .get, from: Self.origin, to: URL(string: target), followed: 0, limit: 3)
        guard case .refuse(let why) = decision else {
            Issue.record("\(target) was followed")
            return
        }
        #expect(why.contains(reason), "\(why)")
    }

    @Test(arguments: [
        "https://api.nersc.gov/api/v1.2/account/projects", "https://API.NERSC.GOV/elsewhere",
        "https://api.nersc.gov:443/api/v1.2/account/",
    ])
    func aSameOriginRedirectOfAReadIsFollowed(target: String) {
        let decision = RedirectPolicy.decide(
            method: .get, from: Self.origin, to: URL(string: target), followed: 0, limit: 3)
        #expect(decision == .follow)
    }

    @Test(arguments: [HTTPMethod.post, .put, .delete])
    func aWriteIsNeverRedirectedEvenToTheSameOrigin(method: HTTPMethod) {
        let decision = RedirectPolicy.decide(
            method: method, from: Self.origin, to: Self.origin, followed: 0, limit: 3)
        #expect(decision == .refuse("a \(method.rawValue) is never redirected, so it was not sent again"))
    }

    @Test func aLoopStopsAfterTheLimit() {
        for followed in 0..<3 {
            #expect(
                RedirectPolicy.decide(method: .get, from: Self.origin, to: Self.origin, followed: followed, limit: 3)
                    == .follow)
        }
        let fourth = RedirectPolicy.decide(method: .get, from: Self.origin, to: Self.origin, followed: 3, limit: 3)
        guard case .refuse(let why) = fourth else {
            Issue.record("a fourth redirect was followed")
            return
        }
        #expect(why.contains("4th redirect") && why.contains("loop"), "\(why)")
    }

    @Test func plainHTTPOnLoopbackKeepsItsPortInTheOrigin() {
        let origin = URL(string: "http://127.0.0.1:8080/api")!
        #expect(
            RedirectPolicy.decide(
                method: .get, from: origin, to: URL(string: "http://127.0.0.1/api"), followed: 0, limit: 3)
                != .follow)
        #expect(
            RedirectPolicy.decide(
                method: .get, from: origin, to: URL(string: "http://127.0.0.1:8080/b"), followed: 0, limit: 3)
                == .follow)
    }
}
