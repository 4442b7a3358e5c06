import NIOCore
import RoomEngine
import SocketIO
import SocketIOCore

/// One socket of the rooms namespace: which room it is in, the answers it
/// owes, and its rate limit. It lives on the socket's loop; rooms and the
/// service reach it only through a ``MemberEndpoint``.
///
/// A socket is in at most one room at a time. States:
///
/// ```text
/// idle ──join/rejoin──► joining ──joined──► inRoom ──leave──► leaving ──left──► idle
///                         │ failed ► idle        │ room closed, seat moved ► idle
/// any ──disconnect──► closed (a pending join is left again when it lands,
///                             a pending rejoin's seat is held again)
/// ```
///
/// A disconnect while in a room frees the seat at once only when someone
/// meant it (``freesSeat(_:)``); a lost connection holds it for the grace
/// period, for a `rejoin` from another socket.
///
/// A snapshot larger than a chunk is streamed after the answer
/// (``OutgoingSnapshot``, `MemberSession+SnapshotStream.swift`); until its
/// last chunk is sent, the room's deliveries to this session wait.
final class MemberSession {
    enum State {
        case idle
        case joining(SocketIOAck)
        case inRoom(any RoomEndpoint)
        case leaving(any RoomEndpoint, SocketIOAck?)
        case closed
    }

    let socket: SocketIOSocket
    /// The identity the socket proved at connection (``RoomServiceConfiguration/identify``), if checked.
    let provenIdentity: MemberID?
    /// The member this socket is (or last was) in a room as: its proven
    /// identity or socket id for a join, the seat's member after a rejoin.
    var member: MemberID
    let core: ServiceCore
    var state = State.idle
    var limiter: EventRateLimiter
    /// Acks of inputs and listings waiting for their answer, by token.
    var replies: [UInt32: SocketIOAck] = [:]
    var nextToken: UInt32 = 0
    /// `ops` packets the client has not acknowledged yet.
    var unacknowledgedOperations = 0
    /// The newest delta tick forwarded to the room (older acks are dropped here).
    var newestAcknowledgedTick: UInt64 = 0
    /// The newest tick this member was sent (snapshot or delta): an
    /// acknowledgement beyond it is refused here, before it can stand in
    /// the way of the genuine ones.
    var newestTickSent: UInt64 = 0
    /// The snapshot being streamed to the client, with the deliveries that
    /// wait for its end (``OutgoingSnapshot``); nil otherwise.
    var outgoingSnapshot: OutgoingSnapshot?
    /// The id of the last snapshot stream started.
    var lastStreamID: UInt64 = 0
    /// The `delta` event's header, encoded once per member (a copy of its
    /// own, so no buffer is shared between loops).
    private(set) lazy var deltaEvent = SocketIOPreparedEvent(binaryEvent: RoomWire.Event.delta, namespace: socket.namespace.name)

    private init(socket: SocketIOSocket, core: ServiceCore) {
        self.socket = socket
        self.provenIdentity = Self.provenIdentity(of: socket)
        self.member = provenIdentity ?? MemberID(socket.id)
        self.core = core
        self.limiter = EventRateLimiter(
            perSecond: core.configuration.eventsPerSecond, burst: core.configuration.eventBurst, now: .now()
        )
    }

    /// Creates the session of a socket that joined the namespace: the
    /// socket keeps it (``SocketIOSocket/attachment``, released when the
    /// socket leaves) for the namespace's handlers (``listen(on:)``).
    static func start(socket: SocketIOSocket, core: ServiceCore) {
        let session = MemberSession(socket: socket, core: core)
        socket.attachment = session
        socket.onDisconnect { [session] reason in session.disconnected(reason) }
    }

    /// Where rooms and the service send this session's deliveries.
    var endpoint: MemberEndpoint {
        MemberEndpoint(
            loop: socket.eventLoop, session: NIOLoopBound(self, eventLoop: socket.eventLoop), socketID: socket.id,
            provenIdentity: provenIdentity
        )
    }

    /// The room the session is in (deliveries from any other are stale).
    var currentRoom: (any RoomEndpoint)? {
        if case .inRoom(let room) = state { return room }
        return nil
    }

    // MARK: Deliveries (on the socket's loop)

    func receive(_ delivery: Delivery) {
        // While a snapshot streams, what the room sends waits for its end.
        if outgoingSnapshot != nil { return holdWhileStreaming(delivery) }
        switch delivery {
        case .joined(let accepted):
            joined(accepted)
        case .joinFailed(let error, let admittedTo):
            if let admittedTo { core.depart(member, from: admittedTo, endpoint: nil) }
            guard case .joining(let ack) = state else { return }
            state = .idle
            ack.send([error.json()])
        case .left(let room):
            left(room, error: nil)
        case .leaveFailed(let error):
            if case .leaving(let room, _) = state { left(room.id, error: error) }
        case .reply(let token, let answer):
            replies.removeValue(forKey: token)?.send([answer])
        case .error(let error, let event, let receipt):
            socket.emit(RoomWire.Event.error, error.event(for: event, receipt: receipt))
        case .delta(let room, let tick, let bytes):
            guard currentRoom?.id == room else { return }
            newestTickSent = max(newestTickSent, tick)
            socket.emit(deltaEvent, attachment: bytes, volatile: true, compress: false)
        case .operations(let room, let bytes):
            guard currentRoom?.id == room else { return }
            sendOperations(bytes)
        case .closed(let room):
            guard currentRoom?.id == room else { return }
            state = .idle
            socket.emit(RoomWire.Event.closed, RoomWire.closed(room: room, reason: RoomWire.ClosedReason.shutdown))
        case .detached(let room):
            guard currentRoom?.id == room else { return }
            state = .idle
            socket.emit(RoomWire.Event.closed, RoomWire.closed(room: room, reason: RoomWire.ClosedReason.seatMoved))
        case .ownerLost(let room):
            guard currentRoom?.id == room else { return }
            state = .idle
            socket.emit(RoomWire.Event.closed, RoomWire.closed(room: room, reason: RoomWire.ClosedReason.ownerLost))
        case .resync(let room):
            guard let current = currentRoom, current.id == room else { return }
            // The seat stays held (as after a dropped connection); the client's
            // reconnection and `rejoin` bring it back in sequence.
            current.away(member, socket: socket.id)
            state = .idle
            socket.engine.close()
        }
    }

