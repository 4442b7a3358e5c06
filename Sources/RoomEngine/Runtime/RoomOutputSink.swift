/// Where a ``RoomRunner`` delivers what its room produces; the Socket.IO
/// binding implements it to send deltas (volatile), operations and
/// snapshots (reliable) and rejections (to their authors).
///
/// Calls arrive on the room's loop, once per tick, in tick order. An
/// implementation should only hand the bytes to its connections and return.
public protocol RoomOutputSink: Sendable {
    /// One tick's outputs (see ``RoomTickOutput``).
    func roomDidTick(_ output: RoomTickOutput)
    /// The room stopped; `finalOperations` are the logic's clean-up operations.
    func roomDidStop(_ room: RoomID, finalOperations: [SequencedOperation])
    /// The room stopped; for a logic with member views each member's own
    /// clean-up operations are in `memberOperations` (and `finalOperations`
    /// is empty). The runner calls this one; by default it calls
    /// ``roomDidStop(_:finalOperations:)`` and drops `memberOperations`.
    func roomDidStop(_ room: RoomID, finalOperations: [SequencedOperation], memberOperations: [RecipientOperations])
    /// The room was fenced (its ``RoomOwnership`` stopped holding): it no
    /// longer ticks here, but it did not end. By default this calls
    /// ``roomDidStop(_:finalOperations:)`` with no operations, so a sink
    /// that knows nothing of clusters tells its members the room is gone.
    func roomDidLoseOwnership(_ room: RoomID)
}

extension RoomOutputSink {
    /// Calls ``roomDidStop(_:finalOperations:)``: a sink that knows nothing
    /// of member views tells nobody anything private.
    public func roomDidStop(_ room: RoomID, finalOperations: [SequencedOperation], memberOperations: [RecipientOperations]) {
        roomDidStop(room, finalOperations: finalOperations)
    }

    /// Calls ``roomDidStop(_:finalOperations:)`` with no operations.
    public func roomDidLoseOwnership(_ room: RoomID) {
        roomDidStop(room, finalOperations: [])
    }
}

/// A sink made of closures, for tests and small integrations.
///
/// ```swift
/// let sink = ClosureRoomOutputSink { output in send(output) }
/// ```
public struct ClosureRoomOutputSink: RoomOutputSink {
    private let onTick: @Sendable (RoomTickOutput) -> Void
    private let onStop: @Sendable (RoomID, [SequencedOperation]) -> Void

    /// Creates a sink from a tick handler and an optional stop handler.
    public init(
        onStop: @escaping @Sendable (RoomID, [SequencedOperation]) -> Void = { _, _ in },
        onTick: @escaping @Sendable (RoomTickOutput) -> Void
    ) {
        self.onTick = onTick
        self.onStop = onStop
    }

    /// Calls the tick handler.
    public func roomDidTick(_ output: RoomTickOutput) { onTick(output) }

    /// Calls the stop handler.
    public func roomDidStop(_ room: RoomID, finalOperations: [SequencedOperation]) {
        onStop(room, finalOperations)
    }
}

/// What a ``RoomDirectory`` needs from a running room, whatever its logic.
///
/// ``RoomRunner`` is the implementation; the protocol exists so the
/// directory can hold rooms of every kind side by side.
public protocol RoomHandle: AnyObject, Sendable {
    /// The room.
    var id: RoomID { get }
    /// Its kind.
    var kind: RoomKind { get }
    /// Admits a member (the logic may refuse).
    func join(_ member: MemberID, metadata: [String: String]) async throws(RoomError)
    /// Removes a member.
    func leave(_ member: MemberID) async throws(RoomError)
    /// Stops the room for good.
    func close() async
}
