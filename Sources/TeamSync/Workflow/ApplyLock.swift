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
public final class ApplyLock: Sendable {
    private let fd: Int32

    private init(fd: Int32) { self.fd = fd }

    /// Takes the lock or throws ``ApplyLockError/busy`` at once.
    public static func acquire(cachePath: String) throws -> ApplyLock {
        let path = cachePath + ".apply.lock"
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw ApplyLockError.cannotOpen(path: path, reason: String(cString: strerror(errno))) }
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

    public var description: String {
        switch self {
        case .busy(let cache, let pid):
            return
                "another teamctl apply (pid \(pid)) is running on \(cache); wait for it to finish, then run apply again"
        case .cannotOpen(let path, let reason):
            return "cannot open the apply lock \(path): \(reason)"
        }
    }
}
