import Foundation
import JWTKit
import TeamSync
import _CryptoExtras

@testable import FacilityEmulator

/// A small facility for tests: alice is PI and carol PI Proxy of m1234, bob a member; dave is only in m5678;
/// erin is in no project.
enum TestSeed {
    static let yaml = """
        users:
          - {name: alice, uid: 1001, firstname: Alice, lastname: Liddell, email: alice@example.org}
          - {name: bob, uid: 1002}
          - {name: carol, uid: 1003}
          - {name: dave, uid: 1004}
          - {name: erin, uid: 1005}
        projects:
          - id: 1234
            repo_name: m1234
            description: Detector calibration
            cpu_hours_given: 100000
            gpu_hours_given: 20000
            members:
              - {user: alice, role: PI, cpu_hours_given: 50000, cpu_hours_used: 1200.5, gpu_hours_given: 8000, gpu_hours_used: 100}
              - {user: bob, role: Member, cpu_hours_given: 10000, cpu_hours_used: 300}
              - {user: carol, role: PI Proxy}
            storage:
              projdir: {bytes_given: 1.0e13, bytes_used: 2.5e12, files_given: 1.0e7, files_used: 250000}
              hpss: {bytes_given: 5.0e14, bytes_used: 1.0e13}
          - id: 5678
            repo_name: m5678
            description: Other science
            members:
              - {user: dave, role: PI}
        groups:
          - {name: m1234g, gid: 60001, repo_name: m1234, members: [alice, bob]}
          - {name: otherg, gid: 60007, repo_name: m5678, members: [dave]}
        tokens:
          - {token: dev-alice, user: alice}
          - {token: dev-bob, user: bob}
          - {token: dev-carol, user: carol}
          - {token: dev-dave, user: dave}
          - {token: dev-erin, user: erin}
        systems:
          - {name: iris, status: active}
          - {name: perlmutter, status: degraded, notes: [slow file system]}
        outages:
          - {name: perlmutter, start_at: '2026-12-01T08:00:00+00:00', status: Planned, description: maintenance}
          - {name: perlmutter, start_at: '2026-10-01T08:00:00+00:00', status: Completed}
          - {name: hpss, start_at: '2026-11-01T08:00:00+00:00', status: Planned}
        notes:
          - {name: perlmutter, notes: scratch is slow, active: true}
        tasks:
          - {id: '11', user: alice, status: completed, result: '{"status": "ok"}'}
          - {id: '12', user: alice, status: new}
          - {id: '13', user: bob, status: new}
        """

    static func seed(clients: [EmulatorSeed.Client] = []) throws -> EmulatorSeed {
        var seed = try EmulatorSeed(yaml: yaml)
        seed.clients = clients
        return seed
    }
}

/// One RSA key pair for all tests that sign assertions (generating one is slow in debug builds).
enum TestKeys {
    static let backing: _RSA.Signing.PrivateKey? = try? _RSA.Signing.PrivateKey(keySize: .bits2048)
    static let other: _RSA.Signing.PrivateKey? = try? _RSA.Signing.PrivateKey(keySize: .bits2048)
}

/// The claims of a client assertion, as teamctl and sfapi-client send them.
struct AssertionClaims: JWTPayload {
    var iss: IssuerClaim
    var sub: SubjectClaim
    var aud: AudienceClaim
    var exp: ExpirationClaim
    var iat: IssuedAtClaim
    var jti: IDClaim

    func verify(using algorithm: some JWTAlgorithm) async throws {}
}

/// A running emulator and the same transport teamctl uses, talking over loopback.
struct RunningEmulator {
    let server: EmulatorServer
    let transport = URLSessionTransport(maxConcurrent: 4)

    /// Starts an emulator, runs `body`, and always shuts it down.
    static func with(
        seed: EmulatorSeed? = nil, faults: FaultSettings = .none, tokenTTL: Int = 600,
        _ body: (RunningEmulator) async throws -> Void
    ) async throws {
        let server = try await EmulatorServer.start(seed: seed ?? TestSeed.seed(), faults: faults, tokenTTL: tokenTTL)
        let emulator = RunningEmulator(server: server)
        do {
            try await body(emulator)
            await server.shutdown()
        } catch {
            await server.shutdown()
            throw error
        }
    }

    func url(_ path: String) -> URL {
        URL(string: server.baseURL.absoluteString + path) ?? server.baseURL
    }

    /// Sends a request to an API path such as `/account/groups`, as the given static token's user.
    func api(
        _ method: HTTPMethod, _ path: String, token: String? = nil, form: [(String, String)]? = nil
    ) async throws -> HTTPResponse {
        try await send(method, "/api/v1.2" + path, token: token, form: form)
    }

    func send(
        _ method: HTTPMethod, _ path: String, token: String? = nil, form: [(String, String)]? = nil,
        json: Data? = nil
    ) async throws -> HTTPResponse {
        var headers: [String: String] = ["Accept": "application/json"]
        if let token { headers["Authorization"] = "Bearer \(token)" }
        var body: Data?
        if let form {
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            body = Data(Self.formEncode(form).utf8)
        } else if let json {
            headers["Content-Type"] = "application/json"
            body = json
        }
        return try await transport.send(HTTPRequest(method: method, url: url(path), headers: headers, body: body))
    }

    static func formEncode(_ fields: [(String, String)]) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return fields.map { key, value in
            let encodedKey = key.addingPercentEncoding(withAllowedCharacters: allowed) ?? key
            let encodedValue = value.addingPercentEncoding(withAllowedCharacters: allowed) ?? value
            return "\(encodedKey)=\(encodedValue)"
        }.joined(separator: "&")
    }
}

extension HTTPResponse {
    func decoded<T: Decodable>(_ type: T.Type) throws -> T { try JSONDecoder().decode(type, from: body) }

    /// The `detail` of a FastAPI error whose detail is a string.
    var detailMessage: String? { (try? JSONDecoder().decode([String: String].self, from: body))?["detail"] }

    /// The entries of a 422 validation error.
    var validationIssues: [SFAPIWire.ValidationIssue] { (try? decoded(SFAPIWire.ValidationFailure.self))?.detail ?? [] }
}

extension SFAPIWire.GroupStats {
    /// The member usernames, sorted.
    var memberNames: [String] { (users ?? []).map(\.name).sorted() }
}
