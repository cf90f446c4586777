import Foundation
import TeamSync

/// A fake transport for one layer's unit tests: answers from a script, in order, and records requests.
final class ScriptedTransport: HTTPTransport, @unchecked Sendable {
    enum Step {
        case respond(Int, String, [String: String] = [:])
        case fail(TransportError)
    }

    private let lock = NSLock()
    private var steps: [Step]
    private var fallback: Step?
    private(set) var requests: [HTTPRequest] = []

    init(_ steps: [Step], otherwise fallback: Step? = nil) {
        self.steps = steps
        self.fallback = fallback
    }

    var sent: [HTTPRequest] { lock.withLock { requests } }

    func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        let step: Step? = lock.withLock {
            requests.append(request)
            return steps.isEmpty ? fallback : steps.removeFirst()
        }
        switch step {
        case .respond(let status, let body, let headers)?:
            return HTTPResponse(status: status, headers: headers, body: Data(body.utf8))
        case .fail(let error)?: throw error
        case nil: return HTTPResponse(status: 500, body: Data(#"{"detail":"script exhausted"}"#.utf8))
        }
    }
}

/// Records sleeps instead of sleeping, and advances a fake clock by them.
final class FakeTime: @unchecked Sendable {
    private let lock = NSLock()
    private var elapsed: Double = 0
    private var slept: [Double] = []

    var sleeps: [Double] { lock.withLock { slept } }
    var now: Double { lock.withLock { elapsed } }

    func sleep(_ seconds: Double) {
        lock.withLock {
            slept.append(seconds)
            elapsed += seconds
        }
    }
}
