import EngineIOCore
import NIOCore

/// What a ``WebSocketFrameHandler`` reports to: the ``WebSocketTransport``
/// (a recorder in tests).
protocol WebSocketFrameHandlerDelegate: AnyObject {
    /// A whole text message (valid UTF-8).
    func received(text: ByteBuffer)
    /// A whole binary message.
    func received(binary: ByteBuffer)
    /// The connection takes writes again.
    func handlerDidBecomeWritable()
    /// The connection ended.
    func handlerDidClose()
    /// The server broke the protocol; the handler has sent the close frame
    /// and is closing the connection.
    func handlerDidFail(_ failure: TransportFailure)
}

/// The end of an upgraded WebSocket pipeline (and its only handler): bytes
/// in, turned into messages by the ``WebSocketMessageAssembler`` the
/// server uses too (role `.client`: framing, masking, RSV bits, sizes,
/// UTF-8, inflation, close payloads); pings and close frames answered;
/// the client's masked frames out (``WebSocketFrameWriter``).
///
/// Messages go to the delegate. A failure sends a close frame with its
/// code (RFC 6455 §7.1.7), as the server does for the same input, then
/// closes the connection.
final class WebSocketFrameHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private weak var delegate: (any WebSocketFrameHandlerDelegate)?
    private let deflater: MessageDeflater?
    private var assembler: WebSocketMessageAssembler
    /// Bytes of a frame not complete yet.
    private var unparsed: ByteBuffer?
    private var context: ChannelHandlerContext?
    private var closeSent = false
    private var random = FastRandom()

    init(delegate: any WebSocketFrameHandlerDelegate, deflater: MessageDeflater?, maxMessageBytes: Int) {
        self.delegate = delegate
        self.deflater = deflater
        self.assembler = WebSocketMessageAssembler(role: .client, maxMessageSize: maxMessageBytes, inflater: deflater)
    }

    var isWritable: Bool {
        guard let context, !closeSent else { return false }
        return context.channel.isWritable
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    // MARK: - Reading

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !closeSent else { return }
        var bytes = unwrapInboundIn(data)
        if var waiting = unparsed {
            unparsed = nil
            waiting.writeBuffer(&bytes)
            bytes = waiting
        }
        do throws(WebSocketFailure) {
            while !closeSent, let output = try assembler.next(in: &bytes) {
                handle(output, context: context)
            }
        } catch {
            return fail(error)
        }
        if bytes.readableBytes > 0 && !closeSent {
            bytes.discardReadBytes()
            unparsed = bytes
        }
    }

    private func handle(_ output: WebSocketMessageAssembler.Output, context: ChannelHandlerContext) {
        switch output {
        case .text(let message):
            delegate?.received(text: message)
        case .binary(let message):
            delegate?.received(binary: message)
        case .ping(let payload):
            write(opcode: .pong, payload: payload, compressed: false)
            context.flush()
        case .pong:
            return
        case .close(let close):
            closeAndEcho(close.code)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        delegate?.handlerDidClose()
        context.fireChannelInactive()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable { delegate?.handlerDidBecomeWritable() }
        context.fireChannelWritabilityChanged()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // I/O errors (frame errors never get here: they are handled where
        // the bytes are read).
        delegate?.handlerDidFail(.webSocketFailed("\(error)"))
        context.close(promise: nil)
    }

    // MARK: - Writing

    /// Writes one frame per packet (compressed when worth it) and flushes.
    func send(_ packets: [OutgoingEnginePacket]) {
        guard let context, !closeSent else { return }
        for outgoing in packets {
            let packet = outgoing.packet
            var payload: ByteBuffer
            if packet.isBinary {
                payload = packet.data
            } else {
                payload = context.channel.allocator.buffer(capacity: 1 + packet.data.readableBytes)
                packet.writeText(into: &payload)
            }
            var compressed = false
            if let deflater, deflater.shouldCompress(length: payload.readableBytes, allowed: outgoing.compress),
               let deflated = try? deflater.compress(payload) {
                payload = deflated
                compressed = true
            }
            write(opcode: packet.isBinary ? .binary : .text, payload: payload, compressed: compressed)
        }
        context.flush()
    }

    /// Sends a close frame (1000, normal closure) and closes the connection
    /// once it is written; called again, closes at once.
    func close() {
        guard let context else { return }
        guard !closeSent else {
            context.close(promise: nil)
            return
        }
        closeSent = true
        let frame = WebSocketFrameWriter.closeFrame(code: 1000, maskKey: nextMaskKey())
        context.writeAndFlush(wrapOutboundOut(frame)).assumeIsolated().whenComplete { _ in
            context.close(promise: nil)
        }
    }

    private func write(opcode: WebSocketFrameOpcode, payload: ByteBuffer, compressed: Bool) {
        guard let context else { return }
        let frame = WebSocketFrameWriter.frame(opcode: opcode, payload: payload, compressed: compressed, maskKey: nextMaskKey())
        context.write(wrapOutboundOut(frame), promise: nil)
    }

    private func nextMaskKey() -> UInt32 {
        UInt32(truncatingIfNeeded: random.next())
    }

    /// Answers the server's close frame with the same status (none for
    /// none), then closes.
    private func closeAndEcho(_ code: UInt16?) {
        guard let context else { return }
        guard !closeSent else {
            context.close(promise: nil)
            return
        }
        closeSent = true
        var status = ByteBuffer()
        if let code { status.writeInteger(code) }
        let frame = WebSocketFrameWriter.frame(opcode: .close, payload: status, maskKey: nextMaskKey())
        context.writeAndFlush(wrapOutboundOut(frame)).assumeIsolated().whenComplete { _ in
            context.close(promise: nil)
        }
    }

    /// Fails the connection (RFC 6455 §7.1.7): the close frame with the
    /// failure's code first, then the delegate hears of it (its own close
    /// then finds the close frame sent), then the connection closes.
    private func fail(_ failure: WebSocketFailure) {
        guard let context else { return }
        closeSent = true
        unparsed = nil
        let frame = WebSocketFrameWriter.closeFrame(code: failure.closeCode, maskKey: nextMaskKey())
        context.writeAndFlush(wrapOutboundOut(frame), promise: nil)
        delegate?.handlerDidFail(.webSocketProtocol(failure))
        context.close(promise: nil)
    }
}

/// SplitMix64: a tiny, fast generator for WebSocket masking keys.
///
/// A client must mask every frame it sends (RFC 6455 section 5.3); drawing
/// each key from the system generator costs a system call per message,
/// which a load generator sending millions of messages notices. One seed
/// from the system generator per connection keeps keys unpredictable to
/// anyone on the path, which is all the masking is for.
struct FastRandom: RandomNumberGenerator {
    private var state: UInt64

    init() {
        var system = SystemRandomNumberGenerator()
        state = system.next()
    }

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
