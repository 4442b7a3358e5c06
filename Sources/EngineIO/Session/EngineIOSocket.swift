public import NIOCore
public import EngineIOCore
import Logging

/// One Engine.IO session: what the reference server calls a `Socket`.
///
/// A session lives on one event loop for its whole life (its home loop);
/// every property and method must be used there. Requests of the session
/// read on other loops hop to it, in the order they were read. What the
/// session is doing (polling, upgrading, on WebSocket, draining) is one
/// value, ``EngineIOSessionStateMachine``; this class carries out what it
/// decides (answers, writes, timers) and tells the application.
///
/// ```swift
/// server.onConnection = { socket in
///     socket.onMessage = { message in
///         if case .text(let text) = message { socket.send(EngineIOOutboundPacket(text: String(buffer: text))) }
///     }
///     socket.onClose = { reason in print("closed: \(reason)") }
/// }
/// ```
public final class EngineIOSocket {
    /// The session id (`sid`).
    public let id: String
    /// The loop that owns this session.
    public let eventLoop: any EventLoop
    /// The request that opened the session.
    public let request: EngineIORequest
    /// Called for every message the client sends, in order.
    public var onMessage: ((EngineIOMessage) -> Void)?
    /// Called once when the session ends, with the reason.
    public var onClose: ((EngineIOCloseReason) -> Void)?
    /// Called when the session completes an upgrade to WebSocket.
    public var onUpgrade: (() -> Void)?
    /// Receives messages and the close, instead of the closures above: a
    /// layer on top (Socket.IO) that already has one object per session
    /// uses it and saves two closure allocations per connection. When set,
    /// `onMessage`/`onClose` are not called. Held strongly until the session
    /// closes (then released, which breaks the cycle with its owner).
    public var delegate: (any EngineIOSocketDelegate)?

    /// The protocol revision the client speaks: v3 only where the server
    /// allows it (``EngineIOConfiguration/allowEIO3``). Socket.IO reads it
    /// to speak the matching Socket.IO revision (v4 over Engine.IO v3).
    public var protocolVersion: EngineIOProtocolVersion { state.version }

    /// The transport in use.
    public var transport: EngineIOTransportKind {
        state.webSocket == nil ? .polling : .websocket
    }

    /// False once the session has closed.
    public var isOpen: Bool { state.isOpen }

    let server: EngineIOServer
    let shard: SessionShard
    /// Where the session is: transports, queue, draining.
    var state: EngineIOSessionStateMachine<WebSocketOutput, PollReply>
    /// When to ping and when a pong is due (v4), or when a client ping is
    /// due (v3).
    var heartbeat: EngineIOSessionHeartbeat
    /// The armed heartbeat timer.
    var heartbeatTimer: NIOScheduledCallback?
    /// The heartbeat timer's way back to the session (cleared on close,
    /// which breaks the cycle).
    lazy var heartbeatToken: SessionToken = {
        let token = SessionToken()
        token.socket = self
        return token
    }()
    /// The upgrade timeout, armed while a probe is open.
    var upgradeTimer: Scheduled<Void>?
    /// The release of a GET held during the probe (see ``EngineIOSessionStateMachine/probeNoopDue()``).
    var probeNoopTimer: Scheduled<Void>?
    /// The end of draining, armed while the session drains.
    var drainTimer: Scheduled<Void>?

    var configuration: EngineIOConfiguration { server.configuration }
    var logger: Logger { server.logger }

    private init(
        id: String,
        request: EngineIORequest,
        server: EngineIOServer,
        shard: SessionShard,
        state: EngineIOSessionStateMachine<WebSocketOutput, PollReply>
    ) {
        self.id = id
        self.eventLoop = shard.eventLoop
        self.request = request
        self.server = server
        self.shard = shard
        self.state = state
        self.heartbeat = EngineIOSessionHeartbeat(
            version: state.version,
            pingInterval: server.configuration.pingInterval,
            pingTimeout: server.configuration.pingTimeout
        )
    }

    /// A session opened by a polling handshake; its OPEN packet waits for the handshake GET.
    static func polling(
        id: String, request: EngineIORequest, server: EngineIOServer, shard: SessionShard, open: EngineIOPacket, format: EngineIOPollingFormat
    ) -> EngineIOSocket {
        let state = EngineIOSessionStateMachine<WebSocketOutput, PollReply>(
            pollingWithOpen: EngineIOOutboundPacket(packet: open),
            maxBufferedBytes: server.configuration.effectiveMaxBufferedBytes,
            format: format
        )
        return EngineIOSocket(id: id, request: request, server: server, shard: shard, state: state)
    }

    /// A session opened directly on a WebSocket.
    static func webSocket(id: String, request: EngineIORequest, server: EngineIOServer, shard: SessionShard, output: WebSocketOutput) -> EngineIOSocket {
        let state = EngineIOSessionStateMachine<WebSocketOutput, PollReply>(
            webSocket: output.boundToSession(on: shard.eventLoop),
            maxBufferedBytes: server.configuration.effectiveMaxBufferedBytes,
            version: output.version
        )
        return EngineIOSocket(id: id, request: request, server: server, shard: shard, state: state)
    }

    // MARK: - Sending

