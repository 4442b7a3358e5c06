import Logging
import NIOCore
import RoomEngine

/// A live room as the binding drives it, whatever its kind: the
/// ``RoomHandle`` the directory keeps, plus what sessions need to route
/// inputs and acknowledgements. ``BoundRoom`` is the only implementation.
protocol RoomEndpoint: RoomHandle {
    /// Ticks per second.
    var tickRate: Int { get }
    /// The largest input the kind accepts (checked before hopping to the room).
    var maxInputBytes: Int { get }
    /// Whether the kind gives each member its own view
    /// (``RoomLogic/hasMemberViews``): its members' operation sequences
    /// may skip, which the join answer tells clients (`views: true`).
    var hasMemberViews: Bool { get }
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
    /// `member`'s session on `socket` lost its connection without leaving:
    /// its seat is held for the grace period.
    func away(_ member: MemberID, socket: String)
    /// A socket presents a seat of this room; the answer (the member back,
    /// or `unknownSeat`) goes to `endpoint`.
    func rejoin(seat: SeatToken, after sequence: UInt64?, endpoint: MemberEndpoint)
    /// ``RunningRoom/memberAway(_:)``, on the room's loop only.
    func memberAwayOnLoop(_ member: MemberID) throws(RoomError)
    /// ``RunningRoom/memberReturned(_:withSnapshot:wasAway:)``, on the room's loop only.
    func memberReturnedOnLoop(_ member: MemberID, withSnapshot: Bool, wasAway: Bool) throws(RoomError) -> RoomSnapshot?
}

/// One room bound to Socket.IO: a room of any kind started by its
/// ``RoomKindEntry`` on one event loop, with a ``RoomFanout`` as its output
/// sink on the same loop.
///
/// Membership changes reach the fan-out on the room's loop, inside the
/// room's completion, so the fan-out's member list always matches the
/// room's: a member gets operations exactly from its snapshot on, and
/// nothing after it left.
final class BoundRoom: RoomEndpoint {
    let id: RoomID
    let kind: RoomKind
    let tickRate: Int
    let maxInputBytes: Int
    let hasMemberViews: Bool
    private let room: any RunningRoom
    private let fanout: RoomFanout

    /// Creates and starts a room of `entry`'s kind.
    init(_ entry: RoomKindEntry, creation: RoomCreation) {
        self.id = creation.id
        self.kind = entry.kind
        self.tickRate = entry.rules.ticksPerSecond
        self.maxInputBytes = entry.rules.maxInputBytes
        self.hasMemberViews = entry.logic.hasMemberViews
        self.fanout = Self.fanout(of: entry, creation)
        self.room = entry.startRoom(
            id: creation.id, seed: creation.seed,
            loop: MeasuringRoomLoop(eventLoop: creation.eventLoop, stats: creation.stats),
            sink: fanout, recorder: creation.recorder,
            snapshotInterval: creation.configuration.snapshotInterval,
            snapshotOffloadBytes: creation.snapshotWorker == nil ? nil : creation.configuration.snapshotOffloadBytes,
            ownership: creation.ownership,
            logger: creation.logger
        )
    }

    /// Rebuilds a room of `entry`'s kind from its durable history and
    /// starts it (``RoomKindEntry/resumeRoom(from:loop:sink:recorder:snapshotInterval:snapshotOffloadBytes:ownership:logger:)``):
    /// a cluster's failover. Its members hold no session yet; ``holdRestoredSeats()``
    /// holds their seats. Throws when the history does not replay.
    init(resuming point: RoomResumePoint, _ entry: RoomKindEntry, creation: RoomCreation) throws(RoomError) {
        self.id = creation.id
        self.kind = entry.kind
        self.tickRate = entry.rules.ticksPerSecond
        self.maxInputBytes = entry.rules.maxInputBytes
        self.hasMemberViews = entry.logic.hasMemberViews
        let fanout = Self.fanout(of: entry, creation)
        self.fanout = fanout
        do {
            self.room = try entry.resumeRoom(
                from: point,
                loop: MeasuringRoomLoop(eventLoop: creation.eventLoop, stats: creation.stats),
                sink: fanout, recorder: creation.recorder,
                snapshotInterval: creation.configuration.snapshotInterval,
                snapshotOffloadBytes: creation.snapshotWorker == nil ? nil : creation.configuration.snapshotOffloadBytes,
                ownership: creation.ownership,
                logger: creation.logger
            )
        } catch {
            // The fan-out counted a room that never started (on its loop).
            let id = creation.id
            creation.eventLoop.execute { fanout.roomDidStop(id, finalOperations: []) }
            throw error
        }
    }

