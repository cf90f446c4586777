import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A small HTTP/1.1 server on a loopback address that answers as a hostile or broken facility would: redirects
/// anywhere, silence, one byte every few seconds, endless chunked bodies, huge bodies, answers that echo the
/// request's headers. It records every connection and request it sees, so a test can prove that nothing (no
/// request, not even a connection) reached it.
///
/// Plain POSIX sockets and one thread per connection: no Dispatch, so a test that blocks the global queue cannot
/// stall it, and nothing in it shares code with the client under test.
public final class HostileHTTPServer: @unchecked Sendable {
    /// One request as it arrived.
    public struct Request: Sendable {
        public var method: String
        /// The request target: path and query, e.g. `/api/v1.2/account/?username=x`.
        public var target: String
        /// Header fields in arrival order, names as sent.
        public var headers: [(name: String, value: String)]
        public var body: Data

        /// The first value of a header field, by case-insensitive name.
        public func header(_ name: String) -> String? {
            headers.first { $0.name.lowercased() == name.lowercased() }?.value
        }

        /// The request line and every header, as one text (what an echoing server would send back).
        public var headText: String {
            "\(method) \(target) HTTP/1.1\r\n" + headers.map { "\($0.name): \($0.value)\r\n" }.joined()
        }
    }

    /// How to answer one request.
    public enum Reply: Sendable {
        /// A complete answer; `Content-Length` is added unless `headers` set it (or `Transfer-Encoding`).
        case answer(status: Int, headers: [(String, String)] = [], body: Data = Data())
        /// Read the request, send nothing, keep the connection open until the server stops.
        case silence
        /// Send the status line and headers, then the body one byte every `interval` seconds.
        case drip(status: Int, headers: [(String, String)] = [], body: Data, interval: Double)
        /// A chunked answer that never ends: `chunk` again and again until the client goes away, `pause` seconds
        /// between chunks (0: as fast as loopback goes, which keeps FoundationNetworking's queue too busy to cancel).
        case endlessChunked(status: Int, headers: [(String, String)] = [], chunk: Data, pause: Double = 0.001)
        /// A body of `count` bytes of `byte`, streamed in 64 KiB pieces `pause` seconds apart, with a true
        /// `Content-Length` unless `announce` is false (then chunked).
        case large(
            status: Int, headers: [(String, String)] = [], count: Int, byte: UInt8, announce: Bool,
            pause: Double = 0.0005)
        /// Send these bytes as they are (a whole answer from elsewhere, see ``forward(_:to:)``), then close.
        case raw(Data)
        /// Close the connection without answering.
        case close
    }

    /// The address it listens on, e.g. `127.0.0.2`.
    public let host: String
    /// The port it listens on.
    public let port: Int
    /// `http://HOST:PORT`.
    public var baseURL: String { "http://\(host):\(port)" }

    private let handler: @Sendable (Request) -> Reply
    private let listener: Int32
    private let lock = NSLock()
    private var received: [Request] = []
    private var accepted = 0
    private var sent = 0
    private var open: Set<Int32> = []
    private var stopped = false

