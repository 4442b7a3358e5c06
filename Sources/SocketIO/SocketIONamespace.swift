public import NIOCore
public import SocketIOCore
public import SocketIOAdapter
import NIOConcurrencyHelpers
import Synchronization

/// A connection middleware: runs on the socket's loop before the socket
/// joins the namespace; call `next(nil)` to admit it, or
/// `next(SocketIOConnectError(...))` to refuse it (the client gets a
/// CONNECT_ERROR). `next` must be called on the socket's loop.
public typealias SocketIOMiddleware = @Sendable (SocketIOSocket, _ next: @escaping (SocketIOConnectError?) -> Void) -> Void

/// A Socket.IO namespace: its middlewares, connection handlers, rooms (in
/// its adapter) and the broadcast operators that address its sockets.
///
/// ```swift
/// let chat = io.of("/chat")
/// chat.use { socket, next in next(socket.handshake.auth["name"] == nil ? SocketIOConnectError("name required") : nil) }
/// chat.onConnection { socket in socket.join("lobby") }
/// chat.to("lobby").emit("news", "hello")
/// ```
public final class SocketIONamespace: Sendable {
    /// The namespace's name (`/`, `/chat`, ...).
    public let name: String
    /// The adapter holding its rooms.
    public let adapter: any SocketIOAdapter
    let server: SocketIOServer
    let parent: ParentNamespace?
    private let handlers = NIOLockedValueBox(Handlers())
    let events = NamespaceEventTable()
    private let ackCounter = AckCounter()
    let serverSideHandlers = ServerSideHandlerTable()
    private let sockets = Atomic<Int>(0)

    struct Handlers {
        var middlewares: [SocketIOMiddleware] = []
        var connection: [@Sendable (SocketIOSocket) -> Void] = []
    }

    init(name: String, server: SocketIOServer, parent: ParentNamespace?) {
        self.name = name
        self.server = server
        self.parent = parent
        let encoding = server.encoding
        let counter = ackCounter
        let serverSide = serverSideHandlers
        self.adapter = server.configuration.adapter(AdapterContext(
            namespace: name,
            loops: server.loops,
            encode: { packet, flags in encoding.encodeForBroadcast(packet, flags: flags) },
            recoveryWindow: server.configuration.connectionStateRecovery?.maxDisconnectionDuration,
            nextAckID: { counter.next() },
            serverSideEvent: { arguments, ack in serverSide.deliver(arguments, ack: ack) }
        ))
    }

    /// Adds a connection middleware (run in the order added).
    public func use(_ middleware: @escaping SocketIOMiddleware) {
        handlers.withLockedValue { $0.middlewares.append(middleware) }
    }

    /// Adds a handler called on the socket's loop for each new socket.
    public func onConnection(_ handler: @escaping @Sendable (SocketIOSocket) -> Void) {
        handlers.withLockedValue { $0.connection.append(handler) }
    }

    /// The parent's middlewares (for a dynamic child) then this namespace's.
    var middlewares: [SocketIOMiddleware] {
        (parent?.middlewares ?? []) + handlers.withLockedValue { $0.middlewares }
    }

    var connectionHandlers: [@Sendable (SocketIOSocket) -> Void] {
        (parent?.connectionHandlers ?? []) + handlers.withLockedValue { $0.connection }
    }

    /// The next ack id for a packet sent from this namespace.
    func nextAckID() -> UInt64 {
        ackCounter.next()
    }

    /// Sockets connected now, on every loop.
    var socketCount: Int { sockets.load(ordering: .relaxed) }

    func socketJoined() { sockets.add(1, ordering: .relaxed) }

    func socketLeft() {
        if sockets.subtract(1, ordering: .relaxed).newValue == 0 {
            server.removeIfEmpty(self)
        }
    }

    // MARK: - Broadcasting

    /// An operator addressing every socket of the namespace.
    public var broadcastOperator: BroadcastOperator { BroadcastOperator(namespace: self) }

    /// Targets sockets in `rooms`.
    public func to(_ rooms: RoomName...) -> BroadcastOperator { broadcastOperator.to(rooms) }
    /// Targets sockets in `rooms` (alias of ``to(_:)``).
    public func `in`(_ rooms: RoomName...) -> BroadcastOperator { broadcastOperator.to(rooms) }
    /// Excludes sockets in `rooms`.
    public func except(_ rooms: RoomName...) -> BroadcastOperator { broadcastOperator.except(rooms) }
    /// Drops the packet for clients that are not ready.
    public var volatile: BroadcastOperator { broadcastOperator.volatile }
    /// Only this server's clients.
    public var local: BroadcastOperator { broadcastOperator.local }
    /// Sets whether the packet may be compressed.
    public func compress(_ compress: Bool) -> BroadcastOperator { broadcastOperator.compress(compress) }
    /// Sets the time to wait for acks of a broadcast.
    public func timeout(_ timeout: TimeAmount) -> BroadcastOperator { broadcastOperator.timeout(timeout) }

    /// Sends an event to every socket of the namespace.
    public func emit(_ event: String, _ arguments: JSONValue...) { broadcastOperator.emit(event, arguments: arguments) }

    /// Sends an event with `Codable` payloads to every socket.
    public func emit<Payload: Encodable>(_ event: String, payload: Payload) throws {
        try broadcastOperator.emit(event, payload: payload)
    }

