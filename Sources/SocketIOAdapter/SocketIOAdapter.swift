public import NIOCore
public import SocketIOCore

/// The room and broadcast bookkeeping of one namespace: which sockets are in
/// which rooms, and how a packet reaches every socket it is meant for.
///
/// The server only talks to this protocol, so a cluster adapter (Redis,
/// wire-compatible with the Node `@socket.io/redis-adapter`) can replace the
/// in-memory one without touching the server: it keeps an
/// ``InMemoryAdapter`` for local delivery and publishes what other servers
/// must see (unless `flags.local` is set).
///
/// Methods that take `loop` are called on the socket's own loop and act on
/// that loop's index only; the others may be called from any loop.
public protocol SocketIOAdapter: Sendable {
    /// Adds a connected socket to the index of its loop.
    func register(_ socket: any AdapterSocket, on loop: any EventLoop)
    /// Adds a socket to rooms.
    func addAll(_ id: SocketID, rooms: [RoomName], on loop: any EventLoop)
    /// Removes a socket from a room.
    func del(_ id: SocketID, room: RoomName, on loop: any EventLoop)
    /// Removes a socket from every room and from the index.
    func delAll(_ id: SocketID, on loop: any EventLoop)
    /// Sends `packet` to every matching socket.
    func broadcast(_ packet: SocketIOPacket, options: BroadcastOptions)
    /// Sends `packet` (whose ack id is set) to every matching socket and
    /// reports how many got it, then each answer as it arrives.
    func broadcastWithAck(
        _ packet: SocketIOPacket,
        options: BroadcastOptions,
        clientCount: @escaping @Sendable (Int) -> Void,
        response: @escaping @Sendable ([JSONValue]) -> Void
    )
    /// The matching sockets, as snapshots.
    func fetchSockets(_ options: BroadcastOptions, on loop: any EventLoop) -> EventLoopFuture<[SocketSnapshot]>
    /// Makes the matching sockets join `rooms`.
    func addSockets(_ options: BroadcastOptions, rooms: [RoomName])
    /// Makes the matching sockets leave `rooms`.
    func delSockets(_ options: BroadcastOptions, rooms: [RoomName])
    /// Disconnects the matching sockets.
    func disconnectSockets(_ options: BroadcastOptions, close: Bool)
    /// The ids of the sockets in any of `rooms` (all when empty).
    func sockets(in rooms: Set<RoomName>, on loop: any EventLoop) -> EventLoopFuture<Set<SocketID>>
    /// An event for the other servers of a cluster (the in-memory adapter has none).
    func serverSideEmit(_ packet: SocketIOPacket)
    /// Keeps a disconnected socket's session for connection state recovery.
    func persistSession(_ session: PersistedSession)
    /// Gives a session back, with the packets missed after `offset`, or nil
    /// when it expired or the offset is unknown.
    func restoreSession(pid: String, offset: String, on loop: any EventLoop) -> EventLoopFuture<RecoveredSession?>
    /// An event for the other servers, each of which answers once: `done`
    /// gets the answers, or ``ServerSideEmitError/timedOut(responses:expected:)``
    /// with those that came in time.
    func serverSideEmitWithAck(
        _ packet: SocketIOPacket,
        timeout: TimeAmount?,
        done: @escaping @Sendable (Result<[JSONValue], ServerSideEmitError>) -> Void
    )
    /// How many servers share the namespace, this one included.
    func serverCount(on loop: any EventLoop) -> EventLoopFuture<Int>
}

extension SocketIOAdapter {
    /// A single server has nobody to ask: no answers, at once.
    public func serverSideEmitWithAck(
        _ packet: SocketIOPacket,
        timeout: TimeAmount?,
        done: @escaping @Sendable (Result<[JSONValue], ServerSideEmitError>) -> Void
    ) {
        done(.success([]))
    }

    /// One server: this one.
    public func serverCount(on loop: any EventLoop) -> EventLoopFuture<Int> { loop.makeSucceededFuture(1) }
}

/// Why `serverSideEmitWithAck` ended without every server's answer.
public enum ServerSideEmitError: Error, Sendable, Equatable {
    /// Not every server answered within the timeout; `responses` came in time.
    case timedOut(responses: [JSONValue], expected: Int)
    /// The cluster could not be reached (the message was not sent).
    case unavailable(String)
}

/// A handler of a server-side event from another server
/// (``SocketIOAdapter/serverSideEmit(_:)`` there): its arguments (without
/// the event name), and the answer to send back when the sender waits for
/// one (the first call counts).
public typealias ServerSideEventHandler = @Sendable (_ arguments: [JSONValue], _ ack: (@Sendable (JSONValue) -> Void)?) -> Void

/// What a namespace gives its adapter.
public struct AdapterContext: Sendable {
    /// The namespace's name.
    public var namespace: String
    /// The loops sockets live on.
    public var loops: [any EventLoop]
    /// Encodes a packet once for every transport (compressed when the flags allow).
    public var encode: @Sendable (SocketIOPacket, BroadcastFlags) -> any EncodedPacket
    /// Connection state recovery's maxDisconnectionDuration, if on.
    public var recoveryWindow: TimeAmount?
    /// A new ack id of the namespace (a broadcast with acks from another
    /// server gets one here, unique among this server's pending acks).
    public var nextAckID: @Sendable () -> UInt64
    /// Delivers a server-side event from another server to this
    /// namespace's handlers: `[event, args...]`, and the answer when one is wanted.
    public var serverSideEvent: @Sendable (_ eventAndArguments: [JSONValue], _ ack: (@Sendable (JSONValue) -> Void)?) -> Void

    /// A context.
    public init(
        namespace: String,
        loops: [any EventLoop],
        encode: @escaping @Sendable (SocketIOPacket, BroadcastFlags) -> any EncodedPacket,
        recoveryWindow: TimeAmount?,
        nextAckID: @escaping @Sendable () -> UInt64 = { 0 },
        serverSideEvent: @escaping @Sendable (_ eventAndArguments: [JSONValue], _ ack: (@Sendable (JSONValue) -> Void)?) -> Void = { _, _ in }
    ) {
        self.namespace = namespace
        self.loops = loops
        self.encode = encode
        self.recoveryWindow = recoveryWindow
        self.nextAckID = nextAckID
        self.serverSideEvent = serverSideEvent
    }
}