    private static func fanout(of entry: RoomKindEntry, _ creation: RoomCreation) -> RoomFanout {
        let seats = SeatPolicy(
            grace: creation.configuration.seatGracePeriod ?? TimeAmount(entry.rules.seatGracePeriod),
            replayLimits: .init(
                batches: creation.configuration.rejoinOperationBatches, bytes: creation.configuration.rejoinOperationBytes
            ),
            key: creation.seatKey,
            expired: creation.seatExpired
        )
        return RoomFanout(
            room: creation.id, kind: entry.kind.name, seats: seats, eventLoop: creation.eventLoop, stats: creation.stats, logger: creation.logger,
            worker: creation.snapshotWorker
        )
    }

    /// Holds a resumed room's members' seats (away, for the grace period)
    /// and returns them: they come back with `rejoin`.
    func holdRestoredSeats() async -> [MemberID] {
        let fanout = fanout
        return await withCheckedContinuation { continuation in
            room.inspectSnapshot { snapshot, _ in
                fanout.restoreSeats(from: snapshot, room: self)
                continuation.resume(returning: snapshot.members)
            }
        }
    }

    func join(_ member: MemberID, metadata: [String: String]) async throws(RoomError) {
        let fanout = fanout
        let result = await withCheckedContinuation { continuation in
            room.join(member, metadata: metadata) { result in
                if case .success = result { fanout.admitted(member) }
                continuation.resume(returning: result)
            }
        }
        try result.get()
    }

    func leave(_ member: MemberID) async throws(RoomError) {
        let fanout = fanout
        let result = await withCheckedContinuation { continuation in
            room.leave(member) { result in
                if case .success = result { fanout.departed(member) }
                continuation.resume(returning: result)
            }
        }
        try result.get()
    }

    func close() async {
        await room.close()
    }

    /// Stops ticking without ending the session (``RunningRoom/handOver(completion:)``):
    /// its members are told to resync (seats that outlive this node,
    /// ``SeatPolicy/key``) and another node resumes it. Returns once fenced.
    func handOver() async {
        await withCheckedContinuation { continuation in
            room.handOver { continuation.resume() }
        }
    }

    func attach(_ member: MemberID, endpoint: MemberEndpoint) {
        fanout.attach(member, endpoint: endpoint, room: self)
    }

    func enqueue(_ bytes: [UInt8], from member: MemberID, token: UInt32?, acknowledging tick: UInt64?) {
        let fanout = fanout
        room.enqueue(bytes, from: member, acknowledging: tick) { result in
            fanout.inputQueued(from: member, token: token, result: result)
        }
    }

    func currentSnapshot() async -> RoomSnapshot {
        await withCheckedContinuation { continuation in
            room.inspectSnapshot { snapshot, _ in continuation.resume(returning: snapshot) }
        }
    }

    func away(_ member: MemberID, socket: String) {
        fanout.away(member, socket: socket, room: self)
    }

    func rejoin(seat: SeatToken, after sequence: UInt64?, endpoint: MemberEndpoint) {
        fanout.rejoin(seat: seat.secret, after: sequence, endpoint: endpoint, room: self)
    }

    func memberAwayOnLoop(_ member: MemberID) throws(RoomError) {
        try room.memberAway(member)
    }

    func memberReturnedOnLoop(_ member: MemberID, withSnapshot: Bool, wasAway: Bool) throws(RoomError) -> RoomSnapshot? {
        try room.memberReturned(member, withSnapshot: withSnapshot, wasAway: wasAway)
    }

    func acknowledge(tick: UInt64, by member: MemberID) {
        let fanout = fanout
        room.acknowledge(tick: tick, by: member) { result in
            if case .failure(let error) = result {
                fanout.report(RoomWireError(error), to: member, event: RoomWire.Event.deltaAck)
            }
        }
    }
}

/// What a new room needs from the service.
struct RoomCreation {
    let id: RoomID
    let seed: UInt64
    let eventLoop: any EventLoop
    let stats: LoopStatsBox
    let recorder: (any RoomRecorder)?
    let configuration: RoomServiceConfiguration
    /// Where joiners' snapshots of large states are encoded (``RoomServiceConfiguration/snapshotOffloadBytes``).
    let snapshotWorker: SnapshotWorker?
    let logger: Logger
    /// Makes a member whose grace period ended leave (on the room's loop).
    let seatExpired: @Sendable (MemberID) -> Void
    /// Who may tick it (a cluster's lease); nil: always this process.
    var ownership: (any RoomOwnership)? = nil
    /// The seat key of a cluster room that may be resumed elsewhere
    /// (``SeatPolicy/key``); nil: random seats.
    var seatKey: SeatKey? = nil
}
