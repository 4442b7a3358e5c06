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

    init(room: RoomID, eventLoop: any EventLoop, stats: LoopStatsBox, logger: Logger) {
        self.eventLoop = eventLoop
        self.state = .makeBoxSendingValue(
            FanoutState(room: room, stats: stats, logger: logger),
            eventLoop: eventLoop
        )
        eventLoop.execute { stats.value.rooms += 1 }
    }

    // MARK: RoomOutputSink (called on the room's loop)

    func roomDidTick(_ output: RoomTickOutput) {
        state.value.deliver(output)
    }

    func roomDidStop(_ room: RoomID, finalOperations: [SequencedOperation]) {
        state.value.stop(finalOperations: finalOperations)
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
}

/// The fan-out's members and what each is owed, owned by the room's loop.
///
/// The per-tick hot path (deltas, input answers) only touches `endpoints`
/// and `pending`; `links` holds the rarer join bookkeeping.
final class FanoutState {
    /// One member's join bookkeeping.
    struct Link {
        /// The room to name in the join answer, set on attachment.
        var room: (any RoomEndpoint)?
        /// Whether the snapshot was produced (operations are owed from then on).
        var hasSnapshot = false
        /// The snapshot and its tick, kept until the member is attached.
        var parkedSnapshot: (bytes: ByteBuffer, tick: UInt64)?
        /// Operations after the snapshot, kept until the member is attached.
        var parked: [Delivery] = []
    }

    /// Operation batches kept for a member not attached yet. Attachment
    /// follows admission within a directory round trip, so this is never
    /// reached in practice; past it the join fails with `serverBusy`.
    static let parkLimit = 64

    private let room: RoomID
    private let stats: LoopStatsBox
    private let logger: Logger
    /// Every admitted member.
    private var links: [MemberID: Link] = [:]
    /// Where the attached members' deliveries go.
    private var endpoints: [MemberID: MemberEndpoint] = [:]
    /// Inputs waiting for their tick's answer: receipt and reply token.
    private var pending: [MemberID: [(receipt: UInt64, token: UInt32)]] = [:]
    private var overflowed: Set<MemberID> = []

    init(room: RoomID, stats: LoopStatsBox, logger: Logger) {
        self.room = room
        self.stats = stats
        self.logger = logger
    }

    // MARK: Membership

    func admitted(_ member: MemberID) {
        stats.value.members += 1
        links[member] = Link()
        overflowed.remove(member)
    }

    func departed(_ member: MemberID) {
        overflowed.remove(member)
        stats.value.members -= 1
        links[member] = nil
        let waiting = pending.removeValue(forKey: member) ?? []
        guard let endpoint = endpoints.removeValue(forKey: member) else { return }
        var outbox = Outbox()
        for (receipt, token) in waiting {
            outbox.add(.reply(token: token, RoomWireError(.notAMember(member)).json(receipt: receipt)), to: endpoint)
        }
        outbox.add(.left(room), to: endpoint)
        outbox.flush()
    }

    func attach(_ member: MemberID, endpoint: MemberEndpoint, room handle: any RoomEndpoint) {
        if overflowed.remove(member) != nil {
            endpoint.deliver(.joinFailed(.serverBusy, admittedTo: room))
            return
        }
        guard var link = links[member] else {
            // Left (or the room stopped) before the service attached it.
            endpoint.deliver(.joinFailed(RoomWireError(.roomClosed), admittedTo: nil))
            return
        }
        endpoints[member] = endpoint
        link.room = handle
        if let snapshot = link.parkedSnapshot {
            var outbox = Outbox()
            outbox.add(.joined(JoinAccepted(room: handle, member: member, snapshot: snapshot.bytes, tick: snapshot.tick)), to: endpoint)
            for delivery in link.parked { outbox.add(delivery, to: endpoint) }
            outbox.flush()
            link.parkedSnapshot = nil
            link.parked = []
        }
        links[member] = link
    }

    // MARK: Inputs

    func inputQueued(from member: MemberID, token: UInt32?, result: Result<UInt64, RoomError>) {
        switch result {
        case .success(let receipt):
            stats.value.inputsAccepted += 1
            if let token { pending[member, default: []].append((receipt, token)) }
        case .failure(let error):
            stats.value.inputsRefused += 1
            guard let endpoint = endpoints[member] else { return }
            let wire = RoomWireError(error)
            if let token {
                endpoint.deliver(.reply(token: token, wire.json()))
            } else {
                endpoint.deliver(.error(wire, event: RoomWire.Event.input, receipt: nil))
            }
        }
    }

    func report(_ error: RoomWireError, to member: MemberID, event: String) {
        endpoints[member]?.deliver(.error(error, event: event, receipt: nil))
    }

    // MARK: Ticks

