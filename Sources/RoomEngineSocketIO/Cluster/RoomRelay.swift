import Logging
import NIOCore
import RoomEngine
import Synchronization

/// This node's end of the relay between the nodes of a cluster
/// (``RoomClustering``): it turns requests of local members in rooms owned
/// elsewhere into ``RelayMessage``s to the owner, the owner's deliveries
/// back into ``Delivery``s for local sessions, and requests of other nodes'
/// members into calls on the rooms this node owns.
///
/// State: four lock-protected tables, each its own owner (a `Mutex`):
/// the local sessions waiting for or seated in a room of another node (by
/// socket id), the proxies of those rooms (``RemoteRoom``), the rooms this
/// node owns (for requests from other nodes, looked up without a hop, so a
/// member's inputs keep their order), and the members of other nodes seated
/// in those rooms (by node, for ``membersOfSilentNodes(_:)``). A session's
/// entry goes when its room answers `left`, `closed`, `detached` or a
/// failed join, or when the session goes away or leaves; a remote member's
/// when it is sent `left`, `closed` or `detached`, or goes away.
///
/// Sending: every message to a node waits in that node's queue for
/// `flushDelay` (``RoomServiceConfiguration/relayFlushDelay``, 1 ms) from the
/// first one queued, then the queue goes as one message (a `batch` when it
/// holds several): the inputs of many members and the deltas of many rooms
/// cost one publish per node per millisecond, not one each (measured in
/// docs/room-cluster.md: Redis's CPU falls by more than half). The queues hold at most ``maxQueuedMessages`` in all; a
/// message past that is dropped, counted and logged (the loop is stalled).
///
/// Transport: at most once, in order per sender (``RoomRelayTransport``).
/// A message that does not decode is dropped and logged; one for a socket
/// or room this node does not know is dropped (the session or room went
/// away meanwhile).
final class RoomRelay: Sendable {
    /// This node's name.
    let node: String
    private let transport: any RoomRelayTransport
    private let logger: Logger
    /// Requests of other nodes' members for the rooms this node owns
    /// (joins, rejoins, leaves), handed to the service's queues.
    private let admissions: @Sendable (RelayMessage, RoomRelay) -> Void

    private struct Registration {
        let endpoint: MemberEndpoint
        let member: MemberID
        let room: RoomID
    }

    /// The local sessions in rooms of other nodes, and how many refer to
    /// each room (a room no session refers to loses its proxy).
    private struct Sessions {
        private(set) var bySocket: [String: Registration] = [:]
        private var perRoom: [RoomID: Int] = [:]

        /// Sets `socket`'s registration; returns a room no longer referred to.
        mutating func set(_ socket: String, _ registration: Registration) -> RoomID? {
            let previous = bySocket.updateValue(registration, forKey: socket)
            perRoom[registration.room, default: 0] += 1
            return previous.flatMap { release($0.room) }
        }

        /// Removes `socket`'s registration; returns a room no longer referred to.
        mutating func remove(_ socket: String) -> RoomID? {
            bySocket.removeValue(forKey: socket).flatMap { release($0.room) }
        }

        /// Removes the registrations of `member` in `room`.
        mutating func remove(member: MemberID, in room: RoomID) -> RoomID? {
            let sockets = bySocket.filter { $0.value.member == member && $0.value.room == room }.map(\.key)
            return sockets.compactMap { remove($0) }.first
        }

        private mutating func release(_ room: RoomID) -> RoomID? {
            let left = (perRoom[room] ?? 1) - 1
            guard left <= 0 else {
                perRoom[room] = left
                return nil
            }
            perRoom[room] = nil
            return room
        }
    }

    private let sessions = Mutex(Sessions())
    private let remoteRooms = Mutex<[RoomID: RemoteRoom]>([:])
    private let localRooms = Mutex<[RoomID: any RoomEndpoint]>([:])
    /// How long relayed deliveries took from the owner's flush to this node
    /// (one sample per message; ``RoomServiceStats/relayLatency``).
    private let latencies = Mutex(LatenessHistogram())

    /// The relay latencies measured so far.
    var relayLatency: LatenessHistogram { latencies.withLock { $0 } }

