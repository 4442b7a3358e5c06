public import RoomEngine

extension SessionStore {
    /// Where `room`'s durable history stands, for a node that resumes it
    /// after its owner died: the newest stored snapshot of the room's newest
    /// session and the recorded events after it, up to the last committed
    /// tick (``catchUp(session:)``); nil when the room has no recorded
    /// session. The resumed room's recording names that session
    /// (``RoomResumePoint/previousSession``).
    ///
    /// ```swift
    /// if let point = try store.resumePoint(of: "board-1") {
    ///     let room = try entry.resumeRoom(from: point, loop: loop, sink: sink)
    /// }
    /// ```
    public func resumePoint(of room: RoomID) throws(SnapshotStoreError) -> RoomResumePoint? {
        guard let latest = try latestSession(of: room) else { return nil }
        let catchUp = try catchUp(session: latest.id)
        return RoomResumePoint(
            session: catchUp.session.recordedSession, snapshot: catchUp.snapshot, tail: catchUp.tail,
            tick: catchUp.tick, previousSession: catchUp.session.id.rawValue
        )
    }
}
