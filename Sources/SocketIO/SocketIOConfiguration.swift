public import NIOCore
public import EngineIO
public import SocketIOAdapter

/// Options of a Socket.IO server, named and defaulted as in the reference
/// server (socket.io 4.x).
///
/// ```swift
/// var options = SocketIOConfiguration()
/// options.connectTimeout = .seconds(10)
/// options.connectionStateRecovery = .init(maxDisconnectionDuration: .minutes(2))
/// ```
public struct SocketIOConfiguration: Sendable {
    /// The Engine.IO options; the path defaults to `/socket.io/`.
    public var engine = EngineIOConfiguration(path: "/socket.io/")
    /// Time a client has to join a namespace after connecting (45 s).
    public var connectTimeout: TimeAmount = .seconds(45)
    /// Connection state recovery; nil (off) by default, as in the reference.
    public var connectionStateRecovery: ConnectionStateRecovery?
    /// Remove a dynamic child namespace once its last socket leaves (off by
    /// default, as in the reference; on, a flood of CONNECTs to dynamic
    /// names cannot grow memory).
    public var cleanupEmptyChildNamespaces = false
    /// Namespaces one connection may join; a CONNECT beyond it gets a
    /// CONNECT_ERROR, so one client cannot create unbounded state.
    public var maxNamespacesPerConnection = 32
    /// Attachments one binary packet may announce (10; the default parser only).
    public var maxAttachments = 10
    /// The packet format: the standard parser (default) or `.msgpack`
    /// (socket.io-msgpack-parser), as the reference server's `parser` option.
    public var parser: SocketIOParser = .default
    /// Makes each namespace's adapter (the in-memory one by default).
    public var adapter: @Sendable (AdapterContext) -> any SocketIOAdapter = { InMemoryAdapter(context: $0) }

    /// Reference defaults.
    public init() {}
}

/// Connection state recovery (socket.io 4.6+): a client that comes back
/// within `maxDisconnectionDuration` gets its id, rooms and data again and
/// every packet it missed.
public struct ConnectionStateRecovery: Sendable {
    /// How long a session is kept after a disconnection (reference: 2 min).
    public var maxDisconnectionDuration: TimeAmount
    /// Whether a recovered socket skips the connection middlewares (true).
    public var skipMiddlewares: Bool

    /// Recovery with these settings.
    public init(maxDisconnectionDuration: TimeAmount = .minutes(2), skipMiddlewares: Bool = true) {
        self.maxDisconnectionDuration = maxDisconnectionDuration
        self.skipMiddlewares = skipMiddlewares
    }
}
