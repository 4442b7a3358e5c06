import NIOCore
import Logging
import EngineIO
import EngineIOCore
import SocketIOCore
import SocketIOAdapter

/// One Engine.IO session seen by Socket.IO (the reference server's
/// `Client`): decodes its packets, multiplexes its namespaces, and writes
/// the packets of its sockets. Lives on the session's loop.
final class SocketIOConnection {
    let engine: EngineIOSocket
    let server: SocketIOServer
    /// The request that opened the connection, shared by its sockets.
    let request: SharedRequest
    /// A Socket.IO v2 client (Engine.IO v3 under it), which speaks revision
    /// 4 of the Socket.IO protocol: it is connected to `/` without asking,
    /// names other namespaces with a query string instead of an auth
    /// payload, and gets CONNECT answers without a payload.
    let isV2Client: Bool
    private var decoder: PacketDecoding
    /// The sockets, one per namespace joined (a few at most: a list), each
    /// with its namespace's name: finding the socket of a packet reads only
    /// this list, not each socket's memory.
    private var joined: [(namespace: String, socket: SocketIOSocket)] = []
    /// Namespaces whose CONNECT is running its middlewares.
    private var connecting: [String] = []
    private var closed = false
    /// The connect timeout's way back (cleared on close).
    let token = ConnectionToken()
    /// The connect timeout, cancelled when the connection closes first (not
    /// when a namespace is joined: that would cost a scan per handshake).
    private var connectTimer: NIOScheduledCallback?

    var eventLoop: any EventLoop { engine.eventLoop }
    var logger: Logger { server.logger }

    private init(engine: EngineIOSocket, server: SocketIOServer) {
        self.engine = engine
        self.server = server
        self.request = SharedRequest(engine.request)
        self.isV2Client = engine.protocolVersion == .v3
        self.decoder = PacketDecoding(configuration: server.configuration)
    }

    /// Takes over a new Engine.IO session.
    static func start(engine: EngineIOSocket, server: SocketIOServer) {
        let connection = SocketIOConnection(engine: engine, server: server)
        connection.token.connection = connection
        engine.delegate = connection
        // Not cancelled once a namespace is joined (cancelling scans the
        // loop's timer queue); it checks when it fires.
        connection.connectTimer = try? engine.eventLoop.assumeIsolated().scheduleCallback(
            in: server.configuration.connectTimeout,
            handler: ConnectTimeout(token: connection.token)
        )
        if connection.isV2Client {
            // A v2 client never sends CONNECT for `/`: the reference server
            // connects it at once, with an empty auth.
            connection.connect(to: SocketIOPacket.mainNamespace, auth: .object([:]))
        }
    }

    /// No namespace was joined in time: close.
    fileprivate func connectTimedOut() {
        connectTimer = nil
        guard !closed, joined.isEmpty else { return }
        logger.debug("no namespace joined in time; closing", metadata: ["sid": "\(engine.id)"])
        close()
    }

    // MARK: - Input

    private func receive(_ message: EngineIOMessage) {
        let decoded: SocketIOPacket?
        do {
            decoded = try decoder.receive(message)
        } catch {
            logger.debug("invalid Socket.IO packet; closing", metadata: ["sid": "\(engine.id)", "error": "\(error)"])
            closeAfterParseError()
            return
        }
        guard let packet = decoded else { return }
        switch packet.type {
        case .connect where isV2Client:
            let (name, auth) = Self.v2Namespace(packet.namespace)
            connect(to: name, auth: auth)
        case .connect:
            connect(to: packet.namespace, auth: packet.data ?? .object([:]))
        case .connectError:
            closeAfterParseError()  // only servers send CONNECT_ERROR
        default:
            // Packets for a namespace this client has not joined are ignored,
            // as the reference server does.
            socket(in: packet.namespace)?.receive(packet)
        }
    }

    /// A v2 client's CONNECT names `/nsp?x=y`: the namespace is the path,
    /// the auth the query's parameters (`{"x":"y"}`; the last of a repeated
    /// name, as the reference's `Object.fromEntries` keeps it).
    static func v2Namespace(_ named: String) -> (name: String, auth: JSONValue) {
        guard let question = named.firstIndex(of: "?") else { return (named, .object([:])) }
        var auth = JSONObject()
        for (key, value) in QueryString(uri: named).pairs { auth[key] = .string(value) }
        return (String(named[..<question]), .object(auth))
    }

    /// The socket joined to `namespace`, if any.
    func socket(in namespace: String) -> SocketIOSocket? {
        for entry in joined where entry.namespace == namespace { return entry.socket }
        return nil
    }

    // MARK: - Joining a namespace

    private func connect(to name: String, auth: JSONValue) {
        guard socket(in: name) == nil, !connecting.contains(name) else { return }
        guard joined.count + connecting.count < server.configuration.maxNamespacesPerConnection else {
            refuse(name, SocketIOConnectError("Too many namespaces"), byMiddleware: false)
            return
        }
        guard let namespace = server.namespace(for: name, auth: auth) else {
            refuse(name, SocketIOConnectError("Invalid namespace"), byMiddleware: false)
            return
        }
        connecting.append(name)
        if let recovery = server.configuration.connectionStateRecovery,
           case .string(let pid)? = auth["pid"], case .string(let offset)? = auth["offset"] {
            namespace.adapter.restoreSession(pid: pid, offset: offset, on: eventLoop).assumeIsolated().whenComplete { result in
                let recovered = (try? result.get()) ?? nil
                self.admit(to: namespace, auth: auth, recovered: recovered, skipMiddlewares: recovered != nil && recovery.skipMiddlewares)
            }
            return
        }
        admit(to: namespace, auth: auth, recovered: nil, skipMiddlewares: false)
    }

