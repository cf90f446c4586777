import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A cross-process exclusive lock: `flock` on a sidecar file next to the cache.
///
/// The kernel drops the lock when its holder exits, even by `kill -9`, so a crashed refresh never
/// leaves the cache locked. Each acquisition opens its own descriptor, so two threads of one process
/// exclude each other too. The lock file is never written, and never opened through a symbolic link.
struct WriterLock {
    let path: String

    /// Runs `body` holding the lock; waits up to `timeout` seconds for it, then throws ``CacheError/busy``.
    func withLock<T>(timeout: Double, cachePath: String, _ body: () throws -> T) throws -> T {
        // Not through a symbolic link: the lock file is teamctl's own, and a link could make it create a file
        // anywhere the link points (O_NONBLOCK: a FIFO planted there must not hang the open).
        let fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            let code = errno
            if code == ELOOP || code == EMLINK {
                throw CacheError.cannotOpen(
                    path: path,
                    reason: "it is a symbolic link, and teamctl keeps only a plain file of its own there; "
                        + "move it away, then run again")
            }
            throw CacheError.cannotOpen(path: path, reason: String(cString: strerror(code)))
        }
        defer { close(fd) }
        let deadline = Date().addingTimeInterval(max(0, timeout))
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            guard errno == EWOULDBLOCK || errno == EINTR else {
                throw CacheError.cannotOpen(path: path, reason: "cannot lock: \(String(cString: strerror(errno)))")
            }
            guard Date() < deadline else { throw CacheError.busy(path: cachePath, waited: timeout) }
            usleep(20_000)
        }
        defer { flock(fd, LOCK_UN) }
        return try body()
    }
}
