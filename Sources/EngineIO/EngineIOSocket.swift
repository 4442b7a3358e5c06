public import NIOCore
public import EngineIOCore
import Logging

/// One Engine.IO session: what the reference server calls a `Socket`.
///
/// A session lives on one event loop for its whole life (its home loop);
/// every property and method must be used there. Polling requests on other
/// loops hop to it; a WebSocket on another loop is written to by hopping.
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

    /// The transport in use.
    public var transport: EngineIOTransportKind {
        websocket == nil ? .polling : .websocket
    }

    /// False once the session has closed.
    public var isOpen: Bool { phase == .open }

    enum Phase { case open, closing, closed }

    let server: EngineIOServer
    let shard: SessionShard
    var phase = Phase.open
    var websocket: WebSocketOutput?
    private var pollingState: PollingState?
    /// Which heartbeat timer counts (see ``schedulePing()``).
    var heartbeatGeneration: UInt32 = 0
    /// The pending heartbeat timer and when it fires.
    var heartbeat: NIOScheduledCallback?
    var heartbeatDeadline = NIODeadline.uptimeNanoseconds(0)
    /// When the next ping is due, once a pong has come.
    var nextPingAt: NIODeadline?
    var awaitingPong = false
    /// The heartbeat timer's way back to the session (cleared on close,
    /// which breaks the cycle).
    lazy var heartbeatToken: SessionToken = {
        let token = SessionToken()
        token.socket = self
        return token
    }()

    /// The polling state, created on first use.
    var polling: PollingState {
        if let pollingState { return pollingState }
        let created = PollingState()
        pollingState = created
        return created
    }

    /// The WebSocket being probed, if an upgrade is in progress.
    var probe: WebSocketOutput? {
        get { pollingState?.probe }
        set { polling.probe = newValue }
    }

    var upgradeTimer: Scheduled<Void>? {
        get { pollingState?.upgradeTimer }
        set { polling.upgradeTimer = newValue }
    }
    var configuration: EngineIOConfiguration { server.configuration }
    var logger: Logger { server.logger }

    init(id: String, request: EngineIORequest, server: EngineIOServer, shard: SessionShard) {
        self.id = id
        self.eventLoop = shard.eventLoop
        self.request = request
        self.server = server
        self.shard = shard
    }

    // MARK: - Sending

    /// Sends a packet to the client.
    ///
    /// - Parameter volatile: a volatile packet is dropped, not queued, when
    ///   the client is not keeping up (its socket not writable, or polling
    ///   packets already waiting), as Socket.IO's `volatile` flag asks.
    /// - Parameter broadcast: the packet is part of a broadcast and may wait
    ///   up to ``EngineIOConfiguration/broadcastFlushDelay`` to share a
    ///   write with the next ones.
    /// - Parameter flush: false when another packet follows at once (the
    ///   attachments of a Socket.IO packet): the last one's flush writes them
    ///   all in one `writev`. Over polling, packets wait for the next poll anyway.
    /// - Returns: false when the packet was not sent (session closed, or a
    ///   volatile packet dropped).
    @discardableResult
    public func send(
        _ packet: EngineIOOutboundPacket, volatile: Bool = false, broadcast: Bool = false, flush: Bool = true
    ) -> Bool {
        eventLoop.assertInEventLoop()
        guard phase == .open else { return false }
        if let websocket {
            if volatile && !websocket.isWritable { return false }
            websocket.write(packet, delayedFlush: broadcast && server.broadcastFlushDelay != nil, flush: flush)
            return true
        }
        return enqueuePolling(packet, volatile: volatile)
    }

    /// Writes bytes that already are whole WebSocket frames (the frames of
    /// several packets, built together so they go down the channel as one
    /// buffer), when the session is on WebSocket and sends nothing compressed.
    ///
    /// - Returns: nil when the session cannot take frames (polling, or
    ///   permessage-deflate agreed): send the packets instead; otherwise
    ///   whether they were written (false: closed, or dropped as volatile).
    /// - Parameter broadcast: as for ``send(_:volatile:broadcast:flush:)``.
    ///
    /// ```swift
    /// if socket.send(framed: frames, volatile: true) == nil { /* send packets */ }
    /// ```
    public func send(framed frames: ByteBuffer, volatile: Bool, broadcast: Bool = false) -> Bool? {
        eventLoop.assertInEventLoop()
        guard phase == .open else { return false }
        guard let websocket, !websocket.sendsCompressed else { return nil }
        if volatile && !websocket.isWritable { return false }
        websocket.write(frames, delayedFlush: broadcast && server.broadcastFlushDelay != nil)
        return true
    }

    /// Sends an Engine.IO packet, encoded here (one recipient); for a
    /// broadcast, build the ``EngineIOOutboundPacket`` once instead.
    public func send(packet: EngineIOPacket, compress: Bool = true, volatile: Bool = false) {
        send(server.outboundPacket(packet, compress: compress), volatile: volatile)
    }

    /// Sends a text message, compressed when permessage-deflate was agreed
    /// and `compress` allows it (Socket.IO's `compress(false)` clears it).
    public func send(text: String, compress: Bool = true) {
        send(server.outboundPacket(EngineIOPacket(type: .message, text: text), compress: compress))
    }

    /// Sends a binary message (see ``send(text:compress:)``).
    public func send(binary: ByteBuffer, compress: Bool = true) {
        send(server.outboundPacket(.binary(binary), compress: compress))
    }

    /// Closes the session from the server side (reason "forced close").
    public func close() {
        eventLoop.assertInEventLoop()
        close(reason: .forcedClose)
    }

    // MARK: - Receiving

    /// A packet arrived on the active transport.
    func receive(_ packet: EngineIOPacket) {
        guard phase == .open else { return }
        switch packet.type {
        case .message:
            let message: EngineIOMessage = packet.isBinary ? .binary(packet.data) : .text(packet.data)
            if let delegate { delegate.engineSocket(self, received: message) } else { onMessage?(message) }
        case .pong:
            receivedPong()
        case .close:
            close(reason: .transportClose)
        case .ping:
            // v4 heartbeats go server to client; a client ping is a protocol error.
            close(reason: .transportError)
        case .open, .upgrade, .noop:
            break
        }
    }

    // MARK: - Heartbeat

    /// Starts the heartbeat: a ping after pingInterval.
    ///
    /// One timer is pending at a time (ping due, or pong deadline) and is
    /// not cancelled when the pong comes: cancelling a NIO timer scans the
    /// loop's whole timer queue. When the deadline passes with the pong in,
    /// the timer is simply set for the next ping. Only when pingInterval is
    /// shorter than pingTimeout does a pong set an earlier timer (a new
    /// generation, so the old one fires into nothing). At close the pending
    /// timer is cancelled, so a closed session leaves nothing behind.
    func schedulePing() {
        scheduleHeartbeat(at: eventLoop.now + configuration.pingInterval)
    }

    private func scheduleHeartbeat(at deadline: NIODeadline) {
        let timer = HeartbeatTimer(token: heartbeatToken, generation: heartbeatGeneration)
        heartbeat = try? eventLoop.assumeIsolated().scheduleCallback(at: deadline, handler: timer)
        heartbeatDeadline = deadline
    }

    /// A heartbeat timer fired.
    fileprivate func heartbeatDue(generation: UInt32) {
        guard phase == .open, generation == heartbeatGeneration else { return }
        heartbeat = nil
        if awaitingPong {
            close(reason: .pingTimeout)
        } else if let due = nextPingAt, due > eventLoop.now {
            nextPingAt = nil
            scheduleHeartbeat(at: due)
        } else {
            nextPingAt = nil
            awaitingPong = true
            sendControl(EngineIOPacket(type: .ping))
            scheduleHeartbeat(at: eventLoop.now + configuration.pingTimeout)
        }
    }

    private func receivedPong() {
        guard awaitingPong else { return }
        awaitingPong = false
        let due = eventLoop.now + configuration.pingInterval
        if due < heartbeatDeadline {
            // The pending deadline would come after the next ping is due.
            heartbeatGeneration &+= 1
            scheduleHeartbeat(at: due)
        } else {
            nextPingAt = due
        }
    }

    /// Sends a control packet on the active transport, never dropped.
    func sendControl(_ packet: EngineIOPacket) {
        let outbound = EngineIOOutboundPacket(packet: packet)
        if let websocket {
            websocket.write(outbound)
        } else {
            enqueuePolling(outbound, volatile: false)
        }
    }

    // MARK: - Closing

    /// Ends the session: stops timers, tells the transport, forgets the sid,
    /// then tells the application, once.
    func close(reason: EngineIOCloseReason) {
        guard phase == .open else { return }
        phase = .closing
        // Once per session: a timer left pending would keep memory pinned
        // for up to pingInterval after every disconnection.
        if let heartbeat { eventLoop.assumeIsolated().cancelScheduledCallback(heartbeat) }
        heartbeat = nil
        heartbeatToken.socket = nil
        upgradeTimer?.cancel()
        if let probe {
            probe.detach()
            probe.close(code: 1000)
            self.probe = nil
        }
        if let websocket {
            websocket.detach()
            websocket.close(code: reason == .transportClose ? nil : 1000)
        } else {
            closePolling(reason: reason)
        }
        shard.remove(id)
        phase = .closed
        logger.debug("engine.io session closed", metadata: ["sid": "\(id)", "reason": "\(reason.rawValue)"])
        let callback = onClose
        let delegate = self.delegate
        onClose = nil
        onMessage = nil
        self.delegate = nil
        if let delegate { delegate.engineSocket(self, closedWith: reason) } else { callback?(reason) }
    }
}

/// Calls back into its session through a token the session clears when it
/// closes, so a closed session is freed even while its last timer is
/// pending. (Not a weak reference: that would give every session a side
/// table and make each retain of it slower.)
private struct HeartbeatTimer: NIOScheduledCallbackHandler {
    let token: SessionToken
    let generation: UInt32

    func handleScheduledCallback(eventLoop: some EventLoop) {
        token.socket?.heartbeatDue(generation: generation)
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
}
