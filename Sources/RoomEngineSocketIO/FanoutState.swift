import Logging
import NIOCore
import RoomEngine

/// The fan-out's members and what each is owed, owned by the room's loop:
/// one ``FanoutMember`` per member, in one map.
///
/// It holds its room only for a member whose session attached before its
/// snapshot came (to name the room in the join answer), and lets go when
/// the answer goes out, the member leaves or the room stops: the room owns
/// the fan-out, never the other way round. Seats (members away, `rejoin`)
/// are in `FanoutState+Seats.swift`.
final class FanoutState {
    /// Operation batches kept for a member not attached yet. Attachment
    /// follows admission within a directory round trip, so this is never
    /// reached in practice; past it the join fails with `serverBusy`.
    static let parkLimit = 64

    let room: RoomID
    /// The room's kind, for the statistics.
    let kind: String
    let seats: SeatPolicy
    let eventLoop: any EventLoop
    let stats: LoopStatsBox
    let logger: Logger
    var members: [MemberID: FanoutMember] = [:]
    /// Input answers waiting over all members (the tick skips them at zero).
    var awaitingAnswers = 0
    /// The newest tick the room delivered (the room's tick between two ticks).
    var lastTick: UInt64 = 0
    /// Joiners' snapshots being encoded off the loop, by tick (at most one
    /// per tick): cancelled when every joiner of theirs is gone.
    var encodings: [UInt64: SnapshotWorker.Job] = [:]

    init(room: RoomID, kind: String = "", seats: SeatPolicy, eventLoop: any EventLoop, stats: LoopStatsBox, logger: Logger) {
        self.kind = kind
        self.room = room
        self.seats = seats
        self.eventLoop = eventLoop
        self.stats = stats
        self.logger = logger
    }

    // MARK: Membership

    func admitted(_ member: MemberID) {
        stats.value.members += 1
        members[member] = FanoutMember(seat: seats.newSeat(for: member), replay: OperationReplay(limits: seats.replayLimits))
    }

    func departed(_ member: MemberID) {
        stats.value.members -= 1
        guard let gone = members.removeValue(forKey: member) else { return }
        if case .away(let grace) = gone.stage { grace?.cancel() }
        awaitingAnswers -= gone.awaitingAnswers.count
        if case .encoding(let tick, let session, _) = gone.stage {
            // Its held operations go with it; so does the encoding, when nobody else waits for it.
            cancelEncodingIfUnwanted(tick)
            session?.endpoint.deliver(.joinFailed(RoomWireError(.notAMember(member)), admittedTo: nil))
            return
        }
        guard let endpoint = gone.endpoint else { return }
        var outbox = Outbox()
        for (receipt, token) in gone.awaitingAnswers {
            outbox.add(.reply(token: token, RoomWireError(.notAMember(member)).json(receipt: receipt)), to: endpoint)
        }
        outbox.add(.left(room), to: endpoint)
        outbox.flush()
    }

    func attach(_ member: MemberID, endpoint: MemberEndpoint, room handle: any RoomEndpoint) {
        guard let current = members[member] else {
            // Left (or the room stopped) before the service attached it.
            endpoint.deliver(.joinFailed(RoomWireError(.roomClosed), admittedTo: nil))
            return
        }
        switch current.stage {
        case .admitted:
            members[member]?.stage = .attached(endpoint, room: handle)
        case .parked(let snapshot, let tick, let operations):
            var outbox = Outbox()
            outbox.add(.joined(accepted(member, room: handle, tick: tick, start: .snapshot(snapshot), rejoin: false)), to: endpoint)
            for delivery in operations { outbox.add(delivery, to: endpoint) }
            outbox.flush()
            members[member]?.stage = .joined(endpoint)
        case .encoding(let tick, nil, let operations):
            members[member]?.stage = .encoding(tick: tick, session: (endpoint, handle), operations: operations)
        case .overflowed:
            members[member] = nil
            endpoint.deliver(.joinFailed(.serverBusy, admittedTo: room))
        case .attached, .encoding, .joined, .away, .expired:
            logger.debug("member attached twice; the first session keeps it", metadata: ["member": "\(member)"])
        }
    }

    // MARK: Inputs

    func inputQueued(from member: MemberID, token: UInt32?, result: Result<UInt64, RoomError>) {
        switch result {
        case .success(let receipt):
            stats.value.inputsAccepted += 1
            guard let token, members[member] != nil else { return }
            members[member]?.awaitingAnswers.append((receipt, token))
            awaitingAnswers += 1
        case .failure(let error):
            stats.value.inputsRefused += 1
            guard let endpoint = members[member]?.endpoint else { return }
            let wire = RoomWireError(error)
            if let token {
                endpoint.deliver(.reply(token: token, wire.json()))
            } else {
                endpoint.deliver(.error(wire, event: RoomWire.Event.input, receipt: nil))
            }
        }
    }