    /// Members of other nodes seated in rooms of this node: node → socket → seat.
    private let remoteMembers = Mutex<[String: [String: (member: MemberID, room: RoomID)]]>([:])

    /// Messages waiting for the next flush, by node.
    private struct Queued {
        var messages: [String: [RelayMessage]] = [:]
        var count = 0
        var flushScheduled = false
        var dropped = 0
        /// The last sequence number sent to each node.
        var sequences: [String: UInt64] = [:]
    }

    /// What arrived from each node, and how much was lost on the way.
    private struct Arrivals {
        var tracker = RelaySequenceTracker()
        var lost: UInt64 = 0
    }

    private let arrivals = Mutex(Arrivals())

    /// The most messages waiting to be sent, all nodes together.
    static let maxQueuedMessages = 1 << 16
    private let queued = Mutex(Queued())
    private let flushLoop: any EventLoop
    private let flushDelay: TimeAmount

    init(
        transport: any RoomRelayTransport, flushLoop: any EventLoop, flushDelay: TimeAmount, logger: Logger,
        admissions: @escaping @Sendable (RelayMessage, RoomRelay) -> Void
    ) {
        self.node = transport.node
        self.transport = transport
        self.flushLoop = flushLoop
        self.flushDelay = flushDelay
        self.logger = logger
        self.admissions = admissions
    }

    /// Messages dropped because the queues were full.
    var droppedMessages: Int { queued.withLock { $0.dropped } }

    private let started = Mutex(false)

    /// Starts receiving this node's messages (once; later calls return at once).
    func start() async throws {
        guard started.withLock({ started in defer { started = true }; return !started }) else { return }
        do {
            try await transport.start { [weak self] message in self?.receive(message) }
        } catch {
            started.withLock { $0 = false }
            throw error
        }
    }

    /// Sends what still waits for its flush (the resyncs of rooms handed
    /// over, say), then stops receiving.
    func stop() async {
        try? await flushLoop.submit { self.flush() }.get()
        await transport.stop()
    }

    // MARK: Rooms this node owns

    func ownsRoom(_ room: any RoomEndpoint) {
        localRooms.withLock { $0[room.id] = room }
    }

    func disowns(_ room: RoomID) {
        _ = localRooms.withLock { $0.removeValue(forKey: room) }
    }

    func localRoom(_ id: RoomID) -> (any RoomEndpoint)? {
        localRooms.withLock { $0[id] }
    }

    // MARK: Members of this node in rooms of other nodes

    /// The proxy of `room`, owned by `owner` (made on first use).
    func remoteRoom(_ info: RemoteRoomInfo) -> RemoteRoom {
        remoteRooms.withLock { rooms in
            if let room = rooms[info.id], room.info == info { return room }
            let room = RemoteRoom(info: info, relay: self)
            rooms[info.id] = room
            return room
        }
    }

    /// The proxy of `room` if a member of this node was seated there.
    func knownRemoteRoom(_ id: RoomID) -> RemoteRoom? {
        remoteRooms.withLock { $0[id] }
    }

    /// Sends `member`'s join of `room` (placed there by the directory) to its owner.
    func requestJoin(room: RoomID, owner: String, member: MemberID, endpoint: MemberEndpoint) {
        register(endpoint, member: member, room: room)
        send(.join(room: room, member: member, socket: endpoint.socketID, identity: endpoint.provenIdentity, from: node), to: owner)
    }

    /// Sends a rejoin of a seat of `room` to its owner.
    func requestRejoin(room: RoomID, owner: String, secret: String, sequence: UInt64?, endpoint: MemberEndpoint) {
        register(endpoint, member: MemberID(endpoint.socketID), room: room)
        send(.rejoin(room: room, secret: secret, sequence: sequence, socket: endpoint.socketID, identity: endpoint.provenIdentity, from: node), to: owner)
    }

    /// Sends `member`'s leave of `room` to its owner; without an endpoint
    /// nobody waits for the answer (a seat freed by a disconnect).
    func requestLeave(room: RoomID, owner: String, member: MemberID, endpoint: MemberEndpoint?) {
        if let endpoint {
            register(endpoint, member: member, room: room)
        } else {
            forget(member: member, in: room)
        }
        send(.leave(room: room, member: member, socket: endpoint?.socketID, from: node), to: owner)
    }

