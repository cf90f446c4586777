import Foundation
import TeamSync

#if canImport(Glibc)
    import Glibc
#endif

/// A one-line progress bar on stderr, drawn only when stderr is a terminal.
final class ProgressBar: @unchecked Sendable {
    private let lock = NSLock()
    private var drawn = false

    /// A bar when stderr is a terminal; nil otherwise (quiet in pipes and CI).
    static func onTerminal() -> ProgressBar? { isatty(2) == 1 ? ProgressBar() : nil }

    /// Redraws the bar.
    func update(_ progress: RefreshProgress) {
        lock.lock()
        defer { lock.unlock() }
        let width = 30
        let filled = progress.total == 0 ? width : width * progress.done / progress.total
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        FileHandle.standardError.write(Data("\r[\(bar)] \(progress.done)/\(progress.total) reads".utf8))
        drawn = true
    }

    /// Clears the bar's line.
    func finish() {
        lock.lock()
        defer { lock.unlock() }
        if drawn { FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8)) }
    }
}
