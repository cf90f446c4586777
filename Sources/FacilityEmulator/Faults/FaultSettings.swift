/// Faults the emulator injects into API and token requests (never into `/_emulator/` requests).
///
/// Order per request: rate limit (429 with `Retry-After`), then fail rate (503 before any effect),
/// then latency; after a mutating request took effect, the drop rate may close the connection unanswered.
/// JSON keys are snake_case: `latency_ms`, `fail_rate`, `rate_limit`, `drop_rate` (the camelCase
/// spellings are accepted too); missing keys mean no fault.
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
        let container = try decoder.container(keyedBy: AnyKey.self)
        func value<T: Decodable>(_ key: CodingKeys, _ camelCase: String, _ type: T.Type) throws -> T? {
            for name in [key.rawValue, camelCase] {
                if let value = try container.decodeIfPresent(type, forKey: AnyKey(name)) { return value }
            }
            return nil
        }
        latencyMs = try value(.latencyMs, "latencyMs", Int.self) ?? 0
        failRate = try value(.failRate, "failRate", Double.self) ?? 0
        rateLimit = try value(.rateLimit, "rateLimit", Int.self)
        dropRate = try value(.dropRate, "dropRate", Double.self) ?? 0
    }

    private struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ name: String) { stringValue = name }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
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
