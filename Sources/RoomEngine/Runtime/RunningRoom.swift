/// A started room of any kind, driven without knowing its logic: what
/// ``RoomKindEntry/startRoom(id:seed:loop:sink:recorder:snapshotInterval:logger:)``
/// returns, so a network binding or a tool can hold rooms of every kind side
/// by side. ``RoomRunner`` is the implementation.
///
/// Every method may be called from any thread; completions run on the
/// room's loop (see ``RoomRunner`` for the ordering guarantees).
///
/// ```swift
/// let room = entry.startRoom(id: "board-1", seed: 42, loop: EventLoopRoomLoop(loop), sink: sink)
/// room.join("alice", metadata: [:]) { result in /* on the room's loop */ }
/// room.enqueue(bytes, from: "alice", acknowledging: nil) { receipt in }
/// ```
public protocol RunningRoom: RoomHandle {
    /// Capacity, tick rate and input limits of the room's kind.
    var rules: RoomRules { get }
    /// Admits a member; the result arrives on the loop.
    func join(_ member: MemberID, metadata: [String: String], completion: @escaping @Sendable (Result<Void, RoomError>) -> Void)
    /// Removes a member; the result arrives on the loop.
    func leave(_ member: MemberID, completion: @escaping @Sendable (Result<Void, RoomError>) -> Void)
    /// Queues one encoded input for the next tick, optionally with a delta
    /// acknowledgement; the completion gets the receipt or the refusal.
    func enqueue(
        _ bytes: [UInt8],
        from member: MemberID,
        acknowledging tick: UInt64?,
        completion: @escaping @Sendable (Result<UInt64, RoomError>) -> Void
    )
    /// Records a member's acknowledgement of a delta tick at the next tick.
    func acknowledge(tick: UInt64, by member: MemberID, completion: @escaping @Sendable (Result<Void, RoomError>) -> Void)
    /// Reads the room's snapshot and tick punctuality on the loop.
    func inspectSnapshot(completion: @escaping @Sendable (RoomSnapshot, TickJitter) -> Void)
    /// Stops the room for good; `completion` runs once it stopped.
    func stop(completion: (@Sendable () -> Void)?)
    /// Stops ticking as if its ownership had ended (``RoomOwnership``): the
    /// room is fenced, the sink gets ``RoomOutputSink/roomDidLoseOwnership(_:)``,
    /// the session is not ended, so another process resumes it from its
    /// recording (a cluster node handing its rooms over as it stops).
    /// `completion` runs on the loop once it stopped ticking.
    func handOver(completion: (@Sendable () -> Void)?)

    // MARK: On the room's loop only

    /// Whether the caller runs on the room's loop (where the two methods
    /// below must be called).
    var isOnLoop: Bool { get }
    /// Records that a member's connection dropped while it keeps its seat
    /// (see ``RoomRunner/memberAway(_:)``). On the room's loop only.
    func memberAway(_ member: MemberID) throws(RoomError)
    /// Hands a member back to a new connection and restarts its deltas, from
    /// a snapshot it returns when asked (see
    /// ``RoomRunner/memberReturned(_:withSnapshot:wasAway:)``). On the room's loop only.
    func memberReturned(_ member: MemberID, withSnapshot: Bool, wasAway: Bool) throws(RoomError) -> RoomSnapshot?
}