    /// Snapshots of every socket (`fetchSockets()`).
    public func fetchSockets() async throws -> [RemoteSocket] { try await broadcastOperator.fetchSockets() }

    /// Makes every socket join `rooms`.
    public func socketsJoin(_ rooms: RoomName...) { broadcastOperator.socketsJoin(rooms) }

    /// Makes every socket leave `rooms`.
    public func socketsLeave(_ rooms: RoomName...) { broadcastOperator.socketsLeave(rooms) }

    /// Disconnects every socket.
    public func disconnectSockets(close: Bool = false) { broadcastOperator.disconnectSockets(close: close) }

    /// Sends an event to the other servers of a cluster (none without a
    /// cluster adapter); they get it through ``onServerSideEmit(_:_:)``.
    /// `connect`, `connection` and `new_namespace` are reserved, as upstream.
    ///
    /// ```swift
    /// try io.sockets.serverSideEmit("cache-invalidate", "users")
    /// ```
    public func serverSideEmit(_ event: String, _ arguments: JSONValue...) throws {
        try Self.checkServerSideEventName(event)
        adapter.serverSideEmit(.event(event, arguments, namespace: name))
    }

    /// Sends an event to the other servers and waits for each one's answer
    /// (5 s unless `timeout` is given); throws
    /// ``ServerSideEmitError/timedOut(responses:expected:)`` when some did
    /// not answer in time.
    ///
    /// ```swift
    /// let loads = try await io.sockets.serverSideEmitWithAck("load")
    /// ```
    public func serverSideEmitWithAck(_ event: String, _ arguments: JSONValue..., timeout: TimeAmount = .seconds(5)) async throws -> [JSONValue] {
        try Self.checkServerSideEventName(event)
        let packet = SocketIOPacket.event(event, arguments, namespace: name)
        return try await withCheckedThrowingContinuation { continuation in
            adapter.serverSideEmitWithAck(packet, timeout: timeout) { continuation.resume(with: $0) }
        }
    }

    /// Calls `handler` for a server-side event from another server of the
    /// cluster; `ack` is set when the sender waits for an answer.
    ///
    /// ```swift
    /// io.sockets.onServerSideEmit("load") { arguments, ack in ack?(.int(42)) }
    /// ```
    public func onServerSideEmit(_ event: String, _ handler: @escaping ServerSideEventHandler) {
        serverSideHandlers.add(event, handler)
    }

    /// How many servers share this namespace, this one included (1 without a cluster adapter).
    public func serverCount() async throws -> Int {
        try await adapter.serverCount(on: server.loops[0]).get()
    }

    private static func checkServerSideEventName(_ event: String) throws {
        if ["connect", "connection", "new_namespace"].contains(event) { throw SocketIOReservedEventError(name: event) }
    }
}

/// A parent of dynamic namespaces (see ``SocketIOServer/of(matching:)``).
/// Its middlewares, connection handlers and event handlers apply to every
/// child, and a broadcast from it reaches the sockets of every child.
public final class ParentNamespace: Sendable {
    let server: SocketIOServer
    /// Event handlers for the sockets of every child (before the child's own).
    let events = NamespaceEventTable()
    private let predicate: @Sendable (String, JSONValue) -> Bool
    private let state = NIOLockedValueBox(State())

    private struct State {
        var handlers = SocketIONamespace.Handlers()
        var children: [String: SocketIONamespace] = [:]
    }

    init(server: SocketIOServer, predicate: @escaping @Sendable (String, JSONValue) -> Bool) {
        self.server = server
        self.predicate = predicate
    }

    func accepts(_ name: String, auth: JSONValue) -> Bool { predicate(name, auth) }

    func adopt(_ child: SocketIONamespace) { state.withLockedValue { $0.children[child.name] = child } }

    func release(_ child: SocketIONamespace) {
        state.withLockedValue { state in
            if state.children[child.name] === child { state.children[child.name] = nil }
        }
    }

    /// The child namespaces that exist now.
    public var children: [SocketIONamespace] {
        state.withLockedValue { Array($0.children.values) }
    }

    /// Adds a middleware that every child runs.
    public func use(_ middleware: @escaping SocketIOMiddleware) {
        state.withLockedValue { $0.handlers.middlewares.append(middleware) }
    }

    /// Adds a connection handler for the sockets of every child.
    public func onConnection(_ handler: @escaping @Sendable (SocketIOSocket) -> Void) {
        state.withLockedValue { $0.handlers.connection.append(handler) }
    }

    /// Calls `handler` for `event` sent by any socket of any child, before
    /// the child's own handlers for it (as the parent's middlewares run
    /// before the child's).
    ///
    /// ```swift
    /// io.of { name, _ in name.hasPrefix("/workspace-") }
    ///     .on("rename") { socket, event in event.ack?.send([.string(socket.namespace.name)]) }
    /// ```
    public func on(_ event: String, _ handler: @escaping SocketIONamespaceEventHandler) {
        events.add(event, handler)
    }

    var middlewares: [SocketIOMiddleware] { state.withLockedValue { $0.handlers.middlewares } }
    var connectionHandlers: [@Sendable (SocketIOSocket) -> Void] { state.withLockedValue { $0.handlers.connection } }

    /// Sends an event to the sockets of every child namespace.
    public func emit(_ event: String, _ arguments: JSONValue...) {
        for child in children { child.broadcastOperator.emit(event, arguments: arguments) }
    }
}
