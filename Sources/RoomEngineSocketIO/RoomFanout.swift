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

    init(room: RoomID, seats: SeatPolicy, eventLoop: any EventLoop, stats: LoopStatsBox, logger: Logger) {
        self.eventLoop = eventLoop
        self.state = .makeBoxSendingValue(
            FanoutState(room: room, seats: seats, eventLoop: eventLoop, stats: stats, logger: logger),
            eventLoop: eventLoop
        )
        eventLoop.execute { stats.value.rooms += 1 }
    }

    // MARK: RoomOutputSink (called on the room's loop)

    func roomDidTick(_ output: RoomTickOutput) {
        state.value.deliver(output)
    }

    func roomDidStop(_ room: RoomID, finalOperations: [SequencedOperation]) {
        state.value.stop(finalOperations: finalOperations, memberOperations: [])
    }

    func roomDidStop(_ room: RoomID, finalOperations: [SequencedOperation], memberOperations: [RecipientOperations]) {
        state.value.stop(finalOperations: finalOperations, memberOperations: memberOperations)
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