    func report(_ error: RoomWireError, to member: MemberID, event: String) {
        members[member]?.endpoint?.deliver(.error(error, event: event, receipt: nil))
    }

    // MARK: Ticks

    func deliver(_ output: RoomTickOutput) {
        lastTick = output.tick
        var outbox = Outbox()
        var joiners: Set<MemberID> = []
        // The joiners of one tick share one picture (unless the kind gives
        // each member its own view): each picture is encoded once.
        var encoded: (picture: RoomSnapshot, bytes: ByteBuffer)?
        for joiner in output.snapshots {
            if encoded?.picture != joiner.snapshot {
                encoded = (joiner.snapshot, joiner.snapshot.encodedBuffer())
            }
            joiners.insert(joiner.recipient)
            if let encoded {
                deliverSnapshot(
                    encoded.bytes, tick: output.tick, sequence: joiner.snapshot.operationSequence,
                    to: joiner.recipient, outbox: &outbox
                )
            }
        }
        // Snapshots to be encoded off the loop (``RoomFanout`` queues them):
        // their joiners wait in `encoding`, holding later operations.
        for deferred in output.deferredSnapshots {
            for joiner in deferred.recipients {
                joiners.insert(joiner)
                members[joiner]?.replay.restarted(at: deferred.operationSequence)
                switch members[joiner]?.stage {
                case .admitted:
                    members[joiner]?.stage = .encoding(tick: deferred.tick, session: nil, operations: [])
                case .attached(let endpoint, let handle):
                    members[joiner]?.stage = .encoding(tick: deferred.tick, session: (endpoint, handle), operations: [])
                case .parked, .encoding, .joined, .away, .expired, .overflowed, nil:
                    break
                }
            }
        }
        if !output.operations.isEmpty {
            deliverOperations(output.operations, skipping: joiners, outbox: &outbox)
        }
        if !output.memberOperations.isEmpty {
            deliverMemberOperations(output.memberOperations, outbox: &outbox)
        }
        if awaitingAnswers > 0 || !output.rejections.isEmpty {
            answerInputs(output, outbox: &outbox)
        }
        for delta in output.deltas {
            guard let endpoint = members[delta.recipient]?.endpoint else { continue }
            stats.value.recordDelta(bytes: delta.bytes.count, changes: delta.changeCount, isFull: delta.isFull)
            outbox.add(.delta(room, tick: output.tick, ByteBuffer(bytes: delta.bytes)), to: endpoint)
        }
        outbox.flush()
    }

    func stop(finalOperations: [SequencedOperation], memberOperations: [RecipientOperations]) {
        var outbox = Outbox()
        if !finalOperations.isEmpty { deliverOperations(finalOperations, skipping: [], outbox: &outbox) }
        if !memberOperations.isEmpty { deliverMemberOperations(memberOperations, outbox: &outbox) }
        release(outbox: &outbox) { _ in .closed(room) }
        outbox.flush()
    }

    /// The room's lease ended (it is fenced) and its seats outlive this
    /// owner (``SeatPolicy/key``): another node resumes it. Joined members
    /// are told to resync (their clients reconnect and `rejoin` the seat
    /// they hold, wherever the room went); members still joining are
    /// refused (`roomClosed`).
    func ownershipLost() {
        var outbox = Outbox()
        release(outbox: &outbox) { member in
            if case .joined = member.stage { .resync(room) } else { .joinFailed(RoomWireError(.roomClosed), admittedTo: nil) }
        }
        outbox.flush()
    }

    /// Ends every member's part here: answers owed are refused, each member
    /// with a session gets `farewell`'s delivery, timers and encodings stop.
    private func release(outbox: inout Outbox, farewell: (FanoutMember) -> Delivery) {
        stats.value.rooms -= 1
        if let count = stats.value.roomsByKind[kind] { stats.value.roomsByKind[kind] = count > 1 ? count - 1 : nil }
        stats.value.members -= members.count
        for job in encodings.values { job.cancel() }
        encodings = [:]
        for member in members.values {
            if case .away(let grace) = member.stage { grace?.cancel() }
            if case .encoding(_, let session?, _) = member.stage {
                outbox.add(.joinFailed(RoomWireError(.roomClosed), admittedTo: nil), to: session.endpoint)
                continue
            }
            guard let endpoint = member.endpoint else { continue }
            for (receipt, token) in member.awaitingAnswers {
                outbox.add(.reply(token: token, RoomWireError(.roomClosed).json(receipt: receipt)), to: endpoint)
            }
            outbox.add(farewell(member), to: endpoint)
        }
        members = [:]
        awaitingAnswers = 0
    }

