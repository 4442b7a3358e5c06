/// Where a room's durable history stands: what another node needs to
/// resume a room whose owner died (a cluster's failover). A shared store
/// builds it (`SessionStore.resumePoint(of:)` in SnapshotStore): the newest
/// stored snapshot of the room's newest session and the recorded events
/// after it, up to the last committed tick. Re-simulating them
/// (``RoomKindEntry/resumeRoom(from:loop:sink:recorder:snapshotInterval:snapshotOffloadBytes:ownership:logger:)``)
/// rebuilds the room exactly as it was at that tick; inputs the dead owner
/// applied after it are lost.
///
/// ```swift
/// let point = RoomResumePoint(session: recorded, snapshot: nil, tail: events, tick: 40, previousSession: 7)
/// let room = try entry.resumeRoom(from: point, loop: loop, sink: sink)
/// ```
public struct RoomResumePoint: Sendable {
    /// How the recording being continued started (kind, logic version,
    /// seed, configuration, hashing).
    public var session: RecordedSession
    /// The newest stored snapshot, or nil to start from the session's seed.
    public var snapshot: RoomSnapshot?
    /// The recorded events after the snapshot (or from the start), in order.
    public var tail: [RecordedEvent]
    /// The last committed tick: the tick the resumed room starts at.
    public var tick: UInt64
    /// The store's identifier of the session being continued: the resumed
    /// room's recording names it (``RecordedSession/resumedFrom``).
    public var previousSession: Int64

    /// A resume point.
    public init(session: RecordedSession, snapshot: RoomSnapshot?, tail: [RecordedEvent], tick: UInt64, previousSession: Int64) {
        self.session = session
        self.snapshot = snapshot
        self.tail = tail
        self.tick = tick
        self.previousSession = previousSession
    }
}

/// Where a recording continues another one: the session it resumes and
/// the tick both share (the old session's last committed tick, the new
/// one's first state). `huddle verify` checks the two agree there.
public struct SessionLink: Equatable, Sendable {
    /// The store's identifier of the earlier session.
    public var session: Int64
    /// The tick the new session starts at.
    public var tick: UInt64

    /// A link to `session` at `tick`.
    public init(session: Int64, tick: UInt64) {
        self.session = session
        self.tick = tick
    }
}

/// Where a cluster node reads rooms' durable state to resume them: a store
/// every node shares (PostgreSQL; see docs/room-cluster.md, "Failover").
///
/// ```swift
/// if let point = try await states.resumePoint(of: "whiteboard-3") { resume(point) }
/// ```
public protocol RoomStateSource: Sendable {
    /// The newest resume point of `room`; nil when the room has no
    /// recording. Throws ``RoomError/joinRefused(_:)`` when the store cannot
    /// be read, and the replay's errors when the recording is unusable.
    func resumePoint(of room: RoomID) async throws(RoomError) -> RoomResumePoint?
}
