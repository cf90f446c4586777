import Foundation

/// When and how long to wait before trying a facility call again.
///
/// Reads are retried on timeouts, connection errors, 429 (honouring `Retry-After`) and 502/503/504, with
/// exponential back-off and jitter, as the Python client does, bounded in attempts and total time. A write is
/// retried only when its answer said nothing happened (429, 503); a write whose answer was lost goes back to the
/// applier, which re-reads the target before sending it again, so a write is never re-sent blind.
public struct RetryPolicy: Sendable, Hashable {
    /// The most attempts per call, the first included.
    public var maxAttempts: Int
    /// The delay before the first retry, in seconds; it doubles each attempt.
    public var baseDelay: Double
    /// The longest wait between two attempts, in seconds (`Retry-After` may ask for longer, up to `maxTotal`).
    public var maxDelay: Double
    /// The longest time one call may spend including its retries, in seconds.
    public var maxTotal: Double

    /// Creates a policy.
    public init(maxAttempts: Int = 10, baseDelay: Double = 0.25, maxDelay: Double = 10, maxTotal: Double = 120) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelay = max(0, baseDelay)
        self.maxDelay = max(0, maxDelay)
        self.maxTotal = max(0, maxTotal)
    }

    /// Ten attempts, 0.25 s doubling to at most 10 s, two minutes in all.
    public static let `default` = RetryPolicy()
    /// One attempt: no retries.
    public static let none = RetryPolicy(maxAttempts: 1)

    /// Whether a response status is worth retrying for a read.
    public static func isRetryable(status: Int) -> Bool { [429, 502, 503, 504].contains(status) }

    /// Whether a response status is worth retrying for `method`: a write only when the facility said it did
    /// nothing (429 rate limited, 503 unavailable); a gateway's 502 or 504 may hide a write that took effect.
    public static func isRetryable(status: Int, method: HTTPMethod) -> Bool {
        method.isMutating ? [429, 503].contains(status) : isRetryable(status: status)
    }

    /// The back-off before attempt `attempt + 1` (attempt counts from 1), scaled by `jitter` in [0, 1):
    /// half the exponential delay is fixed, half is random, so concurrent clients spread out.
    public func backoff(afterAttempt attempt: Int, jitter: Double) -> Double {
        let exponential = baseDelay * pow(2, Double(max(0, attempt - 1)))
        let capped = min(maxDelay, exponential)
        return capped * (0.5 + 0.5 * min(max(jitter, 0), 1))
    }

    /// Parses `Retry-After`: delta seconds or an HTTP date; nil when absent or unreadable.
    public static func retryAfter(_ value: String?, now: Date = Date()) -> Double? {
        guard let value = value?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
        if let seconds = Double(value) { return max(0, seconds) }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        guard let date = formatter.date(from: value) else { return nil }
        return max(0, date.timeIntervalSince(now))
    }
}

/// Sends requests through a transport and retries them as a ``RetryPolicy`` says.
///
/// Returns the first response that is not retryable, or the last one when the policy is spent;
/// throws an ``SFAPIError`` when no response ever arrived.
public struct RetryingSender: Sendable {
    /// The transport requests go through.
    public let transport: any HTTPTransport
    /// The retry rules.
    public let policy: RetryPolicy
    /// Waits a number of seconds (injectable so tests do not wait).
    public let sleep: @Sendable (Double) async throws -> Void
    /// A monotonic clock in seconds (injectable so tests control time).
    public let now: @Sendable () -> Double
    /// A random number in [0, 1) for jitter.
    public let random: @Sendable () -> Double

