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
/// exclude each other too.
struct WriterLock {
    let path: String

    /// Runs `body` holding the lock; waits up to `timeout` seconds for it, then throws ``CacheError/busy``.
    func withLock<T>(timeout: Double, cachePath: String, _ body: () throws -> T) throws -> T {
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw CacheError.cannotOpen(path: path, reason: String(cString: strerror(errno)))
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
