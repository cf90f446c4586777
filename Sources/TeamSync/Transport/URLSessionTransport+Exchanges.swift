import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The live transport's requests in flight, and the session delegate that watches them: it collects each answer piece
/// by piece (refusing one that grows past the bound), decides every redirect (``RedirectPolicy``), and ends a request
/// at its deadline.
///
/// Every request ends exactly once, in ``finish(_:_:cancel:)``: by its answer, its failure, its deadline, an oversized
/// answer or a refused redirect, whichever comes first; what the session reports about it afterwards is ignored. A
/// request ended early is cancelled from a queue of its own, never from inside a callback, while a lock is held or
/// from a Swift task's cancellation handler (cancelling a FoundationNetworking task waits for the session's queue).
///
/// Answers are held here only: a bound on each (`maxResponseBytes`) and on all in flight together (twice that), so
/// five hostile answers at once cost no more than two.
final class ExchangeTable: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    typealias Outcome = Result<HTTPResponse, any Error>

    /// One request in flight. Its fields are touched under the table's lock.
    private final class Exchange {
        let request: HTTPRequest
        let task: URLSessionTask
        let continuation: CheckedContinuation<Outcome, Never>
        var response: HTTPURLResponse?
        var body = Data()
        var redirects = 0
        var timer: DispatchWorkItem?

        init(request: HTTPRequest, task: URLSessionTask, continuation: CheckedContinuation<Outcome, Never>) {
            self.request = request
            self.task = task
            self.continuation = continuation
        }
    }

    private let limits: TransportLimits
    private let lock = NSLock()
    private var live: [Int: Exchange] = [:]
    /// Bytes held by every answer in flight.
    private var held = 0
    /// Runs deadlines and cancellations, off the session's queues and the cooperative pool.
    private let timers = DispatchQueue(label: "teamctl.transport.deadlines")

    init(limits: TransportLimits) {
        self.limits = limits
    }

    /// Starts `task` for `request` and waits for its outcome, at most `deadline` seconds.
    func run(_ task: URLSessionDataTask, request: HTTPRequest, deadline: Double) async -> Outcome {
        await withCheckedContinuation { continuation in
            let exchange = Exchange(request: request, task: task, continuation: continuation)
            let id = task.taskIdentifier
            let timer = DispatchWorkItem { [weak self] in
                self?.finish(
                    id,
                    .failure(
                        TransportError.deadlineExceeded(
                            method: request.method, url: request.url.redactedForLogs, seconds: deadline)),
                    cancel: true)
            }
            exchange.timer = timer
            lock.withLock { live[id] = exchange }
            timers.asyncAfter(deadline: .now() + deadline, execute: timer)
            task.resume()
        }
    }

    /// Ends a request with `outcome`, once; later calls for it do nothing.
    private func finish(_ id: Int, _ outcome: Outcome, cancel: Bool) {
        let removed: Exchange? = lock.withLock {
            guard let exchange = live.removeValue(forKey: id) else { return nil }
            held -= exchange.body.count
            return exchange
        }
        guard let exchange = removed else { return }
        exchange.timer?.cancel()
        exchange.continuation.resume(returning: outcome)
        // Not on this thread: cancelling waits for the session's queue, and a delegate queue blocked meanwhile lets
        // the pieces of every answer in flight pile up unread (measured: twice the memory).
        if cancel {
            let task = exchange.task
            timers.async { task.cancel() }
        }
    }

    private func tooLarge(_ exchange: Exchange, together: Bool = false) -> Outcome {
        .failure(
            TransportError.answerTooLarge(
                method: exchange.request.method, url: exchange.request.url.redactedForLogs,
                limit: limits.maxResponseBytes, together: together))
    }

    // MARK: URLSessionDataDelegate

    func urlSession(
        _ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
        completionHandler: @escaping @Sendable (URLSession.ResponseDisposition) -> Void
    ) {
        let id = dataTask.taskIdentifier
        let oversized: Exchange? = lock.withLock {
            guard let exchange = live[id] else { return nil }
            exchange.response = response as? HTTPURLResponse
            held -= exchange.body.count
            exchange.body = Data()
            let announced = response.expectedContentLength
            if announced > Int64(limits.maxResponseBytes) { return exchange }
            if announced > 0 { exchange.body.reserveCapacity(Int(announced)) }
            return nil
        }
        if let oversized { finish(id, tooLarge(oversized), cancel: true) }
        completionHandler(.allow)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        let id = dataTask.taskIdentifier
        let oversized: (Exchange, together: Bool)? = lock.withLock {
            guard let exchange = live[id] else { return nil }
            guard exchange.body.count + data.count <= limits.maxResponseBytes else { return (exchange, false) }
            guard held + data.count <= 2 * limits.maxResponseBytes else { return (exchange, true) }
            exchange.body.append(data)
            held += data.count
            return nil
        }
        if let (exchange, together) = oversized { finish(id, tooLarge(exchange, together: together), cancel: true) }
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: (any Error)?) {
        let id = task.taskIdentifier
        guard let exchange = lock.withLock({ live[id] }) else { return }
        if let error {
            finish(id, .failure(error), cancel: false)
            return
        }
        let (response, body) = lock.withLock { (exchange.response, exchange.body) }
        guard let response else {
            finish(
                id,
                .failure(
                    TransportError.connectionFailed(
                        method: exchange.request.method, url: exchange.request.url.redactedForLogs,
                        reason: "not an HTTP response")),
                cancel: false)
            return
        }
        finish(id, .success(Self.response(response, body: body)), cancel: false)
    }

    func urlSession(
        _ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
        newRequest request: URLRequest, completionHandler: @escaping @Sendable (URLRequest?) -> Void
    ) {
        let id = task.taskIdentifier
        let decision: (Exchange, RedirectPolicy.Decision)? = lock.withLock {
            guard let exchange = live[id] else { return nil }
            let decision = RedirectPolicy.decide(
                method: exchange.request.method, from: exchange.request.url, to: request.url,
                followed: exchange.redirects, limit: limits.maxRedirects)
            if decision == .follow { exchange.redirects += 1 }
            return (exchange, decision)
        }
        guard let (exchange, decision) = decision else {
            completionHandler(nil)
            return
        }
        switch decision {
        case .follow:
            completionHandler(request)
        case .refuse(let reason):
            // The redirect answer becomes the last one: nothing is sent to its target.
            completionHandler(nil)
            let location = request.url.map(\.redactedForLogs) ?? (response.value(forHTTPHeaderField: "Location") ?? "")
            finish(
                id,
                .failure(
                    TransportError.redirectRefused(
                        method: exchange.request.method, url: exchange.request.url.redactedForLogs,
                        status: response.statusCode, location: Redaction.clean(location, limit: 200),
                        reason: reason)),
                cancel: false)
        }
    }

    /// teamctl does no HTTP authentication scheme of its own (it sends its bearer token itself): a `401` with a
    /// `WWW-Authenticate: Basic` challenge is handed back as the answer it is, not left waiting for a password.
    func urlSession(
        _ session: URLSession, task: URLSessionTask, didReceive challenge: URLAuthenticationChallenge,
        completionHandler: @escaping @Sendable (URLSession.AuthChallengeDisposition, URLCredential?) -> Void
    ) {
        let id = task.taskIdentifier
        let answer: HTTPResponse? = lock.withLock {
            guard let exchange = live[id] else { return nil }
            guard let failure = (challenge.failureResponse as? HTTPURLResponse) ?? exchange.response else {
                return nil
            }
            return Self.response(failure, body: exchange.body)
        }
        if let answer { finish(id, .success(answer), cancel: false) }
        completionHandler(.cancelAuthenticationChallenge, nil)
    }

    private static func response(_ http: HTTPURLResponse, body: Data) -> HTTPResponse {
        var headers: [String: String] = [:]
        for (key, value) in http.allHeaderFields {
            if let key = key as? String, let value = value as? String { headers[key.lowercased()] = value }
        }
        return HTTPResponse(status: http.statusCode, headers: headers, body: body)
    }
}
