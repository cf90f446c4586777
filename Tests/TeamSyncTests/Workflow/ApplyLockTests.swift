import Foundation
import Testing

@testable import TeamSync

#if canImport(Glibc)
    import Glibc
#endif

/// `<cache>.apply.lock` is teamctl's own small file: whatever else sits at that path (a link to another file, a
/// second name of another file, a folder, a FIFO) is refused with a clear error and left exactly as it was.
struct ApplyLockTests {
    static func folder() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("teamctl-lock-\(UUID().uuidString)")
            .path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test func aLockFileThatIsASymbolicLinkIsRefusedAndItsTargetKept() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let precious = folder + "/precious.txt"
        let content = "the only copy of something that matters\n"
        try content.write(toFile: precious, atomically: false, encoding: .utf8)
        let cache = folder + "/cache.sqlite"
        try FileManager.default.createSymbolicLink(atPath: cache + ".apply.lock", withDestinationPath: precious)

        let error = try #require(throws: ApplyLockError.self) { try ApplyLock.acquire(cachePath: cache) }
        #expect(error.description.contains(cache + ".apply.lock"), "\(error)")
        #expect(error.description.contains("symbolic link"), "\(error)")
        #expect(try String(contentsOfFile: precious, encoding: .utf8) == content)
    }

    @Test func aDanglingSymbolicLinkIsRefusedAndNothingIsCreatedAtItsTarget() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let target = folder + "/elsewhere/../planted"
        let cache = folder + "/cache.sqlite"
        try FileManager.default.createDirectory(atPath: folder + "/elsewhere", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: cache + ".apply.lock", withDestinationPath: target)

        #expect(throws: ApplyLockError.self) { try ApplyLock.acquire(cachePath: cache) }
        #expect(!FileManager.default.fileExists(atPath: folder + "/planted"))
    }

    @Test func aLockFileWithASecondNameIsNotTruncated() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let precious = folder + "/notes.txt"
        let content = String(repeating: "line of notes\n", count: 20)
        try content.write(toFile: precious, atomically: false, encoding: .utf8)
        let cache = folder + "/cache.sqlite"
        try #require(link(precious, cache + ".apply.lock") == 0)

        let error = try #require(throws: ApplyLockError.self) { try ApplyLock.acquire(cachePath: cache) }
        #expect(error.description.contains("other name"), "\(error)")
        #expect(try String(contentsOfFile: precious, encoding: .utf8) == content)
    }

    @Test func aFolderOrAFIFOAtTheLockPathIsRefusedWithoutWaiting() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let first = folder + "/one.sqlite"
        try FileManager.default.createDirectory(atPath: first + ".apply.lock", withIntermediateDirectories: true)
        let asFolder = try #require(throws: ApplyLockError.self) { try ApplyLock.acquire(cachePath: first) }
        #expect(asFolder.description.contains("not a regular file"), "\(asFolder)")

        let second = folder + "/two.sqlite"
        try #require(mkfifo(second + ".apply.lock", 0o600) == 0)
        let asFIFO = try #require(throws: ApplyLockError.self) { try ApplyLock.acquire(cachePath: second) }
        #expect(asFIFO.description.contains("not a regular file"), "\(asFIFO)")
    }

    @Test func anOrdinaryLockIsTakenRecordsThePIDAndIsCreatedPrivate() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let cache = folder + "/cache.sqlite"
        // A lock file left by an earlier apply (longer pid) is reused and rewritten.
        try "1234567890\n".write(toFile: cache + ".apply.lock", atomically: false, encoding: .utf8)
        chmod(cache + ".apply.lock", 0o600)
        let lock = try ApplyLock.acquire(cachePath: cache)
        #expect(try String(contentsOfFile: cache + ".apply.lock", encoding: .utf8) == "\(getpid())\n")
        #expect(throws: ApplyLockError.self) { try ApplyLock.acquire(cachePath: cache) }
        lock.release()

        let fresh = folder + "/fresh.sqlite"
        let mask = umask(0)
        defer { umask(mask) }
        let second = try ApplyLock.acquire(cachePath: fresh)
        defer { second.release() }
        let mode = try #require(
            try FileManager.default.attributesOfItem(atPath: fresh + ".apply.lock")[.posixPermissions] as? NSNumber)
        #expect(mode.intValue == 0o600)
    }

    /// The cache's writer lock (`<cache>.lock`) is not opened through a link either: nothing is created where it
    /// points, and the store says why.
    @Test func theCachesWriterLockIsNotOpenedThroughASymbolicLink() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let cache = folder + "/cache.sqlite"
        let opened = try AccountCache(path: cache)
        try? FileManager.default.removeItem(atPath: cache + ".lock")  // the one opening left
        try FileManager.default.createSymbolicLink(atPath: cache + ".lock", withDestinationPath: folder + "/planted")
        let error = try #require(throws: CacheError.self) { try opened.store(AccountCacheTests().sample()) }
        #expect(error.description.contains("symbolic link"), "\(error)")
        #expect(!FileManager.default.fileExists(atPath: folder + "/planted"))
    }
}
