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
    /// Where packets go: nowhere yet, a probed session found by id, or the session.
    private var route = Route.none
    /// This connection is its session's transport (not a probe).
    private var isActiveTransport = false
    /// The session lives on this loop and this connection is its transport:
    /// packets go to it directly. Otherwise (a probe, or a session on another
    /// loop) every packet hops through the session loop's task queue, where
    /// it takes its place among the session's other requests in the order
    /// they were read (a GET racing the `5` of an upgrade, say).
    private var deliversDirectly = false
    /// Packets of this connection still in the session loop's task queue
    /// (counted only when that loop is this one): direct delivery waits for
    /// them, so nothing overtakes.
    private var hopsInFlight = 0

    /// Where this connection's packets go.
    private enum Route {
        /// Not bound yet.
        case none
        /// A polling session being probed, found by id on its own loop for
        /// each packet: the probe is attached there before any packet of this
        /// connection can arrive (both go through that loop's task queue),
        /// so packets never wait here for the attachment to come back.
        case probe(sid: String, shard: SessionShard)
        /// The session, once it took this connection.
        case session(NIOLoopBound<EngineIOSocket>)
    }

    /// Inside a read batch of this connection: answers wait for its end.
    private var reading = false
    private var flushAfterRead = false
    private var delayedFlushPending = false
    private var closing = false
    private var bytesWhileUnwritable = 0
    /// The channel's writability, as last reported (read on every write).
    private(set) var isWritable = true
    /// The connection speaks Engine.IO v3: a binary message starts with its
    /// type byte, and a text one may be `b4<base64>`.
    private let isV3: Bool

    init(server: EngineIOServer, shard: SessionShard, deflate: WebSocketDeflateState?, version: EngineIOProtocolVersion = .v4) {
        self.server = server
        self.shard = shard
        self.isV3 = version == .v3
        self.assembler = WebSocketMessageAssembler(
            role: .server,
            maxMessageSize: server.configuration.maxHttpBufferSize,
            inflater: deflate
        )
    }

    /// Sends this connection's packets to the polling session `sid` (it is
    /// being asked to take this connection as its probe).
    func routeToProbedSession(_ sid: String, on shard: SessionShard) {
        route = .probe(sid: sid, shard: shard)
    }

    /// Binds the handler to the session its packets go to.
    /// `isActiveTransport`: the session's transport (not a probe).
    func attach(_ session: NIOLoopBound<EngineIOSocket>, isActiveTransport: Bool) {
        guard !closing else { return }
        route = .session(session)
        if isActiveTransport { becameActiveTransport() }
    }

    /// The connection is now its session's transport (opened directly, or
    /// the upgrade completed).
    func becameActiveTransport() {
        guard case .session(let session) = route, let context else { return }
        isActiveTransport = true
        deliversDirectly = session.eventLoop === context.eventLoop
    }

    /// Stops reporting to the session (it closed for another reason).
    func detach() {
        route = .none
        deliversDirectly = false
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
            if bytesWhileUnwritable > server.configuration.effectiveMaxBufferedBytes {
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
                // v3 also sends binary as `b4<base64>` to a `b64` server:
                // tried only where v4 fails, so v4 pays nothing for it.
                guard isV3, let packet = try? EngineIOPayloadV3.decodePacket(data) else { return parseError() }
                deliver(packet)
            }
        case .binary(let data):
            guard isV3 else { return deliver(.binary(data)) }
            do {
                deliver(try EngineIOPayloadV3.decodeBinaryPacket(data))
            } catch {
                parseError()
            }
        }
    }

    private func deliver(_ packet: EngineIOPacket) {
        guard let context else { return }
        if !isActiveTransport, packet.type == .ping, !packet.isBinary, packet.data.readableBytesView.elementsEqual("probe".utf8) {
            // The probe's answer goes out at once, from here: the client may
            // send `5` and a GET right after, and `3probe` must reach it
            // before anything the session answers to those. (The reference
            // answers on the spot too; the session is told below.)
            writeFrame(Self.probeAnswer)
        }
        let connection = ObjectIdentifier(context.channel)
        if deliversDirectly && hopsInFlight == 0, case .session(let session) = route {
            // The hot path: no closure built per message.
            session.value.receive(packet, from: .webSocket(connection))
            return
        }
        report { $0.receive(packet, from: .webSocket(connection)) }
    }

    /// `3probe`, framed.
    private static let probeAnswer = WebSocketFrameWriter.frame(textPacket: EngineIOPacket(type: .pong, text: "probe"))

    private func parseError() {
        guard let context else { return }
        let connection = ObjectIdentifier(context.channel)
        report { $0.webSocketParseError(connection) }
    }

    /// Ends the connection for a protocol failure and tells the session why.
    private func fail(code: UInt16?, reason: EngineIOCloseReason) {
        guard let context else { return }
        let connection = ObjectIdentifier(context.channel)
        // Told before the connection closes (closing reports a plain close),
        // and the connection closed before the session hears of it, so the
        // code sent is this failure's, not the session's.
        let session = route
        route = .none
        closeConnection(code: code)
        route = session
        report { $0.webSocketClosed(connection, error: reason == .transportError) }
        detach()
    }

    /// Runs `body` with the session: directly when this connection is the
    /// transport of a session on this loop and nothing of it is still
    /// queued, otherwise through the session loop's task queue (in order).
    private func report(_ body: @escaping @Sendable (EngineIOSocket) -> Void) {
        switch route {
        case .none:
            return
        case .session(let session):
            if deliversDirectly && hopsInFlight == 0 {
                body(session.value)
            } else {
                hop(to: session.eventLoop) { body(session.value) }
            }
        case .probe(let sid, let shard):
            hop(to: shard.eventLoop) {
                if let socket = shard.session(sid) ?? shard.drainingSession(sid) { body(socket) }
            }
        }
    }

    /// Runs `task` on `loop` through its task queue, counting it while it
    /// waits when `loop` is this connection's own.
    private func hop(to loop: any EventLoop, _ task: @escaping @Sendable () -> Void) {
        if loop.inEventLoop {
            hopsInFlight += 1
            loop.assumeIsolated().execute { [self] in
                hopsInFlight -= 1
                task()
            }
        } else {
            loop.execute(task)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        closing = true
        let connection = ObjectIdentifier(context.channel)
        report { $0.webSocketClosed(connection, error: false) }
        detach()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // I/O errors such as a connection reset (frame errors never get here:
        // they are handled where the bytes are cut).
        fail(code: nil, reason: .transportError)
    }
}
