import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// One apply at a time per cache: an exclusive `flock` on `<cache>.apply.lock`, taken without waiting.
///
/// The kernel drops the lock when the holder exits, even by `kill -9`, so a crashed apply never blocks
/// the next one. The lock file records the holder's pid for the error message.
///
/// The lock file is teamctl's own: it is opened without following a symbolic link, and anything at its path that is
/// not a plain file with one name (a link to another file, a second name of one, a folder, a FIFO) is refused and
/// left as it was, never truncated or written.
public final class ApplyLock: Sendable {
    private let fd: Int32

    private init(fd: Int32) { self.fd = fd }

    /// Takes the lock or throws ``ApplyLockError/busy`` at once; throws the cache's ``CacheError`` first when the
    /// cache may not be written (read-only, or a newer teamctl's), since an apply journals into it.
    public static func acquire(cachePath: String) throws -> ApplyLock {
        if let refusal = AccountCache.writeRefusal(path: cachePath) { throw refusal }
        let path = cachePath + ".apply.lock"
        // O_NONBLOCK: opening a FIFO planted there must not wait for a writer.
        let fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            let code = errno
            if code == ELOOP || code == EMLINK {
                let target = (try? FileManager.default.destinationOfSymbolicLink(atPath: path)) ?? "?"
                throw ApplyLockError.notOurs(path: path, what: "a symbolic link (to \(target))")
            }
            if code == EISDIR { throw ApplyLockError.notOurs(path: path, what: "not a regular file but a folder") }
            throw ApplyLockError.cannotOpen(path: path, reason: String(cString: strerror(code)))
        }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw ApplyLockError.cannotOpen(path: path, reason: reason)
        }
        guard info.st_mode & mode_t(S_IFMT) == mode_t(S_IFREG) else {
            close(fd)
            throw ApplyLockError.notOurs(path: path, what: "not a regular file but \(Self.kind(info.st_mode))")
        }
        guard info.st_nlink == 1 else {
            close(fd)
            throw ApplyLockError.notOurs(
                path: path,
                what: "one of \(info.st_nlink) names of the same file (a hard link): the other name's "
                    + "content would be overwritten")
        }
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            var buffer = [UInt8](repeating: 0, count: 32)
            let count = pread(fd, &buffer, 31, 0)
            close(fd)
            let holder =
                count > 0
                ? String(decoding: buffer[0..<count], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
                : "?"
            throw ApplyLockError.busy(cachePath: cachePath, holderPID: holder)
        }
        let pid = Data("\(getpid())\n".utf8)
        _ = ftruncate(fd, 0)
        _ = pid.withUnsafeBytes { pwrite(fd, $0.baseAddress, pid.count, 0) }
        return ApplyLock(fd: fd)
    }

    /// What a file of this mode is, for the refusal.
    private static func kind(_ mode: mode_t) -> String {
        switch mode & mode_t(S_IFMT) {
        case mode_t(S_IFDIR): return "a folder"
        case mode_t(S_IFIFO): return "a FIFO"
        case mode_t(S_IFSOCK): return "a socket"
        case mode_t(S_IFCHR): return "a character device"
        case mode_t(S_IFBLK): return "a block device"
        default: return "a special file"
        }
    }

    /// Releases the lock (closing the descriptor drops it).
    public func release() {
        flock(fd, LOCK_UN)
        close(fd)
    }
}

/// Why the apply lock could not be taken.
public enum ApplyLockError: Error, Sendable, Hashable, CustomStringConvertible {
    case busy(cachePath: String, holderPID: String)
    case cannotOpen(path: String, reason: String)
    /// Something other than teamctl's own lock file is at the path; it is left untouched.
    case notOurs(path: String, what: String)

    public var description: String {
        switch self {
        case .busy(let cache, let pid):
            return
                "another teamctl apply (pid \(pid)) is running on \(cache); wait for it to finish, then run apply again"
        case .cannotOpen(let path, let reason):
            return "cannot open the apply lock \(path): \(reason)"
        case .notOurs(let path, let what):
            return "refusing the apply lock \(path): it is \(what), and teamctl keeps only a plain file of its own "
                + "there; nothing was changed or sent. Move it away (mv \(path) SOMEWHERE), then run apply again"
        }
    }
}
