import ArgumentParser
import FacilityEmulator
import Foundation

/// `teamctl-emulator`: runs the facility emulator until interrupted.
@main
struct EmulatorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "teamctl-emulator",
        abstract: "Run an emulated NERSC Superfacility API (v1.2) facility over HTTP.",
        discussion: """
            Serves /api/v1.2/account, /status, /tasks and POST /oauth2/token from the state in the seed file.
            Control endpoints under /_emulator/ (state, requests, faults, usage, systems) answer loopback
            clients only. Stop with Ctrl-C.
            """)

    @Option(help: "The seed file (YAML): the facility's starting state.")
    var seed: String

    @Option(help: "The address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "The port to listen on; 0 picks a free one.")
    var port = 8080

    @Option(name: .customLong("token-ttl"), help: "Lifetime of issued access tokens, in seconds.")
    var tokenTTL = 600

    @Option(name: .customLong("latency-ms"), help: "Delay added to every API request, in milliseconds.")
    var latencyMs = 0

    @Option(name: .customLong("fail-rate"), help: "Probability (0-1) of answering 503 before any effect.")
    var failRate = 0.0

    @Option(name: .customLong("rate-limit"), help: "Requests per second allowed per caller; beyond it 429.")
    var rateLimit: Int?

    @Option(name: .customLong("drop-rate"), help: "Probability (0-1) that a mutation takes effect and gets no answer.")
    var dropRate = 0.0

    @Option(name: .customLong("fault-seed"), help: "Seed for the random faults, so a run can be repeated.")
    var faultSeed: UInt64 = 1

    @Flag(help: "Log each request's method, path and status to standard error (never headers, tokens or bodies).")
    var verbose = false

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be between 0 and 65535") }
        let problems = faults.problems
        guard problems.isEmpty else { throw ValidationError(problems.joined(separator: "; ")) }
    }

    var faults: FaultSettings {
        FaultSettings(latencyMs: latencyMs, failRate: failRate, rateLimit: rateLimit, dropRate: dropRate)
    }

    func run() async throws {
        let seedValue: EmulatorSeed
        do {
            seedValue = try EmulatorSeed.load(path: seed)
        } catch {
            throw ValidationError("\(error)")
        }
        let server = try await EmulatorServer.start(
            seed: seedValue, host: host, port: port, faults: faults, tokenTTL: tokenTTL, faultSeed: faultSeed,
            logLevel: verbose ? .debug : .warning)
        // Written straight to the file descriptor, unbuffered, so a script reading a pipe sees it at once.
        var banner = """
            listening on \(server.baseURL.absoluteString)
            API base: \(server.apiBaseURL.absoluteString)
            token URL: \(server.tokenURL.absoluteString)

            """
        if seedValue.cscs != nil {
            banner += """
                CSCS FirecREST base: \(server.firecrestURL.absoluteString)
                CSCS Alps Accounting base: \(server.alpsAccountingURL.absoluteString)
                CSCS token URL: \(server.cscsTokenURL.absoluteString)

                """
        }
        FileHandle.standardOutput.write(Data(banner.utf8))
        await waitForInterrupt()
        await server.shutdown()
    }

    /// Waits for SIGINT or SIGTERM.
    private func waitForInterrupt() async {
        signal(SIGINT, SIG_IGN)
        signal(SIGTERM, SIG_IGN)
        let (stream, continuation) = AsyncStream.makeStream(of: Void.self)
        let sources = [SIGINT, SIGTERM].map { number in
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { continuation.yield() }
            source.resume()
            return source
        }
        for await _ in stream { break }
        sources.forEach { $0.cancel() }
    }
}
