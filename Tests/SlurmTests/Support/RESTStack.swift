import Foundation
import TeamSync

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// A running Slurm stack as `scripts/slurm-stack up VERSION` describes it in
/// `${TEAMCTL_SLURM_DIR:-/var/tmp/teamctl-slurm}/VERSION/stack.env` (written before `ready`).
struct RESTStack: Sendable {
    /// `22.05` or `24.11`.
    let slurmVersion: String
    let cluster: String
    let restURL: URL
    let sacctmgrPath: String
    let tokenCommand: String
    /// MariaDB on the stack's accounting database (SQL on standard input), when the stack offers it.
    let sqlPath: String?

    static var directory: String {
        ProcessInfo.processInfo.environment["TEAMCTL_SLURM_DIR"] ?? "/var/tmp/teamctl-slurm"
    }

    /// The stack's description, or why there is none.
    static func load(_ version: String) -> Result<RESTStack, StackMissing> {
        let folder = "\(directory)/\(version)"
        guard FileManager.default.fileExists(atPath: "\(folder)/ready"),
            let text = try? String(contentsOfFile: "\(folder)/stack.env", encoding: .utf8)
        else {
            return .failure(StackMissing(reason: "the Slurm \(version) stack is not up (no \(folder)/ready)"))
        }
        var values: [String: String] = [:]
        for line in text.split(separator: "\n") {
            guard let equals = line.firstIndex(of: "=") else { continue }
            values[String(line[..<equals])] = String(line[line.index(after: equals)...])
        }
        guard let url = values["SLURM_REST_URL"].flatMap(URL.init(string:)), let sacctmgr = values["SLURM_SACCTMGR"],
            let token = values["SLURM_TOKEN_CMD"]
        else {
            return .failure(
                StackMissing(reason: "\(folder)/stack.env lacks SLURM_REST_URL, SLURM_SACCTMGR or SLURM_TOKEN_CMD"))
        }
        return .success(
            RESTStack(
                slurmVersion: version, cluster: values["SLURM_CLUSTER"] ?? "test", restURL: url,
                sacctmgrPath: sacctmgr, tokenCommand: token, sqlPath: values["SLURM_SQL"]))
    }

    /// Whether the tests of this stack should run: always when `TEAMCTL_SLURM_REQUIRED` is set (whatever started the
    /// stacks, e.g. CI; a missing stack is then a failure), else only when the stack is up and slurmrestd answers.
    static func shouldRun(_ version: String) async -> Bool {
        if !(ProcessInfo.processInfo.environment["TEAMCTL_SLURM_REQUIRED"] ?? "").isEmpty { return true }
        guard case .success(let stack) = load(version) else { return false }
        return await stack.isReachable()
    }

    /// The stack, or a failure saying why it is missing (reached only under CI, or when it went down meanwhile).
    static func require(_ version: String) throws -> RESTStack {
        try load(version).get()
    }

    /// Whether slurmrestd answers at all (any HTTP status counts).
    func isReachable() async -> Bool {
        let request = HTTPRequest(method: .get, url: restURL.appendingPathComponent("openapi"), timeout: 3)
        return (try? await URLSessionTransport(maxConcurrent: 1).send(request)) != nil
    }

    /// A JWT for `user` from the stack's token command.
    func token(for user: String, lifetime: Int = 3600) throws -> String {
        let output = try run(tokenCommand, [user, String(lifetime)])
        return output.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Runs the stack's sacctmgr (as root, or as `user`), failing on a non-zero exit.
    @discardableResult
    func sacctmgr(_ arguments: [String], as user: String? = nil) throws -> String {
        try run(sacctmgrPath, arguments, environment: user.map { ["SLURM_AS_USER": $0] } ?? [:])
    }

    /// Runs sacctmgr and ignores failure (cleanup of what may not exist).
    func sacctmgrQuietly(_ arguments: [String]) {
        _ = try? run(sacctmgrPath, arguments)
    }

    /// Runs SQL on the stack's accounting database.
    @discardableResult
    func sql(_ statements: String) throws -> String {
        guard let sqlPath else { throw StackMissing(reason: "the stack's stack.env has no SLURM_SQL") }
        return try run(sqlPath, [], input: statements)
    }

    private func run(
        _ executable: String, _ arguments: [String], environment: [String: String] = [:], input: String? = nil
    ) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env.merge(environment) { $1 }
        process.environment = env
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        let stdin = Pipe()
        process.standardInput = input == nil ? FileHandle.nullDevice : stdin
        try process.run()
        if let input {
            stdin.fileHandleForWriting.write(Data(input.utf8))
            try stdin.fileHandleForWriting.close()
        }
        let output = out.fileHandleForReading.readDataToEndOfFile()
        let errors = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw StackMissing(
                reason: "\(executable) \(arguments.joined(separator: " ")) exited \(process.terminationStatus): "
                    + String(decoding: errors + output, as: UTF8.self))
        }
        return String(decoding: output, as: UTF8.self)
    }
}

/// Why a stack cannot be used.
struct StackMissing: Error, CustomStringConvertible {
    var reason: String
    var description: String { reason }
}

/// Counts the requests a channel sends, by method and path, passing them to the real transport.
final class CountingTransport: HTTPTransport, @unchecked Sendable {
    private let base: any HTTPTransport
    private let lock = NSLock()
    private var sent: [String] = []

    init(base: any HTTPTransport = URLSessionTransport()) { self.base = base }

    func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        lock.withLock { sent.append("\(request.method.rawValue) \(request.url.requestPath)") }
        return try await base.send(request)
    }

    var requests: [String] { lock.withLock { sent } }

    func reset() { lock.withLock { sent.removeAll() } }
}
