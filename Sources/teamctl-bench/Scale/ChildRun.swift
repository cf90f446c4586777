import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// One finished child process: its exit status, wall time, CPU time and peak resident memory (as GNU
/// time, `/usr/bin/time`, reports them).
struct ChildRun: Sendable {
    var status: Int32
    var seconds: Double
    /// CPU time, user plus system.
    var cpuSeconds: Double
    /// Peak resident set size in bytes (`ru_maxrss`).
    var peakBytes: Int
    /// What the child wrote to standard error, for a failure message.
    var standardError: String

    /// An error starting a child.
    struct SpawnError: Error, CustomStringConvertible {
        var description: String
    }

    /// Runs `executable` with `arguments` and `environment`, standard output to `stdoutPath`, and waits
    /// for it on a thread outside Swift's cooperative pool (the in-process emulator needs that pool).
    static func run(
        _ executable: String, _ arguments: [String], environment: [String: String], stdoutPath: String = "/dev/null",
        workDirectory: URL
    ) async throws -> ChildRun {
        let stderrPath = workDirectory.appendingPathComponent("child-\(UUID().uuidString).err").path
        let statsPath = workDirectory.appendingPathComponent("child-\(UUID().uuidString).time").path
        defer {
            unlink(stderrPath)
            unlink(statsPath)
        }
        // Through GNU time: Linux carries the peak RSS of the memory a process had before exec into
        // ru_maxrss, and a child spawned straight from this (large) process starts out sharing its memory.
        // time is small, so the peak it reports for its own child is teamctl's alone.
        let argv = [timeExecutable, "-f", "%M %U %S", "-o", statsPath, executable] + arguments
        let envp = environment.map { "\($0.key)=\($0.value)" }
        let start = DispatchTime.now().uptimeNanoseconds
        let pid = try spawn(argv: argv, envp: envp, stdoutPath: stdoutPath, stderrPath: stderrPath)
        let status = await withCheckedContinuation { (continuation: CheckedContinuation<Int32, Never>) in
            Thread.detachNewThread {
                var status: Int32 = 0
                while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
                continuation.resume(returning: status)
            }
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let exit: Int32 = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        let errorText = (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? ""
        // time's last line: "KB user system"; a line before it may say the command exited non-zero.
        let stats =
            ((try? String(contentsOfFile: statsPath, encoding: .utf8)) ?? "")
            .split(separator: "\n").last.map { $0.split(separator: " ").compactMap { Double($0) } } ?? []
        guard stats.count == 3 else {
            throw SpawnError(description: "\(timeExecutable) did not report on \(executable): \(errorText.suffix(500))")
        }
        return ChildRun(
            status: exit, seconds: seconds, cpuSeconds: stats[1] + stats[2], peakBytes: Int(stats[0]) * 1024,
            standardError: errorText)
    }

    /// GNU time, which measures each child.
    static let timeExecutable = "/usr/bin/time"

    /// Starts `argv` with `envp`, standard input from /dev/null, and returns its process id without waiting.
    static func spawn(argv: [String], envp: [String], stdoutPath: String, stderrPath: String) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdoutPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, stderrPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        let cArgs = argv.map { strdup($0) } + [nil]
        let cEnv = envp.map { strdup($0) } + [nil]
        defer {
            cArgs.forEach { free($0) }
            cEnv.forEach { free($0) }
        }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, argv[0], &actions, nil, cArgs, cEnv)
        guard result == 0 else {
            throw SpawnError(description: "cannot start \(argv[0]): \(String(cString: strerror(result)))")
        }
        return pid
    }
}
