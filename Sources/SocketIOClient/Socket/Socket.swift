/// One namespace on a ``Manager``'s connection: the JavaScript client's
/// `Socket`.
///
/// ```swift
/// let socket = try io("http://127.0.0.1:3000")
/// socket.on("chat") { event in print(event.arguments) }
/// try await socket.connect()                       // returns once connected
/// socket.emit("chat", "hello")
/// let reply = try await socket.timeout(.seconds(2)).emitWithAck("echo", "ping")
/// ```
///
/// Connection and reconnection follow the manager: after a lost connection
/// the socket connects again by itself; after ``disconnect()`` (or a server
/// disconnection, or a refusal) it stays disconnected until ``connect()``
/// or ``open()``.
///
/// A `Sendable` handle, usable from any thread or task. Listeners run on
/// the manager's event loop, in the order events arrived; a listener must
/// not block (hand heavy work to a task).
public final class Socket: Sendable {
    /// The namespace (`/`, `/chat`, ...).
    public let namespace: String
    /// The connection this socket is multiplexed on (`socket.io` in JavaScript).
    public let manager: Manager
    let core: LoopConfined<SocketCore>
    let status: StatusBox<SocketStatus>

    init(manager: Manager, namespace: String, status: StatusBox<SocketStatus>) {
        self.manager = manager
        self.namespace = namespace
        self.status = status
        self.core = LoopConfined(eventLoop: manager.eventLoop)
    }

    // MARK: - State

    /// The id the server gave this socket, while connected.
    public var id: String? { status.value.id }
    /// Whether the socket is connected to its namespace.
    public var isConnected: Bool { status.value.isConnected }
    /// Whether the socket follows its manager (connects, and reconnects
    /// after a lost connection): true from ``connect()`` until a
    /// disconnection by either side or a refusal.
    public var isActive: Bool { status.value.isActive }
    /// Whether the last connection restored the previous session
    /// (connection state recovery): same id and rooms, and the events
    /// missed meanwhile delivered.
    public var recovered: Bool { status.value.recovered }

    /// What the socket sends in its next CONNECT packets (the server's
    /// `socket.handshake.auth`): set it to retry with new credentials after
    /// a refusal, or to change them for the next reconnection. Starts as
    /// the options' ``SocketOptions/auth``; a connection already
    /// established is not affected.
    ///
    /// ```swift
    /// socket.auth = ["token": .string(try await refreshToken())]
    /// try await socket.connect()
    /// ```
    public var auth: SocketAuth? {
        get { status.value.auth }
        set { status.update { $0.auth = newValue } }
    }

    // MARK: - Connecting

    /// Joins the namespace (opening the manager's connection if needed),
    /// without waiting: the outcome is reported to ``onConnect(_:)`` or
    /// ``onConnectError(_:)``. Not needed with `autoConnect`; needed again
    /// after ``disconnect()``, a server disconnection or a refusal. In
    /// `async` code `connect()` means ``connect(timeout:)``, which waits;
    /// ``open()`` is this one under another name.
    public func connect() {
        core.run { $0.connect() }
    }

    /// ``connect()`` under the name JavaScript also gives it: joins without
    /// waiting (from `async` code too, where `connect()` waits).
    public func open() {
        core.run { $0.connect() }
    }

    /// Leaves the namespace; the manager closes its connection when no
    /// socket uses it any more. Emits made meanwhile are buffered, awaited
    /// acks fail with ``SocketIOClientError/Code/disconnected``, and the
    /// sequences from ``activity(bufferingLimit:)`` end.
    public func disconnect() {
        core.run { $0.disconnect() }
    }

    // MARK: - Listeners

    /// Calls `handler` for every event named `event`.
    @discardableResult
    public func on(_ event: String, _ handler: @escaping @Sendable (ReceivedEvent) -> Void) -> ListenerToken {
        let token = ListenerToken.next()
        core.run { $0.listeners.named[event, default: ListenerStore()].append(token: token, handler) }
        return token
    }

    /// Like ``on(_:_:)``, for the next such event only.
    @discardableResult
    public func once(_ event: String, _ handler: @escaping @Sendable (ReceivedEvent) -> Void) -> ListenerToken {
        let token = ListenerToken.next()
        core.run { $0.listeners.named[event, default: ListenerStore()].append(token: token, once: true, handler) }
        return token
    }

