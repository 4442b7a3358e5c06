public import NIOCore

/// How punctually a runner's ticks fire: the lateness of each tick against
/// its fixed-rate deadline, and how many ticks were skipped because the
/// loop fell more than a whole interval behind.
///
/// ```swift
/// runner.inspect({ _, jitter in jitter.maximumLateness }) { metrics.recordTickLateness($0) }
/// ```
public struct TickJitter: Equatable, Sendable {
    /// Ticks measured.
    public private(set) var ticks: Int = 0
    /// The latest any tick fired after its deadline.
    public private(set) var maximumLateness: TimeAmount = .zero
    /// The sum of all lateness, for the mean.
    public private(set) var totalLateness: TimeAmount = .zero
    /// Tick slots dropped because the loop was more than an interval late
    /// (the runner never bursts to catch up).
    public private(set) var skippedTicks: Int = 0

    /// Creates an empty measurement.
    public init() {}

    /// The mean lateness per tick (zero before the first tick).
    public var meanLateness: TimeAmount {
        ticks == 0 ? .zero : .nanoseconds(totalLateness.nanoseconds / Int64(ticks))
    }

    /// Records a tick due at `deadline` that fired at `firedAt`; early
    /// firing counts as zero lateness.
    public mutating func record(deadline: NIODeadline, firedAt: NIODeadline) {
        let lateness = max(firedAt - deadline, .zero)
        ticks += 1
        totalLateness = totalLateness + lateness
        maximumLateness = max(maximumLateness, lateness)
    }

    /// Records `count` skipped tick slots.
    public mutating func recordSkipped(_ count: Int) {
        skippedTicks += count
    }
}
