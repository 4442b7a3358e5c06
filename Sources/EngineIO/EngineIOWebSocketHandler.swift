import NIOCore
import EngineIOCore
import Logging

/// The channel handler of one Engine.IO WebSocket connection: bytes in,
/// turned into messages here (``WebSocketMessageAssembler``, the rules the
/// client shares), packets to the session; complete frames (built
/// elsewhere) out.
///
/// Lives on the connection's loop; its session may live on another loop
/// (an upgraded polling session), in which case packets hop there in order.
final class EngineIOWebSocketHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = IOData

    private let server: EngineIOServer
    private let shard: SessionShard
    private var assembler: WebSocketMessageAssembler
    /// Bytes of a frame not complete yet (nil when every byte read was used:
    /// then NIO may reuse its receive buffer).
    private var unparsed: ByteBuffer?
    private var context: ChannelHandlerContext?
    private var session: NIOLoopBound<EngineIOSocket>?
    /// Inside a read batch of this connection: answers wait for its end.
    private var reading = false
    private var flushAfterRead = false
    private var delayedFlushPending = false
    private var closing = false
    private var bytesWhileUnwritable = 0
    /// The channel's writability, as last reported (read on every write).
    private(set) var isWritable = true
    /// Packets that arrived before the session was attached (a probe
    /// attaches after a hop to the session's loop). Bounded: a client may
    /// send only `2probe` and `5` before it gets `3probe`.
    private var early: [EngineIOPacket] = []
    private static let maxEarlyPackets = 8

    init(server: EngineIOServer, shard: SessionShard, deflate: WebSocketDeflateState?) {
        self.server = server
        self.shard = shard
        self.assembler = WebSocketMessageAssembler(
            role: .server,
            maxMessageSize: server.configuration.maxHttpBufferSize,
            inflater: deflate
        )
    }

    /// Binds the handler to the session its packets go to.
    func attach(_ session: NIOLoopBound<EngineIOSocket>) {
        guard !closing else { return }
        self.session = session
        let waiting = early
        early = []
        for packet in waiting { deliver(packet) }
    }

    /// Stops reporting to the session (it closed for another reason).
    func detach() {
        session = nil
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    // MARK: - Output

    /// Writes a complete frame.
    ///
    /// Flush policy: an answer to what this connection is sending (written
    /// during its read batch) is flushed when the batch ends, so a burst of
    /// requests gets its answers in one `writev`; a frame from elsewhere (a
    /// broadcast) is written and flushed in one pipeline pass; a broadcast
    /// frame with `delayedFlush` waits for the shard's shared delayed flush.
    /// Frames also coalesce by themselves while the socket is not writable.
    /// `flush: false` leaves a frame for the next one's flush: the frames of
    /// one Socket.IO packet (a header and its attachments) go out in one
    /// `writev`.
    func writeFrame(_ frame: ByteBuffer, delayedFlush: Bool = false, flush: Bool = true) {
        guard let context, !closing else { return }
        if !isWritable {
            bytesWhileUnwritable += frame.readableBytes
            if bytesWhileUnwritable > server.configuration.maxBufferedBytesPerSession {
                server.logger.info("engine.io websocket backlog over limit; closing")
                fail(code: nil, reason: .transportError)
                return
            }
        }
        let data = wrapOutboundOut(.byteBuffer(frame))
        if delayedFlush {
            context.write(data, promise: nil)
            if !delayedFlushPending && !flushAfterRead {
                delayedFlushPending = true
                shard.flushLater(self, after: server.broadcastFlushDelay ?? .zero)
            }
        } else if reading {
            context.write(data, promise: nil)
            flushAfterRead = true
        } else if flush {
            context.writeAndFlush(data, promise: nil)
        } else {
            context.write(data, promise: nil)
        }
    }

    /// The shard's delayed flush.
    func flushNow() {
        delayedFlushPending = false
        context?.flush()
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        reading = false
        if flushAfterRead {
            flushAfterRead = false
            context.flush()
        }
        context.fireChannelReadComplete()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        isWritable = context.channel.isWritable
        if isWritable { bytesWhileUnwritable = 0 }
        context.fireChannelWritabilityChanged()
    }

    /// Sends a close frame (when `code` is given) and closes the connection.
    func closeConnection(code: UInt16?) {
        guard let context, !closing else { return }
        closing = true
        if let code {
            context.writeAndFlush(wrapOutboundOut(.byteBuffer(WebSocketFrameWriter.closeFrame(code: code))), promise: nil)
        } else {
            context.flush()
        }
        context.close(promise: nil)
    }

    // MARK: - Input

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !closing else { return }
        reading = true
        var bytes = unwrapInboundIn(data)
        if var waiting = unparsed {
            unparsed = nil
            waiting.writeBuffer(&bytes)
            bytes = waiting
        }
        do throws(WebSocketFailure) {
            while !closing, let output = try assembler.next(in: &bytes) {
                handle(output)
            }
        } catch {
            fail(code: error.closeCode, reason: .transportError)
            return
        }
        if bytes.readableBytes > 0 && !closing {
            bytes.discardReadBytes()
            unparsed = bytes
        }
    }

    private func handle(_ output: WebSocketMessageAssembler.Output) {
        switch output {
        case .pong:
            return
        case .ping(let payload):
            writeFrame(WebSocketFrameWriter.frame(opcode: .pong, payload: payload))
        case .close:
            closeConnection(code: 1000)
        case .text(let data):
            do {
                deliver(try EngineIOPacket.decodeText(data))
            } catch {
                parseError()
            }
        case .binary(let data):
            deliver(.binary(data))
        }
    }

    private func deliver(_ packet: EngineIOPacket) {
        guard let context else { return }
        guard let session else {
            if early.count >= Self.maxEarlyPackets {
                closeConnection(code: 1008)
            } else {
                early.append(packet)
            }
            return
        }
        let connection = ObjectIdentifier(context.channel)
        if session.eventLoop.inEventLoop {
            session.value.receive(packet, from: connection)
        } else {
            session.eventLoop.execute { session.value.receive(packet, from: connection) }
        }
    }

    private func parseError() {
        guard let session, let context else { return }
        let connection = ObjectIdentifier(context.channel)
        notify(session) { $0.webSocketParseError(connection) }
    }

    /// Ends the connection for a protocol failure and tells the session why.
    private func fail(code: UInt16?, reason: EngineIOCloseReason) {
        let session = self.session
        let connection = context.map { ObjectIdentifier($0.channel) }
        self.session = nil
        // Close first, so the code sent is this failure's, not the session's.
        closeConnection(code: code)
        if let session, let connection {
            notify(session) { $0.webSocketClosed(connection, error: reason == .transportError) }
        }
    }

    private func notify(_ session: NIOLoopBound<EngineIOSocket>, _ body: @escaping @Sendable (EngineIOSocket) -> Void) {
        if session.eventLoop.inEventLoop {
            body(session.value)
        } else {
            session.eventLoop.execute { body(session.value) }
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        closing = true
        if let session {
            self.session = nil
            let connection = ObjectIdentifier(context.channel)
            notify(session) { $0.webSocketClosed(connection, error: false) }
        }
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // I/O errors such as a connection reset (frame errors never get here:
        // they are handled where the bytes are cut).
        fail(code: nil, reason: .transportError)
    }
}
