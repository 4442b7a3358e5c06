public import NIOCore
public import SocketIOCore
public import SocketIOAdapter
public import EngineIO
import EngineIOCore
import Logging

/// A client's membership of one namespace: what Socket.IO applications
/// program against (`socket` in the reference server).
///
/// It lives on its connection's event loop; its methods and listeners run
/// there. To reach it from elsewhere, use ``remote`` (a `Sendable` handle).
///
/// ```swift
/// io.onConnection { socket in
///     socket.join("lobby")
///     socket.on("chat") { event in
///         socket.to("lobby").emit("chat", event.arguments)
///         event.ack?("delivered")
///     }
///     socket.onDisconnect { reason in print(socket.id, "left:", reason.rawValue) }
/// }
/// ```
public final class SocketIOSocket {
    /// Socket id (different from the Engine.IO session id, as in the
    /// reference; for a Socket.IO v2 client, derived from it as the
    /// reference derives it: the session id in `/`, `<namespace>#<sid>` elsewhere).
    public let id: SocketID
    /// The namespace joined.
    public let namespace: SocketIONamespace
    /// What the server knew of the client when it joined.
    public let handshake: SocketIOHandshake
    /// The application's per-socket storage (kept by connection state
    /// recovery, and visible in `fetchSockets()` snapshots).
    public var data: JSONValue = .object([:]) {
        didSet {
            if isConnected, !observingConnect, let observer { observer.socketDataChanged(self) }
        }
    }
    /// True while the observer is told of the connection (its changes to
    /// `data` are part of it, not reported apart).
    private var observingConnect = false
    /// An object of the application's own kept with the socket (a game
    /// session, say), so that a namespace-level handler
    /// (``SocketIONamespace/on(_:_:)``) finds it without a listener per
    /// socket. Released when the socket disconnects, after its disconnect
    /// listeners ran (so a cycle through it does not outlive the socket).
    ///
    /// ```swift
    /// io.sockets.onConnection { socket in socket.attachment = Player(socket) }
    /// io.sockets.on("move") { socket, event in (socket.attachment as? Player)?.move(event) }
    /// ```
    public var attachment: AnyObject?
    /// Rooms, the socket's own id first (empty once disconnected).
    public var rooms: [RoomName] { isConnected ? [id] + joinedRooms : [] }
    /// Rooms besides the socket's own (which is implicit: nothing stored).
    private var joinedRooms: [RoomName] = []
    /// True between joining and leaving the namespace.
    public private(set) var isConnected = false
    /// True when this socket got its session back by connection state recovery.
    public let recovered: Bool
    /// The loop that owns this socket.
    public var eventLoop: any EventLoop { connection.eventLoop }
    /// The Engine.IO session under it.
    public var engine: EngineIOSocket { connection.engine }

    let connection: SocketIOConnection
    /// The private session id for connection state recovery.
    let pid: String?
    /// Per-socket listeners, created on first registration (sockets whose
    /// events are handled at the namespace level never pay for them).
    var listenerStore: Listeners?
    var listeners: Listeners {
        if let listenerStore { return listenerStore }
        let created = Listeners()
        listenerStore = created
        return created
    }
    /// The namespace's shared event handlers, as of `namespaceEvents.version`.
    var namespaceEvents: (version: Int, handlers: [String: [SocketIONamespaceEventHandler]]) = (-1, [:])
    /// The parent's (for a dynamic child), as of `parentEvents.version`.
    var parentEvents: (version: Int, handlers: [String: [SocketIONamespaceEventHandler]]) = (-1, [:])
    var acks: [UInt64: PendingAck] = [:]

    init(connection: SocketIOConnection, namespace: SocketIONamespace, auth: JSONValue, recovered session: PersistedSession?) {
        self.connection = connection
        self.namespace = namespace
        self.handshake = SocketIOHandshake(request: connection.request, auth: auth)
        var rng = SystemRandomNumberGenerator()
        let shard = connection.server.loops.firstIndex { $0 === connection.eventLoop } ?? 0
        if let session {
            id = session.id
            pid = session.pid
            data = session.data
            recovered = true
            joinedRooms = session.rooms.filter { $0 != session.id }
        } else if connection.isV2Client {
            // The reference's ids for v2 clients, which compute the same
            // themselves: the Engine.IO id for `/`, `<namespace>#<id>` else.
            // No recovery: a v2 client never gets (or sends) a pid.
            id = namespace.name == SocketIOPacket.mainNamespace ? connection.engine.id : namespace.name + "#" + connection.engine.id
            pid = nil
            recovered = false
        } else {
            id = SessionID.make(shard: shard, using: &rng)
            pid = connection.server.configuration.connectionStateRecovery == nil ? nil : SessionID.make(shard: shard, using: &rng)
            recovered = false
        }
    }