    /// Forgets the session on `socket` (it went away).
    func forget(socket: String) {
        dropProxy(of: sessions.withLock { $0.remove(socket) })
    }

    private func forget(member: MemberID, in room: RoomID) {
        dropProxy(of: sessions.withLock { $0.remove(member: member, in: room) })
    }

    private func register(_ endpoint: MemberEndpoint, member: MemberID, room: RoomID) {
        dropProxy(of: sessions.withLock { $0.set(endpoint.socketID, Registration(endpoint: endpoint, member: member, room: room)) })
    }

    /// A room no local session refers to any more loses its proxy (a session
    /// still holding it keeps it alive; a later join makes a new one).
    private func dropProxy(of room: RoomID?) {
        guard let room else { return }
        _ = remoteRooms.withLock { $0.removeValue(forKey: room) }
    }

    // MARK: Sending

    /// Queues `message` for `node`; it goes with the next flush.
    func send(_ message: RelayMessage, to node: String) {
        let (schedule, dropped) = queued.withLock { queued -> (Bool, Bool) in
            guard queued.count < Self.maxQueuedMessages else {
                queued.dropped += 1
                return (false, true)
            }
            queued.messages[node, default: []].append(message)
            queued.count += 1
            defer { queued.flushScheduled = true }
            return (!queued.flushScheduled, false)
        }
        if dropped {
            logger.warning("relay queue full: a message was dropped", metadata: ["to": "\(node)"])
        } else if schedule {
            if flushDelay > .zero {
                flushLoop.scheduleTask(in: flushDelay) { self.flush() }
            } else {
                flushLoop.execute { self.flush() }
            }
        }
    }

    /// Sends what waits, one envelope per node, numbered per node. Runs on
    /// the flush loop only, so envelopes leave in the order of their numbers.
    private func flush() {
        let envelopes = queued.withLock { queued -> [(String, RelayEnvelope)] in
            defer { queued.messages = [:]; queued.count = 0; queued.flushScheduled = false }
            return queued.messages.map { node, batch in
                let sequence = (queued.sequences[node] ?? 0) + 1
                queued.sequences[node] = sequence
                return (node, RelayEnvelope(from: self.node, sequence: sequence, message: batch.count == 1 ? batch[0] : .batch(batch)))
            }
        }
        for (node, envelope) in envelopes {
            transport.send(envelope.encoded(), to: node)
        }
    }

    /// `delivery` for the session on `socket` of `node` (which keeps the
    /// table of that node's members seated here up to date).
    func addressed(_ delivery: Delivery, to socket: String, at node: String) -> RelayMessage.AddressedDelivery {
        switch delivery {
        case .joined(let accepted):
            remoteMembers.withLock { $0[node, default: [:]][socket] = (accepted.member, accepted.room.id) }
        case .left, .closed, .detached, .resync:
            remoteMembers.withLock { $0[node]?[socket] = nil }
        default:
            break
        }
        return RelayMessage.AddressedDelivery(socket: socket, delivery: relayed(delivery))
    }

    /// The nodes that have members seated in this node's rooms.
    var nodesWithMembersHere: [String] {
        remoteMembers.withLock { $0.filter { !$0.value.isEmpty }.map(\.key) }
    }

    /// Treats every member of `node` seated here as gone away (its node no
    /// longer listens: it died, taking the members' connections with it):
    /// each keeps its seat for the grace period, as after a dropped
    /// connection, and may come back through another node with `rejoin`.
    func nodeWentSilent(_ node: String) {
        guard let members = remoteMembers.withLock({ $0.removeValue(forKey: node) }) else { return }
        for (socket, seat) in members {
            localRoom(seat.room)?.away(seat.member, socket: socket)
        }
        if !members.isEmpty {
            logger.warning("a node stopped listening: its members here keep their seats for the grace period", metadata: [
                "node": "\(node)", "members": "\(members.count)",
            ])
        }
    }

    /// The owners of the rooms of other nodes this node's members are in.
    var ownersOfRoomsWithMembersHere: [String] {
        Array(Set(remoteRooms.withLock { $0.values.map(\.info.owner) }))
    }

