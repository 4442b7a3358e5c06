public import NIOCore

/// How long to wait before each reconnection attempt: exponential, capped,
/// with jitter so that many servers cut off from one Redis do not all
/// reconnect at the same instant.
///
/// The wait before attempt *n* (counting failures since the last
/// connection) is `min(maxDelay, initialDelay * multiplier^(n-1))`, less a
/// random part of up to `jitter` of it.
///
/// ```swift
/// var configuration = RedisConfiguration(host: "127.0.0.1")
/// configuration.backoff = RedisBackoff(initialDelay: .milliseconds(50), maxDelay: .seconds(2))
/// ```
public struct RedisBackoff: Sendable, Hashable {
    /// The wait after the first failure (100 ms by default).
    public var initialDelay: TimeAmount
    /// The longest wait (5 s by default).
    public var maxDelay: TimeAmount
    /// The growth per failure (2 by default).
    public var multiplier: Double
    /// The fraction of each wait that is random, 0 to 1 (0.5 by default:
    /// each wait is between half and all of its exponential value).
    public var jitter: Double

    /// A backoff policy; see the type's description for the formula.
    public init(initialDelay: TimeAmount = .milliseconds(100), maxDelay: TimeAmount = .seconds(5), multiplier: Double = 2, jitter: Double = 0.5) {
        self.initialDelay = initialDelay
        self.maxDelay = maxDelay
        self.multiplier = multiplier
        self.jitter = jitter
    }

    /// 100 ms doubling up to 5 s, half of it random.
    public static let `default` = RedisBackoff()

    /// The wait before the next attempt after `failures` failures (1 or
    /// more); `random` in 0..<1 picks the jitter (a parameter so tests can fix it).
    public func delay(afterFailures failures: Int, random: Double = Double.random(in: 0..<1)) -> TimeAmount {
        let exponent = Double(max(0, failures - 1))
        let base = Double(initialDelay.nanoseconds) * pow2(multiplier, exponent)
        let capped = min(Double(maxDelay.nanoseconds), base)
        let jittered = capped * (1 - min(max(jitter, 0), 1) * random)
        return .nanoseconds(Int64(max(0, jittered)))
    }

    private func pow2(_ base: Double, _ exponent: Double) -> Double {
        var result = 1.0
        var remaining = Int(min(exponent, 64))
        while remaining > 0 {
            result *= base
            remaining -= 1
        }
        return result
    }
}
