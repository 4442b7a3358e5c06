public import NIOCore
import Synchronization

/// One connection to a Socket.IO server (one Engine.IO session at a time),
/// shared by the namespace sockets made from it, with automatic
/// reconnection: the JavaScript client's `Manager`.
///
/// ```swift
/// let manager = try Manager(url: "http://127.0.0.1:3000")
/// let chat = manager.socket("/chat")
/// let admin = manager.socket("/admin", options: SocketOptions(auth: ["token": "secret"]))
/// manager.on(.reconnect) { event in print(event) }
/// chat.on("message") { event in print(event.arguments) }
/// chat.emit("message", "hello")
/// ```
///
/// A `Sendable` handle: use it from any thread or task. Its state lives on
/// one event loop of ``ClientOptions/eventLoopGroup`` (with its transports
/// and sockets), and every listener is called on that loop, so a listener
/// must not block. Like the JavaScript client, a connection keeps running
/// when the handle is dropped: close it with ``close()`` (or by
/// disconnecting its last socket).
public final class Manager: Sendable {
    /// The server, as given (without the namespace path).
    public let url: String
    /// The options in force.
    public let options: ClientOptions
    let core: LoopConfined<ManagerCore>
    let status: StatusBox<ManagerStatus>
    /// The socket handles by namespace: weak (a socket holds its manager),
    /// with each namespace's status box kept so that a new handle of an
    /// existing socket shows the same state.
    private let sockets = Mutex<[String: SocketHandleSlot]>([:])

    /// A manager for the server at `url` (`http://host:port`, or
    /// `https://` for TLS; a path in it is ignored here, see
    /// ``io(_:options:)`` for namespaces in URLs). With `autoConnect` (the
    /// default) it starts connecting at once.
    ///
    /// - Throws: ``SocketIOClientError``: `invalidURL`, or `tlsFailed` when
    ///   a certificate or key of ``ClientOptions/tls`` does not load.
    public convenience init(url: String, options: ClientOptions = ClientOptions()) throws {
        let parsed = try ServerURL(parsing: url)
        let tls = try ClientTLS.make(for: parsed, options: options.tls)
        self.init(serverURL: parsed, options: options, tls: tls) { configuration, loop in
            EngineSession(configuration: configuration, loop: loop)
        }
    }

    /// A manager whose Engine.IO sessions come from `makeEngine` (tests).
    init(serverURL: ServerURL, options: ClientOptions, tls: ClientTLS? = nil, makeEngine: @escaping EngineFactory) {
        self.url = serverURL.serverID
        self.options = options
        let loop = options.eventLoopGroup.next()
        let status = StatusBox(ManagerStatus())
        self.status = status
        self.core = LoopConfined(eventLoop: loop)
        let core = self.core
        let autoConnect = options.autoConnect
        let install: @Sendable () -> Void = {
            let manager = ManagerCore(loop: loop, url: serverURL, options: options, tls: tls, status: status, makeEngine: makeEngine)
            core.install(manager)
            if autoConnect { manager.open() }
        }
        if loop.inEventLoop { install() } else { loop.execute(install) }
    }

    /// The event loop that owns this manager's state and calls its listeners.
    public var eventLoop: any EventLoop { core.eventLoop }

    /// Whether the Engine.IO session is open.
    public var isOpen: Bool { status.value.isOpen }

    /// The transport of the open session (nil while closed).
    public var transport: ClientTransport? { status.value.transport }

    // MARK: - Sockets

    /// The socket of `namespace` on this connection, made on first use (the
    /// same instance afterwards; `options` only apply to the first call).
    /// With `autoConnect` it connects unless it already is active.
    public func socket(_ namespace: String = "/", options socketOptions: SocketOptions? = nil) -> Socket {
        let name = namespace.hasPrefix("/") ? namespace : "/" + namespace
        let resolved = socketOptions ?? options.socketOptions
        let (socket, isNew) = sockets.withLock { sockets -> (Socket, Bool) in
            if let existing = sockets[name]?.socket { return (existing, false) }
            let status = sockets[name]?.status ?? StatusBox(SocketStatus(auth: resolved.auth))
            let made = Socket(manager: self, namespace: name, status: status)
            sockets[name] = SocketHandleSlot(socket: made, status: status)
            return (made, true)
        }
        if isNew {
            let ref = socket.core
            let status = socket.status
            core.run { manager in
                if let existing = manager.namespaces[name] {
                    ref.install(existing)
                    return
                }
                let core = SocketCore(manager: manager, namespace: name, options: resolved, status: status)
                ref.install(core)
                manager.namespaces[name] = core
            }
        }
        if options.autoConnect {
            socket.core.run { core in
                if !core.isActive { core.connect() }
            }
        }
        return socket
    }

