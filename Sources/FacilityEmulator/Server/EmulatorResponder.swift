import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// The request context: Hummingbird's core storage plus the connection, which the drop fault closes.
struct EmulatorRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    let channel: any Channel

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
    }

    /// Whether the peer is on this machine (127.0.0.0/8 or ::1, also IPv4-mapped).
    var isFromLoopback: Bool {
        guard let ip = channel.remoteAddress?.ipAddress else { return false }
        return ip.hasPrefix("127.") || ip == "::1" || ip.hasPrefix("::ffff:127.")
    }
}

/// Translates HTTP to and from the emulator core. Every path goes through the core; there is no router.
struct EmulatorResponder: HTTPResponder {
    let core: EmulatorCore
    /// Largest request body accepted, in bytes.
    static let maxBodySize = 1 << 20

    /// Thrown after closing the connection for the drop fault, so no answer is written.
    struct ConnectionDropped: Error {}

    func respond(to request: Request, context: EmulatorRequestContext) async throws -> Response {
        var request = request
        let body: ByteBuffer
        do {
            body = try await request.collectBody(upTo: Self.maxBodySize)
        } catch {
            return Self.response(.error(413, "Request body larger than \(Self.maxBodySize) bytes"))
        }
        let incoming = IncomingRequest(
            method: request.method.rawValue,
            path: request.uri.path,
            query: request.uri.query.map { FormBody(Data($0.utf8)).allFields } ?? [:],
            authorization: request.headers[.authorization],
            host: request.head.authority,
            body: Data(buffer: body),
            fromLoopback: context.isFromLoopback)
        switch await core.handle(incoming) {
        case .reply(let reply):
            return Self.response(reply)
        case .drop(let reply):
            return Self.cutOffResponse(reply)
        }
    }

    /// The drop fault's answer: the head goes out, then the connection closes before any byte of the body.
    ///
    /// Closing before the head would be the purer "no answer", but libcurl (behind URLSession on Linux)
    /// silently re-sends a request whose reused connection closed with no byte received, and
    /// swift-corelibs-foundation then stalls rewinding the body until the request times out. With the
    /// head sent, every client sees the loss at once as a broken transfer: the ambiguous case, with no
    /// usable answer, that clients must survive.
    static func cutOffResponse(_ reply: EmulatorReply) -> Response {
        var response = response(reply)
        response.body = ResponseBody(contentLength: reply.body.count) { _ in throw ConnectionDropped() }
        return response
    }

    static func response(_ reply: EmulatorReply) -> Response {
        var headers: HTTPFields = [.contentType: "application/json"]
        for (name, value) in reply.headers {
            if let field = HTTPField.Name(name) { headers[field] = value }
        }
        return Response(
            status: .init(code: reply.status), headers: headers,
            body: .init(byteBuffer: ByteBuffer(bytes: reply.body)))
    }
}
