public import NIOCore
public import SocketIOCore
import NIOConcurrencyHelpers

/// The adapter of a single server: rooms indexed per event loop, broadcasts
/// encoded once and written by each loop to its own members.
///
/// ```swift
/// let adapter = InMemoryAdapter(context: context)
/// adapter.broadcast(.event("news", ["hi"]), options: BroadcastOptions(rooms: ["lobby"]))
/// ```
public final class InMemoryAdapter: SocketIOAdapter {
    private let context: AdapterContext
    private let shards: [AdapterShard]
    private let recovery: RecoveryStore?

    private let presence: RoomPresence?

    /// An adapter for the namespace described by `context`.
    ///
    /// - Parameter tracksRoomPresence: keep a set of the rooms (and socket
    ///   ids) present on any loop, for ``hasRoom(_:)``: a cluster adapter
    ///   drops a broadcast to a room nobody here is in without decoding it.
    ///   Costs a lock when a socket connects or leaves and when a room
    ///   appears or empties on a loop; off by default.
    public init(context: AdapterContext, tracksRoomPresence: Bool = false) {
        self.context = context
        let presence = tracksRoomPresence ? RoomPresence() : nil
        self.presence = presence
        self.shards = context.loops.map { AdapterShard(eventLoop: $0, presence: presence) }
        self.recovery = context.recoveryWindow.map { RecoveryStore(window: $0) }
    }

    /// Whether some socket of this server is in `room` (or is the socket of
    /// that id). Always true unless the adapter tracks room presence.
    public func hasRoom(_ room: RoomName) -> Bool {
        presence?.contains(room) ?? true
    }

    private func shard(for loop: any EventLoop) -> AdapterShard {
        for shard in shards where shard.eventLoop === loop { return shard }
        preconditionFailure("loop outside the server's group")
    }

    public func register(_ socket: any AdapterSocket, on loop: any EventLoop) {
        shard(for: loop).register(socket)
    }

    public func addAll(_ id: SocketID, rooms: [RoomName], on loop: any EventLoop) {
        shard(for: loop).add(id, rooms: rooms)
    }

    public func del(_ id: SocketID, room: RoomName, on loop: any EventLoop) {
        shard(for: loop).del(id, room: room)
    }

    public func delAll(_ id: SocketID, on loop: any EventLoop) {
        shard(for: loop).delAll(id)
    }

    public func broadcast(_ packet: SocketIOPacket, options: BroadcastOptions) {
        var packet = packet
        var sequence: UInt64?
        if let recovery, packet.type == .event, packet.ackID == nil, !options.flags.volatile {
            let stored = recovery.store(packet, options: options)
            sequence = stored.sequence
            if case .array(var arguments)? = packet.data {
                arguments.append(.string(stored.offset))
                packet.data = .array(arguments)
            }
        }
        let encoded = context.encode(packet, options.flags)
        let sent = packet
        let volatile = options.flags.volatile
        let recovered = sequence
        func deliver(on shard: AdapterShard, _ encoded: any EncodedPacket) {
            shard.run { shard in
                shard.forEachRecipient(options, storedAs: recovered) { socket in
                    socket.deliver(sent, encoded: encoded, volatile: volatile)
                }
            }
        }
        // Other loops first, each with buffers of its own (see
        // `copiedForAnotherLoop`), so they write while this loop writes to
        // its own members, instead of after.
        for shard in shards where !shard.eventLoop.inEventLoop {
            deliver(on: shard, encoded.copiedForAnotherLoop())
        }
        for shard in shards where shard.eventLoop.inEventLoop {
            deliver(on: shard, encoded)
        }
    }