    /// Starts listening on `host` (a loopback address) and `port` (0: any free port).
    public init(host: String = "127.0.0.1", port: Int = 0, handler: @escaping @Sendable (Request) -> Reply) throws {
        self.host = host
        self.handler = handler
        #if canImport(Glibc)
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
            let fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { throw ServerError("socket: \(String(cString: strerror(errno)))") }
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        guard inet_pton(AF_INET, host, &address.sin_addr) == 1, host.hasPrefix("127.") else {
            close(fd)
            throw ServerError("\(host) is not a loopback IPv4 address")
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0, listen(fd, 64) == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw ServerError("cannot listen on \(host):\(port): \(reason)")
        }
        var actual = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &actual) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        self.port = Int(UInt16(bigEndian: actual.sin_port))
        self.listener = fd
        let thread = Thread { [self] in acceptLoop() }
        thread.start()
    }

    deinit { stop() }

    /// Every request received so far.
    public var requests: [Request] { lock.withLock { received } }
    /// How many connections were accepted (a connection that never sent a request counts too).
    public var connections: Int { lock.withLock { accepted } }
    /// How many body bytes it has sent in all.
    public var bodyBytesSent: Int { lock.withLock { sent } }

    /// Stops listening and closes every open connection.
    public func stop() {
        // Under the lock: a connection's descriptor leaves `open` before it is closed, so none shut down here can
        // have been closed and reused by another socket meanwhile.
        let first: Bool = lock.withLock {
            guard !stopped else { return false }
            stopped = true
            #if canImport(Glibc)
                for fd in open { shutdown(fd, Int32(SHUT_RDWR)) }
                shutdown(listener, Int32(SHUT_RDWR))
            #else
                for fd in open { shutdown(fd, SHUT_RDWR) }
                shutdown(listener, SHUT_RDWR)
            #endif
            return true
        }
        // Once only: a second close would close whatever socket has the descriptor's number by then.
        if first { close(listener) }
    }

    private var isStopped: Bool { lock.withLock { stopped } }

    private func acceptLoop() {
        while !isStopped {
            let fd = accept(listener, nil, nil)
            guard fd >= 0 else {
                if errno == EINTR { continue }
                return
            }
            let admitted: Bool = lock.withLock {
                guard !stopped else { return false }
                accepted += 1
                open.insert(fd)
                return true
            }
            guard admitted else {
                close(fd)
                return
            }
            let thread = Thread { [self] in serve(fd) }
            thread.start()
        }
    }

    private func serve(_ fd: Int32) {
        defer {
            lock.withLock { _ = open.remove(fd) }
            close(fd)
        }
        var buffer = Data()
        while !isStopped {
            guard let request = readRequest(fd, &buffer) else { return }
            lock.withLock { received.append(request) }
            guard answer(handler(request), on: fd) else { return }
        }
    }

    /// Reads one request (head and `Content-Length` body); nil when the client closed or sent garbage.
    private func readRequest(_ fd: Int32, _ buffer: inout Data) -> Request? {
        let separator = Data("\r\n\r\n".utf8)
        while buffer.range(of: separator) == nil {
            guard buffer.count < 1 << 20, let more = readSome(fd) else { return nil }
            buffer.append(more)
        }
        guard let end = buffer.range(of: separator) else { return nil }
        let head = String(decoding: buffer[buffer.startIndex..<end.lowerBound], as: UTF8.self)
        buffer = Data(buffer[end.upperBound...])
        var lines = head.components(separatedBy: "\r\n")
        let requestLine = lines.removeFirst().split(separator: " ")
        guard requestLine.count >= 2 else { return nil }
        let headers: [(name: String, value: String)] = lines.compactMap { line in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (
                String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            )
        }
        let length = headers.first { $0.name.lowercased() == "content-length" }.flatMap { Int($0.value) } ?? 0
        while buffer.count < length {
            guard let more = readSome(fd) else { return nil }
            buffer.append(more)
        }
        let body = Data(buffer.prefix(length))
        buffer = Data(buffer.dropFirst(length))
        return Request(
            method: String(requestLine[0]), target: String(requestLine[1]), headers: headers, body: body)
    }

    private func readSome(_ fd: Int32) -> Data? {
        var bytes = [UInt8](repeating: 0, count: 65536)
        let count = read(fd, &bytes, bytes.count)
        guard count > 0 else { return nil }
        return Data(bytes[0..<count])
    }

    /// Sends a reply; false when the connection should close.
    private func answer(_ reply: Reply, on fd: Int32) -> Bool {
        switch reply {
        case .answer(let status, let headers, let body):
            var all = headers
            let names = Set(headers.map { $0.0.lowercased() })
            if !names.contains("content-length") && !names.contains("transfer-encoding") {
                all.append(("Content-Length", String(body.count)))
            }
            guard write(fd, Self.head(status, all)), write(fd, body, counted: true) else { return false }
            return true
        case .silence:
            while !isStopped, readSome(fd) != nil {}
            return false
        case .drip(let status, let headers, let body, let interval):
            guard write(fd, Self.head(status, headers + [("Content-Length", String(body.count))])) else { return false }
            for byte in body {
                if isStopped { return false }
                Thread.sleep(forTimeInterval: interval)
                guard write(fd, Data([byte]), counted: true) else { return false }
            }
            return true
        case .endlessChunked(let status, let headers, let chunk, let pause):
            guard write(fd, Self.head(status, headers + [("Transfer-Encoding", "chunked")])) else { return false }
            let framed = Data(String(chunk.count, radix: 16).utf8) + Data("\r\n".utf8) + chunk + Data("\r\n".utf8)
            while !isStopped {
                guard write(fd, framed, counted: true) else { return false }
                if pause > 0 { Thread.sleep(forTimeInterval: pause) }
            }
            return false
        case .large(let status, let headers, let count, let byte, let announce, let pause):
            let framing = announce ? ("Content-Length", String(count)) : ("Transfer-Encoding", "chunked")
            guard write(fd, Self.head(status, headers + [framing])) else { return false }
            let piece = Data(repeating: byte, count: 65536)
            var left = count
            while left > 0 {
                if isStopped { return false }
                let part = piece.prefix(left)
                let framed =
                    announce
                    ? part : Data(String(part.count, radix: 16).utf8) + Data("\r\n".utf8) + part + Data("\r\n".utf8)
                guard write(fd, framed, counted: true) else { return false }
                left -= part.count
                if pause > 0 { Thread.sleep(forTimeInterval: pause) }
            }
            if !announce { guard write(fd, Data("0\r\n\r\n".utf8)) else { return false } }
            return true
        case .raw(let bytes):
            _ = write(fd, bytes, counted: true)
            return false
        case .close:
            return false
        }
    }

    /// Sends `request` to `127.0.0.1:port` (an upstream server, e.g. the emulator) and returns its whole answer, as
    /// bytes for ``Reply/raw(_:)``: a proxy that lets a test pass most requests through and tamper with some.
    public static func forward(_ request: Request, to port: Int) -> Data {
        #if canImport(Glibc)
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
            let fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { return Data("HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n".utf8) }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        _ = inet_pton(AF_INET, "127.0.0.1", &address.sin_addr)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else { return Data("HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n".utf8) }
        var head = "\(request.method) \(request.target) HTTP/1.1\r\n"
        for (name, value) in request.headers
        where !["connection", "keep-alive", "content-length", "host"].contains(name.lowercased()) {
            head += "\(name): \(value)\r\n"
        }
        head += "Host: 127.0.0.1:\(port)\r\nConnection: close\r\nContent-Length: \(request.body.count)\r\n\r\n"
        let outgoing = Data(head.utf8) + request.body
        _ = outgoing.withUnsafeBytes { raw in
            #if canImport(Glibc)
                send(fd, raw.baseAddress!, raw.count, Int32(MSG_NOSIGNAL))
            #else
                send(fd, raw.baseAddress!, raw.count, 0)
            #endif
        }
        var answer = Data()
        var bytes = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = read(fd, &bytes, bytes.count)
            guard count > 0 else { break }
            answer.append(contentsOf: bytes[0..<count])
        }
        return answer
    }

    private static func head(_ status: Int, _ headers: [(String, String)]) -> Data {
        var text = "HTTP/1.1 \(status) \(reason(status))\r\n"
        for (name, value) in headers { text += "\(name): \(value)\r\n" }
        return Data((text + "\r\n").utf8)
    }

    private static func reason(_ status: Int) -> String {
        switch status {
        case 200: return "OK"
        case 301: return "Moved Permanently"
        case 302: return "Found"
        case 303: return "See Other"
        case 307: return "Temporary Redirect"
        case 308: return "Permanent Redirect"
        case 400: return "Bad Request"
        case 401: return "Unauthorized"
        case 403: return "Forbidden"
        case 404: return "Not Found"
        case 500: return "Internal Server Error"
        default: return "Status"
        }
    }

    private func write(_ fd: Int32, _ data: Data, counted: Bool = false) -> Bool {
        let ok = data.withUnsafeBytes { raw -> Bool in
            var offset = 0
            while offset < raw.count {
                #if canImport(Glibc)
                    let written = send(fd, raw.baseAddress! + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
                #else
                    let written = send(fd, raw.baseAddress! + offset, raw.count - offset, 0)
                #endif
                if written < 0 && errno == EINTR { continue }
                guard written > 0 else { return false }
                offset += written
            }
            return true
        }
        if ok && counted { lock.withLock { sent += data.count } }
        return ok
    }

    /// Why the server could not start.
    public struct ServerError: Error, CustomStringConvertible {
        public var description: String
        init(_ description: String) { self.description = description }
    }
}
