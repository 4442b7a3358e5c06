import EngineIOCore
import Logging
import NIOCore
import SocketIOCore

/// Makes the Engine.IO session of a manager; tests pass a fake.
typealias EngineFactory = @Sendable (EngineSessionConfiguration, any EventLoop) -> any EngineConnection

/// The state of one manager (one Engine.IO connection and its namespace
/// sockets), confined to one event loop. The public ``Manager`` is a
/// `Sendable` handle that hops here.
///
/// Its logic is the JavaScript Manager's, method for method: `open`,
/// `onopen`, `onclose`, `reconnect` (in ManagerCore+Reconnection), the
/// packet decoder, and the sockets it multiplexes.
final class ManagerCore {
    enum ReadyState { case closed, opening, open }

    let loop: any EventLoop
    let url: ServerURL
    let options: ClientOptions
    let logger: Logger
    let status: StatusBox<ManagerStatus>
    /// TLS of every session (https/wss URLs), made once.
    let tls: ClientTLS?
    private let makeEngine: EngineFactory

    private(set) var readyState = ReadyState.closed
    private(set) var engine: (any EngineConnection)?
    private var decoder = SocketIOPacketDecoder(configuration: .init(maximumAttachments: 1000))
    private let encoder = SocketIOPacketEncoder()
    /// The sockets, by namespace (kept for the manager's lifetime, as in JavaScript).
    var namespaces: [String: SocketCore] = [:]

    var backoff: Backoff
    var isReconnecting = false
    var skipReconnect = false
    var reconnectTimer: Scheduled<Void>?
    private var openTimer: Scheduled<Void>?
    /// Called once when the pending open attempt ends (reconnection attempts).
    private var openResult: ((SocketIOClientError?) -> Void)?
    /// After one successful upgrade, later sessions open with WebSocket.
    private var webSocketSucceeded = false

    var listeners: [ManagerEvent.Name: ListenerStore<ManagerEvent>] = [:]
    var anyListeners = ListenerStore<ManagerEvent>()
    var streams: [ListenerToken: AsyncStream<ManagerEvent>.Continuation] = [:]

    init(
        loop: any EventLoop,
        url: ServerURL,
        options: ClientOptions,
        tls: ClientTLS?,
        status: StatusBox<ManagerStatus>,
        makeEngine: @escaping EngineFactory
    ) {
        self.loop = loop
        self.tls = tls
        self.url = url
        self.options = options
        self.logger = options.logger
        self.status = status
        self.makeEngine = makeEngine
        self.backoff = Backoff(
            min: TimeAmount(options.reconnectionDelay),
            max: TimeAmount(options.reconnectionDelayMax),
            jitter: options.randomizationFactor
        )
    }

    var isEngineWritable: Bool { engine?.isWritable ?? false }

    // MARK: - Opening

    /// Opens the connection unless it is open or opening; `result` is
    /// called when this attempt ends (nil: the initial open, whose failure
    /// starts the reconnection loop).
    func open(_ result: ((SocketIOClientError?) -> Void)? = nil) {
        guard readyState == .closed else { return }
        let configuration = EngineSessionConfiguration(
            url: url,
            options: options,
            startWithWebSocket: options.rememberUpgrade && webSocketSucceeded,
            tls: tls
        )
        let engine = makeEngine(configuration, loop)
        self.engine = engine
        readyState = .opening
        skipReconnect = false
        openResult = result
        engine.delegate = self
        if options.timeout > .zero {
            openTimer = loop.assumeIsolated().scheduleTask(in: TimeAmount(options.timeout)) { [self] in
                openTimer = nil
                guard self.engine === engine, readyState == .opening else { return }
                openFailed(.handshakeTimedOut)
            }
        }
        engine.open()
    }

    private func opened() {
        openTimer?.cancel()
        openTimer = nil
        readyState = .open
        decoder.reset()
        publishStatus()
        fire(.open)
        for socket in activeSockets { socket.managerDidOpen() }
        let result = openResult
        openResult = nil
        result?(nil)
    }

    private func openFailed(_ error: SocketIOClientError) {
        openTimer?.cancel()
        openTimer = nil
        dropEngine()
        readyState = .closed
        publishStatus()
        logger.debug("connection failed", metadata: ["url": "\(url.serverID)", "error": "\(error)"])
        fire(.error(error))
        for socket in activeSockets { socket.managerDidFail(error) }
        if let result = openResult {
            openResult = nil
            result(error)
        } else {
            maybeReconnectOnOpen()
        }
    }

    // MARK: - Closing

