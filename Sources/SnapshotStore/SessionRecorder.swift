public import RoomEngine

/// What `huddle serve` records through: a ``RoomRecorder`` (the engine's
/// seam, called on room loops, never blocking) that can also be flushed and
/// closed. The SQLite recorder (`SQLiteSessionRecorder`) is one
/// implementation.
///
/// ```swift
/// let recorder: any SessionRecorder = try SQLiteSessionRecorder.open(path: "huddle.sqlite")
/// let rooms = RoomService(server: io, group: group, kinds: .builtIn, recorder: recorder)
/// // … on shutdown, after the rooms stopped:
/// recorder.close()
/// ```
public protocol SessionRecorder: RoomRecorder {
    /// Where the recorder writes (a file path, a database URL), for messages.
    var location: String { get }
    /// Blocks until everything queued before the call is durable. Never
    /// call it on a room loop.
    func flush()
    /// Makes what is queued durable, stops writing and releases the store;
    /// later events are dropped (and counted). Idempotent.
    func close()
    /// The overflow and queue counters since the recorder opened.
    var statistics: RecorderStatistics { get }
    /// Whether the recorder is open and its store takes writes (false once
    /// closed, or while its last commit failed): what `/readyz` asks.
    var isOpen: Bool { get }
}

extension SessionRecorder {
    /// A recorder that cannot tell is taken to be open.
    public var isOpen: Bool { true }
}

/// Counters of a ``SessionRecorder`` since it opened.
public struct RecorderStatistics: Equatable, Sendable {
    /// Events queued.
    public var accepted: Int
    /// Events dropped by the overflow policy (or after close).
    public var dropped: Int
    /// Of those, snapshots (which leave the recording complete).
    public var droppedSnapshots: Int
    /// Sessions marked with a gap.
    public var gaps: Int
    /// The deepest the queue has been.
    public var maxQueueDepth: Int
    /// How long commits took (nil for a recorder that does not measure them).
    public var commitDurations: CommitDurations?

    /// Creates counters.
    public init(accepted: Int, dropped: Int, droppedSnapshots: Int, gaps: Int, maxQueueDepth: Int, commitDurations: CommitDurations? = nil) {
        self.accepted = accepted
        self.dropped = dropped
        self.droppedSnapshots = droppedSnapshots
        self.gaps = gaps
        self.maxQueueDepth = maxQueueDepth
        self.commitDurations = commitDurations
    }
}
