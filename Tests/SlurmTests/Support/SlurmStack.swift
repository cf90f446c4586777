import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// A real Slurm accounting stack (munge, MariaDB, slurmdbd, slurmrestd on loopback) started by
/// `scripts/slurm-stack up VERSION`, as described by `$TEAMCTL_SLURM_DIR/VERSION/stack.env`.
///
/// Tests take their versions from ``testedVersions``: the stacks that are up (their `ready` file written and slurmdbd
/// listening), or, when the environment variable `TEAMCTL_SLURM_REQUIRED` is set (by whatever started the stacks,
/// e.g. CI), every version, so that a stack that failed to start fails the tests (``require(_:)`` throws) instead of
/// skipping them. Use ``enabled`` on the suite: otherwise, without any stack up, it skips, saying how to start one.
struct SlurmStack: Sendable, CustomTestStringConvertible {
    /// Every version the project tests against.
    static let versions = ["22.05", "24.11"]

    /// `SLURM_VERSION`: 22.05 or 24.11.
    let version: String
    /// `SLURM_CLUSTER`.
    let cluster: String
    /// `SLURM_REST_URL`: slurmrestd's base URL.
    let restURL: URL
    /// `SLURM_SACCTMGR`: a wrapper running this stack's sacctmgr as root, or as `SLURM_AS_USER` when set.
    let sacctmgr: String
    /// `SLURM_SREPORT`: the same for sreport.
    let sreport: String
    /// `SLURM_TOKEN_CMD`: prints a JWT for `USER [LIFETIME_S]`.
    let tokenCommand: String
    /// `SLURM_SQL`: runs SQL from standard input on this stack's `slurm_acct_db`.
    let sql: String
    /// Every `KEY=VALUE` of stack.env.
    let values: [String: String]

    var testDescription: String { "Slurm \(version)" }

    /// `${TEAMCTL_SLURM_DIR:-/var/tmp/teamctl-slurm}`.
    static var directory: URL {
        URL(fileURLWithPath: ProcessInfo.processInfo.environment["TEAMCTL_SLURM_DIR"] ?? "/var/tmp/teamctl-slurm")
    }

    /// Whether a missing stack is a failure rather than a reason to skip (`TEAMCTL_SLURM_REQUIRED` set).
    static var isCI: Bool { !(ProcessInfo.processInfo.environment["TEAMCTL_SLURM_REQUIRED"] ?? "").isEmpty }

    /// Whether something accepts TCP connections on 127.0.0.1:`port` (a stack left `ready` by a machine's earlier
    /// run has no daemons once that run's processes are gone).
    static func isListening(port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }

    /// The versions whose stack is up (its `ready` file and stack.env exist).
    static var upVersions: [String] { versions.filter { load($0) != nil } }

    /// The versions to test: all of them on CI, else those that are up.
    static var testedVersions: [String] { isCI ? versions : upVersions }

    /// A trait for suites that need a stack: skips, saying why, when none is up and `CI` is not set.
    static var enabled: ConditionTrait {
        .enabled(
            if: isCI || !upVersions.isEmpty,
            "no Slurm stack is up: run `scripts/slurm-stack up 22.05` and `scripts/slurm-stack up 24.11` (as root)")
    }

    /// The stack of `version`, or nil when it is not up.
    static func load(_ version: String) -> SlurmStack? {
        let dir = directory.appendingPathComponent(version)
        guard FileManager.default.fileExists(atPath: dir.appendingPathComponent("ready").path),
            let text = try? String(contentsOf: dir.appendingPathComponent("stack.env"), encoding: .utf8)
        else { return nil }
        var values: [String: String] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            guard let equals = line.firstIndex(of: "=") else { continue }
            values[String(line[..<equals])] = String(line[line.index(after: equals)...])
        }
        guard let sacctmgr = values["SLURM_SACCTMGR"], let token = values["SLURM_TOKEN_CMD"],
            let rest = values["SLURM_REST_URL"].flatMap(URL.init(string:)),
            isListening(port: Int(values["SLURM_DBD_PORT"] ?? "") ?? (version == "22.05" ? 6819 : 6829))
        else { return nil }
        return SlurmStack(
            version: values["SLURM_VERSION"] ?? version, cluster: values["SLURM_CLUSTER"] ?? "test", restURL: rest,
            sacctmgr: sacctmgr, sreport: values["SLURM_SREPORT"] ?? dir.appendingPathComponent("sreport").path,
            tokenCommand: token, sql: values["SLURM_SQL"] ?? dir.appendingPathComponent("sql").path, values: values)
    }

    /// The stack of `version`; throws (a test failure) when it is not up.
    static func require(_ version: String) throws -> SlurmStack {
        guard let stack = load(version) else {
            throw Failure(
                description: "Slurm \(version) is not up (no \(directory.path)/\(version)/ready): "
                    + "run `scripts/slurm-stack up \(version)` (scripts/ci-slurm on CI)")
        }
        return stack
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Runs this stack's sacctmgr with `arguments`, as root or as `user`; the exit status and everything it printed.
    @discardableResult
    func sacctmgr(_ arguments: [String], as user: String? = nil) throws -> (status: Int32, output: String) {
        try Self.run(sacctmgr, arguments, environment: user.map { ["SLURM_AS_USER": $0] } ?? [:])
    }

    /// The rows of `sacctmgr -n -P show assoc where account=ACCOUNT format=user,qos,grptresmins`, by user (`""`
    /// for the account's own), read directly, for assertions independent of the channel under test.
    func associations(_ account: String) throws -> [String: (qos: String, grpTRESMins: String)] {
        let (status, output) = try sacctmgr(
            [
                "-n", "-P", "show", "assoc", "where", "account=\(account)", "cluster=\(cluster)",
                "format=user,partition,qos,grptresmins",
            ])
        guard status == 0 else { throw Failure(description: "sacctmgr show assoc failed: \(output)") }
        var result: [String: (qos: String, grpTRESMins: String)] = [:]
        for line in output.split(separator: "\n") {
            let f = line.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
            guard f.count >= 4, f[1].isEmpty else { continue }
            result[f[0]] = (f[2], f[3])
        }
        return result
    }

    /// A JWT for `user`, from `SLURM_TOKEN_CMD`.
    func token(for user: String, lifetime: Int = 600) throws -> String {
        try Self.run(tokenCommand, [user, String(lifetime)]).output.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Runs SQL on this stack's `slurm_acct_db`.
    @discardableResult
    func runSQL(_ text: String) throws -> String {
        let (status, output) = try Self.run(sql, [], input: text)
        guard status == 0 else { throw Failure(description: "SQL failed on Slurm \(version): \(output)") }
        return output
    }

    /// A fresh lower-case name with `prefix` (`sa_` for the sacctmgr tests, `re_` for the REST ones), so runs do
    /// not see each other's data.
    static func uniqueName(_ prefix: String) -> String {
        prefix + String(UInt64.random(in: 0..<(1 << 40)), radix: 36)
    }

    private static func run(
        _ executable: String, _ arguments: [String], environment: [String: String] = [:], input: String? = nil
    ) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        let output = Pipe()
        let stdin = Pipe()
        process.standardOutput = output
        process.standardError = output
        process.standardInput = input == nil ? FileHandle.nullDevice : stdin
        try process.run()
        if let input {
            stdin.fileHandleForWriting.write(Data(input.utf8))
            try stdin.fileHandleForWriting.close()
        }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
