/// Faults the emulator injects into API and token requests (never into `/_emulator/` requests).
///
/// Order per request: rate limit (429 with `Retry-After`), then fail rate (503 before any effect),
/// then latency; after a mutating request took effect, the drop rate may close the connection unanswered.
/// JSON keys are snake_case: `latency_ms`, `fail_rate`, `rate_limit`, `drop_rate`; missing keys mean no fault.
public struct FaultSettings: Codable, Sendable, Hashable {
    /// Delay added to every request, in milliseconds.
    public var latencyMs: Int
    /// Probability in 0...1 that a request is answered 503 before it has any effect.
    public var failRate: Double
    /// Requests per second allowed per caller; beyond it, 429. `nil` means unlimited.
    public var rateLimit: Int?
    /// Probability in 0...1 that a mutating request takes effect and then gets no answer.
    public var dropRate: Double

    /// No faults at all.
    public static let none = FaultSettings()

    /// Creates fault settings; the defaults inject nothing.
    public init(latencyMs: Int = 0, failRate: Double = 0, rateLimit: Int? = nil, dropRate: Double = 0) {
        self.latencyMs = latencyMs
        self.failRate = failRate
        self.rateLimit = rateLimit
        self.dropRate = dropRate
    }

    enum CodingKeys: String, CodingKey {
        case latencyMs = "latency_ms", failRate = "fail_rate", rateLimit = "rate_limit", dropRate = "drop_rate"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        latencyMs = try container.decodeIfPresent(Int.self, forKey: .latencyMs) ?? 0
        failRate = try container.decodeIfPresent(Double.self, forKey: .failRate) ?? 0
        rateLimit = try container.decodeIfPresent(Int.self, forKey: .rateLimit)
        dropRate = try container.decodeIfPresent(Double.self, forKey: .dropRate) ?? 0
    }

    /// What is wrong with these settings, if anything.
    public var problems: [String] {
        var problems: [String] = []
        if latencyMs < 0 { problems.append("latency_ms must not be negative") }
        if !(0...1).contains(failRate) { problems.append("fail_rate must be between 0 and 1") }
        if !(0...1).contains(dropRate) { problems.append("drop_rate must be between 0 and 1") }
        if let rateLimit, rateLimit < 1 { problems.append("rate_limit must be at least 1") }
        return problems
    }
}