    /// Creates a sender; the defaults sleep and read the clock for real.
    public init(
        transport: any HTTPTransport, policy: RetryPolicy = .default,
        sleep: @escaping @Sendable (Double) async throws -> Void = RetryingSender.liveSleep,
        now: @escaping @Sendable () -> Double = RetryingSender.liveNow,
        random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }
    ) {
        self.transport = transport
        self.policy = policy
        self.sleep = sleep
        self.now = now
        self.random = random
    }

    /// Sleeps for real with `Task.sleep`.
    public static let liveSleep: @Sendable (Double) async throws -> Void = { seconds in
        if seconds > 0 { try await Task.sleep(nanoseconds: UInt64(seconds * 1_000_000_000)) }
    }

    /// Seconds on a monotonic clock.
    public static let liveNow: @Sendable () -> Double = {
        Double(DispatchTime.now().uptimeNanoseconds) / 1_000_000_000
    }

    /// Sends `request`, retrying per the policy; `operation` names the call in errors. `idempotent` marks a POST
    /// that changes nothing at the facility (a token request), which is retried like a read.
    /// Returns the final response and how many attempts it took.
    public func send(
        _ request: HTTPRequest, operation: String, idempotent: Bool = false
    ) async throws -> (response: HTTPResponse, attempts: Int) {
        let retriedLike: HTTPMethod = idempotent ? .get : request.method
        let start = now()
        var attempt = 0
        while true {
            attempt += 1
            let delay: Double
            do {
                let response = try await transport.send(request)
                guard RetryPolicy.isRetryable(status: response.status, method: retriedLike),
                    attempt < policy.maxAttempts
                else {
                    return (response, attempt)
                }
                let asked = response.status == 429 ? RetryPolicy.retryAfter(response.headers["retry-after"]) : nil
                delay = asked ?? policy.backoff(afterAttempt: attempt, jitter: random())
                if now() - start + delay > policy.maxTotal { return (response, attempt) }
            } catch let error as TransportError {
                guard error.isAmbiguous else { throw error }
                let failure = SFAPIError(
                    operation: operation, method: request.method, path: request.url.requestPath, status: nil,
                    detail: error.reasonForUsers, attempts: attempt)
                // A write may have taken effect: the applier re-reads before deciding, never this loop. A deadline, an
                // oversized answer would only happen again.
                guard error.isTransient, attempt < policy.maxAttempts, !retriedLike.isMutating else { throw failure }
                delay = policy.backoff(afterAttempt: attempt, jitter: random())
                if now() - start + delay > policy.maxTotal { throw failure }
            }
            try await sleep(delay)
        }
    }
}

extension TransportError {
    /// The transport's reason without the URL (the error that wraps it names the path already).
    var reasonForUsers: String {
        switch self {
        case .timedOut: return "timed out"
        case .connectionFailed(_, _, let reason): return reason
        case .mutationRefusedInDryRun: return "dry run refused to send it"
        case .untrustedServer(_, _, let reason): return "the server's certificate could not be verified (\(reason))"
        case .deadlineExceeded(_, _, let seconds):
            return "no complete answer within \(Self.seconds(seconds)), the request deadline (connect to last byte); "
                + "if the facility is only slow, raise it with --request-timeout or request_timeout in the profile"
        case .answerTooLarge(_, _, let limit, let together):
            let passed =
                together
                ? "the answers arriving at once passed \(Self.bytes(2 * limit)) together (twice the bound on one answer), "
                    + "so this one was cut off"
                : "the answer passed \(Self.bytes(limit)), the bound on one answer, and was cut off"
            return "\(passed); if the facility's answers are really that large, raise the bound with "
                + "--max-response-bytes or max_response_bytes in the profile"
        case .redirectRefused(_, _, let status, let location, let reason):
            return "the answer was a redirect (\(status)) to \(location), which teamctl does not follow: \(reason); "
                + "nothing was sent there. If the service moved, point the profile's URL at its new address"
        }
    }

    static func seconds(_ value: Double) -> String {
        value == value.rounded() ? "\(Int(value)) s" : String(format: "%.1f s", value)
    }

    static func bytes(_ value: Int) -> String {
        let mib = Double(value) / 1_048_576
        if mib >= 1 { return mib == mib.rounded() ? "\(Int(mib)) MiB" : String(format: "%.1f MiB", mib) }
        return "\(value) bytes"
    }
}
