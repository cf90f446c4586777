import ArgumentParser
import Foundation
import Logging
import TeamSync

#if canImport(Glibc)
    import Glibc
#endif

/// Printing and terminal facts shared by the commands.
enum Terminal {
    /// Whether standard output is a terminal (colour and prompts only then).
    static var stdoutIsTTY: Bool { isatty(1) == 1 }
    /// Whether standard input is a terminal (so a person can answer a prompt).
    static var stdinIsTTY: Bool { isatty(0) == 1 }
    /// Colour on standard output: only on a terminal, and never when NO_COLOR is set.
    static var useColor: Bool { stdoutIsTTY && ProcessInfo.processInfo.environment["NO_COLOR"] == nil }

    /// Writes a line to standard error. Its text often quotes a facility or a file, so every control character
    /// but its line breaks and tabs is written out (see `escapedForTerminalKeepingLines`).
    static func warn(_ text: String) {
        FileHandle.standardError.write(Data((text.escapedForTerminalKeepingLines + "\n").utf8))
    }

    /// Writes text to a file with mode 0600 (plans and reports may name people), or to standard output for `-`/nil.
    static func write(_ text: String, to path: String?) throws {
        guard let path, path != "-" else {
            print(text, terminator: text.hasSuffix("\n") ? "" : "\n")
            return
        }
        let url = URL(fileURLWithPath: path)
        let temporary = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).\(getpid()).tmp")
        // Created 0600 by open(2) itself: FileManager.createFile writes first and chmods after, so the
        // contents were briefly readable under the umask's mode (often 0644).
        let fd = open(temporary.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw CLIError("cannot write \(path): check that its folder exists and is writable") }
        let bytes = Array(text.utf8)
        var written = 0
        while written < bytes.count {
            let count = bytes[written...].withUnsafeBytes { Foundation.write(fd, $0.baseAddress, $0.count) }
            guard count > 0 else { break }
            written += count
        }
        close(fd)
        guard written == bytes.count else {
            unlink(temporary.path)
            throw CLIError("cannot write \(path): the disk may be full")
        }
        guard rename(temporary.path, url.path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary.path)
            throw CLIError("cannot write \(path): \(reason); choose another file name")
        }
    }

    /// Asks a yes/no question on the terminal.
    static func confirm(_ question: String) -> Bool {
        FileHandle.standardError.write(Data("\(question) Only 'yes' is accepted: ".utf8))
        return readLine()?.trimmingCharacters(in: .whitespaces) == "yes"
    }

    /// Routes swift-log to standard error, at `warning` unless TEAMCTL_LOG_LEVEL says otherwise. Runs once.
    static let loggingBootstrapped: Void = {
        let level = ProcessInfo.processInfo.environment["TEAMCTL_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:))
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level ?? .warning
            return TerminalSafeLogHandler(base: handler)
        }
    }()
}

/// Writes log lines to standard error like `StreamLogHandler`, with the message, every metadata value and an
/// error's text escaped (all control characters but line feeds and tabs written out): log lines often quote
/// what a facility answered.
struct TerminalSafeLogHandler: LogHandler {
    var base: StreamLogHandler

    var logLevel: Logger.Level {
        get { base.logLevel }
        set { base.logLevel = newValue }
    }

    var metadata: Logger.Metadata {
        get { base.metadata }
        set { base.metadata = newValue }
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { base[metadataKey: key] }
        set { base[metadataKey: key] = newValue }
    }

    func log(event: LogEvent) {
        var event = event
        var metadata = event.metadata ?? [:]
        if let error = event.error {
            metadata["error.message"] = "\(error)"
            metadata["error.type"] = "\(String(reflecting: type(of: error)))"
            event.error = nil
        }
        event.message = Logger.Message(stringLiteral: event.message.description.escapedForTerminalKeepingLines)
        event.metadata = metadata.isEmpty ? nil : metadata.mapValues(Self.escaped)
        var base = self.base
        base.metadata = base.metadata.mapValues(Self.escaped)
        base.log(event: event)
    }

    static func escaped(_ value: Logger.Metadata.Value) -> Logger.Metadata.Value {
        switch value {
        case .string(let text): .string(text.escapedForTerminal)
        case .stringConvertible(let convertible): .string(convertible.description.escapedForTerminal)
        case .array(let values): .array(values.map(escaped))
        case .dictionary(let values): .dictionary(values.mapValues(escaped))
        }
    }
}

/// An error whose message is printed with its control characters written out (all but line breaks and tabs): a
/// facility's error text or a quoted file cannot clear the screen or forge lines. The errors argument-parser
/// handles itself (exit codes, help, usage errors) pass through as they are.
struct TerminalSafeError: Error, CustomStringConvertible {
    let description: String

    static func wrapping(_ error: any Error) -> any Error {
        switch error {
        case is ExitCode, is CleanExit, is ValidationError: return error
        // ArgumentParser's own errors (`teamctl help plan` runs a help command that throws one to print the help)
        // must reach `exit(withError:)` as they are.
        case _ where String(reflecting: type(of: error)).hasPrefix("ArgumentParser."): return error
        default:
            let message = (error as? any LocalizedError)?.errorDescription ?? String(describing: error)
            let escaped = message.escapedForTerminalKeepingLines
            return escaped == message ? error : TerminalSafeError(description: escaped)
        }
    }
}

/// A plain error for the CLI to print as `error: ...` and exit 1.
struct CLIError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
