import NIOCore
import RoomEngine
import SocketIO
import SocketIOCore

/// The client's requests: each passes the rate limit, is checked against
/// the session's state and its arguments, and is answered in its ack (or
/// with a `room-error` event when the client asked for no ack).
extension MemberSession {
    /// Registers the namespace's handlers, once for every socket: each finds
    /// its session in the socket's ``SocketIOSocket/attachment`` (no
    /// listener table per socket to walk for every input).
    static func listen(on namespace: SocketIONamespace) {
        namespace.on(RoomWire.Event.join) { socket, event in session(of: socket)?.join(event) }
        namespace.on(RoomWire.Event.rejoin) { socket, event in session(of: socket)?.rejoin(event) }
        namespace.on(RoomWire.Event.leave) { socket, event in session(of: socket)?.leave(event) }
        namespace.on(RoomWire.Event.list) { socket, event in session(of: socket)?.list(event) }
        namespace.on(RoomWire.Event.input) { socket, event in session(of: socket)?.input(event) }
        namespace.on(RoomWire.Event.deltaAck) { socket, event in session(of: socket)?.acknowledge(event) }
    }

    private static func session(of socket: SocketIOSocket) -> MemberSession? {
        socket.attachment as? MemberSession
    }

    private func join(_ event: SocketIOEvent) {
        guard admit(event) else { return }
        guard let ack = event.ack else { return refuse(.badRequest("join needs an ack: the answer carries the snapshot"), event) }
        guard let kind = RoomWire.kind(in: event.arguments) else {
            return refuse(.badRequest("join needs {kind: string}"), event)
        }
        switch state {
        case .idle: break
        case .inRoom: return refuse(.alreadyInRoom, event)
        case .joining, .leaving: return refuse(.joinInProgress, event)
        case .closed: return
        }
        member = provenIdentity ?? MemberID(socket.id)
        if let refusal = core.submit(.join(kind: kind, member: member, endpoint: endpoint)) {
            return refuse(refusal, event)
        }
        state = .joining(ack)
    }

    private func rejoin(_ event: SocketIOEvent) {
        guard admit(event) else { return }
        guard let ack = event.ack else { return refuse(.badRequest("rejoin needs an ack: the answer carries what you missed"), event) }
        guard let request = RoomWire.rejoin(in: event.arguments) else {
            return refuse(.badRequest("rejoin needs {seat: string, sequence?: non-negative integer}"), event)
        }
        switch state {
        case .idle: break
        case .inRoom: return refuse(.alreadyInRoom, event)
        case .joining, .leaving: return refuse(.joinInProgress, event)
        case .closed: return
        }
        guard let seat = SeatToken(parsing: request.seat) else { return refuse(.unknownSeat, event) }
        if let refusal = core.submit(.rejoin(seat: seat, sequence: request.sequence, endpoint: endpoint)) {
            return refuse(refusal, event)
        }
        state = .joining(ack)
    }

    private func leave(_ event: SocketIOEvent) {
        guard admit(event) else { return }
        switch state {
        case .inRoom(let room):
            state = .leaving(room, event.ack)
            // A snapshot still streaming is not wanted any more: what waited for it goes now.
            stopStreaming()
            core.depart(member, from: room.id, endpoint: endpoint)
        case .idle: refuse(.notInRoom, event)
        case .joining, .leaving: refuse(.joinInProgress, event)
        case .closed: break
        }
    }

    private func list(_ event: SocketIOEvent) {
        guard admit(event) else { return }
        guard let ack = event.ack else { return refuse(.badRequest("list needs an ack"), event) }
        // No argument, null or {} lists every kind; {kind} one kind.
        var kind: RoomKind?
        if let argument = event.arguments.first, !argument.isNull, argument != .object([:]) {
            guard let requested = RoomWire.kind(in: event.arguments) else {
                return refuse(.badRequest("list takes {kind?: string}"), event)
            }
            guard core.kinds.contains(requested) else { return refuse(RoomWireError(.unknownRoomKind(requested.name)), event) }
            kind = requested
        }
        guard let token = register(ack) else { return refuse(.rateLimited, event) }
        if let refusal = core.submit(.list(kind: kind, endpoint: endpoint, token: token)) {
            replies[token] = nil
            refuse(refusal, event)
        }
    }