    /// Removes one listener (of any kind), or ends an activity sequence.
    public func off(_ token: ListenerToken) {
        core.run { core in
            let stream = core.listeners.remove(token)
            stream?.finish()
        }
    }

    /// Removes every listener of events named `event`.
    public func off(_ event: String) {
        core.run { $0.listeners.named[event] = nil }
    }

    /// Called when the socket joins its namespace.
    @discardableResult
    public func onConnect(_ handler: @escaping @Sendable () -> Void) -> ListenerToken {
        let token = ListenerToken.next()
        core.run { $0.listeners.connect.append(token: token) { _ in handler() } }
        return token
    }

    /// Called when the socket leaves its namespace, with the reason.
    @discardableResult
    public func onDisconnect(_ handler: @escaping @Sendable (SocketDisconnectReason) -> Void) -> ListenerToken {
        let token = ListenerToken.next()
        core.run { $0.listeners.disconnect.append(token: token, handler) }
        return token
    }

    /// Called when joining fails: the server refused (``SocketIOClientError/Code/refused``
    /// with its message and data) or the connection could not be opened.
    @discardableResult
    public func onConnectError(_ handler: @escaping @Sendable (SocketIOClientError) -> Void) -> ListenerToken {
        let token = ListenerToken.next()
        core.run { $0.listeners.connectError.append(token: token, handler) }
        return token
    }

    /// Calls `handler` for every event, before the listeners of its name.
    @discardableResult
    public func onAny(_ handler: @escaping @Sendable (ReceivedEvent) -> Void) -> ListenerToken {
        let token = ListenerToken.next()
        core.run { $0.listeners.any.append(token: token, handler) }
        return token
    }

    /// Like ``onAny(_:)``, called before the catch-all listeners already there.
    @discardableResult
    public func prependAny(_ handler: @escaping @Sendable (ReceivedEvent) -> Void) -> ListenerToken {
        let token = ListenerToken.next()
        core.run { $0.listeners.any.prepend(token: token, handler) }
        return token
    }

    /// Removes one catch-all listener, or all of them when `token` is nil.
    public func offAny(_ token: ListenerToken? = nil) {
        core.run { core in
            if let token { core.listeners.any.remove(token) } else { core.listeners.any.removeAll() }
        }
    }

    /// Calls `handler` for every event this socket sends, as it leaves.
    @discardableResult
    public func onAnyOutgoing(_ handler: @escaping @Sendable (OutgoingEvent) -> Void) -> ListenerToken {
        let token = ListenerToken.next()
        core.run { $0.listeners.anyOutgoing.append(token: token, handler) }
        return token
    }

    /// Like ``onAnyOutgoing(_:)``, called before those already there.
    @discardableResult
    public func prependAnyOutgoing(_ handler: @escaping @Sendable (OutgoingEvent) -> Void) -> ListenerToken {
        let token = ListenerToken.next()
        core.run { $0.listeners.anyOutgoing.prepend(token: token, handler) }
        return token
    }

    /// Removes one outgoing listener, or all of them when `token` is nil.
    public func offAnyOutgoing(_ token: ListenerToken? = nil) {
        core.run { core in
            if let token { core.listeners.anyOutgoing.remove(token) } else { core.listeners.anyOutgoing.removeAll() }
        }
    }

    // MARK: - Activity as an AsyncSequence

    /// Everything that happens to this socket from now on, as an
    /// `AsyncSequence` for structured concurrency.
    ///
    /// Bounded: at most `bufferingLimit` elements wait for the consumer;
    /// when full, newer ones are dropped (and a warning logged) until it
    /// catches up. The sequence ends when the client disconnects the socket
    /// (``disconnect()``), when ``off(_:)`` is called with
    /// ``SocketActivityStream/token``, or when the iterating task is cancelled.
    public func activity(bufferingLimit: Int = 1024) -> SocketActivityStream {
        let token = ListenerToken.next()
        let (stream, continuation) = AsyncStream.makeStream(of: SocketActivity.self, bufferingPolicy: .bufferingOldest(bufferingLimit))
        let core = self.core
        continuation.onTermination = { _ in core.run { $0.listeners.streams[token] = nil } }
        core.run { $0.listeners.streams[token] = continuation }
        return SocketActivityStream(token: token, stream: stream)
    }
}
