import AccountModels
import Foundation
import Testing

@testable import TeamSync

/// A fake facility answering by path, for the refresher's unit tests (the integration tests use the emulator).
final class RoutedTransport: HTTPTransport, @unchecked Sendable {
    private let lock = NSLock()
    var routes: [String: (Int, String)]
    private(set) var paths: [String] = []

    init(_ routes: [String: (Int, String)]) { self.routes = routes }

    func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        let path = URLComponents(url: request.url, resolvingAgainstBaseURL: false)?.percentEncodedPath ?? ""
        let route = lock.withLock { () -> (Int, String)? in
            paths.append(path)
            return routes[path]
        }
        guard let (status, body) = route else {
            return HTTPResponse(status: 404, body: Data(#"{"detail":"Not Found"}"#.utf8))
        }
        return HTTPResponse(status: status, body: Data(body.utf8))
    }
}

struct RefresherTests {
    static let facility: [String: (Int, String)] = [
        "/api/v1.2/account/": (200, #"{"uid": 1001, "name": "alice"}"#),
        "/api/v1.2/account/projects": (
            200, #"[{"id": 1, "description": "A", "repo_name": "m1234", "iris_role": "PI"}]"#
        ),
        "/api/v1.2/account/roles": (200, #"[{"id": 1, "description": "A", "repo_name": "m1234", "iris_role": "PI"}]"#),
        "/api/v1.2/account/groups": (
            200, #"{"groups": [{"gid": 60001, "name": "m1234g", "users": [{"uid": 1001, "name": "alice"}]}]}"#
        ),
        "/api/v1.2/account/clients": (
            200, #"[{"name": "ci", "clientId": "ABCDEFGHIJKLM", "expiresAt": "2027-01-01"}]"#
        ),
        "/api/v1.2/account/groups/otherg": (
            200, #"{"gid": 60002, "name": "otherg", "users": [{"uid": 1002, "name": "bob"}]}"#
        ),
    ]

    func client(_ transport: RoutedTransport) -> SFAPIClient {
        SFAPIClient(
            apiBaseURL: URL(string: "https://api.example.org/api/v1.2")!, transport: transport,
            tokens: StaticTokenSource(token: "t"), retry: RetryPolicy(maxAttempts: 2), sleep: { _ in })
    }

    func tempCache() throws -> AccountCache {
        try AccountCache(
            path: FileManager.default.temporaryDirectory.appendingPathComponent(
                "teamctl-refresh-\(UUID().uuidString).sqlite"
            ).path)
    }

    @Test func readsEverythingAndNamedGroupsIntoOneStoredSnapshot() async throws {
        let transport = RoutedTransport(Self.facility)
        let cache = try tempCache()
        let snapshot = try await Refresher(client: client(transport), cache: cache)
            .refresh(facility: "nersc", extraGroups: ["otherg", "newgrp", "otherg", "m1234g"])
        #expect(snapshot.caller == "alice")
        #expect(snapshot.groups.keys.sorted() == ["m1234g", "otherg"])
        #expect(snapshot.missingGroups == ["newgrp"])
        #expect(snapshot.id > 0)
        #expect(try cache.latestSnapshot(facility: "nersc") == snapshot)
        // m1234g came with its members in the caller's own list, so it is not read again.
        #expect(transport.paths.count == 7)
        #expect(!transport.paths.contains("/api/v1.2/account/groups/m1234g"))
    }

    @Test(arguments: ["/api/v1.2/account/roles", "/api/v1.2/account/groups/otherg", "/api/v1.2/account/groups"])
    func aFailedReadStoresNothingAndKeepsThePreviousSnapshot(failing path: String) async throws {
        let cache = try tempCache()
        let good = try await Refresher(client: client(RoutedTransport(Self.facility)), cache: cache)
            .refresh(facility: "nersc", extraGroups: ["otherg"])
        var broken = Self.facility
        broken[path] = (500, #"{"detail":"Internal Server Error"}"#)
        await #expect(throws: SFAPIError.self) {
            try await Refresher(client: client(RoutedTransport(broken)), cache: cache)
                .refresh(facility: "nersc", extraGroups: ["otherg"])
        }
        #expect(try cache.snapshots(facility: "nersc", since: nil).map(\.id) == [good.id])
    }

    @Test func reportsProgressUpToTheTotal() async throws {
        let seen = ProgressLog()
        _ = try await Refresher(client: client(RoutedTransport(Self.facility)), cache: nil, progress: { seen.add($0) })
            .refresh(facility: "nersc", extraGroups: ["otherg"])
        #expect(seen.last == RefreshProgress(done: 6, total: 6))
    }
}

final class ProgressLog: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [RefreshProgress] = []
    func add(_ item: RefreshProgress) { lock.withLock { items.append(item) } }
    var last: RefreshProgress? { lock.withLock { items.last } }
}