    /// The rooms of `owner` this node's members are in.
    func roomsOwned(by owner: String) -> [RemoteRoomInfo] {
        remoteRooms.withLock { $0.values.filter { $0.info.owner == owner }.map(\.info) }
    }

    /// `room`'s owner died and nobody holds its lease: the room no longer
    /// ticks anywhere. This node's members in it are told `room-closed`
    /// (`ownerLost`) and may join again.
    func ownerLost(_ room: RoomID) {
        let sessions = dropProxy(room)
        var outbox = Outbox()
        for endpoint in sessions { outbox.add(.ownerLost(room), to: endpoint) }
        outbox.flush()
    }

    /// `room` has a new owner (its old one died and the room was resumed,
    /// here or elsewhere): this node's members in it, seated through the
    /// old owner, are told to resync (their transport closes, their clients
    /// reconnect and `rejoin` the seats they hold, which the new owner
    /// honours), and its proxy goes.
    func ownerMoved(_ room: RoomID) {
        let sessions = dropProxy(room)
        var outbox = Outbox()
        for endpoint in sessions { outbox.add(.resync(room), to: endpoint) }
        outbox.flush()
    }

    /// Forgets `room`'s proxy and this node's sessions in it; returns them.
    private func dropProxy(_ room: RoomID) -> [MemberEndpoint] {
        let mine = sessions.withLock { $0.bySocket.filter { $0.value.room == room } }
        for socket in mine.keys { forget(socket: socket) }
        _ = remoteRooms.withLock { $0.removeValue(forKey: room) }
        return mine.values.map(\.endpoint)
    }

    /// Whether `node` still listens for relay messages.
    func isListening(_ node: String) async -> Bool {
        await transport.isListening(node)
    }

    private func relayed(_ delivery: Delivery) -> RelayedDelivery {
        switch delivery {
        case .joined(let accepted):
            let room = accepted.room
            let info = RemoteRoomInfo(
                id: room.id, kind: room.kind, tickRate: room.tickRate, maxInputBytes: room.maxInputBytes,
                hasMemberViews: room.hasMemberViews, owner: node
            )
            let (isSnapshot, start): (Bool, ByteBuffer) = switch accepted.start {
            case .snapshot(let bytes): (true, bytes)
            case .operations(let bytes): (false, bytes)
            }
            return .joined(
                room: info, member: accepted.member, seat: accepted.seat, graceNanoseconds: accepted.grace.nanoseconds,
                tick: accepted.tick, snapshot: isSnapshot, start: start, isRejoin: accepted.isRejoin
            )
        case .joinFailed(let error, let admittedTo): return .joinFailed(error, admittedTo: admittedTo)
        case .left(let room): return .left(room)
        case .leaveFailed(let error): return .leaveFailed(error)
        case .reply(let token, let value): return .reply(token: token, value)
        case .error(let error, let event, let receipt): return .error(error, event: event, receipt: receipt)
        case .delta(let room, let tick, let bytes): return .delta(room, tick: tick, bytes)
        case .operations(let room, let bytes): return .operations(room, bytes)
        case .closed(let room): return .closed(room)
        case .detached(let room): return .detached(room)
        case .resync(let room): return .resync(room)
        // Only ever made on the member's own node; never relayed.
        case .ownerLost(let room): return .closed(room)
        }
    }

    // MARK: Receiving

    private func receive(_ bytes: ByteBuffer) {
        let envelope: RelayEnvelope
        do {
            envelope = try RelayEnvelope(decoding: bytes)
        } catch {
            logger.warning("dropped a relay message that does not decode", metadata: ["error": "\(error)", "bytes": "\(bytes.readableBytes)"])
            return
        }
        let verdict = arrivals.withLock { arrivals -> RelaySequenceTracker.Verdict in
            let verdict = arrivals.tracker.received(envelope.sequence, from: envelope.from)
            if case .lost(let count) = verdict { arrivals.lost += count }
            return verdict
        }
        if case .lost(let count) = verdict {
            logger.warning("relay messages from a node were lost on the way: resyncing what this node shares with it", metadata: [
                "from": "\(envelope.from)", "lost": "\(count)",
            ])
            resync(with: envelope.from)
        }
        handle(envelope.message)
    }

    /// Relay messages from other nodes known to be lost (sequence gaps).
    var lostMessages: UInt64 { arrivals.withLock { $0.lost } }

