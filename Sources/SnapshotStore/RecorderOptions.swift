#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
public import Logging

/// How a ``SessionRecorder`` batches, bounds, keeps and syncs what it
/// records; every backend reads the same options.
///
/// ```swift
/// var options = RecorderOptions()
/// options.retention = RetentionPolicy(maxAgeDays: 7, maxSessions: nil)
/// options.logger.logLevel = .warning
/// let recorder = try storage.openRecorder(at: "huddle.sqlite", options: options)
/// ```
public struct RecorderOptions: Sendable {
    /// The longest an event waits in the queue before its batch commits.
    public var commitInterval: Duration = .milliseconds(50)
    /// A batch commits as soon as this many events wait.
    public var batchEvents = 4_096
    /// Events the queue holds at most (about 6 s of 500 rooms at 20 Hz).
    public var queueCapacity = 65_536
    /// Approximate bytes the queue holds at most (inputs and snapshots).
    public var queueByteCapacity = 64 << 20
    /// What is kept.
    public var retention = RetentionPolicy(maxAgeDays: 14, maxSessions: 10_000)
    /// How often retention runs after startup.
    public var retentionInterval: Duration = .seconds(600)
    /// `true`: every commit is synced to disk; `false`: commits survive a
    /// process crash but not a power loss (SQLite `synchronous = NORMAL`;
    /// PostgreSQL `synchronous_commit = off`, which a server crash may cost
    /// the last commits).
    public var fsyncEveryCommit = true
    /// Where the recorder logs.
    public var logger = Logger(label: "huddle.snapshot-store")
    /// Wall clock in microseconds since 1970 (injectable for retention tests).
    public var clock: @Sendable () -> Int64 = { WallClock.now() }

    /// The defaults above.
    public init() {}
}

/// How long recordings are kept: the sessions of the last N days, at most
/// N sessions, or both (a session goes when either limit is passed). Live
/// sessions are never removed.
///
/// ```swift
/// let policy = RetentionPolicy(maxAgeDays: 14, maxSessions: 10_000)
/// ```
public struct RetentionPolicy: Equatable, Sendable {
    /// Sessions that ended more than this many days ago are removed.
    public var maxAgeDays: Int?
    /// Only the newest this many sessions are kept.
    public var maxSessions: Int?

    /// Creates a policy; `nil` disables that limit.
    public init(maxAgeDays: Int? = nil, maxSessions: Int? = nil) {
        self.maxAgeDays = maxAgeDays
        self.maxSessions = maxSessions
    }

    /// Keeps everything.
    public static let keepEverything = RetentionPolicy()
}

/// Wall-clock microseconds since 1970 (UTC), as recordings store times.
package enum WallClock {
    /// Now.
    package static func now() -> Int64 {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Int64(spec.tv_sec) * 1_000_000 + Int64(spec.tv_nsec) / 1_000
    }
}