    private func input(_ event: SocketIOEvent) {
        guard admit(event) else { return }
        guard let room = currentRoom else { return refuse(.notInRoom, event) }
        guard case .binary(let buffer)? = event.arguments.first else {
            return refuse(.badRequest("input needs one binary argument (the encoded input)"), event)
        }
        guard buffer.readableBytes <= room.maxInputBytes else {
            return refuse(RoomWireError(.inputTooLarge(size: buffer.readableBytes, limit: room.maxInputBytes)), event)
        }
        // An optional second argument acknowledges a delta: a client that
        // sends inputs anyway needs no separate `delta-ack`.
        var acknowledged: UInt64?
        if event.arguments.count > 1 {
            guard let value = event.arguments[1].int64Value, value >= 0 else {
                return refuse(.badRequest("input's second argument, when given, is the newest delta tick applied"), event)
            }
            if let refusal = futureAcknowledgement(UInt64(value)) { return refuse(refusal, event) }
            acknowledged = UInt64(value)
        }
        var token: UInt32?
        if let ack = event.ack {
            guard let registered = register(ack) else { return refuse(.rateLimited, event) }
            token = registered
        }
        room.enqueue(Array(buffer.readableBytesView), from: member, token: token, acknowledging: newer(acknowledged))
    }

    private func acknowledge(_ event: SocketIOEvent) {
        guard admit(event) else { return }
        guard let room = currentRoom else {
            if case .leaving = state { return }  // acks racing a leave mean nothing
            return refuse(.notInRoom, event)
        }
        guard let value = event.arguments.first?.int64Value, value >= 0 else {
            return refuse(.badRequest("delta-ack needs the tick number"), event)
        }
        if let refusal = futureAcknowledgement(UInt64(value)) { return refuse(refusal, event) }
        if let tick = newer(UInt64(value)) { room.acknowledge(tick: tick, by: member) }
    }

    /// The refusal of an acknowledgement of a tick this member was never sent.
    private func futureAcknowledgement(_ tick: UInt64) -> RoomWireError? {
        guard tick > newestTickSent else { return nil }
        return RoomWireError(.acknowledgementFromTheFuture(acked: tick, current: newestTickSent))
    }

    /// `tick` when it is newer than every acknowledgement forwarded so far
    /// (then it is the newest); nil otherwise. Acks may arrive out of order,
    /// and only the newest one matters to the room.
    private func newer(_ tick: UInt64?) -> UInt64? {
        guard let tick, tick > newestAcknowledgedTick else { return nil }
        newestAcknowledgedTick = tick
        return tick
    }

    // MARK: Helpers

    /// Takes a rate-limit token, or refuses the event with `rateLimited`.
    private func admit(_ event: SocketIOEvent) -> Bool {
        let now = NIODeadline.now()
        if limiter.take(now: now) { return true }
        if let limit = core.configuration.floodDisconnectAfter, limiter.refusalsInARow >= limit {
            disconnectFlooder(event)
            return false
        }
        if let ack = event.ack {
            ack.send([RoomWireError.rateLimited.json()])
        } else if limiter.shouldReportRefusal(now: now) {
            socket.emit(RoomWire.Event.error, RoomWireError.rateLimited.event(for: event.name))
        }
        return false
    }

    /// The socket kept sending into a closed bucket: it is told, then
    /// disconnected from the namespace (its seat, if any, freed as on a
    /// namespace disconnect).
    private func disconnectFlooder(_ event: SocketIOEvent) {
        let error = RoomWireError(code: RoomWireError.rateLimited.code, message: "disconnected: kept sending while rate limited")
        socket.emit(RoomWire.Event.error, error.event(for: event.name))
        socket.disconnect()
    }

    /// Answers an event with an error: in its ack, else as `room-error`.
    private func refuse(_ error: RoomWireError, _ event: SocketIOEvent) {
        if let ack = event.ack {
            ack.send([error.json()])
        } else {
            socket.emit(RoomWire.Event.error, error.event(for: event.name))
        }
    }

    /// Keeps an ack until its answer arrives; nil when too many are waiting.
    private func register(_ ack: SocketIOAck) -> UInt32? {
        guard replies.count < core.configuration.pendingRepliesPerSocket else { return nil }
        nextToken &+= 1
        replies[nextToken] = ack
        return nextToken
    }
}