    /// The connection ended: tell the sockets, then reconnect unless the
    /// client closed it.
    func onClose(_ reason: ManagerCloseReason) {
        openTimer?.cancel()
        openTimer = nil
        openResult = nil
        dropEngine()
        backoff.reset()
        readyState = .closed
        publishStatus()
        logger.debug("connection closed", metadata: ["url": "\(url.serverID)", "reason": "\(reason.rawValue)"])
        fire(.close(reason))
        for socket in activeSockets { socket.managerDidClose(reason) }
        if options.reconnection, !skipReconnect { reconnect() }
    }

    /// `manager.close()`: no reconnection until opened again.
    func close() {
        skipReconnect = true
        isReconnecting = false
        reconnectTimer?.cancel()
        reconnectTimer = nil
        onClose(.forcedClose)
    }

    /// The last active socket left: close the connection.
    func socketBecameInactive(_ socket: SocketCore) {
        guard !namespaces.values.contains(where: \.isActive) else { return }
        close()
    }

    private func dropEngine() {
        guard let engine else { return }
        self.engine = nil
        engine.delegate = nil
        engine.close()
        decoder.reset()
    }

    var activeSockets: [SocketCore] {
        namespaces.values.filter(\.isActive)
    }

    // MARK: - Packets

    /// Encodes a packet and hands it to the connection (dropped when there
    /// is none: sockets buffer their emits while disconnected).
    func send(_ packet: SocketIOPacket, compress: Bool) {
        guard let engine else { return }
        do {
            let encoded = try encoder.encode(packet)
            var packets = [EngineIOPacket(type: .message, data: encoded.header)]
            for attachment in encoded.attachments { packets.append(.binary(attachment)) }
            engine.send(packets, compress: compress)
        } catch {
            logger.error("packet not sent: it cannot be encoded", metadata: ["error": "\(error)", "nsp": "\(packet.namespace)"])
        }
    }

    // MARK: - Status and events

    func publishStatus() {
        let open = readyState == .open
        let transport = open ? engine?.transport : nil
        status.update {
            $0.isOpen = open
            $0.transport = transport
        }
    }

    func fire(_ event: ManagerEvent) {
        anyListeners.dequeueForFiring().callListeners(with: event)
        if var store = listeners[event.name] {
            let entries = store.dequeueForFiring()
            listeners[event.name] = store.isEmpty ? nil : store
            entries.callListeners(with: event)
        }
        let streams = self.streams
        for (_, continuation) in streams {
            if case .dropped = continuation.yield(event) {
                logger.warning("manager event stream full; dropped the newest event")
            }
        }
    }

    func removeListener(_ token: ListenerToken) {
        if anyListeners.remove(token) { return }
        for name in listeners.keys where listeners[name]?.remove(token) == true { return }
        let stream = streams.removeValue(forKey: token)
        stream?.finish()
    }
}

// MARK: - The session's events

extension ManagerCore: EngineConnectionDelegate {
    func engineDidOpen(_ engine: any EngineConnection, handshake: EngineHandshakeInfo) {
        guard engine === self.engine else { return }
        opened()
    }

    func engine(_ engine: any EngineConnection, didFailToOpen failure: TransportFailure) {
        guard engine === self.engine else { return }
        openFailed(failure.publicError)
    }

    func engine(_ engine: any EngineConnection, didReceive packet: EngineIOPacket) {
        guard engine === self.engine else { return }
        let output: SocketIOPacketDecoder.Output
        do {
            output = packet.isBinary ? try decoder.receive(binary: packet.data) : try decoder.receive(text: packet.data)
        } catch {
            logger.debug("undecodable Socket.IO packet", metadata: ["error": "\(error)"])
            return onClose(.parseError)
        }
        guard case .packet(let decoded) = output else { return }
        namespaces[decoded.namespace]?.receive(decoded)
    }

    func engineDidReceivePing(_ engine: any EngineConnection) {
        guard engine === self.engine else { return }
        fire(.ping)
    }

    func engine(_ engine: any EngineConnection, didUpgradeTo transport: ClientTransport) {
        guard engine === self.engine else { return }
        if transport == .websocket { webSocketSucceeded = true }
        publishStatus()
        fire(.upgrade(transport))
    }

    func engine(_ engine: any EngineConnection, didCloseWith reason: EngineCloseReason, failure: TransportFailure?) {
        guard engine === self.engine else { return }
        self.engine = nil
        if let failure {
            let error = failure.publicError
            fire(.error(error))
            for socket in activeSockets { socket.managerDidFail(error) }
        }
        onClose(ManagerCloseReason(reason))
    }
}

/// What any thread may read about a manager without hopping.
struct ManagerStatus: Sendable {
    var isOpen = false
    var transport: ClientTransport?
}
