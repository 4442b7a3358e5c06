import Logging
import NIOCore
import RoomEngine

/// Makes and starts the service's rooms: picks a loop of the group (with
/// that loop's stats box), a seed, and binds the room to its fan-out. One
/// place for the in-process directory's rooms and a cluster node's owned
/// rooms (which also carry their lease as ``RoomOwnership``).
struct RoomFactory: Sendable {
    let group: any EventLoopGroup
    let loopStats: [(loop: any EventLoop, stats: LoopStatsBox)]
    let recorder: (any RoomRecorder)?
    let configuration: RoomServiceConfiguration
    let snapshotWorker: SnapshotWorker?
    let logger: Logger
    let core: ServiceCore

    /// Members per room of `entry`'s kind (the kind's, or the configured cap when lower).
    func capacity(of entry: RoomKindEntry) -> Int {
        min(entry.rules.capacity, configuration.roomCapacity ?? entry.rules.capacity)
    }

    /// Makes room `id` of `entry`'s kind and starts it.
    func start(_ entry: RoomKindEntry, id: RoomID, ownership: (any RoomOwnership)? = nil, seatKey: SeatKey? = nil) -> BoundRoom {
        logger.debug("room created", metadata: ["room": "\(id)"])
        return BoundRoom(entry, creation: creation(id, ownership: ownership, seatKey: seatKey))
    }

    /// Rebuilds room `point` describes from its history and starts it
    /// under `ownership` (failover); throws when the history does not replay.
    func resume(_ entry: RoomKindEntry, from point: RoomResumePoint, ownership: any RoomOwnership, seatKey: SeatKey?) throws(RoomError) -> BoundRoom {
        logger.debug("room resumed", metadata: ["room": "\(point.session.roomID)", "tick": "\(point.tick)"])
        return try BoundRoom(resuming: point, entry, creation: creation(point.session.roomID, ownership: ownership, seatKey: seatKey))
    }

    private func creation(_ id: RoomID, ownership: (any RoomOwnership)?, seatKey: SeatKey?) -> RoomCreation {
        let loop = group.next()
        guard let stats = loopStats.first(where: { $0.loop === loop })?.stats else {
            preconditionFailure("the group handed out a loop it does not iterate")
        }
        let core = core
        return RoomCreation(
            id: id, seed: UInt64.random(in: .min ... .max), eventLoop: loop, stats: stats,
            recorder: recorder, configuration: configuration, snapshotWorker: snapshotWorker, logger: logger,
            seatExpired: { member in core.depart(member, from: id, endpoint: nil) },
            ownership: ownership, seatKey: seatKey
        )
    }
}
