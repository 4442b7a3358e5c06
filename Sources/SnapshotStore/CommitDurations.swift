/// How long the recorder's commits took (each a transaction that makes a
/// batch of events durable): a histogram with fixed edges, for
/// `huddle_recorder_commit_seconds` in `/metrics`.
///
/// ```swift
/// var durations = CommitDurations()
/// durations.record(microseconds: 4_200)
/// durations.count(atMostSeconds: 0.005)   // 1
/// ```
public struct CommitDurations: Equatable, Sendable {
    /// The upper edges of the buckets, in seconds.
    public static let edges: [Double] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1]

    /// Commits per bucket (not cumulative), the last for those above every edge.
    public private(set) var buckets = [Int](repeating: 0, count: CommitDurations.edges.count + 1)
    /// Commits recorded.
    public private(set) var count = 0
    /// Their total duration, in microseconds.
    public private(set) var totalMicroseconds: Int64 = 0

    /// No commits yet.
    public init() {}

    /// One commit that took `microseconds`.
    public mutating func record(microseconds: Int64) {
        let seconds = Double(max(microseconds, 0)) / 1e6
        let index = Self.edges.firstIndex { seconds <= $0 } ?? Self.edges.count
        buckets[index] += 1
        count += 1
        totalMicroseconds += max(microseconds, 0)
    }

    /// Commits that took at most `seconds` (one of ``edges``), as
    /// Prometheus's cumulative buckets count them.
    public func count(atMostSeconds seconds: Double) -> Int {
        var total = 0
        for (index, edge) in Self.edges.enumerated() where edge <= seconds { total += buckets[index] }
        return total
    }
}
