extension RoomRunner {
    /// Whether the caller runs on the room's loop.
    public var isOnLoop: Bool { loop.inLoop }

    /// Notes that `member`'s connection dropped while it keeps its seat:
    /// the recorder gets ``RoomRecorder/memberAway(_:room:afterTick:)``.
    /// Nothing else changes: the logic does not see it, and the member's
    /// inputs simply stop until it is back.
    ///
    /// Call it on the room's loop only (from a completion, the sink, or a
    /// task on ``loop``), so that it falls between two ticks.
    public func memberAway(_ member: MemberID) throws(RoomError) {
        precondition(loop.inLoop, "memberAway(_:) runs on the room's loop")
        guard phase != .stopped, phase != .fenced else { throw .roomClosed }
        guard room.contains(member) else { throw .notAMember(member) }
        recorder?.memberAway(member, room: id, afterTick: room.tick)
    }

    /// Hands `member` back to a new connection: drops the delta
    /// acknowledgement its old connection posted since the last tick, and
    /// restarts its deltas (``Room/restartDeltas(for:from:)``): with
    /// `withSnapshot`, from the snapshot of the room as it is now (the
    /// member's own view, for a kind with member views), which it returns;
    /// without, from a full table. When the member was away, the
    /// recorder gets ``RoomRecorder/memberBack(_:room:afterTick:)``.
    ///
    /// Call it on the room's loop only, like ``memberAway(_:)``.
    public func memberReturned(_ member: MemberID, withSnapshot: Bool, wasAway: Bool) throws(RoomError) -> RoomSnapshot? {
        precondition(loop.inLoop, "memberReturned(_:withSnapshot:wasAway:) runs on the room's loop")
        guard phase != .stopped, phase != .fenced else { throw .roomClosed }
        inbox.removeAcknowledgement(of: member)
        let snapshot = withSnapshot ? room.snapshot(for: member) : nil
        try room.restartDeltas(for: member, from: snapshot?.tick)
        if wasAway { recorder?.memberBack(member, room: id, afterTick: room.tick) }
        return snapshot
    }
}
