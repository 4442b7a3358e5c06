import NIOCore

/// The JavaScript client's reconnection backoff (the `backo2` algorithm):
/// `min * factor^attempts`, moved up or down by up to `jitter` of itself,
/// capped at `max`; reset after a successful connection.
///
/// A value type with the random draw passed in, so that a test can check
/// the exact schedule.
///
/// ```swift
/// var backoff = Backoff(min: .seconds(1), max: .seconds(5), jitter: 0.5)
/// backoff.duration(random: 0)     // 1 s   (even tenth digit: minus 0)
/// backoff.duration(random: 0.75)  // 2.75 s (odd tenth digit: plus 0.75 * 0.5 * 2 s)
/// ```
struct Backoff: Sendable, Hashable {
    let minimum: Int64
    let maximum: Int64
    let factor: Double
    let jitter: Double
    /// Attempts made since the last reset.
    private(set) var attempts = 0

    init(min: TimeAmount, max: TimeAmount, factor: Double = 2, jitter: Double) {
        self.minimum = Swift.max(0, min.nanoseconds / 1_000_000)
        self.maximum = Swift.max(self.minimum, max.nanoseconds / 1_000_000)
        self.factor = factor
        self.jitter = jitter > 0 && jitter <= 1 ? jitter : 0
    }

    /// The delay before the next attempt; counts the attempt.
    ///
    /// - Parameter random: a value in `0 ..< 1`.
    mutating func duration(random: Double) -> TimeAmount {
        var ms = Double(minimum) * pow(factor, Double(attempts))
        attempts += 1
        if jitter > 0, ms.isFinite {
            let rand = Swift.min(Swift.max(random, 0), 0.999_999_999)
            let deviation = (rand * jitter * ms).rounded(.down)
            ms = Int((rand * 10).rounded(.down)) & 1 == 0 ? ms - deviation : ms + deviation
        }
        let capped = ms.isFinite ? Swift.min(ms, Double(maximum)) : Double(maximum)
        return .milliseconds(Int64(capped))
    }

    /// Back to the first delay.
    mutating func reset() {
        attempts = 0
    }
}

/// `Foundation.pow` without Foundation, for small integral exponents.
private func pow(_ base: Double, _ exponent: Double) -> Double {
    var result = 1.0
    var remaining = Int(exponent)
    while remaining > 0 {
        result *= base
        if !result.isFinite { return .infinity }
        remaining -= 1
    }
    return result
}