    private func admit(to namespace: SocketIONamespace, auth: JSONValue, recovered: RecoveredSession?, skipMiddlewares: Bool) {
        guard !closed else { return }
        let socket = SocketIOSocket(connection: self, namespace: namespace, auth: auth, recovered: recovered?.session)
        let middlewares = skipMiddlewares ? [] : namespace.middlewares
        runMiddlewares(middlewares[...], socket: socket) { [self] error in
            connecting.removeAll { $0 == namespace.name }
            guard !closed else { return }
            if let error {
                refuse(namespace.name, error, byMiddleware: true)
                return
            }
            joined.append((namespace.name, socket))
            socket.connected(missed: recovered?.missedPackets ?? [])
        }
    }

    private func runMiddlewares(
        _ remaining: ArraySlice<SocketIOMiddleware>,
        socket: SocketIOSocket,
        done: @escaping (SocketIOConnectError?) -> Void
    ) {
        guard let middleware = remaining.first else { return done(nil) }
        var called = false
        middleware(socket) { [self] error in
            eventLoop.assertInEventLoop()
            guard !called else { return }
            called = true
            if let error { return done(error) }
            runMiddlewares(remaining.dropFirst(), socket: socket, done: done)
        }
    }

    /// Refuses a CONNECT. A v2 client refused by a middleware gets the
    /// reference's v2 form (see ``SocketIOConnectError/packet(namespace:v2Form:)``);
    /// the server's own refusals keep `{"message":...}` for every client, as
    /// the reference's do.
    private func refuse(_ name: String, _ error: SocketIOConnectError, byMiddleware: Bool) {
        send(error.packet(namespace: name, v2Form: byMiddleware && isV2Client))
    }

    // MARK: - Output

    /// Encodes and sends a packet of this connection (CONNECT, ACK, ...).
    func send(_ packet: SocketIOPacket, compress: Bool = true) {
        write(server.encoding.encode(packet, compress: compress && engine.usesCompressedFrames), volatile: false)
    }

    /// Writes the Engine.IO packets of one Socket.IO packet (a header and
    /// its attachments); a volatile packet is all or nothing.
    ///
    /// - Parameter broadcast: part of a broadcast (may share a delayed flush).
    func write(_ packets: [EngineIOOutboundPacket], volatile: Bool, broadcast: Bool = false) {
        guard !closed else { return }
        engine.send(packets, volatile: volatile, broadcast: broadcast)
    }

    /// Writes a binary event whose header packet is ready (a prepared event)
    /// with its one attachment.
    func write(header: EngineIOOutboundPacket, attachment: ByteBuffer, volatile: Bool, compress: Bool) {
        guard !closed else { return }
        engine.send(header, followedByBinary: attachment, volatile: volatile, compress: compress)
    }

    // MARK: - Leaving

    /// A socket left its namespace (the connection stays).
    func remove(_ socket: SocketIOSocket) {
        joined.removeAll { $0.socket === socket }
    }

    /// Closes the Engine.IO session; its sockets then close with its reason.
    func close() {
        guard !closed else { return }
        engine.close()
    }

    /// The socket asked for `disconnect(close: true)`: every socket of the
    /// connection leaves with a DISCONNECT packet, then the connection closes.
    func disconnectAll() {
        for entry in joined { entry.socket.disconnect() }
        close()
    }

    private func closeAfterParseError() {
        guard !closed else { return }
        engineClosed(.parseError)
        engine.close()
    }

    private func engineClosed(_ reason: DisconnectReason) {
        guard !closed else { return }
        closed = true
        token.connection = nil
        if let connectTimer { engine.eventLoop.assumeIsolated().cancelScheduledCallback(connectTimer) }
        connectTimer = nil
        let leaving = joined
        joined.removeAll()
        for entry in leaving { entry.socket.closed(reason) }
    }
}

/// The connect timeout of one connection. It holds the connection only
/// until the connection closes (a weak reference would slow every retain
/// of the connection).
private struct ConnectTimeout: NIOScheduledCallbackHandler {
    let token: ConnectionToken

    func handleScheduledCallback(eventLoop: some EventLoop) {
        token.connection?.connectTimedOut()
    }
}

/// Points at a connection until it closes; used on its loop only.
final class ConnectionToken {
    var connection: SocketIOConnection?
}

extension SocketIOConnection: EngineIOSocketDelegate {
    func engineSocket(_ socket: EngineIOSocket, received message: EngineIOMessage) {
        receive(message)
    }

    func engineSocket(_ socket: EngineIOSocket, closedWith reason: EngineIOCloseReason) {
        engineClosed(DisconnectReason(reason))
    }

    func engineSocketUpgraded(_ socket: EngineIOSocket) {
        guard let observer = server.observer else { return }
        for entry in joined { observer.socketTransportChanged(entry.socket) }
    }
}
