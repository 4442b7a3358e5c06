import EngineIOCore
import Logging
import NIOCore

/// The client half of one Engine.IO v4 session: handshake, heartbeat,
/// packet batching, upgrade from polling to WebSocket, close.
///
/// Owned by its manager and confined to the manager's event loop, like the
/// transports it drives; nothing here is locked. Heartbeat: the server
/// pings, the session answers `3` and re-arms a timer of
/// pingInterval + pingTimeout; if it fires, the session closes with
/// "ping timeout".
final class EngineSession: EngineConnection {
    enum ReadyState { case idle, opening, open, closed }

    let configuration: EngineSessionConfiguration
    let loop: any EventLoop
    var delegate: (any EngineConnectionDelegate)?

    private(set) var readyState = ReadyState.idle
    /// The transport carrying the session.
    var active: (any EngineTransport)?
    /// The WebSocket being probed during an upgrade.
    var probe: (any EngineTransport)?
    var upgrade = UpgradeStateMachine()
    private(set) var handshake: EngineHandshakeInfo?
    private var writeBuffer: WriteBuffer
    private var pingTimer: Scheduled<Void>?

    var logger: Logger { configuration.logger }

    init(configuration: EngineSessionConfiguration, loop: any EventLoop) {
        self.configuration = configuration
        self.loop = loop
        self.writeBuffer = WriteBuffer(byteLimit: configuration.maxPendingOutgoingBytes)
    }

    // MARK: - EngineConnection

    var isWritable: Bool {
        readyState == .open && !upgrade.holdsWrites && (active?.isWritable ?? false)
    }

    var transport: ClientTransport? {
        readyState == .open ? active?.kind : nil
    }

    func open() {
        guard readyState == .idle else { return }
        readyState = .opening
        let first = makeTransport(configuration.initialTransport, sid: nil)
        active = first
        logger.debug("engine opening", metadata: ["transport": "\(first.kind.rawValue)", "host": "\(configuration.url.hostHeader)"])
        first.open()
    }

    func send(_ packets: [EngineIOPacket], compress: Bool) {
        guard readyState == .opening || readyState == .open else { return }
        writeBuffer.append(contentsOf: packets.map { OutgoingEnginePacket(packet: $0, compress: compress) })
        flush()
        if writeBuffer.byteCount > writeBuffer.byteLimit {
            fail(.outgoingBufferFull(writeBuffer.byteLimit))
        }
    }

    func close() {
        switch readyState {
        case .closed:
            return
        case .idle:
            readyState = .closed
            delegate = nil
            return
        case .opening, .open:
            let wasOpen = readyState == .open
            readyState = .closed
            pingTimer?.cancel()
            pingTimer = nil
            let final = writeBuffer.takeAll()
            active?.close(wasOpen ? .notifyingServer(final: final) : .silently)
            active = nil
            probe?.close(.silently)
            probe = nil
            delegate = nil
            logger.debug("engine closed", metadata: ["reason": "forced close"])
        }
    }

    // MARK: - Writing

    /// Hands buffered packets to the transport when it can take them: one
    /// POST batch (bounded by the server's maxPayload) or every packet on
    /// a WebSocket.
    func flush() {
        guard readyState == .open, !upgrade.holdsWrites, !writeBuffer.isEmpty,
              let active, active.isWritable
        else { return }
        let batch = active.kind == .polling
            ? writeBuffer.takeBatch(maxPayload: handshake?.maxPayload ?? 0)
            : writeBuffer.takeAll()
        active.send(batch)
    }

    // MARK: - Packets of the active transport

    /// Handles a packet of the transport carrying the session.
    func handle(_ packet: EngineIOPacket) {
        switch readyState {
        case .opening:
            guard packet.type == .open, !packet.isBinary else {
                return failOpen(.protocolViolation("expected the OPEN packet, got \(packet.type)"))
            }
            let info: EngineHandshakeInfo
            do {
                info = try EngineHandshakeInfo(json: packet.data)
            } catch {
                return failOpen(error)
            }
            opened(with: info)
        case .open:
            switch packet.type {
            case .ping:
                resetPingTimer()
                send([EngineIOPacket(type: .pong)], compress: false)
                delegate?.engineDidReceivePing(self)
            case .message:
                delegate?.engine(self, didReceive: packet)
            case .close:
                fail(nil, reason: .transportClose)
            case .open, .pong, .noop, .upgrade:
                return
            }
        case .idle, .closed:
            return
        }
    }

    private func opened(with info: EngineHandshakeInfo) {
        handshake = info
        active?.sid = info.sid
        readyState = .open
        resetPingTimer()
        logger.debug("engine open", metadata: ["sid": "\(info.sid)", "transport": "\(active?.kind.rawValue ?? "?")"])
        delegate?.engineDidOpen(self, handshake: info)
        guard readyState == .open, let current = active?.kind else { return }
        flush()
        perform(upgrade.sessionOpened(
            on: current,
            serverUpgrades: info.upgrades,
            allowedTransports: configuration.transports,
            upgradeEnabled: configuration.upgrade
        ))
    }

    // MARK: - Heartbeat

    private func resetPingTimer() {
        pingTimer?.cancel()
        guard let deadline = handshake?.pingDeadline else { return }
        pingTimer = loop.assumeIsolated().scheduleTask(in: deadline) { [self] in
            pingTimer = nil
            fail(nil, reason: .pingTimeout)
        }
    }

    // MARK: - Ending

    /// The handshake did not complete.
    func failOpen(_ failure: TransportFailure) {
        guard readyState == .opening else { return }
        readyState = .closed
        active?.close(.silently)
        active = nil
        logger.debug("engine failed to open", metadata: ["error": "\(failure)"])
        let delegate = self.delegate
        self.delegate = nil
        delegate?.engine(self, didFailToOpen: failure)
    }

    /// The session ends for a reason other than the client's wish.
    func fail(_ failure: TransportFailure?, reason: EngineCloseReason = .transportError) {
        if readyState == .opening, let failure { return failOpen(failure) }
        guard readyState == .open else { return }
        readyState = .closed
        pingTimer?.cancel()
        pingTimer = nil
        active?.close(reason == .pingTimeout ? .notifyingServer(final: []) : .silently)
        active = nil
        probe?.close(.silently)
        probe = nil
        writeBuffer.removeAll()
        logger.debug("engine closed", metadata: ["reason": "\(reason.rawValue)", "error": "\(failure.map { "\($0)" } ?? "-")"])
        let delegate = self.delegate
        self.delegate = nil
        delegate?.engine(self, didCloseWith: reason, failure: failure)
    }

    /// A transport of `kind` for this session.
    func makeTransport(_ kind: ClientTransport, sid: String?) -> any EngineTransport {
        let transport: any EngineTransport
        switch kind {
        case .polling: transport = PollingTransport(configuration: configuration, loop: loop)
        case .websocket: transport = WebSocketTransport(configuration: configuration, loop: loop)
        }
        transport.sid = sid
        transport.delegate = self
        return transport
    }
}
