import NIOCore

/// A session's handle on a WebSocket connection, usable from the session's
/// loop even when the connection lives on another loop (a polling session
/// upgraded over a connection accepted elsewhere).
struct WebSocketOutput: Sendable {
    let channel: any Channel
    let handler: NIOLoopBound<EngineIOWebSocketHandler>
    /// Whether compressed frames may be sent on this connection.
    let sendsCompressed: Bool

    var identity: ObjectIdentifier { ObjectIdentifier(channel) }

    /// True while the kernel is taking what we write (NIO's watermarks).
    var isWritable: Bool { channel.isWritable }

    /// Writes a complete frame and flushes it at the end of the loop's turn.
    func write(_ frame: ByteBuffer) {
        if channel.eventLoop.inEventLoop {
            handler.value.writeFrame(frame)
        } else {
            let handler = handler
            channel.eventLoop.execute { handler.value.writeFrame(frame) }
        }
    }

    /// Writes the packet's compressed frame when it has one and deflate was agreed.
    func write(_ packet: EngineIOOutboundPacket) {
        if sendsCompressed, let compressed = packet.compressedFrame {
            write(compressed)
        } else {
            write(packet.frame)
        }
    }

    /// Sends a close frame (unless `code` is nil) and closes the connection.
    func close(code: UInt16? = 1000) {
        if channel.eventLoop.inEventLoop {
            handler.value.closeConnection(code: code)
        } else {
            let handler = handler
            channel.eventLoop.execute { handler.value.closeConnection(code: code) }
        }
    }

    /// Stops the connection from reporting to its session (used once the
    /// session has been closed for another reason).
    func detach() {
        if channel.eventLoop.inEventLoop {
            handler.value.detach()
        } else {
            let handler = handler
            channel.eventLoop.execute { handler.value.detach() }
        }
    }
}
