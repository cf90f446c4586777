import FacilityEmulator
import Foundation
import TeamSync

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A `teamctl-emulator` child process serving one seed on a free loopback port: a facility of its own, so two of them
/// are two servers that share no process with each other or with the bench.
struct EmulatorProcess: Sendable {
    let pid: pid_t
    let baseURL: URL
    let apiBaseURL: URL
    let tokenURL: URL

    /// Starts `executable` on `seed` with `latencyMs` added to every request, and waits until it says where it
    /// listens (its banner).
    static func start(executable: String, seed: URL, latencyMs: Int, workDirectory: URL) async throws -> EmulatorProcess
    {
        let banner = workDirectory.appendingPathComponent("emulator-\(UUID().uuidString.prefix(8)).out").path
        defer { unlink(banner) }
        let pid = try ChildRun.spawn(
            argv: [executable, "--seed", seed.path, "--port", "0", "--latency-ms", String(latencyMs)],
            envp: ["PATH=/usr/bin:/bin"], stdoutPath: banner, stderrPath: banner)
        var fields: [String: String] = [:]
        var exited = false
        for _ in 0..<600 {
            // The banner: "listening on URL", "API base: URL", "token URL: URL".
            for line in ((try? String(contentsOfFile: banner, encoding: .utf8)) ?? "").split(separator: "\n") {
                for label in ["listening on", "API base:", "token URL:"] where line.hasPrefix(label) {
                    fields[label] = line.dropFirst(label.count).trimmingCharacters(in: .whitespaces)
                }
            }
            exited = waitpid(pid, nil, WNOHANG) == pid
            if fields["token URL:"] != nil || exited { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        guard let base = fields["listening on"].flatMap(URL.init(string:)),
            let api = fields["API base:"].flatMap(URL.init(string:)),
            let token = fields["token URL:"].flatMap(URL.init(string:))
        else {
            let text = (try? String(contentsOfFile: banner, encoding: .utf8)) ?? ""
            if !exited { await EmulatorProcess.stop(pid) }
            throw ChildRun.SpawnError(description: "\(executable) did not start on \(seed.path): \(text.suffix(500))")
        }
        return EmulatorProcess(pid: pid, baseURL: base, apiBaseURL: api, tokenURL: token)
    }

    /// The requests it has answered, oldest first (`GET /_emulator/requests`).
    func requestLog() async throws -> [LoggedRequest] {
        let url = baseURL.appendingPathComponent("_emulator/requests")
        let response = try await URLSessionTransport(maxConcurrent: 1).send(HTTPRequest(method: .get, url: url))
        guard response.status == 200 else {
            throw ChildRun.SpawnError(description: "GET \(url.absoluteString) answered \(response.status)")
        }
        return try JSONDecoder().decode([LoggedRequest].self, from: response.body)
    }

    /// Its CPU time so far, user plus system, from `/proc/PID/stat` (Linux; 0 elsewhere).
    var cpuSeconds: Double {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = text.lastIndex(of: ")")
        else { return 0 }
        // After "pid (comm) ": state is field 3, utime 14 and stime 15.
        let fields = text[text.index(after: close)...].split(separator: " ")
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return 0 }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// Stops it (SIGTERM) and waits for it to exit.
    func stop() async { await Self.stop(pid) }

    private static func stop(_ pid: pid_t) async {
        kill(pid, SIGTERM)
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            Thread.detachNewThread {
                var status: Int32 = 0
                while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
                continuation.resume()
            }
        }
    }
}