    /// The snapshot of `deferred` is encoded (on a worker, or on this loop
    /// when the worker was full): its joiners still waiting for it go on
    /// as if it had come with its tick — joined (answer, then the held
    /// operations) or parked until their session attaches.
    func snapshotEncoded(_ snapshot: ByteBuffer, of deferred: DeferredSnapshot) {
        encodings[deferred.tick] = nil
        var outbox = Outbox()
        for member in deferred.recipients {
            guard case .encoding(let tick, let session, let held)? = members[member]?.stage, tick == deferred.tick else {
                continue  // left (or the room stopped) meanwhile
            }
            if let session {
                let answer = accepted(member, room: session.room, tick: tick, start: .snapshot(snapshot), rejoin: false)
                outbox.add(.joined(answer), to: session.endpoint)
                for delivery in held { outbox.add(delivery, to: session.endpoint) }
                members[member]?.stage = .joined(session.endpoint)  // the room is no longer held
            } else {
                members[member]?.stage = .parked(snapshot: snapshot, tick: tick, operations: held)
            }
        }
        outbox.flush()
    }

    /// Cancels the encoding of `tick` when no member waits for it any more.
    private func cancelEncodingIfUnwanted(_ tick: UInt64) {
        let wanted = members.values.contains {
            if case .encoding(let waiting, _, _) = $0.stage { return waiting == tick }
            return false
        }
        if !wanted { encodings.removeValue(forKey: tick)?.cancel() }
    }

    private func deliverSnapshot(
        _ snapshot: ByteBuffer, tick: UInt64, sequence: UInt64, to member: MemberID, outbox: inout Outbox
    ) {
        members[member]?.replay.restarted(at: sequence)
        switch members[member]?.stage {
        case .admitted:
            members[member]?.stage = .parked(snapshot: snapshot, tick: tick, operations: [])
        case .attached(let endpoint, let handle):
            outbox.add(.joined(accepted(member, room: handle, tick: tick, start: .snapshot(snapshot), rejoin: false)), to: endpoint)
            members[member]?.stage = .joined(endpoint)  // the room is no longer held
        case .parked, .encoding, .joined, .away, .expired, .overflowed, nil:
            break
        }
    }

    /// The answer to a join or rejoin of `member`, with its seat.
    func accepted(
        _ member: MemberID, room handle: any RoomEndpoint, tick: UInt64, start: JoinAccepted.Start, rejoin: Bool
    ) -> JoinAccepted {
        JoinAccepted(
            room: handle, member: member, seat: SeatToken(secret: members[member]?.seat ?? "", room: room).text,
            grace: seats.grace, tick: tick, start: start, isRejoin: rejoin
        )
    }

    private func deliverOperations(_ operations: [SequencedOperation], skipping joiners: Set<MemberID>, outbox: inout Outbox) {
        let batch = Self.batch(operations)
        let first = operations.first?.sequence ?? 0, last = operations.last?.sequence ?? 0
        var recipients = 0
        var overflowing: [MemberID] = []
        for index in members.values.indices where !joiners.contains(members.keys[index]) {
            if offer(batch, first: first, last: last, toMemberAt: index, outbox: &outbox, overflowing: &overflowing) {
                recipients += 1
            }
        }
        dropOverflowing(overflowing)
        stats.value.recordOperations(bytes: batch.readableBytes, recipients: recipients)
    }

    /// Each member's own operations (a kind with member views): one batch each.
    private func deliverMemberOperations(_ perMember: [RecipientOperations], outbox: inout Outbox) {
        var overflowing: [MemberID] = []
        for own in perMember {
            guard let index = members.index(forKey: own.recipient) else { continue }
            let batch = Self.batch(own.operations)
            let first = own.operations.first?.sequence ?? 0, last = own.operations.last?.sequence ?? 0
            let delivered = offer(batch, first: first, last: last, toMemberAt: index, outbox: &outbox, overflowing: &overflowing)
            stats.value.recordOperations(bytes: batch.readableBytes, recipients: delivered ? 1 : 0)
        }
        dropOverflowing(overflowing)
    }

    private static func batch(_ operations: [SequencedOperation]) -> ByteBuffer {
        var writer = BinaryWriter(reservingCapacity: operations.reduce(0) { $0 + $1.payload.count + 8 })
        for operation in operations { operation.encode(into: &writer) }
        return ByteBuffer(bytes: writer.bytes)
    }

