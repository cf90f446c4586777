import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads a small file of secrets (an SF API key, CSCS's client secret, a slurmrestd token) the one safe way, and
/// says what is wrong in words that fit the case.
///
/// Only a regular file of mode exactly 0600 is read, and only up to ``maximumSize`` bytes: a folder, a device such
/// as `/dev/zero`, a FIFO or a socket is refused without reading a byte (so it can neither hang a run nor fill its
/// memory), a link that points nowhere names where it points, and a file that changes between the check and the read
/// is caught (the checks are made on the open descriptor).
package enum SecretFile {
    /// Far more than any key, secret or token file holds; a larger file is not one.
    package static let maximumSize = 1 << 20

    /// Why a secret file cannot be used. ``advice(for:path:)`` words it.
    package enum Problem: Error, Sendable, Hashable {
        /// Nothing at the path.
        case missing
        /// A symbolic link whose target does not exist.
        case danglingLink(target: String)
        /// Symbolic links that point at each other.
        case linkLoop
        /// A folder.
        case directory
        /// A device, FIFO or socket.
        case notRegular(kind: String)
        /// Readable by others than its owner.
        case insecureMode(mode: String)
        /// Larger than ``SecretFile/maximumSize``.
        case tooLarge(bytes: Int64)
        /// Anything else the system refused (permission denied, ...).
        case unreadable(reason: String)
    }

    /// What the file at `path` is, without reading it: nil when it is a regular file of mode 0600 and not too large.
    package static func check(_ path: String) -> Problem? {
        var info = stat()
        guard stat(path, &info) == 0 else { return missingProblem(path, code: errno) }
        return problem(info)
    }

    /// The file's bytes, after the checks of ``check(_:)``, made again on the descriptor that is then read.
    package static func read(_ path: String) -> Result<Data, Problem> {
        // Checked by path first, so a FIFO or a device is never even opened (see `InputFile.readChecked`).
        let read = InputFile.readChecked(
            path, maxBytes: maximumSize, accept: problem,
            failure: { failure -> Problem in
                switch failure {
                case .notFound(let code), .cannotOpen(let code): missingProblem(path, code: code)
                case .changed: .unreadable(reason: "the file changed while it was being opened")
                case .cannotRead(let code): .unreadable(reason: String(cString: strerror(code)))
                }
            })
        if case .success(let data) = read, data.count > maximumSize {
            return .failure(.tooLarge(bytes: Int64(data.count)))
        }
        return read
    }

    /// The problem with a file of this `stat`, if any.
    private static func problem(_ info: stat) -> Problem? {
        let type = info.st_mode & mode_t(S_IFMT)
        switch type {
        case mode_t(S_IFREG): break
        case mode_t(S_IFDIR): return .directory
        case mode_t(S_IFCHR): return .notRegular(kind: "a character device")
        case mode_t(S_IFBLK): return .notRegular(kind: "a block device")
        case mode_t(S_IFIFO): return .notRegular(kind: "a FIFO (named pipe)")
        case mode_t(S_IFSOCK): return .notRegular(kind: "a socket")
        default: return .notRegular(kind: "a special file")
        }
        let permissions = info.st_mode & 0o7777
        guard permissions == 0o600 else {
            let octal = String(permissions, radix: 8)
            return .insecureMode(mode: String(repeating: "0", count: max(0, 4 - octal.count)) + octal)
        }
        guard info.st_size <= maximumSize else { return .tooLarge(bytes: Int64(info.st_size)) }
        return nil
    }

    /// Why `stat` failed with `code`: a missing file, a dangling link, a loop, or another refusal.
    private static func missingProblem(_ path: String, code: Int32) -> Problem {
        switch code {
        case ENOENT, ENOTDIR:
            var info = stat()
            if lstat(path, &info) == 0, info.st_mode & mode_t(S_IFMT) == mode_t(S_IFLNK) {
                let target = (try? FileManager.default.destinationOfSymbolicLink(atPath: path)) ?? "?"
                return .danglingLink(target: target)
            }
            return .missing
        case ELOOP: return .linkLoop
        default: return .unreadable(reason: String(cString: strerror(code)))
        }
    }

    /// Whether anything (a file, a folder, even a link that points nowhere) is at `path`.
    package static func somethingExists(at path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0
    }

    /// The sentence that says what is wrong with `path` and what to do; `what` names the file, e.g. `the key file`.
    package static func advice(for problem: Problem, what: String, path: String, expected: String) -> String {
        switch problem {
        case .missing:
            return "\(what) \(path) does not exist; give the path of \(expected)"
        case .danglingLink(let target):
            let shown = target.hasPrefix("/") ? target : "\(target) (relative to its folder)"
            return "\(what) \(path) is a symbolic link that points to \(shown), which does not exist: "
                + "fix the link, or give the path of \(expected) itself"
        case .linkLoop:
            return "\(what) \(path) is a loop of symbolic links that never reaches a file: "
                + "fix the links, or give the path of \(expected) itself"
        case .directory:
            return "\(what) \(path) is a directory, not a file: give the path of \(expected) inside it"
        case .notRegular(let kind):
            return "\(what) \(path) is not a regular file (it is \(kind)); nothing was read from it: "
                + "give the path of \(expected), a plain file of mode 0600"
        case .insecureMode(let mode):
            return "\(what) \(path) has mode \(mode); it must be readable by you alone. To fix run: chmod 600 \(path)"
        case .tooLarge(let bytes):
            return "\(what) \(path) is \(bytes) bytes, far larger than \(expected) can be (at most "
                + "\(maximumSize) bytes): is it the right file?"
        case .unreadable(let reason):
            return "cannot read \(what) \(path): \(reason)"
        }
    }
}