    func deliver(_ output: RoomTickOutput) {
        var outbox = Outbox()
        var joiners: Set<MemberID> = []
        if let picture = output.snapshots.first?.snapshot {
            // Every joiner of one tick gets the same picture: encode it once.
            let snapshot = ByteBuffer(bytes: picture.encodedBytes())
            for recipient in output.snapshots.map(\.recipient) {
                joiners.insert(recipient)
                deliverSnapshot(snapshot, tick: output.tick, to: recipient, outbox: &outbox)
            }
        }
        if !output.operations.isEmpty {
            deliverOperations(output.operations, skipping: joiners, outbox: &outbox)
        }
        if !pending.isEmpty || !output.rejections.isEmpty {
            answerInputs(output, outbox: &outbox)
        }
        for delta in output.deltas {
            guard let endpoint = endpoints[delta.recipient] else { continue }
            stats.value.recordDelta(bytes: delta.bytes.count, changes: delta.changeCount, isFull: delta.isFull)
            outbox.add(.delta(room, tick: output.tick, ByteBuffer(bytes: delta.bytes)), to: endpoint)
        }
        outbox.flush()
    }

    func stop(finalOperations: [SequencedOperation]) {
        stats.value.rooms -= 1
        stats.value.members -= links.count + overflowed.count
        var outbox = Outbox()
        if !finalOperations.isEmpty { deliverOperations(finalOperations, skipping: [], outbox: &outbox) }
        for (member, endpoint) in endpoints {
            for (receipt, token) in pending[member] ?? [] {
                outbox.add(.reply(token: token, RoomWireError(.roomClosed).json(receipt: receipt)), to: endpoint)
            }
            outbox.add(.closed(room), to: endpoint)
        }
        links = [:]
        endpoints = [:]
        pending = [:]
        outbox.flush()
    }

    private func deliverSnapshot(_ snapshot: ByteBuffer, tick: UInt64, to member: MemberID, outbox: inout Outbox) {
        guard var link = links[member] else { return }
        link.hasSnapshot = true
        if let endpoint = endpoints[member], let handle = link.room {
            outbox.add(.joined(JoinAccepted(room: handle, member: member, snapshot: snapshot, tick: tick)), to: endpoint)
            link.room = nil  // delivered: the link no longer needs to hold the room
        } else {
            link.parkedSnapshot = (snapshot, tick)
        }
        links[member] = link
    }

    private func deliverOperations(_ operations: [SequencedOperation], skipping joiners: Set<MemberID>, outbox: inout Outbox) {
        var writer = BinaryWriter(reservingCapacity: operations.reduce(0) { $0 + $1.payload.count + 8 })
        for operation in operations { operation.encode(into: &writer) }
        let batch = ByteBuffer(bytes: writer.bytes)
        var recipients = 0
        var overflowing: [MemberID] = []
        for (member, link) in links where link.hasSnapshot && !joiners.contains(member) {
            if let endpoint = endpoints[member] {
                outbox.add(.operations(room, batch), to: endpoint)
                recipients += 1
            } else if link.parked.count < FanoutState.parkLimit {
                links[member]?.parked.append(.operations(room, batch))
            } else {
                overflowing.append(member)
            }
        }
        for member in overflowing {
            logger.warning("member not attached in time; its join fails", metadata: ["member": "\(member)"])
            links[member] = nil
            overflowed.insert(member)
        }
        stats.value.recordOperations(bytes: batch.readableBytes, recipients: recipients)
    }

    private func answerInputs(_ output: RoomTickOutput, outbox: inout Outbox) {
        var refused: [MemberID: [UInt64: RoomError]] = [:]
        for rejection in output.rejections {
            refused[rejection.member, default: [:]][rejection.sequence] = rejection.error
        }
        stats.value.inputsRefused += UInt64(output.rejections.count)
        // Every input queued before this tick was drained by it: answer them all.
        for (member, waiting) in pending {
            guard let endpoint = endpoints[member] else { continue }
            for (receipt, token) in waiting {
                if let error = refused[member]?.removeValue(forKey: receipt) {
                    outbox.add(.reply(token: token, RoomWireError(error).json(receipt: receipt)), to: endpoint)
                } else {
                    outbox.add(.reply(token: token, RoomWire.applied(receipt: receipt, tick: output.tick)), to: endpoint)
                }
            }
        }
        pending.removeAll(keepingCapacity: true)
        // Refusals of inputs sent without an ack go out as `room-error`.
        for (member, errors) in refused {
            guard let endpoint = endpoints[member] else { continue }
            for (receipt, error) in errors.sorted(by: { $0.key < $1.key }) {
                outbox.add(.error(RoomWireError(error), event: RoomWire.Event.input, receipt: receipt), to: endpoint)
            }
        }
    }
}
