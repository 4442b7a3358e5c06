import NIOCore
import EngineIOCore

/// A session's handle on a WebSocket connection, usable from the session's
/// loop even when the connection lives on another loop (a polling session
/// upgraded over a connection accepted elsewhere).
///
/// `@unchecked Sendable`: the handler is only touched on the connection's
/// loop; from any other loop every call hops there first. (Not wrapped in
/// `NIOLoopBound`, whose checks would run on every write of a broadcast.)
struct WebSocketOutput: @unchecked Sendable {
    let channel: any Channel
    private let handler: EngineIOWebSocketHandler
    /// Whether compressed frames may be sent on this connection.
    let sendsCompressed: Bool
    /// The protocol revision the connection speaks (its request's `EIO`,
    /// when the server allows v3; v4 otherwise).
    let version: EngineIOProtocolVersion
    /// True when a packet's prepared frame (``EngineIOOutboundPacket/frame``)
    /// is what this connection gets: no compression, and v4 (in v3 a binary
    /// message is framed with its type byte in front). The one check of the
    /// write path; everything else is decided off it.
    let usesPreparedFrames: Bool
    /// A v3 client that asked for base64 (`b64`): binary messages go as text.
    private let base64Binary: Bool
    /// Set once the output belongs to a session on the connection's own loop
    /// (see ``boundToSession(on:)``): writes then go straight to the handler,
    /// without asking the channel for its loop on every frame.
    private(set) var sessionSharesLoop = false

    init(
        channel: any Channel, handler: EngineIOWebSocketHandler, sendsCompressed: Bool,
        version: EngineIOProtocolVersion = .v4, base64Binary: Bool = false
    ) {
        self.channel = channel
        self.handler = handler
        self.sendsCompressed = sendsCompressed
        self.version = version
        self.base64Binary = version == .v3 && base64Binary
        self.usesPreparedFrames = !sendsCompressed && version == .v4
    }

    /// The connection, which tells this WebSocket apart from a session's others.
    var connection: ObjectIdentifier { ObjectIdentifier(channel) }

    /// This output as held by a session living on `loop`; only that session
    /// (on that loop) may use the copy.
    func boundToSession(on loop: any EventLoop) -> WebSocketOutput {
        var bound = self
        bound.sessionSharesLoop = channel.eventLoop === loop
        return bound
    }

    /// True while the kernel is taking what we write (NIO's watermarks).
    var isWritable: Bool {
        sessionSharesLoop || channel.eventLoop.inEventLoop ? handler.isWritable : channel.isWritable
    }

    /// Runs `body` with the handler on the connection's loop.
    private func onHandler(_ body: @escaping (EngineIOWebSocketHandler) -> Void) {
        if channel.eventLoop.inEventLoop {
            body(handler)
        } else {
            let output = self
            let call = UncheckedCall(body: body)
            channel.eventLoop.execute { call.body(output.handler) }
        }
    }

    /// Writes a complete frame and flushes it at the end of the loop's turn
    /// (or after the broadcast flush delay, when `delayedFlush`); with
    /// `flush: false` it waits for the next frame's flush.
    func write(_ frame: ByteBuffer, delayedFlush: Bool = false, flush: Bool = true) {
        if sessionSharesLoop || channel.eventLoop.inEventLoop {
            handler.writeFrame(frame, delayedFlush: delayedFlush, flush: flush)
        } else {
            onHandler { $0.writeFrame(frame, delayedFlush: delayedFlush, flush: flush) }
        }
    }

    /// Writes the packet's frame: the prepared one, or the compressed one
    /// when it has one and deflate was agreed, or its v3 framing.
    func write(_ packet: EngineIOOutboundPacket, delayedFlush: Bool = false, flush: Bool = true) {
        write(usesPreparedFrames ? packet.frame : frame(of: packet), delayedFlush: delayedFlush, flush: flush)
    }

    /// The frame this connection gets for `packet` when the prepared one
    /// may not do.
    private func frame(of packet: EngineIOOutboundPacket) -> ByteBuffer {
        if version == .v3 && packet.packet.isBinary {
            // Not compressed: the compressed frame holds the v4 payload, and
            // compressing is optional per message.
            return WebSocketFrameWriter.v3BinaryMessageFrame(packet.packet.data, base64: base64Binary)
        }
        if sendsCompressed, let compressed = packet.compressedFrame { return compressed }
        return packet.frame
    }

    /// Sends a close frame (unless `code` is nil) and closes the connection.
    func close(code: UInt16? = 1000) {
        onHandler { $0.closeConnection(code: code) }
    }

    /// Stops the connection from reporting to its session (used once the
    /// session has been closed for another reason).
    func detach() {
        onHandler { $0.detach() }
    }

    /// Binds the connection to the session its packets go to.
    /// `isActiveTransport`: the session's transport (not a probe).
    func attach(_ session: NIOLoopBound<EngineIOSocket>, isActiveTransport: Bool) {
        onHandler { $0.attach(session, isActiveTransport: isActiveTransport) }
    }

    /// Sends the connection's packets to the polling session `sid`, which is
    /// asked to take it as its probe. Call on the connection's loop, before
    /// any of its bytes are read.
    func routeToProbedSession(_ sid: String, on shard: SessionShard) {
        handler.routeToProbedSession(sid, on: shard)
    }

    /// The probe completed the upgrade: it is now the session's transport.
    func becameActiveTransport() {
        onHandler { $0.becameActiveTransport() }
    }
}

extension WebSocketOutput: EngineIOSessionTransport {}

/// A closure built on one loop and run on another; it captures only
/// `Sendable` values (a frame, a code, a loop-bound session).
private struct UncheckedCall: @unchecked Sendable {
    let body: (EngineIOWebSocketHandler) -> Void
}
