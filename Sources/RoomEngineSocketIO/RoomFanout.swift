import Logging
import NIOCore
import RoomEngine

/// The room's output sink: turns each ``RoomTickOutput`` into deliveries
/// to the members' sessions — join answers with snapshots, `ops` batches,
/// input answers and per-member `delta`s — grouped per socket loop.
///
/// Everything it knows lives in ``FanoutState`` on the room's loop (a
/// `NIOLoopBoundBox`): the runner calls the sink there, and every other
/// entry point hops there first.
final class RoomFanout: RoomOutputSink {
    private let eventLoop: any EventLoop
    private let state: NIOLoopBoundBox<FanoutState>
    /// Where joiners' snapshots of large states are encoded (nil: on the loop).
    private let worker: SnapshotWorker?

    init(
        room: RoomID, kind: String = "", seats: SeatPolicy, eventLoop: any EventLoop, stats: LoopStatsBox, logger: Logger,
        worker: SnapshotWorker? = nil
    ) {
        self.eventLoop = eventLoop
        self.worker = worker
        self.state = .makeBoxSendingValue(
            FanoutState(room: room, kind: kind, seats: seats, eventLoop: eventLoop, stats: stats, logger: logger),
            eventLoop: eventLoop
        )
        eventLoop.execute {
            stats.value.rooms += 1
            stats.value.roomsByKind[kind, default: 0] += 1
        }
    }

    // MARK: RoomOutputSink (called on the room's loop)

    func roomDidTick(_ output: RoomTickOutput) {
        state.value.deliver(output)
        for deferred in output.deferredSnapshots { encode(deferred) }
    }

    /// Queues the encoding of a joiners' snapshot on the worker; its bytes
    /// come back to this loop. When the worker is full (or there is none)
    /// it is encoded here and now, as every snapshot used to be.
    private func encode(_ deferred: DeferredSnapshot) {
        let job = SnapshotWorker.Job()
        let state = state, loop = eventLoop
        let queued = worker?.submit(deferred, job: job) { snapshot in
            guard let snapshot else { return }  // cancelled: every joiner had gone
            loop.execute { state.value.snapshotEncoded(snapshot, of: deferred) }
        } ?? false
        if queued {
            state.value.encodings[deferred.tick] = job
        } else {
            state.value.snapshotEncoded(deferred.encode().encodedBuffer(), of: deferred)
        }
    }

    func roomDidStop(_ room: RoomID, finalOperations: [SequencedOperation]) {
        state.value.stop(finalOperations: finalOperations, memberOperations: [])
    }

    func roomDidStop(_ room: RoomID, finalOperations: [SequencedOperation], memberOperations: [RecipientOperations]) {
        state.value.stop(finalOperations: finalOperations, memberOperations: memberOperations)
    }

    /// With seats that outlive this owner (``SeatPolicy/key``), members are
    /// told to resync (``FanoutState/ownershipLost()``); without, that the
    /// room closed, as when it stops.
    func roomDidLoseOwnership(_ room: RoomID) {
        if state.value.seats.key != nil {
            state.value.ownershipLost()
        } else {
            state.value.stop(finalOperations: [], memberOperations: [])
        }
    }

    /// Reads the fan-out's state (on the room's loop; tests).
    func inspectForTesting<Value>(_ body: (FanoutState) -> Value) -> Value {
        body(state.value)
    }

    // MARK: From the runner's completions (on the room's loop)

    func admitted(_ member: MemberID) {
        state.value.admitted(member)
    }

    func departed(_ member: MemberID) {
        state.value.departed(member)
    }

    func inputQueued(from member: MemberID, token: UInt32?, result: Result<UInt64, RoomError>) {
        state.value.inputQueued(from: member, token: token, result: result)
    }

    func report(_ error: RoomWireError, to member: MemberID, event: String) {
        state.value.report(error, to: member, event: event)
    }

    // MARK: From the service (any thread)

    /// Holds the seats of a resumed room's members (``FanoutState/restoreSeats(of:tick:operationSequence:room:)``),
    /// on the room's loop.
    func restoreSeats(from snapshot: RoomSnapshot, room: any RoomEndpoint) {
        let state = state
        let members = snapshot.members, tick = snapshot.tick, sequence = snapshot.operationSequence
        eventLoop.execute { state.value.restoreSeats(of: members, tick: tick, operationSequence: sequence, room: room) }
    }

    func attach(_ member: MemberID, endpoint: MemberEndpoint, room: any RoomEndpoint) {
        let state = state
        eventLoop.execute { state.value.attach(member, endpoint: endpoint, room: room) }
    }

    /// `member`'s session on `socket` lost its connection (see ``FanoutState/away(_:socket:room:)``).
    func away(_ member: MemberID, socket: String, room: any RoomEndpoint) {
        let state = state
        eventLoop.execute { state.value.away(member, socket: socket, room: room) }
    }

    /// A socket presents a seat secret (see ``FanoutState/rejoin(seat:after:endpoint:room:)``).
    func rejoin(seat: String, after sequence: UInt64?, endpoint: MemberEndpoint, room: any RoomEndpoint) {
        let state = state
        eventLoop.execute { state.value.rejoin(seat: seat, after: sequence, endpoint: endpoint, room: room) }
    }
}
