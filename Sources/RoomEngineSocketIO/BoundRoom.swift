import ArenaRoom
import Logging
import NIOCore
public import RoomEngine
import WhiteboardRoom

/// A live room as the binding drives it, whatever its logic: the
/// ``RoomHandle`` the directory keeps, plus what sessions need to route
/// inputs and acknowledgements. ``BoundRoom`` is the only implementation.
protocol RoomEndpoint: RoomHandle {
    /// Ticks per second.
    var tickRate: Int { get }
    /// The largest input the kind accepts (checked before hopping to the room).
    var maxInputBytes: Int { get }
    /// Tells the room where an admitted member's deliveries go; its join
    /// answer (with the snapshot) follows once the snapshot exists.
    func attach(_ member: MemberID, endpoint: MemberEndpoint)
    /// Queues one encoded input. With a `token`, the result comes back as a
    /// reply to that token after the tick that applied it; without, only
    /// refusals come back (as `room-error`).
    ///
    /// `acknowledging` is a delta tick acknowledged along with the input.
    func enqueue(_ bytes: [UInt8], from member: MemberID, token: UInt32?, acknowledging tick: UInt64?)
    /// Records a member's acknowledgement of a delta tick.
    func acknowledge(tick: UInt64, by member: MemberID)
    /// The room as it is now (read on its loop).
    func currentSnapshot() async -> RoomSnapshot
}

/// One room bound to Socket.IO: a ``RoomRunner`` ticking a `Room<Logic>` on
/// one event loop, with a ``RoomFanout`` as its output sink on the same loop.
///
/// Membership changes reach the fan-out on the room's loop, inside the
/// runner's completion, so the fan-out's member list always matches the
/// room's: a member gets operations exactly from its snapshot on, and
/// nothing after it left.
final class BoundRoom<Logic: RoomLogic>: RoomEndpoint {
    let id: RoomID
    let kind: RoomKind
    let tickRate: Int
    let maxInputBytes: Int
    private let runner: RoomRunner<Logic>
    private let fanout: RoomFanout

    /// Creates and starts the room.
    init(
        id: RoomID,
        logic: Logic,
        config: RoomConfig,
        seed: UInt64,
        eventLoop: any EventLoop,
        stats: LoopStatsBox,
        recorder: (any RoomRecorder)?,
        configuration: RoomServiceConfiguration,
        logger: Logger
    ) {
        self.id = id
        self.kind = logic.kind
        self.tickRate = logic.rules.ticksPerSecond
        self.maxInputBytes = logic.rules.maxInputBytes
        self.fanout = RoomFanout(room: id, eventLoop: eventLoop, stats: stats, logger: logger)
        self.runner = RoomRunner(
            room: Room(id: id, logic: logic, config: config, seed: seed),
            loop: MeasuringRoomLoop(eventLoop: eventLoop, stats: stats),
            sink: fanout,
            recorder: recorder,
            snapshotInterval: configuration.snapshotInterval,
            logger: logger
        )
        runner.start()
    }

    func join(_ member: MemberID, metadata: [String: String]) async throws(RoomError) {
        let fanout = fanout
        let result = await withCheckedContinuation { continuation in
            runner.join(member, metadata: metadata) { result in
                if case .success = result { fanout.admitted(member) }
                continuation.resume(returning: result)
            }
        }
        try result.get()
    }

    func leave(_ member: MemberID) async throws(RoomError) {
        let fanout = fanout
        let result = await withCheckedContinuation { continuation in
            runner.leave(member) { result in
                if case .success = result { fanout.departed(member) }
                continuation.resume(returning: result)
            }
        }
        try result.get()
    }

    func close() async {
        await runner.close()
    }

    func attach(_ member: MemberID, endpoint: MemberEndpoint) {
        fanout.attach(member, endpoint: endpoint, room: self)
    }

    func enqueue(_ bytes: [UInt8], from member: MemberID, token: UInt32?, acknowledging tick: UInt64?) {
        let fanout = fanout
        runner.enqueue(bytes, from: member, acknowledging: tick) { result in
            fanout.inputQueued(from: member, token: token, result: result)
        }
    }

    func currentSnapshot() async -> RoomSnapshot {
        await withCheckedContinuation { continuation in
            runner.inspect({ room, _ in room.snapshot() }, completion: { continuation.resume(returning: $0) })
        }
    }

    func acknowledge(tick: UInt64, by member: MemberID) {
        let fanout = fanout
        runner.acknowledge(tick: tick, by: member) { result in
            if case .failure(let error) = result {
                fanout.report(RoomWireError(error), to: member, event: RoomWire.Event.deltaAck)
            }
        }
    }
}

/// A room kind the service offers: its logic, the configuration new rooms
/// get, and how many members a room takes.
///
/// ```swift
/// let service = RoomService(server: io, group: group, kinds: [
///     .whiteboard,
///     .logic(ArenaLogic(), config: RoomConfig(parameters: ["pickups": "12"])),
/// ])
/// ```
public struct RoomKindBinding: Sendable {
    /// The kind clients name in `join`.
    public let kind: RoomKind
    /// Members per room (the logic's capacity; the service may cap it lower).
    public let capacity: Int
    let make: @Sendable (RoomCreation) -> any RoomEndpoint

    /// Binds rooms of `logic`, each created with `config`.
    public static func logic<Logic: RoomLogic>(_ logic: Logic, config: RoomConfig = RoomConfig()) -> RoomKindBinding {
        RoomKindBinding(kind: logic.kind, capacity: logic.rules.capacity) { creation in
            BoundRoom(
                id: creation.id, logic: logic, config: config, seed: creation.seed,
                eventLoop: creation.eventLoop, stats: creation.stats, recorder: creation.recorder,
                configuration: creation.configuration, logger: creation.logger
            )
        }
    }

    /// Collaborative whiteboards (``WhiteboardLogic``).
    public static let whiteboard = RoomKindBinding.logic(WhiteboardLogic())

    /// The real-time arena (``ArenaLogic``, 8 pickups).
    public static let arena = RoomKindBinding.logic(ArenaLogic())
}

/// What a new room needs from the service.
struct RoomCreation {
    let id: RoomID
    let seed: UInt64
    let eventLoop: any EventLoop
    let stats: LoopStatsBox
    let recorder: (any RoomRecorder)?
    let configuration: RoomServiceConfiguration
    let logger: Logger
}