    /// Messages from `node` were lost: whatever they carried (operations,
    /// answers, inputs, leaves) is unknown, so every member this node shares
    /// with `node` starts again from its seat. Members of this node in
    /// `node`'s rooms are told to resync (their transport closes, their
    /// clients reconnect and `rejoin`: the owner replays what they missed);
    /// members of `node` in this node's rooms go away (seat held) and are
    /// told the same through `node`.
    func resync(with node: String) {
        let ownedThere = Set(remoteRooms.withLock { $0.values.filter { $0.info.owner == node }.map(\.id) })
        let mine = sessions.withLock { $0.bySocket.filter { ownedThere.contains($0.value.room) } }
        var outbox = Outbox()
        for (socket, registration) in mine {
            forget(socket: socket)
            outbox.add(.resync(registration.room), to: registration.endpoint)
        }
        outbox.flush()
        guard let theirs = remoteMembers.withLock({ $0.removeValue(forKey: node) }), !theirs.isEmpty else { return }
        var told: [RelayMessage.AddressedDelivery] = []
        for (socket, seat) in theirs {
            localRoom(seat.room)?.away(seat.member, socket: socket)
            told.append(RelayMessage.AddressedDelivery(socket: socket, delivery: .resync(seat.room)))
        }
        send(.deliveries(told, sentAt: NIODeadline.now().uptimeNanoseconds), to: node)
    }

    private func handle(_ message: RelayMessage) {
        switch message {
        case .batch(let messages):
            for message in messages { handle(message) }
        case .deliveries(let items, let sentAt):
            let latency = Int64(bitPattern: NIODeadline.now().uptimeNanoseconds &- sentAt)
            latencies.withLock { $0.record(.nanoseconds(latency)) }
            deliver(items)
        case .input(let room, let member, let bytes, let token, let tick):
            localRoom(room)?.enqueue(bytes, from: member, token: token, acknowledging: tick)
        case .acknowledge(let room, let member, let tick):
            localRoom(room)?.acknowledge(tick: tick, by: member)
        case .away(let room, let member, let socket):
            remoteMembers.withLock { tables in
                for node in tables.keys where tables[node]?[socket] != nil { tables[node]?[socket] = nil }
            }
            localRoom(room)?.away(member, socket: socket)
        case .join, .rejoin, .leave:
            admissions(message, self)
        }
    }

    private func deliver(_ items: [RelayMessage.AddressedDelivery]) {
        var outbox = Outbox()
        // One look-up of the message's sessions, not a lock per delivery.
        let registrations = sessions.withLock { sessions in items.map { sessions.bySocket[$0.socket] } }
        for (item, registration) in zip(items, registrations) {
            guard let registration else { continue }
            let delivery: Delivery
            switch item.delivery {
            case .joined(let info, let member, let seat, let grace, let tick, let isSnapshot, let start, let isRejoin):
                delivery = .joined(JoinAccepted(
                    room: remoteRoom(info), member: member, seat: seat, grace: .nanoseconds(grace), tick: tick,
                    start: isSnapshot ? .snapshot(start) : .operations(start), isRejoin: isRejoin
                ))
                register(registration.endpoint, member: member, room: info.id)
            case .joinFailed(let error, let admittedTo):
                delivery = .joinFailed(error, admittedTo: admittedTo)
                forget(socket: item.socket)
            case .left(let room):
                delivery = .left(room)
                forget(socket: item.socket)
            case .leaveFailed(let error):
                delivery = .leaveFailed(error)
            case .reply(let token, let value):
                delivery = .reply(token: token, value)
            case .error(let error, let event, let receipt):
                delivery = .error(error, event: event, receipt: receipt)
            case .delta(let room, let tick, let bytes):
                delivery = .delta(room, tick: tick, bytes)
            case .operations(let room, let bytes):
                delivery = .operations(room, bytes)
            case .closed(let room):
                delivery = .closed(room)
                forget(socket: item.socket)
            case .detached(let room):
                delivery = .detached(room)
                forget(socket: item.socket)
            case .resync(let room):
                delivery = .resync(room)
                forget(socket: item.socket)
            }
            outbox.add(delivery, to: registration.endpoint)
        }
        outbox.flush()
    }
}