    /// Whether a socket of `namespace` was made here (for connection sharing).
    func hasSocket(_ namespace: String) -> Bool {
        sockets.withLock { $0[namespace] != nil }
    }

    // MARK: - Opening and closing

    /// Opens the connection (only needed with `autoConnect` off; sockets'
    /// `connect()` opens it too). Does nothing when open or opening.
    public func open() {
        core.run { $0.open() }
    }

    /// Closes the connection and stops reconnecting: connected sockets get
    /// `disconnect` with "io client disconnect". ``open()`` starts again.
    public func close() {
        core.run { $0.close() }
    }

    // MARK: - Listeners

    /// Calls `handler` (on the manager's loop) for every event named `name`.
    @discardableResult
    public func on(_ name: ManagerEvent.Name, _ handler: @escaping @Sendable (ManagerEvent) -> Void) -> ListenerToken {
        let token = ListenerToken.next()
        core.run { $0.listeners[name, default: ListenerStore()].append(token: token, handler) }
        return token
    }

    /// Like ``on(_:_:)`` but for the next such event only.
    @discardableResult
    public func once(_ name: ManagerEvent.Name, _ handler: @escaping @Sendable (ManagerEvent) -> Void) -> ListenerToken {
        let token = ListenerToken.next()
        core.run { $0.listeners[name, default: ListenerStore()].append(token: token, once: true, handler) }
        return token
    }

    /// Calls `handler` for every event.
    @discardableResult
    public func onAny(_ handler: @escaping @Sendable (ManagerEvent) -> Void) -> ListenerToken {
        let token = ListenerToken.next()
        core.run { $0.anyListeners.append(token: token, handler) }
        return token
    }

    /// Removes a listener (or ends an ``events(bufferingLimit:)`` sequence).
    public func off(_ token: ListenerToken) {
        core.run { $0.removeListener(token) }
    }

    /// The manager's events as an `AsyncSequence`, from now on.
    ///
    /// Bounded: at most `bufferingLimit` events wait for the consumer; when
    /// full, newer events are dropped (and a warning logged) until it
    /// catches up. The sequence ends when the iterating task is cancelled
    /// or ``off(_:)`` is called with ``ManagerEventStream/token``.
    public func events(bufferingLimit: Int = 1024) -> ManagerEventStream {
        let token = ListenerToken.next()
        let (stream, continuation) = AsyncStream.makeStream(of: ManagerEvent.self, bufferingPolicy: .bufferingOldest(bufferingLimit))
        let core = self.core
        continuation.onTermination = { _ in core.run { $0.streams[token] = nil } }
        core.run { $0.streams[token] = continuation }
        return ManagerEventStream(token: token, stream: stream)
    }
}

/// A manager's events as an `AsyncSequence` (see ``Manager/events(bufferingLimit:)``).
public struct ManagerEventStream: AsyncSequence, Sendable {
    /// Each element is one event of the manager.
    public typealias Element = ManagerEvent

    /// Pass to ``Manager/off(_:)`` to end the sequence.
    public let token: ListenerToken
    let stream: AsyncStream<ManagerEvent>

    /// The iterator of the underlying `AsyncStream`.
    public func makeAsyncIterator() -> AsyncStream<ManagerEvent>.Iterator {
        stream.makeAsyncIterator()
    }
}

/// A weak socket handle and the status box of its namespace.
struct SocketHandleSlot: Sendable {
    weak var socket: Socket?
    let status: StatusBox<SocketStatus>
}
