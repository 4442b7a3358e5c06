extension Room {
    /// Starts `member`'s position deltas over, for a member that comes back
    /// on a new connection which may hold none of the tables it acknowledged
    /// before: with `tick`, the next delta is against the table of `tick`
    /// (the tick of a snapshot it is being sent); without, the next delta is
    /// a full table.
    ///
    /// The room's state does not change (the logic never sees connections).
    ///
    /// ```swift
    /// let picture = room.snapshot()
    /// try room.restartDeltas(for: "alice", from: picture.tick)
    /// ```
    @inlinable
    public mutating func restartDeltas(for member: MemberID, from tick: UInt64? = nil) throws(RoomError) {
        guard !isTerminated else { throw .roomClosed }
        guard memberList.contains(member) else { throw .notAMember(member) }
        history.forget(member)
        if let tick { try history.acknowledge(tick: tick, by: member) }
    }
}