    private func joined(_ accepted: JoinAccepted) {
        guard case .joining(let ack) = state else {
            // The socket went away while joining: leave again, or, for a
            // rejoin, hold the seat again (the client may try once more).
            if accepted.isRejoin {
                accepted.room.away(accepted.member, socket: socket.id)
            } else {
                core.depart(accepted.member, from: accepted.room.id, endpoint: nil)
            }
            return
        }
        member = accepted.member
        state = .inRoom(accepted.room)
        newestAcknowledgedTick = 0
        newestTickSent = accepted.tick
        unacknowledgedOperations = 0
        let room = accepted.room
        let grace = accepted.grace.nanoseconds / 1_000_000
        let views = room.hasMemberViews
        switch (accepted.isRejoin, accepted.start) {
        case (false, .snapshot(let snapshot)), (false, .operations(let snapshot)):
            guard let stream = snapshotStream(of: snapshot) else {
                return ack.send([RoomWire.joined(
                    room: room.id, kind: room.kind, member: member, tickRate: room.tickRate,
                    seat: accepted.seat, graceMilliseconds: grace, views: views, snapshot: snapshot
                )])
            }
            ack.send([RoomWire.joined(
                room: room.id, kind: room.kind, member: member, tickRate: room.tickRate,
                seat: accepted.seat, graceMilliseconds: grace, views: views, snapshotStream: stream
            )])
            startStreaming(snapshot, of: room.id)
        case (true, .snapshot(let snapshot)):
            guard let stream = snapshotStream(of: snapshot) else {
                return ack.send([RoomWire.rejoined(
                    room: room.id, kind: room.kind, member: member, tickRate: room.tickRate,
                    seat: accepted.seat, graceMilliseconds: grace, views: views, tick: accepted.tick, snapshot: snapshot
                )])
            }
            ack.send([RoomWire.rejoined(
                room: room.id, kind: room.kind, member: member, tickRate: room.tickRate,
                seat: accepted.seat, graceMilliseconds: grace, views: views, tick: accepted.tick, snapshotStream: stream
            )])
            startStreaming(snapshot, of: room.id)
        case (true, .operations(let operations)):
            ack.send([RoomWire.rejoined(
                room: room.id, kind: room.kind, member: member, tickRate: room.tickRate,
                seat: accepted.seat, graceMilliseconds: grace, views: views, tick: accepted.tick, operations: operations
            )])
        }
    }

    private func left(_ room: RoomID, error: RoomWireError?) {
        switch state {
        case .leaving(let current, let ack) where current.id == room:
            state = .idle
            ack?.send([error?.json() ?? RoomWire.left(room: room)])
        case .inRoom(let current) where current.id == room:
            state = .idle
        default:
            break
        }
    }

    /// Sends one `ops` batch reliably, with an ack, compressed when large.
    /// A client that leaves too many unacknowledged is disconnected.
    func sendOperations(_ bytes: ByteBuffer) {
        guard unacknowledgedOperations < core.configuration.maxUnacknowledgedOperationBatches else {
            socket.emit(RoomWire.Event.error, RoomWireError.tooSlow.event(for: RoomWire.Event.operations))
            socket.disconnect()
            return
        }
        unacknowledgedOperations += 1
        let compress = bytes.readableBytes >= core.configuration.compressionThreshold
        socket.compress(compress).emit(RoomWire.Event.operations, arguments: [.binary(bytes)]) { [weak self] _ in
            self?.unacknowledgedOperations -= 1
        }
    }

    // MARK: Leaving the namespace

    func disconnected(_ reason: DisconnectReason) {
        switch state {
        case .inRoom(let room):
            if Self.freesSeat(reason) {
                core.depart(member, from: room.id, endpoint: nil)
            } else {
                room.away(member, socket: socket.id)
            }
        case .idle, .joining, .leaving, .closed:
            // A join in flight is left when its answer lands; a leave in
            // flight completes on its own.
            break
        }
        state = .closed
        replies = [:]
        // A joiner gone mid-stream lets go of its snapshot and what waited for it.
        endStream()
    }

    /// Whether a disconnect with `reason` means someone chose to end the
    /// membership (the client left the namespace, the server disconnected
    /// or closed it, the server is stopping): the seat is freed at once.
    /// A lost connection (`transport close`, `transport error`, `ping
    /// timeout`, `parse error`) holds it for the grace period.
    static func freesSeat(_ reason: DisconnectReason) -> Bool {
        switch reason {
        case .clientNamespaceDisconnect, .serverNamespaceDisconnect, .serverShuttingDown, .forcedClose, .forcedServerClose:
            true
        case .transportClose, .transportError, .pingTimeout, .parseError:
            false
        }
    }
}
