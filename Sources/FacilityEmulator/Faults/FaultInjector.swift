import Foundation

/// What the fault injector decided for one request, before it is handled.
enum FaultDecision: Equatable {
    /// Handle the request, after `latencyMs`; `dropAfterEffect` closes the connection once a mutation succeeded.
    case proceed(latencyMs: Int, dropAfterEffect: Bool)
    /// Answer 429, asking the caller to wait `retryAfter` seconds.
    case rateLimited(retryAfter: Int)
    /// Answer 503 without any effect.
    case failed
}

/// Decides faults per request: fixed one-second windows per caller for the rate limit, and a seeded
/// random generator for the fail and drop rates so a test run can be repeated exactly. Not thread-safe:
/// the emulator core calls it under its lock.
struct FaultInjector {
    var settings: FaultSettings
    private var random: SplitMix64
    private var windows: [String: (second: Int, count: Int)] = [:]

    init(settings: FaultSettings, seed: UInt64) {
        self.settings = settings
        self.random = SplitMix64(seed: seed)
    }

    /// Decides for one request from `caller` arriving at `now` (seconds since 1970).
    mutating func decide(caller: String, isMutating: Bool, now: Double) -> FaultDecision {
        if let limit = settings.rateLimit {
            let second = Int(now.rounded(.down))
            var window: (second: Int, count: Int) =
                windows[caller].flatMap { $0.second == second ? $0 : nil } ?? (second, 0)
            window.count += 1
            windows[caller] = window
            if window.count > limit { return .rateLimited(retryAfter: 1) }
        }
        if settings.failRate > 0, random.nextUnit() < settings.failRate { return .failed }
        let drop = isMutating && settings.dropRate > 0 && random.nextUnit() < settings.dropRate
        return .proceed(latencyMs: settings.latencyMs, dropAfterEffect: drop)
    }

    /// Starts the random sequence again from `seed`.
    mutating func reseed(_ seed: UInt64) { random = SplitMix64(seed: seed) }
}

/// A small, fast, seedable generator (SplitMix64); quality is ample for fault injection. Public for the benchmarks,
/// which build their generated workloads with it so every run builds the same one.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform value in 0..<1.
    mutating func nextUnit() -> Double { Double(next() >> 11) / Double(1 << 53) }
}
