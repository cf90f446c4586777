import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A TCP relay on 127.0.0.1 in front of an HTTP/1.1 server (slurmrestd) that passes bytes through unchanged and
/// counts the requests going up: it follows the request framing (head, then a `Content-Length` or chunked body), so
/// keep-alive connections and `Expect: 100-continue` are counted right. Each connection gets two threads with
/// blocking I/O and `TCP_NODELAY` on both sockets, so it adds a copy per buffer and no Nagle delay.
final class CountingRelay: @unchecked Sendable {
    /// One request seen: method and request target (path and query).
    struct Request: Sendable, Hashable {
        var method: String
        var target: String
        /// The target without its query.
        var path: String { String(target.split(separator: "?", maxSplits: 1).first ?? "") }
    }

    /// The port it listens on.
    let port: Int
    private let upstreamPort: Int
    private let listener: Int32
    private let lock = NSLock()
    private var seen: [Request] = []
    private var upBytes = 0
    private var downBytes = 0

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Listens on an ephemeral port of 127.0.0.1 and relays each connection to 127.0.0.1:`upstreamPort`.
    init(upstreamPort: Int) throws {
        self.upstreamPort = upstreamPort
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket: \(String(cString: strerror(errno)))") }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = Self.loopback(port: 0)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0, listen(fd, 128) == 0 else {
            close(fd)
            throw Failure(description: "bind/listen: \(String(cString: strerror(errno)))")
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        listener = fd
        port = Int(UInt16(bigEndian: address.sin_port))
        let thread = Thread { [self] in acceptLoop() }
        thread.start()
    }

    /// The requests seen so far and the bytes relayed each way.
    func snapshot() -> (requests: [Request], up: Int, down: Int) {
        lock.withLock { (seen, upBytes, downBytes) }
    }

    /// Stops accepting connections (open ones finish on their own).
    func stop() {
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }

    private static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return address
    }

    private static func noDelay(_ fd: Int32) {
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
    }

    private func acceptLoop() {
        while true {
            let client = accept(listener, nil, nil)
            if client < 0 {
                if errno == EINTR { continue }
                return
            }
            let server = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = Self.loopback(port: upstreamPort)
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(server, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            guard server >= 0, connected == 0 else {
                close(client)
                if server >= 0 { close(server) }
                continue
            }
            Self.noDelay(client)
            Self.noDelay(server)
            let pending = PendingClose(client: client, server: server)
            Thread { [self] in
                pump(from: client, to: server, upstream: true)
                shutdown(server, Int32(SHUT_WR))
                pending.finishOne()
            }.start()
            Thread { [self] in
                pump(from: server, to: client, upstream: false)
                shutdown(client, Int32(SHUT_WR))
                pending.finishOne()
            }.start()
        }
    }

    /// Closes both sockets once both directions are done.
    private final class PendingClose: @unchecked Sendable {
        private let lock = NSLock()
        private var remaining = 2
        let client: Int32, server: Int32
        init(client: Int32, server: Int32) {
            self.client = client
            self.server = server
        }
        func finishOne() {
            let last = lock.withLock {
                remaining -= 1
                return remaining == 0
            }
            if last {
                close(client)
                close(server)
            }
        }
    }

    private func pump(from source: Int32, to destination: Int32, upstream: Bool) {
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        var parser = RequestParser()
        while true {
            let count = buffer.withUnsafeMutableBytes { read(source, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { return }
            if upstream {
                let requests = buffer.withUnsafeBufferPointer {
                    parser.feed(UnsafeBufferPointer(rebasing: $0[0..<count]))
                }
                lock.withLock {
                    seen.append(contentsOf: requests)
                    upBytes += count
                }
            } else {
                lock.withLock { downBytes += count }
            }
            var sent = 0
            while sent < count {
                let written = buffer.withUnsafeBytes { write(destination, $0.baseAddress! + sent, count - sent) }
                if written < 0 && errno == EINTR { continue }
                guard written > 0 else { return }
                sent += written
            }
        }
    }
}

/// Follows HTTP/1.1 request framing on a byte stream and reports each request line.
struct RequestParser {
    private enum State {
        case head
        case body(Int)
        case chunkSize
        case chunkData(Int)
        case trailer
    }

    private var state = State.head
    private var pending: [UInt8] = []

    mutating func feed(_ bytes: UnsafeBufferPointer<UInt8>) -> [CountingRelay.Request] {
        var found: [CountingRelay.Request] = []
        var input = bytes[...]
        while true {
            switch state {
            case .body(let remaining), .chunkData(let remaining):
                let take = min(remaining, input.count)
                input = input.dropFirst(take)
                let left = remaining - take
                if left > 0 {
                    if case .body = state { state = .body(left) } else { state = .chunkData(left) }
                    return found
                }
                if case .body = state { state = .head } else { state = .chunkSize }
            case .head, .chunkSize, .trailer:
                pending.append(contentsOf: input)
                input = input.dropFirst(input.count)
                let terminator: [UInt8] = {
                    if case .head = state { return [13, 10, 13, 10] }
                    return [13, 10]
                }()
                guard let end = Self.find(terminator, in: pending) else { return found }
                let text = String(decoding: pending[..<end], as: UTF8.self)
                let rest = Array(pending[(end + terminator.count)...])
                pending = []
                switch state {
                case .head:
                    let lines = text.split(separator: "\r\n", omittingEmptySubsequences: false)
                    let parts = (lines.first ?? "").split(separator: " ")
                    if parts.count >= 2 { found.append(.init(method: String(parts[0]), target: String(parts[1]))) }
                    var length = 0
                    var chunked = false
                    for line in lines.dropFirst() {
                        let pair = line.split(separator: ":", maxSplits: 1)
                        guard pair.count == 2 else { continue }
                        let name = pair[0].trimmingCharacters(in: .whitespaces).lowercased()
                        let value = pair[1].trimmingCharacters(in: .whitespaces).lowercased()
                        if name == "content-length" { length = Int(value) ?? 0 }
                        if name == "transfer-encoding" && value.contains("chunked") { chunked = true }
                    }
                    state = chunked ? .chunkSize : (length > 0 ? .body(length) : .head)
                case .chunkSize:
                    let size = Int(text.split(separator: ";").first.map(String.init) ?? "0", radix: 16) ?? 0
                    state = size == 0 ? .trailer : .chunkData(size + 2)
                case .trailer:
                    // The empty line ends the trailer; a trailer field line is skipped.
                    state = text.isEmpty ? .head : .trailer
                default: break
                }
                // What followed the terminator is parsed in the new state.
                if !rest.isEmpty {
                    let more = rest.withUnsafeBufferPointer { feedCopy($0) }
                    found.append(contentsOf: more)
                }
                if input.isEmpty { return found }
            }
        }
    }

    private mutating func feedCopy(_ bytes: UnsafeBufferPointer<UInt8>) -> [CountingRelay.Request] {
        feed(bytes)
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        var index = 0
        while index + needle.count <= haystack.count {
            if haystack[index] == needle[0] && Array(haystack[index..<(index + needle.count)]) == needle {
                return index
            }
            index += 1
        }
        return nil
    }
}
