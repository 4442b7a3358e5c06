public import NIOCore
public import Logging
public import EngineIO
public import SocketIOCore
public import SocketIOAdapter
import NIOConcurrencyHelpers

/// A Socket.IO v5 server: namespaces, rooms, acks, broadcasts and
/// middlewares over an Engine.IO v4 endpoint (path `/socket.io/`).
///
/// With `configuration.engine.allowEIO3`, Socket.IO v2 clients
/// (socket.io-client 2.x, python-socketio 4.x) connect too, over Engine.IO
/// v3, speaking the protocol's revision 4 as the reference server does for
/// them: they are connected to `/` at once (no CONNECT from them), name other
/// namespaces with a query string (`/nsp?token=x`, which becomes the auth),
/// get CONNECT answers without a payload, socket ids derived from the
/// session id, and a middleware's refusal as its data (or message) alone.
/// Events, acks and binary attachments are the same for both.
///
/// ```swift
/// let group = MultiThreadedEventLoopGroup.singleton
/// let io = SocketIOServer(group: group)
/// io.onConnection { socket in
///     socket.on("chat") { event in
///         socket.broadcast.emit("chat", event.arguments)
///         event.ack?("ok")
///     }
/// }
/// let http = try await HTTPServer.start(host: "0.0.0.0", port: 3000, endpoints: [io.engine], group: group)
/// ```
public final class SocketIOServer: Sendable {
    /// The options in force.
    public let configuration: SocketIOConfiguration
    /// The Engine.IO endpoint; mount it on an ``HTTPServer``.
    public let engine: EngineIOServer
    let logger: Logger
    let loops: [any EventLoop]
    let encoding: PacketEncoding
    private let registry = NIOLockedValueBox(Registry())
    /// The observer, if one is installed (see ``install(observer:)``).
    let observerSlot = ObserverSlot<any SocketIOObserver>()

    private struct Registry {
        var namespaces: [String: SocketIONamespace] = [:]
        var parents: [ParentNamespace] = []
    }

    /// A server whose connections live on the loops of `group`.
    public init(
        configuration: SocketIOConfiguration = SocketIOConfiguration(),
        group: any EventLoopGroup,
        logger: Logger = Logger(label: "huddle.socket.io")
    ) {
        self.configuration = configuration
        self.logger = logger
        var loops: [any EventLoop] = []
        for loop in group.makeIterator() { loops.append(loop) }
        self.loops = loops
        let acceptor = NIOLockedValueBox<SocketIOServer?>(nil)
        self.engine = EngineIOServer(configuration: configuration.engine, group: group, logger: logger) { socket in
            guard let server = acceptor.withLockedValue({ $0 }) else { return socket.close() }
            SocketIOConnection.start(engine: socket, server: server)
        }
        self.encoding = PacketEncoding(engine: engine, parser: configuration.parser)
        acceptor.withLockedValue { $0 = self }
        _ = of(SocketIOPacket.mainNamespace)
    }

    // MARK: - Namespaces

    /// How many sockets each namespace has now (for metrics; each count is
    /// a relaxed atomic read, nothing is counted per packet).
    ///
    /// ```swift
    /// io.socketCountsByNamespace["/rooms"]   // 12
    /// ```
    public var socketCountsByNamespace: [String: Int] {
        registry.withLockedValue { $0.namespaces.mapValues(\.socketCount) }
    }

    /// The namespace `name`, created on first use.
    @discardableResult
    public func of(_ name: String) -> SocketIONamespace {
        let name = name.hasPrefix("/") ? name : "/" + name
        return registry.withLockedValue { registry in
            if let existing = registry.namespaces[name] { return existing }
            let namespace = SocketIONamespace(name: name, server: self, parent: nil)
            registry.namespaces[name] = namespace
            return namespace
        }
    }

    /// A parent of dynamic namespaces: any CONNECT to a name the predicate
    /// accepts creates a child namespace with the parent's middlewares and
    /// connection handlers.
    ///
    /// ```swift
    /// let workspaces = io.of { name, auth in name.hasPrefix("/workspace-") }
    /// workspaces.onConnection { socket in socket.emit("hello", .string(socket.namespace.name)) }
    /// ```
    public func of(matching predicate: @escaping @Sendable (_ name: String, _ auth: JSONValue) -> Bool) -> ParentNamespace {
        let parent = ParentNamespace(server: self, predicate: predicate)
        registry.withLockedValue { $0.parents.append(parent) }
        return parent
    }

    /// A parent of dynamic namespaces whose names match `regex` in full.
    public func of(regex: Regex<Substring>) -> ParentNamespace {
        let pattern = UncheckedSendableRegex(regex: regex)
        return of { name, _ in (try? pattern.regex.wholeMatch(in: name)) != nil }
    }

    /// The main namespace `/`.
    public var sockets: SocketIONamespace { of(SocketIOPacket.mainNamespace) }

    /// The namespace a CONNECT names: a static one, or a new child of the
    /// first parent that accepts the name; nil when none does.
    func namespace(for name: String, auth: JSONValue) -> SocketIONamespace? {
        let (existing, parents) = registry.withLockedValue { ($0.namespaces[name], $0.parents) }
        if let existing { return existing }
        // The predicates run outside the lock (they are the application's code).
        guard let parent = parents.first(where: { $0.accepts(name, auth: auth) }) else { return nil }
        return registry.withLockedValue { registry in
            if let existing = registry.namespaces[name] { return existing }
            let child = SocketIONamespace(name: name, server: self, parent: parent)
            registry.namespaces[name] = child
            parent.adopt(child)
            return child
        }
    }

    /// Forgets an empty dynamic child namespace.
    func removeIfEmpty(_ namespace: SocketIONamespace) {
        guard configuration.cleanupEmptyChildNamespaces, let parent = namespace.parent else { return }
        let removed: Bool = registry.withLockedValue { registry in
            guard registry.namespaces[namespace.name] === namespace, namespace.socketCount == 0 else { return false }
            registry.namespaces[namespace.name] = nil
            return true
        }
        if removed { parent.release(namespace) }
    }

    /// Names of the namespaces that exist now.
    public var namespaceNames: [String] {
        registry.withLockedValue { Array($0.namespaces.keys).sorted() }
    }

    // MARK: - The main namespace's API, for convenience

    /// Adds a connection middleware to the main namespace.
    public func use(_ middleware: @escaping SocketIOMiddleware) { sockets.use(middleware) }

    /// Adds a connection handler to the main namespace.
    public func onConnection(_ handler: @escaping @Sendable (SocketIOSocket) -> Void) { sockets.onConnection(handler) }

    /// A broadcast to the main namespace's sockets in `rooms`.
    public func to(_ rooms: RoomName...) -> BroadcastOperator { sockets.broadcastOperator.to(rooms) }

    /// Sends an event to every socket of the main namespace.
    public func emit(_ event: String, _ arguments: JSONValue...) { sockets.broadcastOperator.emit(event, arguments: arguments) }

    /// Closes every connection; each socket's reason is "server shutting
    /// down" and clients see their transport close (no DISCONNECT packet),
    /// so they reconnect once a server is back.
    public func close() -> EventLoopFuture<Void> {
        engine.closeAllSessions()
    }
}

/// `Regex` is not `Sendable`; matching with it is a read, so sharing one
/// between loops is safe.
struct UncheckedSendableRegex: @unchecked Sendable {
    let regex: Regex<Substring>
}
