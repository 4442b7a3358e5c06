public import RoomEngine

extension SessionStore {
    /// What a late joiner needs when the room's live state is elsewhere: the
    /// newest stored snapshot of the room's newest session and the recorded
    /// tail after it (see ``CatchUp``).
    ///
    /// ```swift
    /// let catchUp = try store.catchUp(room: "board-1")
    /// let room = try catchUp.restore(logic: CounterLogic())
    /// send(room.snapshot())   // the joiner's starting point
    /// ```
    public func catchUp(room: RoomID) throws(SnapshotStoreError) -> CatchUp {
        guard let session = try latestSession(of: room) else {
            throw .io("no recorded session of room \(room) in \(location)")
        }
        return try catchUp(session: session.id)
    }

    /// ``catchUp(room:)`` for one session, up to its last committed tick
    /// (or the tick before its gap).
    public func catchUp(session id: RecordedSessionID) throws(SnapshotStoreError) -> CatchUp {
        let summary = try summary(of: id)
        let last = summary.gapFromTick.map { min(summary.lastTick, $0 - 1) } ?? summary.lastTick
        let snapshot = try snapshot(of: id, atOrBefore: last)
        let from = snapshot?.tick ?? summary.startTick
        if snapshot == nil, summary.startTick > 0 {
            throw .corruptRecord(session: id, detail: "starts at tick \(summary.startTick) without a snapshot")
        }
        let tail = try events(of: id, after: from, through: last, includeTrailing: summary.gapFromTick == nil)
        return CatchUp(session: summary, snapshot: snapshot, tail: tail, tick: last)
    }
}

/// A starting point for a late joiner, built from the store: the newest
/// snapshot (if any) and the recorded events after it.
public struct CatchUp: Sendable {
    /// The session it comes from.
    public var session: SessionSummary
    /// The snapshot to restore, or `nil` to start from the session's seed.
    public var snapshot: RoomSnapshot?
    /// The events after the snapshot (or from the start), in order.
    public var tail: [RecordedEvent]
    /// The tick the restored room is at.
    public var tick: UInt64

    /// Re-simulates the tail (checking every recorded hash) and returns the
    /// room as it was at ``tick``; its `snapshot()` is what a joiner gets.
    public func restore<Logic: RoomLogic>(logic: Logic) throws(SnapshotStoreError) -> Room<Logic> {
        do {
            if let snapshot {
                return try RoomReplay.replay(tail, from: snapshot, logic: logic, hashing: session.stateHashing)
            }
            return try RoomReplay.replay(tail, session: session.recordedSession, logic: logic)
        } catch {
            throw SessionReplayer.map(error, session: session.id, fallbackTick: tick)
        }
    }
}

