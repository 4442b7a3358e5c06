public import SocketIOClient

/// A member of a Huddle server's rooms: one Socket.IO connection to the
/// rooms namespace (`/rooms`), in at most one room at a time, for bots and
/// native apps. Rooms of any kind — built-in or your own — are joined with
/// their logic's type, and come back typed by it (``RemoteRoom``).
///
/// ```swift
/// import RoomClient
/// import WhiteboardRoom
///
/// let client = try RoomClient(url: "http://127.0.0.1:3000")
/// let room = try await client.joinOrCreate(WhiteboardLogic()) { state, operation in try state.apply(operation) }
/// try await room.send(.beginStroke(id: 1, color: 0x3366FF, width: 3))
/// print(room.member, room.state.openStrokes.count)
/// try await room.leave()
/// client.close()
/// ```
///
/// Connection, reconnection and TLS are the Socket.IO client's
/// (`ClientOptions`); when a lost connection comes back the client joins a
/// room of the kind again (``RoomClientConfiguration/rejoin``). To be in two
/// rooms at once, make two clients. ``close()`` ends the connection; so
/// does dropping the last reference to the client once it is in no room (a
/// joined ``RemoteRoom`` keeps its client, and so the connection, alive
/// until it is left or ends).
public final class RoomClient: Sendable {
    /// The socket of the rooms namespace (for its `id`, `isConnected`,
    /// listeners, or its `manager`'s events).
    public let socket: Socket
    /// How the client plays the protocol.
    public let configuration: RoomClientConfiguration
    let router: RoomRouter
    /// Where a snapshot sent in chunks is assembled.
    let snapshots: SnapshotReceiver
    private let tokens: [ListenerToken]
    private let managerToken: ListenerToken

    /// A client of the server at `url` (`http://host:port`, or `https://`),
    /// on a connection of its own. It connects at once unless
    /// `options.autoConnect` is off; ``joinOrCreate(_:applying:)`` waits
    /// for the connection.
    ///
    /// ```swift
    /// var options = ClientOptions()
    /// options.transports = [.websocket]
    /// options.reconnectionDelayMax = .seconds(2)
    /// let client = try RoomClient(url: "https://rooms.example.com", options: options)
    /// ```
    ///
    /// - Throws: `SocketIOClientError` (`invalidURL`, `tlsFailed`) as `Manager(url:options:)` does.
    public convenience init(
        url: String,
        options: ClientOptions = ClientOptions(),
        configuration: RoomClientConfiguration = RoomClientConfiguration()
    ) throws {
        try self.init(manager: Manager(url: url, options: options), configuration: configuration)
    }

    /// A client on a connection you made (to share it with other
    /// namespaces): it uses the manager's socket of
    /// ``RoomClientConfiguration/namespace``, which must not be used for
    /// anything else.
    ///
    /// ```swift
    /// let manager = try Manager(url: "http://127.0.0.1:3000")
    /// let chat = manager.socket("/chat")
    /// let rooms = RoomClient(manager: manager)
    /// ```
    public init(manager: Manager, configuration: RoomClientConfiguration = RoomClientConfiguration()) {
        let socket = manager.socket(configuration.namespace)
        let router = RoomRouter()
        let snapshots = SnapshotReceiver(limit: configuration.maxSnapshotBytes)
        self.socket = socket
        self.configuration = configuration
        self.router = router
        self.snapshots = snapshots
        tokens = Self.listen(on: socket, router: router, snapshots: snapshots)
        managerToken = manager.on(.reconnectFailed) { [weak router] _ in router?.current?.reconnectionFailed() }
    }

    deinit {
        for token in tokens { socket.off(token) }
        socket.manager.off(managerToken)
        socket.disconnect()
    }

    /// Routes the namespace's events to the room the socket is in.
    private static func listen(on socket: Socket, router: RoomRouter, snapshots: SnapshotReceiver) -> [ListenerToken] {
        [
            socket.on(RoomEvents.delta) { [weak router] event in
                guard case .binary(let bytes)? = event.arguments.first else { return }
                router?.current?.receivedDelta(Array(bytes.readableBytesView))
            },
            socket.on(RoomEvents.operations) { [weak router] event in
                if case .binary(let bytes)? = event.arguments.first {
                    router?.current?.receivedOperations(Array(bytes.readableBytesView))
                }
                // Always acknowledged: the server disconnects a client that
                // leaves too many `ops` unacknowledged.
                event.ack?.send([])
            },
            socket.on(RoomEvents.snapshotChunk) { [weak snapshots] event in
                snapshots?.received(event.arguments)
                // Always acknowledged: the server sends the next chunks on acknowledgements.
                event.ack?.send([])
            },
            socket.on(RoomEvents.error) { [weak router] event in
                router?.current?.receivedError(RoomClientError(event: event.arguments.first ?? .null))
            },
            socket.on(RoomEvents.closed) { [weak router] event in
                let reason = event.arguments.first?["reason"]?.stringValue ?? "the room stopped"
                router?.current?.receivedClosed(reason: reason)
            },
            socket.onConnect { [weak router] in router?.current?.connected() },
            socket.onDisconnect { [weak router, weak snapshots] reason in
                snapshots?.abandon(RoomClientError(code: .connectionLost, message: "disconnected during a snapshot: \(reason.rawValue)"))
                router?.current?.disconnected(reason)
            },
        ]
    }

    /// Ends the connection (the socket leaves the namespace; the manager
    /// closes when no other socket uses it). A joined room ends with status
    /// ``RoomStatus/closed``, its updates finish.
    public func close() {
        socket.disconnect()
    }
}