    public func broadcastWithAck(
        _ packet: SocketIOPacket,
        options: BroadcastOptions,
        clientCount: @escaping @Sendable (Int) -> Void,
        response: @escaping @Sendable ([JSONValue]) -> Void
    ) {
        let encoded = context.encode(packet, options.flags)
        let counter = NIOLockedValueBox((shardsLeft: shards.count, clients: 0))
        for shard in shards {
            shard.run { shard in
                let recipients = shard.recipients(options)
                for socket in recipients {
                    if let id = packet.ackID { socket.expectAck(id: id, handler: response) }
                    socket.deliver(packet, encoded: encoded, volatile: options.flags.volatile)
                }
                let total: Int? = counter.withLockedValue { state in
                    state.shardsLeft -= 1
                    state.clients += recipients.count
                    return state.shardsLeft == 0 ? state.clients : nil
                }
                if let total { clientCount(total) }
            }
        }
    }

    /// Runs `body` on every shard and collects the results on `loop`.
    private func gather<T: Sendable>(on loop: any EventLoop, _ body: @escaping @Sendable (AdapterShard) -> T) -> EventLoopFuture<[T]> {
        let futures = shards.map { shard in shard.eventLoop.submit { body(shard) } }
        return EventLoopFuture.whenAllSucceed(futures, on: loop)
    }

    public func fetchSockets(_ options: BroadcastOptions, on loop: any EventLoop) -> EventLoopFuture<[SocketSnapshot]> {
        gather(on: loop) { shard in shard.recipients(options).map { $0.snapshot() } }.map { $0.flatMap { $0 } }
    }

    public func addSockets(_ options: BroadcastOptions, rooms: [RoomName]) {
        addSockets(options, rooms: rooms) {}
    }

    /// ``addSockets(_:rooms:)``, then `done` once every loop has applied it
    /// (on the last loop to do so).
    public func addSockets(_ options: BroadcastOptions, rooms: [RoomName], then done: @escaping @Sendable () -> Void) {
        let left = NIOLockedValueBox(shards.count)
        for shard in shards {
            shard.run { shard in
                for socket in shard.recipients(options) { socket.joinFromAdapter(rooms) }
                if left.withLockedValue({ left in left -= 1; return left == 0 }) { done() }
            }
        }
    }

    public func delSockets(_ options: BroadcastOptions, rooms: [RoomName]) {
        for shard in shards {
            shard.run { shard in
                for socket in shard.recipients(options) { socket.leaveFromAdapter(rooms) }
            }
        }
    }

    public func disconnectSockets(_ options: BroadcastOptions, close: Bool) {
        for shard in shards {
            shard.run { shard in
                for socket in shard.recipients(options) { socket.disconnectFromAdapter(close: close) }
            }
        }
    }

    public func sockets(in rooms: Set<RoomName>, on loop: any EventLoop) -> EventLoopFuture<Set<SocketID>> {
        gather(on: loop) { shard in shard.ids(in: rooms) }.map { $0.reduce(into: Set()) { $0.formUnion($1) } }
    }

    /// Every room with a member on this server (each socket's own room included).
    public func allRooms(on loop: any EventLoop) -> EventLoopFuture<Set<RoomName>> {
        gather(on: loop) { shard in shard.roomNames() }.map { $0.reduce(into: Set()) { $0.formUnion($1) } }
    }

    public func serverSideEmit(_ packet: SocketIOPacket) {
        // One server: there is nobody else to tell.
    }

    public func persistSession(_ session: PersistedSession) {
        recovery?.persist(session)
    }

    /// Gives the session back with what it missed. Broadcasts stored before
    /// this moment may still be on their way to this loop (another loop
    /// stored them, then handed them over): they are among the missed
    /// packets already, so this loop skips them for the recovered socket.
    public func restoreSession(pid: String, offset: String, on loop: any EventLoop) -> EventLoopFuture<RecoveredSession?> {
        guard let restored = recovery?.restore(pid: pid, offset: offset) else { return loop.makeSucceededFuture(nil) }
        shard(for: loop).skipStoredBroadcasts(to: restored.session.session.id, through: restored.through)
        return loop.makeSucceededFuture(restored.session)
    }
}
