import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads a file a command takes as input (a manifest, a team, a people file, a roster list) safely: only a regular
/// file, bounded in size, and never blocking.
///
/// A FIFO, a device such as `/dev/zero`, a directory or a socket is refused from `stat` alone, before it is
/// opened; the file is then opened with `O_NONBLOCK` (so a FIFO swapped in meanwhile cannot hang the open) and
/// checked again with `fstat`, so what is read is the regular file that was checked. A dangling or looping
/// symbolic link is named as one.
public enum InputFile {
    /// Why a file was not read, in words for a diagnostic.
    public struct Refusal: Error, Sendable, Hashable, CustomStringConvertible {
        /// What is wrong, e.g. `the file is a FIFO (named pipe), not a regular file`.
        public var message: String
        /// What to do about it.
        public var hint: String?

        /// `MESSAGE (HINT)`.
        public var description: String { hint.map { "\(message); \($0)" } ?? message }
    }

    /// What kind of thing a path names, after following links.
    enum Kind: Equatable {
        case regular, directory, fifo, characterDevice, blockDevice, socket, other

        init(mode: mode_t) {
            switch mode & S_IFMT {
            case S_IFREG: self = .regular
            case S_IFDIR: self = .directory
            case S_IFIFO: self = .fifo
            case S_IFCHR: self = .characterDevice
            case S_IFBLK: self = .blockDevice
            case S_IFSOCK: self = .socket
            default: self = .other
            }
        }

        var words: String {
            switch self {
            case .regular: "a regular file"
            case .directory: "a directory"
            case .fifo: "a FIFO (named pipe)"
            case .characterDevice: "a character device"
            case .blockDevice: "a block device"
            case .socket: "a socket"
            case .other: "not a regular file"
            }
        }
    }

    /// The whole file, or why not. A file larger than `maxBytes` is refused (from its size, and again while
    /// reading, for files whose size lies).
    ///
    /// - Parameters:
    ///   - what: how the refusal names the file's role, e.g. `a manifest`, for the size message.
    ///   - sizeHint: what to do about a file too large, when there is better advice than checking the path.
    public static func read(
        _ path: String, maxBytes: Int, what: String = "an input file", sizeHint: String? = nil
    ) -> Result<Data, Refusal> {
        read(path, maxBytes: maxBytes, what: what, sizeHint: sizeHint, prefixOnly: false)
    }

    /// At most the first `maxBytes` bytes of a regular file; nil for anything that is not one, or cannot be read.
    public static func head(_ path: String, maxBytes: Int) -> Data? {
        try? read(path, maxBytes: maxBytes, what: "", sizeHint: nil, prefixOnly: true).get()
    }

    /// Whether `path` names something (a file, a directory, or a link, even a dangling one).
    static func exists(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0
    }

