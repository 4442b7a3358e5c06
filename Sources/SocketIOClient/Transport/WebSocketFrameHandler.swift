import EngineIOCore
import NIOCore
import NIOWebSocket

/// The end of an upgraded WebSocket pipeline: reassembles fragmented
/// messages, inflates compressed ones, answers pings and close frames, and
/// writes the client's masked frames.
///
/// Messages go to the owning ``WebSocketTransport``; protocol violations
/// (reserved bits, a compressed frame without the extension, invalid UTF-8,
/// a message over the size limit) fail the connection.
final class WebSocketFrameHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = WebSocketFrame
    typealias OutboundOut = WebSocketFrame

    private struct PartialMessage {
        var opcode: WebSocketOpcode
        var compressed: Bool
        var data: ByteBuffer
    }

    private weak var transport: WebSocketTransport?
    private let deflater: MessageDeflater?
    private let maxMessageBytes: Int
    private var context: ChannelHandlerContext?
    private var partial: PartialMessage?
    private var closeSent = false
    private var random = FastRandom()

    init(transport: WebSocketTransport, deflater: MessageDeflater?, maxMessageBytes: Int) {
        self.transport = transport
        self.deflater = deflater
        self.maxMessageBytes = maxMessageBytes
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
        let frame = unwrapInboundIn(data)
        guard !frame.rsv2, !frame.rsv3 else { return violation("reserved bits set") }
        switch frame.opcode {
        case .text, .binary:
            guard partial == nil else { return violation("a new message started inside a fragmented one") }
            guard !frame.rsv1 || deflater != nil else { return violation("compressed frame without permessage-deflate") }
            if frame.fin {
                deliver(opcode: frame.opcode, compressed: frame.rsv1, data: frame.unmaskedData)
            } else {
                partial = PartialMessage(opcode: frame.opcode, compressed: frame.rsv1, data: frame.unmaskedData)
            }
        case .continuation:
            guard var message = partial, !frame.rsv1 else { return violation("unexpected continuation frame") }
            partial = nil
            var more = frame.unmaskedData
            guard message.data.readableBytes + more.readableBytes <= maxMessageBytes else {
                return violation("message larger than \(maxMessageBytes) bytes")
            }
            message.data.writeBuffer(&more)
            if frame.fin {
                deliver(opcode: message.opcode, compressed: message.compressed, data: message.data)
            } else {
                partial = message
            }
        case .ping:
            write(opcode: .pong, data: frame.unmaskedData, compressed: false)
            context.flush()
        case .pong:
            return
        case .connectionClose:
            closeAndEcho(frame.unmaskedData)
        default:
            violation("unknown opcode \(frame.opcode)")
        }
    }

    private func deliver(opcode: WebSocketOpcode, compressed: Bool, data: ByteBuffer) {
        var message = data
        if compressed, let deflater {
            do {
                message = try deflater.decompress(data)
            } catch {
                return failConnection(.inflate(error))
            }
        }
        if opcode == .text {
            guard UTF8Validation.isValid(message) else { return violation("invalid UTF-8 in a text message") }
            transport?.received(text: message)
        } else {
            transport?.received(binary: message)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        transport?.handlerDidClose()
        context.fireChannelInactive()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable { transport?.handlerDidBecomeWritable() }
        context.fireChannelWritabilityChanged()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        failConnection(.webSocketFailed("\(error)"))
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
            write(opcode: packet.isBinary ? .binary : .text, data: payload, compressed: compressed)
        }
        context.flush()
    }

    /// Sends a close frame (1000, normal closure) and closes the connection
    /// once it is written.
    func close() {
        guard let context else { return }
        guard !closeSent else {
            context.close(promise: nil)
            return
        }
        closeSent = true
        var payload = context.channel.allocator.buffer(capacity: 2)
        payload.writeInteger(UInt16(1000))
        let frame = WebSocketFrame(fin: true, opcode: .connectionClose, maskKey: .random(using: &random), data: payload)
        context.writeAndFlush(wrapOutboundOut(frame)).assumeIsolated().whenComplete { _ in
            context.close(promise: nil)
        }
    }

    private func write(opcode: WebSocketOpcode, data: ByteBuffer, compressed: Bool) {
        guard let context else { return }
        let frame = WebSocketFrame(fin: true, rsv1: compressed, opcode: opcode, maskKey: .random(using: &random), data: data)
        context.write(wrapOutboundOut(frame), promise: nil)
    }

    /// Answers the server's close frame with the same status, then closes.
    private func closeAndEcho(_ payload: ByteBuffer) {
        guard let context else { return }
        guard !closeSent else {
            context.close(promise: nil)
            return
        }
        closeSent = true
        let status = payload.getSlice(at: payload.readerIndex, length: min(2, payload.readableBytes)) ?? ByteBuffer()
        let frame = WebSocketFrame(fin: true, opcode: .connectionClose, maskKey: .random(using: &random), data: status)
        context.writeAndFlush(wrapOutboundOut(frame)).assumeIsolated().whenComplete { _ in
            context.close(promise: nil)
        }
    }

    private func violation(_ reason: String) {
        failConnection(.protocolViolation(reason))
    }

    private func failConnection(_ failure: TransportFailure) {
        partial = nil
        transport?.handlerDidFail(failure)
        context?.close(promise: nil)
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