    /// Adds `batch` to the deliveries a member holds until its snapshot is
    /// out (parked, or waiting for its encoding), and keeps it for a rejoin;
    /// a member holding ``parkLimit`` already goes to `overflowing` instead.
    /// `stage` rebuilds the member's stage around the longer list.
    private func hold(
        _ batch: ByteBuffer, first: UInt64, last: UInt64, with held: inout [Delivery],
        atMember index: Dictionary<MemberID, FanoutMember>.Index, overflowing: inout [MemberID],
        stage: ([Delivery]) -> FanoutMember.Stage
    ) {
        guard held.count < FanoutState.parkLimit else { return overflowing.append(members.keys[index]) }
        members.values[index].stage = .admitted  // no second copy of `held` while appending
        held.append(.operations(room, batch))
        members.values[index].replay.append(batch, first: first, last: last)
        members.values[index].stage = stage(held)
    }

    /// Sends `batch` (operations `first...last`) to the member at `index`, or
    /// parks it until its session attaches, and keeps it for a rejoin of the
    /// member's seat; true when it went out. A member parked too long goes to
    /// `overflowing`; a member away keeps it owed.
    private func offer(
        _ batch: ByteBuffer, first: UInt64, last: UInt64, toMemberAt index: Dictionary<MemberID, FanoutMember>.Index,
        outbox: inout Outbox, overflowing: inout [MemberID]
    ) -> Bool {
        switch members.values[index].stage {
        case .joined(let endpoint):
            outbox.add(.operations(room, batch), to: endpoint)
            members.values[index].replay.append(batch, first: first, last: last)
            return true
        case .away:
            members.values[index].replay.append(batch, first: first, last: last)  // owed: a rejoin replays it
            return false
        case .parked(let snapshot, let tick, var parked):
            hold(batch, first: first, last: last, with: &parked, atMember: index, overflowing: &overflowing) {
                .parked(snapshot: snapshot, tick: tick, operations: $0)
            }
            return false
        case .encoding(let tick, let session, var held):
            hold(batch, first: first, last: last, with: &held, atMember: index, overflowing: &overflowing) {
                .encoding(tick: tick, session: session, operations: $0)
            }
            return false
        case .admitted, .attached, .overflowed, .expired:
            return false  // no snapshot yet (operations are owed from the snapshot on), or gone
        }
    }

    private func dropOverflowing(_ overflowing: [MemberID]) {
        for member in overflowing {
            logger.warning("member not attached in time; its join fails", metadata: ["member": "\(member)"])
            awaitingAnswers -= members[member]?.awaitingAnswers.count ?? 0
            if case .encoding(let tick, let session, _)? = members[member]?.stage {
                members[member] = FanoutMember(stage: .overflowed, replay: OperationReplay(limits: seats.replayLimits))
                cancelEncodingIfUnwanted(tick)
                if let session {
                    // Its session waits for the answer: it is the refusal (the session leaves again).
                    members[member] = nil
                    session.endpoint.deliver(.joinFailed(.serverBusy, admittedTo: room))
                }
                continue
            }
            members[member] = FanoutMember(stage: .overflowed, replay: OperationReplay(limits: seats.replayLimits))
        }
    }

    private func answerInputs(_ output: RoomTickOutput, outbox: inout Outbox) {
        var refused: [MemberID: [UInt64: RoomError]] = [:]
        for rejection in output.rejections {
            refused[rejection.member, default: [:]][rejection.sequence] = rejection.error
        }
        stats.value.inputsRefused += UInt64(output.rejections.count)
        // Every input queued before this tick was drained by it: answer them all.
        if awaitingAnswers > 0 {
            for index in members.values.indices where !members.values[index].awaitingAnswers.isEmpty {
                let member = members.keys[index]
                if let endpoint = members.values[index].endpoint {
                    for (receipt, token) in members.values[index].awaitingAnswers {
                        if let error = refused[member]?.removeValue(forKey: receipt) {
                            outbox.add(.reply(token: token, RoomWireError(error).json(receipt: receipt)), to: endpoint)
                        } else {
                            outbox.add(.reply(token: token, RoomWire.applied(receipt: receipt, tick: output.tick)), to: endpoint)
                        }
                    }
                }
                members.values[index].awaitingAnswers.removeAll(keepingCapacity: true)
            }
            awaitingAnswers = 0
        }
        // Refusals of inputs sent without an ack go out as `room-error`.
        for (member, errors) in refused {
            guard let endpoint = members[member]?.endpoint else { continue }
            for (receipt, error) in errors.sorted(by: { $0.key < $1.key }) {
                outbox.add(.error(RoomWireError(error), event: RoomWire.Event.input, receipt: receipt), to: endpoint)
            }
        }
    }
}