    /// What `path` names after following links; nil when that cannot be found (missing, dangling, a loop).
    static func kind(of path: String) -> Kind? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return Kind(mode: info.st_mode)
    }

    private static func read(
        _ path: String, maxBytes: Int, what: String, sizeHint: String?, prefixOnly: Bool
    ) -> Result<Data, Refusal> {
        func refuse(_ message: String, _ hint: String? = nil) -> Refusal { Refusal(message: message, hint: hint) }
        let tooBig = refuse(
            "the file is larger than \(maxBytes) bytes, the most \(what) may be",
            sizeHint ?? "check that this is the file you meant")
        let read = readChecked(
            path, maxBytes: maxBytes,
            accept: { info -> Refusal? in
                let kind = Kind(mode: info.st_mode)
                guard kind == .regular else {
                    return refuse(
                        "the file is \(kind.words), not a regular file; teamctl reads only regular files",
                        kind == .directory
                            ? "name a file, not a folder" : "save the content to a regular file and name that instead")
                }
                return !prefixOnly && info.st_size > maxBytes ? tooBig : nil
            },
            failure: { failure -> Refusal in
                switch failure {
                case .notFound(let code): notFound(path, errno: code)
                case .cannotOpen(let code):
                    refuse(
                        "cannot open the file for reading (\(String(cString: strerror(code))))",
                        "check that it exists and that you may read it")
                case .changed: refuse("the file changed while it was being opened", "run the command again")
                case .cannotRead(let code): refuse("cannot read the file (\(String(cString: strerror(code))))")
                }
            })
        guard case .success(let data) = read else { return read }
        if data.count > maxBytes {
            if prefixOnly { return .success(data.prefix(maxBytes)) }
            return .failure(tooBig)
        }
        return .success(data)
    }

    /// Why ``readChecked(_:maxBytes:accept:failure:)`` read nothing, below the words each caller gives it.
    enum ReadFailure {
        /// `stat` of the path failed with this `errno` (missing, a dangling link, a loop, no permission).
        case notFound(errno: Int32)
        /// `open` failed with this `errno`.
        case cannotOpen(errno: Int32)
        /// What was opened is not what was checked (another file, or no longer acceptable).
        case changed
        /// `read` failed with this `errno`.
        case cannotRead(errno: Int32)
    }

    /// The one way teamctl reads a file it did not make: `accept` judges the path's `stat` before anything is opened
    /// (so a FIFO or a device is never opened), the file is opened with `O_NONBLOCK` and must be the same file,
    /// still accepted, by `fstat`, and at most `maxBytes + 1` bytes are read (more than `maxBytes` means the file
    /// outgrew its bound while it was read; the caller says what that means).
    static func readChecked<Failure: Error>(
        _ path: String, maxBytes: Int, accept: (stat) -> Failure?, failure: (ReadFailure) -> Failure
    ) -> Result<Data, Failure> {
        var checked = stat()
        guard stat(path, &checked) == 0 else { return .failure(failure(.notFound(errno: errno))) }
        if let refused = accept(checked) { return .failure(refused) }
        let descriptor = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY)
        guard descriptor >= 0 else { return .failure(failure(.cannotOpen(errno: errno))) }
        defer { close(descriptor) }
        var opened = stat()
        guard fstat(descriptor, &opened) == 0, opened.st_dev == checked.st_dev, opened.st_ino == checked.st_ino
        else { return .failure(failure(.changed)) }
        if let refused = accept(opened) { return .failure(refused) }
        var data = Data()
        let chunk = 64 * 1024
        var buffer = [UInt8](repeating: 0, count: chunk)
        while data.count <= maxBytes {
            let wanted = min(chunk, maxBytes + 1 - data.count)
            let count = buffer.withUnsafeMutableBytes { Foundation.read(descriptor, $0.baseAddress, wanted) }
            if count < 0 {
                if errno == EINTR { continue }
                return .failure(failure(.cannotRead(errno: errno)))
            }
            if count == 0 { break }
            data.append(contentsOf: buffer[0..<count])
        }
        return .success(data)
    }

    /// Why `stat` found nothing: a missing file, a dangling link (naming where it points), or a loop of links.
    private static func notFound(_ path: String, errno code: Int32) -> Refusal {
        var link = stat()
        let isLink = lstat(path, &link) == 0 && (link.st_mode & S_IFMT) == S_IFLNK
        if code == ELOOP {
            return Refusal(
                message: "the file is a symbolic link that loops (it leads back to itself)",
                hint: "point the link at a real file, or remove it")
        }
        if isLink {
            let target = (try? FileManager.default.destinationOfSymbolicLink(atPath: path)) ?? "?"
            return Refusal(
                message:
                    "the file is a symbolic link to '\(target.excerptForMessage(limit: 200))', which does not exist",
                hint: "point the link at a real file, or remove it")
        }
        if code == ENOENT || code == ENOTDIR {
            return Refusal(message: "no such file", hint: "check the path")
        }
        return Refusal(
            message: "cannot read the file (\(String(cString: strerror(code))))",
            hint: "check that it exists and that you may read it")
    }
}