    /// A `Sendable` handle on this socket, usable from any loop or task.
    public var remote: RemoteSocket { RemoteSocket(snapshot: snapshot(), namespace: namespace) }

    var logger: Logger { connection.logger }

    // MARK: - Joining and leaving the namespace

    /// Middlewares passed: join the own room, send CONNECT, replay what a
    /// recovered client missed, then call the connection handlers.
    func connected(missed: [SocketIOPacket]) {
        isConnected = true
        namespace.socketJoined()
        namespace.adapter.register(self, on: eventLoop)
        let restored = joinedRooms
        joinedRooms = []
        let observer = self.observer
        observer?.socketJoined(self, rooms: [id])
        join(restored)
        if connection.isV2Client {
            connection.send(.connect(namespace: namespace.name))
        } else {
            var payload: JSONObject = ["sid": .string(id)]
            if let pid { payload["pid"] = .string(pid) }
            connection.send(.connect(namespace: namespace.name, data: payload))
        }
        for packet in missed {
            connection.write(connection.server.encoding.encode(packet, compress: connection.engine.usesCompressedFrames), volatile: false)
        }
        if let observer {
            observingConnect = true
            observer.socketConnected(self)
            observingConnect = false
        }
        for handler in namespace.connectionHandlers {
            guard isConnected else { break }
            handler(self)
        }
    }

    /// Leaves the namespace with `reason`: "disconnecting" listeners (rooms
    /// still there), rooms left, pending acks failed, "disconnect" listeners.
    func closed(_ reason: DisconnectReason) {
        guard isConnected else { return }
        for listener in listenerStore?.disconnecting ?? [] { listener.handler(reason) }
        if let pid, reason.allowsRecovery, connection.server.configuration.connectionStateRecovery != nil {
            namespace.adapter.persistSession(PersistedSession(id: id, pid: pid, rooms: rooms, data: data))
        }
        namespace.adapter.delAll(id, on: eventLoop)
        let roomsLeft = rooms
        joinedRooms = []
        isConnected = false
        connection.remove(self)
        let pending = acks
        acks = [:]
        for (_, ack) in pending { ack.fail(.disconnected) }
        for listener in listenerStore?.disconnect ?? [] { listener.handler(reason) }
        observer?.socketDisconnected(self, reason: reason, rooms: roomsLeft)
        listenerStore = nil
        attachment = nil
        namespace.socketLeft()
    }

    /// Leaves the namespace from the server side.
    ///
    /// - Parameter close: also close the underlying connection (every other
    ///   namespace of it leaves too).
    public func disconnect(close: Bool = false) {
        guard isConnected else { return }
        if close {
            connection.disconnectAll()
            return
        }
        connection.send(.disconnect(namespace: namespace.name))
        closed(.serverNamespaceDisconnect)
    }

    // MARK: - Rooms

    /// Joins rooms (idempotent).
    public func join(_ rooms: RoomName...) { join(rooms) }

    /// Joins rooms (idempotent).
    public func join(_ newRooms: [RoomName]) {
        guard isConnected else { return }
        var added: [RoomName] = []
        for room in newRooms where room != id && !joinedRooms.contains(room) {
            joinedRooms.append(room)
            added.append(room)
        }
        if !added.isEmpty {
            namespace.adapter.addAll(id, rooms: added, on: eventLoop)
            observer?.socketJoined(self, rooms: added)
        }
    }

    /// Leaves a room.
    public func leave(_ room: RoomName) {
        guard isConnected, let index = joinedRooms.firstIndex(of: room) else { return }
        joinedRooms.remove(at: index)
        namespace.adapter.del(id, room: room, on: eventLoop)
        observer?.socketLeft(self, room: room)
    }

    public func snapshot() -> SocketSnapshot {
        SocketSnapshot(id: id, handshake: handshake.json, rooms: rooms, data: data)
    }
}

extension SocketIOSocket: AdapterSocket {
    public func deliver(_ packet: SocketIOPacket, encoded: any EncodedPacket, volatile: Bool) {
        guard isConnected else { return }
        notifyOutgoing(packet)
        // This server's adapters only carry what this server encoded.
        let ours = unsafeDowncast(encoded, to: EncodedSocketIOPacket.self)
        connection.write(ours.packets, volatile: volatile, broadcast: true)
    }

    public func expectAck(id: UInt64, handler: @escaping @Sendable ([JSONValue]) -> Void) {
        acks[id] = PendingAck(handler: { result in
            if case .success(let arguments) = result { handler(arguments) }
        })
    }

    public func joinFromAdapter(_ rooms: [RoomName]) { join(rooms) }

    public func leaveFromAdapter(_ rooms: [RoomName]) { rooms.forEach { leave($0) } }

    public func disconnectFromAdapter(close: Bool) { disconnect(close: close) }
}
