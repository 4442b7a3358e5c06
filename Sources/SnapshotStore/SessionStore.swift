public import RoomEngine

/// Where recorded sessions are read from: the listing, one session's
/// summary, its joins and leaves, snapshots and ticks. What `huddle
/// sessions`, `show`, `replay`, `verify` and `export` read, and what
/// ``SessionReplayer`` re-simulates from.
///
/// A store never writes, and can run next to a live recorder: it sees the
/// last committed transaction. Implementations refuse missing, foreign,
/// damaged or newer stores with a ``SnapshotStoreError``. A session whose
/// recorder died without writing its end is reported
/// ``SessionStatus/incomplete``. The SQLite store (`SQLiteSessionStore`) is
/// one implementation; the timeline, catch-up and listing helpers below are
/// built on these few reads, so another backend implements only them.
///
/// ```swift
/// let store: any SessionStore = try SQLiteSessionStore.open(path: "huddle.sqlite")
/// for session in try store.sessions(matching: SessionFilter(kind: "counter")) {
///     print(session.id, session.roomID, session.tickCount)
/// }
/// ```
public protocol SessionStore: Sendable {
    /// Where the store is (a file path, a database URL), for messages.
    var location: String { get }
    /// Whether a recorder holds the store right now (its `live` sessions
    /// are still being written).
    var hasLiveRecorder: Bool { get }
    /// Sessions matching `filter`, newest first.
    func sessions(matching filter: SessionFilter) throws(SnapshotStoreError) -> [SessionSummary]
    /// One session's summary, or ``SnapshotStoreError/unknownSession(_:)``.
    func summary(of id: RecordedSessionID) throws(SnapshotStoreError) -> SessionSummary
    /// Joins and leaves that happened after ticks `low ..< high` (`nil`: no
    /// upper bound), in the order they happened.
    func membership(
        of id: RecordedSessionID, afterTickFrom low: UInt64, below high: UInt64?
    ) throws(SnapshotStoreError) -> [MembershipEvent]
    /// The stored snapshots, by tick (without their state bytes).
    func snapshots(of id: RecordedSessionID) throws(SnapshotStoreError) -> [SnapshotInfo]
    /// The newest snapshot at or before `tick`, checked, or `nil`.
    func snapshot(of id: RecordedSessionID, atOrBefore tick: UInt64) throws(SnapshotStoreError) -> RoomSnapshot?
    /// Stored ticks in `range`, with their decoded input batches, by tick.
    func ticks(of id: RecordedSessionID, in range: ClosedRange<UInt64>) throws(SnapshotStoreError) -> [StoredTick]
}

extension SessionStore {
    /// Every session, newest first.
    public func sessions() throws(SnapshotStoreError) -> [SessionSummary] {
        try sessions(matching: SessionFilter())
    }

    /// The newest session of `room`, if any.
    public func latestSession(of room: RoomID) throws(SnapshotStoreError) -> SessionSummary? {
        try sessions(matching: SessionFilter(roomID: room, limit: 1)).first
    }

    /// All joins and leaves of a session, in the order they happened.
    public func membership(of id: RecordedSessionID) throws(SnapshotStoreError) -> [MembershipEvent] {
        try membership(of: id, afterTickFrom: 0, below: nil)
    }
}
