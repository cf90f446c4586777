import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `teamctl doctor`, run as a user would: one line per check, a FAIL line saying what to fix for each
/// problem, exit 1 when there is one, and never a secret in the output.
struct DoctorTests {
    /// `teamctl doctor`, waiting up to a minute per request: the emulator answers from this test process, which
    /// under a full parallel run on two cores was seen to take over 10 s (the command's default) for one `/status`.
    static let doctor = ["doctor", "--timeout", "60"]

    static let staticToken = "tok-doctor-9Qm2-never-print-me"
    /// A line from the middle of the test key's PEM body.
    static let keyFragment = String(TestKeys.primaryPrivatePEM.split(separator: "\n")[5])

    /// A facility with a client for the test key (RefreshFixture's: alice, client ABCDEFGHIJKLM).
    static func facility() async throws -> TeamctlHarness {
        try await TeamctlHarness.start(seedYAML: RefreshFixture.seedYAML(), token: "dev-alice")
    }

    /// The key file, client id line then PEM, with `mode`.
    static func writeKey(_ harness: TeamctlHarness, mode: Int) throws -> String {
        let path = try harness.write("sfapi-key.pem", "\(RefreshFixture.clientId)\n\(TestKeys.primaryPrivatePEM)\n")
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path)
        return path
    }

    /// Writes `~/.config/teamctl/config.yaml` in the harness's home with one profile.
    static func writeConfig(_ harness: TeamctlHarness, apiURL: String, tokenURL: String, key: String?) throws {
        let folder = harness.directory + "/home/.config/teamctl"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        var yaml = "default_profile: lab\nprofiles:\n  lab:\n    api_url: \(apiURL)\n    token_url: \(tokenURL)\n"
        if let key { yaml += "    key: \(key)\n" }
        try yaml.write(toFile: folder + "/config.yaml", atomically: true, encoding: .utf8)
    }

    /// A loopback URL on a port nothing listens on: bound to find a free port, then closed.
    static func closedLoopbackURL() throws -> String {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        try #require(fd >= 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                bind(fd, socketAddress, length) == 0 && getsockname(fd, socketAddress, &length) == 0
            }
        }
        try #require(bound)
        return "http://127.0.0.1:\(UInt16(bigEndian: address.sin_port))/api/v1.2"
    }

    /// Settings come from the config file only: the harness's TEAMCTL_* are blanked (empty counts as unset).
    static let configOnly = ["TEAMCTL_API_URL": "", "TEAMCTL_TOKEN_URL": "", "TEAMCTL_ACCESS_TOKEN": ""]

    /// The result lines by subject (`ok    key          ...` -> ["key": line]).
    static func lines(_ run: TeamctlRun) -> [String: [String]] {
        var bySubject: [String: [String]] = [:]
        for line in run.stdout.split(separator: "\n").map(String.init) {
            let words = line.split(separator: " ", maxSplits: 2)
            guard words.count >= 2, ["ok", "warn", "FAIL", "skip"].contains(String(words[0])) else { continue }
            bySubject[String(words[1]), default: []].append(line)
        }
        return bySubject
    }

    static func expectNoSecret(_ run: TeamctlRun) {
        for secret in [keyFragment, "PRIVATE KEY", staticToken] {
            #expect(!run.stdout.contains(secret) && !run.stderr.contains(secret), "doctor printed a secret")
        }
        #expect(run.stdout.firstMatch(of: SecretsTests.jwtPattern) == nil)
    }

    @Test func aReadySetupPassesEveryCheckAndTheFacilityAcceptsTheKey() async throws {
        let harness = try await Self.facility()
        defer { Task { await harness.shutdown() } }
        let key = try Self.writeKey(harness, mode: 0o600)
        try Self.writeConfig(
            harness, apiURL: harness.server.apiBaseURL.absoluteString,
            tokenURL: harness.server.tokenURL.absoluteString, key: key)

        let run = try await harness.run(Self.doctor, environment: Self.configOnly)
        #expect(run.status == 0, "\(run.output)")
        let lines = Self.lines(run)
        for subject in ["config", "key", "cache", "facility", "credentials", "clock"] {
            #expect(lines[subject]?.count == 1, "one line for \(subject): \(run.output)")
            #expect(lines[subject]?.first?.hasPrefix("ok ") == true, "\(subject): \(run.output)")
        }
        #expect(lines["credentials"]?.first?.contains("you are alice") == true, "\(run.output)")
        #expect(run.stdout.contains("ready"), "\(run.output)")
        Self.expectNoSecret(run)
    }

    @Test func anAccessTokenIsUsedAndNeverShown() async throws {
        let harness = try await TeamctlHarness.start(
            seedYAML: RefreshFixture.seedYAML().replacingOccurrences(of: "dev-alice", with: Self.staticToken),
            token: Self.staticToken)
        defer { Task { await harness.shutdown() } }
        try Self.writeConfig(
            harness, apiURL: harness.server.apiBaseURL.absoluteString,
            tokenURL: harness.server.tokenURL.absoluteString, key: nil)

        let run = try await harness.run(Self.doctor, environment: ["TEAMCTL_API_URL": "", "TEAMCTL_TOKEN_URL": ""])
        #expect(run.status == 0, "\(run.output)")
        #expect(Self.lines(run)["key"]?.first?.contains("TEAMCTL_ACCESS_TOKEN") == true, "\(run.output)")
        #expect(Self.lines(run)["credentials"]?.first?.contains("you are alice") == true, "\(run.output)")
        Self.expectNoSecret(run)
    }

    @Test func aWorldReadableKeyAMissingConfigAndAnUnreachableFacilityEachGetOneLine() async throws {
        let harness = try await Self.facility()
        defer { Task { await harness.shutdown() } }
        let key = try Self.writeKey(harness, mode: 0o644)
        let closed = try Self.closedLoopbackURL()

        let run = try await harness.run(
            Self.doctor,
            environment: [
                "TEAMCTL_ACCESS_TOKEN": "", "TEAMCTL_KEY": key, "TEAMCTL_API_URL": closed,
                "TEAMCTL_TOKEN_URL": harness.server.tokenURL.absoluteString,
            ])
        #expect(run.status == 1, "\(run.output)")
        let lines = Self.lines(run)
        let config = try #require(lines["config"]?.first, "\(run.output)")
        #expect(lines["config"]?.count == 1)
        #expect(config.hasPrefix("FAIL"), "\(run.output)")
        #expect(config.contains("no config file at \(harness.directory)/home/.config/teamctl/config.yaml"), "\(config)")

        let keyLine = try #require(lines["key"]?.first, "\(run.output)")
        #expect(lines["key"]?.count == 1)
        #expect(keyLine.hasPrefix("FAIL"), "\(run.output)")
        #expect(keyLine.contains("mode 0644") && keyLine.contains("chmod 600 \(key)"), "\(keyLine)")

        let facility = try #require(lines["facility"]?.first, "\(run.output)")
        #expect(lines["facility"]?.count == 1)
        #expect(facility.hasPrefix("FAIL"), "\(run.output)")
        let port = try #require(URL(string: closed)?.port)
        #expect(facility.contains("cannot reach the facility at") && facility.contains(":\(port)"), "\(facility)")

        #expect(lines["credentials"]?.first?.hasPrefix("skip") == true, "\(run.output)")
        #expect(lines["cache"]?.first?.hasPrefix("ok") == true, "\(run.output)")
        #expect(run.stdout.contains("3 problem(s) to fix"), "\(run.output)")
        #expect(run.stdout.split(separator: "\n").filter { $0.hasPrefix("FAIL") }.count == 3, "\(run.output)")
        Self.expectNoSecret(run)
    }

    /// One problem at a time, everything else in order: exactly one FAIL line, for that problem.
    @Test(arguments: ["config", "key", "facility"])
    func eachProblemAloneFailsTheRunWithOneLine(problem: String) async throws {
        let harness = try await Self.facility()
        defer { Task { await harness.shutdown() } }
        let key = try Self.writeKey(harness, mode: problem == "key" ? 0o644 : 0o600)
        let api = problem == "facility" ? try Self.closedLoopbackURL() : harness.server.apiBaseURL.absoluteString
        var environment = Self.configOnly
        if problem == "config" {
            environment = [
                "TEAMCTL_ACCESS_TOKEN": "", "TEAMCTL_KEY": key, "TEAMCTL_API_URL": api,
                "TEAMCTL_TOKEN_URL": harness.server.tokenURL.absoluteString,
            ]
        } else {
            try Self.writeConfig(harness, apiURL: api, tokenURL: harness.server.tokenURL.absoluteString, key: key)
        }

        let run = try await harness.run(Self.doctor, environment: environment)
        #expect(run.status == 1, "\(run.output)")
        let failures = run.stdout.split(separator: "\n").filter { $0.hasPrefix("FAIL") }
        #expect(failures.count == 1, "\(run.output)")
        #expect(
            failures.first?.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first
                == Substring(problem))
        Self.expectNoSecret(run)
    }

    /// A key path that is no key file gets the advice for what it is, in one FAIL line: a folder (the file inside
    /// it), `/dev/zero` (not a regular file, never read: doctor ends at once), a link to nothing (where it points).
    /// Never "chmod 600" of a folder or a device, never a hunt under ~/.superfacility for a path that exists.
    @Test(.timeLimit(.minutes(2)), arguments: ["folder", "/dev/zero", "dangling"])
    func aKeyPathThatIsNoKeyFileGetsAdviceForWhatItIs(kind: String) async throws {
        let harness = try await Self.facility()
        defer { Task { await harness.shutdown() } }
        let path: String
        let says: [String]
        switch kind {
        case "folder":
            path = harness.path("keys")
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            _ = try Self.writeKey(harness, mode: 0o600)
            try FileManager.default.moveItem(atPath: harness.path("sfapi-key.pem"), toPath: path + "/sfapi-key.pem")
            says = ["is a directory", "inside it"]
        case "dangling":
            path = harness.path("key-link.pem")
            try FileManager.default.createSymbolicLink(
                atPath: path, withDestinationPath: harness.path("renamed/sfapi-key.pem"))
            says = ["points to \(harness.path("renamed/sfapi-key.pem"))", "does not exist"]
        default:
            path = kind
            says = ["not a regular file", "character device"]
        }
        let run = try await harness.run(
            Self.doctor,
            environment: [
                "TEAMCTL_ACCESS_TOKEN": "", "TEAMCTL_KEY": path,
                "TEAMCTL_API_URL": harness.server.apiBaseURL.absoluteString,
                "TEAMCTL_TOKEN_URL": harness.server.tokenURL.absoluteString,
            ])
        #expect(run.status == 1, "\(run.output)")
        let keyLine = try #require(Self.lines(run)["key"]?.first, "\(run.output)")
        #expect(keyLine.hasPrefix("FAIL"), "\(keyLine)")
        #expect(keyLine.contains(path), "\(keyLine)")
        for words in says { #expect(keyLine.contains(words), "\(keyLine)") }
        #expect(!keyLine.contains("chmod") && !keyLine.contains("looked for"), "\(keyLine)")
        Self.expectNoSecret(run)
    }
}