    /// Sends a packet to the client.
    ///
    /// - Parameter volatile: a volatile packet is dropped, not queued, when
    ///   the client is not keeping up (its socket not writable, or no GET
    ///   waiting), as Socket.IO's `volatile` flag asks.
    /// - Parameter broadcast: the packet is part of a broadcast and may wait
    ///   up to ``EngineIOConfiguration/broadcastFlushDelay`` to share a
    ///   write with the next ones.
    /// - Parameter flush: false when another packet follows at once: the
    ///   last one's flush writes them all in one `writev`. Over polling,
    ///   packets wait for the next poll anyway.
    /// - Returns: false when the packet was not sent (session closed, or a
    ///   volatile packet dropped).
    @discardableResult
    public func send(
        _ packet: EngineIOOutboundPacket, volatile: Bool = false, broadcast: Bool = false, flush: Bool = true
    ) -> Bool {
        eventLoop.assertInEventLoop()
        switch state.send(packet, volatile: volatile) {
        case .write(let websocket):
            if volatile && !websocket.isWritable { return false }
            shard.traffic.sent(packet.packet)
            websocket.write(packet, delayedFlush: broadcast && server.broadcastFlushDelay != nil, flush: flush)
            observeSent(packet)
            return true
        case .queued(let answerHeldPollSoon):
            shard.traffic.sent(packet.packet)
            if answerHeldPollSoon { answerHeldPollAtEndOfTurn() }
            observeSent(packet)
            return true
        case .dropped:
            return false
        case .overflow:
            logger.info("engine.io polling backlog over limit", metadata: ["sid": "\(id)"])
            close(reason: .transportError)
            return false
        }
    }

    /// Sends an Engine.IO packet, encoded here (one recipient); for a
    /// broadcast, build the ``EngineIOOutboundPacket`` once instead.
    public func send(packet: EngineIOPacket, compress: Bool = true, volatile: Bool = false) {
        send(server.outboundPacket(packet, compress: compress && usesCompressedFrames), volatile: volatile)
    }

    /// Whether a packet written now would go out in its compressed frame:
    /// the session is on a WebSocket whose client agreed to
    /// permessage-deflate. A packet for this session alone is compressed
    /// only then (compressing it for nobody would be wasted work); a
    /// broadcast's is compressed once for all its recipients.
    public var usesCompressedFrames: Bool {
        eventLoop.assertInEventLoop()
        if case .websocket(let output) = state.state { return output.sendsCompressed }
        return false
    }

    /// Sends a text message, compressed when permessage-deflate was agreed
    /// and `compress` allows it (Socket.IO's `compress(false)` clears it).
    public func send(text: String, compress: Bool = true) {
        send(server.outboundPacket(EngineIOPacket(type: .message, text: text), compress: compress && usesCompressedFrames))
    }

    /// Sends a binary message (see ``send(text:compress:)``).
    public func send(binary: ByteBuffer, compress: Bool = true) {
        send(server.outboundPacket(.binary(binary), compress: compress && usesCompressedFrames))
    }

    /// Sends a control packet (a ping, or a v3 pong) on the active transport, never dropped.
    func sendControl(_ packet: EngineIOPacket) {
        let outbound = EngineIOOutboundPacket(packet: packet)
        switch state.sendControl(outbound) {
        case .write(let websocket):
            shard.traffic.sent(packet)
            websocket.write(outbound)
        case .queued(let answerHeldPollSoon):
            shard.traffic.sent(packet)
            if answerHeldPollSoon { answerHeldPollAtEndOfTurn() }
        case .dropped, .overflow: break
        }
    }

    /// Answers the held GET at the end of this turn of the loop, so packets
    /// sent together leave in one response.
    private func answerHeldPollAtEndOfTurn() {
        // Strong capture: the task runs this turn. (A weak reference would
        // give the session a side table and slow every retain of it.)
        eventLoop.assumeIsolated().execute { [self] in
            guard let (poll, payload) = state.answerHeldPoll() else { return }
            poll.respond(server.pollingResponse(payload, for: poll))
        }
    }

    // MARK: - Closing

    /// Closes the session from the server side (reason "forced close").
    /// Whatever was sent before still reaches the client, then the close
    /// (see ``EngineIOSessionStateMachine/close(_:)``).
    public func close() {
        eventLoop.assertInEventLoop()
        close(reason: .forcedClose)
    }

    /// Ends the session: stops the heartbeat, tells the transports, forgets
    /// the sid (a draining session stays findable until it has delivered its
    /// last packets), then tells the application, once.
    func close(reason: EngineIOCloseReason) {
        guard state.isOpen else { return }
        // Once per session: a timer left pending would keep memory pinned
        // for up to pingInterval after every disconnection.
        if let heartbeatTimer { eventLoop.assumeIsolated().cancelScheduledCallback(heartbeatTimer) }
        heartbeatTimer = nil
        heartbeatToken.socket = nil
        shard.remove(id)
        perform(state.close(reason))
        logger.debug("engine.io session closed", metadata: ["sid": "\(id)", "reason": "\(reason.rawValue)"])
        observer?.sessionClosed(self, reason: reason)
        let callback = onClose
        let delegate = self.delegate
        onClose = nil
        onMessage = nil
        onUpgrade = nil
        self.delegate = nil
        if let delegate { delegate.engineSocket(self, closedWith: reason) } else { callback?(reason) }
    }
}

/// Points at a session until it closes. Used on the session's loop only.
final class SessionToken {
    var socket: EngineIOSocket?
}

/// The receiver of a session's messages and close (see ``EngineIOSocket/delegate``).
/// Called on the session's loop.
public protocol EngineIOSocketDelegate: AnyObject {
    /// A message arrived, in order.
    func engineSocket(_ socket: EngineIOSocket, received message: EngineIOMessage)
    /// The session ended.
    func engineSocket(_ socket: EngineIOSocket, closedWith reason: EngineIOCloseReason)
    /// The session completed its upgrade to WebSocket (nothing by default).
    func engineSocketUpgraded(_ socket: EngineIOSocket)
}

extension EngineIOSocketDelegate {
    /// Nothing by default.
    public func engineSocketUpgraded(_ socket: EngineIOSocket) {}
}
