public import NIOCore

/// Whether this process may tick a room now: the seam through which a
/// cluster fences a room's runner (only the holder of a room's lease ticks
/// it; see docs/cluster.md).
///
/// A ``RoomRunner`` given an ownership asks it before every tick, on the
/// room's loop, with the loop's clock. The first `false` fences the room for
/// good: the runner stops ticking without ending the room's session (no
/// final operations, no final hash recorded: the session goes on wherever
/// the room is resumed), refuses later requests with
/// ``RoomError/roomClosed``, and tells its sink
/// ``RoomOutputSink/roomDidLoseOwnership(_:)``.
///
/// The answer must be cheap (it is asked 20-60 times a second per room) and
/// must turn `false` no later than another process could start ticking the
/// room: a lease's holder answers from the validity it computed when its
/// last renewal was sent, not when it was answered.
///
/// ```swift
/// struct AlwaysOwned: RoomOwnership {
///     func holds(at now: NIODeadline) -> Bool { true }
/// }
/// let runner = RoomRunner(
///     room: Room(id: "counter-1", logic: CounterLogic(), seed: 42),
///     loop: EventLoopRoomLoop(group.next()),
///     sink: binding,
///     ownership: AlwaysOwned()
/// )
/// ```
public protocol RoomOwnership: Sendable {
    /// `true` while this process may apply a tick at `now` (the room loop's clock).
    func holds(at now: NIODeadline) -> Bool
}
