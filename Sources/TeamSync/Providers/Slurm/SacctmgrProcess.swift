import Foundation

/// What one run of a Slurm command printed.
struct SacctmgrOutput: Sendable {
    /// The exit status.
    var status: Int32
    /// Standard output.
    var stdout: String
    /// Standard error.
    var stderr: String
    /// Both, standard error first (sacctmgr prints its `error:` lines there and its summary on standard output).
    var combined: String { stderr.isEmpty ? stdout : stdout.isEmpty ? stderr : stderr + "\n" + stdout }
}

/// Runs a Slurm command-line tool (sacctmgr, sreport) directly, never through a shell: the arguments go to the
/// program as an array, standard input is empty, and a run that outlives `timeout` is terminated.
struct SacctmgrProcess: Sendable {
    /// Variables set on top of this process's environment (e.g. `SLURM_AS_USER` for the test stacks' wrappers).
    var environment: [String: String]
    /// How long one run may take.
    var timeout: Duration
    /// Whether every write is refused before it runs (`--dry-run`): sacctmgr writes are the runs with `-i`.
    var refusesWrites = false

    func run(_ executable: String, _ arguments: [String], extraEnvironment: [String: String] = [:]) async throws
        -> SacctmgrOutput
    {
        if refusesWrites, arguments.first == "-i" {
            throw SlurmError(
                .failed, "dry run: not running \(executable) \(arguments.joined(separator: " ")) (nothing was changed)")
        }
        var env = ProcessInfo.processInfo.environment
        env.merge(environment) { _, new in new }
        env.merge(extraEnvironment) { _, new in new }
        let seconds = Double(timeout.components.seconds) + Double(timeout.components.attoseconds) / 1e18
        let environment = env
        return try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(
                    with: Result {
                        try Self.runBlocking(executable, arguments, environment: environment, timeout: seconds)
                    })
            }
        }
    }

    private static func runBlocking(
        _ executable: String, _ arguments: [String], environment: [String: String], timeout: Double
    ) throws -> SacctmgrOutput {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = environment
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            throw SlurmError(.unavailable, "Could not start \(executable): \(error.localizedDescription).")
        }
        let timedOut = TimeoutFlag()
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout) {
            if process.isRunning {
                timedOut.set()
                process.terminate()
            }
        }
        // Read both pipes to the end at once, so a long answer on one cannot block the program on the other.
        let errorData = DataBox()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async {
            errorData.data = err.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        let outputData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        if timedOut.isSet {
            throw SlurmError(
                .unavailable,
                "\(URL(fileURLWithPath: executable).lastPathComponent) did not answer within \(Int(timeout)) s "
                    + "(is slurmdbd running and reachable?).")
        }
        return SacctmgrOutput(
            status: process.terminationStatus,
            stdout: String(decoding: outputData, as: UTF8.self),
            stderr: String(decoding: errorData.data, as: UTF8.self))
    }
}

private final class DataBox: @unchecked Sendable {
    var data = Data()
}

private final class TimeoutFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    func set() { lock.withLock { value = true } }
    var isSet: Bool { lock.withLock { value } }
}
