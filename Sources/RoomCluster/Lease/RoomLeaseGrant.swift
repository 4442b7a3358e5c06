public import NIOCore
public import RoomEngine
import Synchronization

/// The ownership a lease hands its room's runner: holds until the validity
/// the lease last computed, then not (``RoomOwnership``).
///
/// Written by the lease's driver on its event loop, read by the room's
/// runner on the room's loop before every tick: one atomic load.
///
/// ```swift
/// let lease = RedisRoomLease(room: "whiteboard-1", node: "node-a", connection: redis)
/// guard case .success = await lease.acquire() else { return }
/// let room = entry.startRoom(id: "whiteboard-1", seed: seed, loop: loop, sink: sink, ownership: lease.grant)
/// ```
public final class RoomLeaseGrant: RoomOwnership {
    /// `NIODeadline.uptimeNanoseconds` until which the room may tick; 0 when not held.
    private let validUntil = Atomic<UInt64>(0)
    private let currentFence = Atomic<UInt64>(0)

    /// A grant that does not hold yet.
    public init() {}

    /// The fencing token of the acquisition that granted it (0 before the
    /// first): grows with every acquisition of the room, so a store can
    /// refuse writes from an older owner.
    public var fence: UInt64 { currentFence.load(ordering: .acquiring) }

    /// `true` while the lease's validity lasts.
    public func holds(at now: NIODeadline) -> Bool {
        now.uptimeNanoseconds < validUntil.load(ordering: .acquiring)
    }

    /// Extends the grant (the driver, after an acquisition or a renewal).
    func extend(fence: UInt64, until deadline: NIODeadline) {
        currentFence.store(fence, ordering: .releasing)
        validUntil.store(deadline.uptimeNanoseconds, ordering: .releasing)
    }

    /// Ends the grant at once.
    func revoke() {
        validUntil.store(0, ordering: .releasing)
    }
}
