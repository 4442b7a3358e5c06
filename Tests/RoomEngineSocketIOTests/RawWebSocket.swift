import NIOCore
import NIOPosix

/// A minimal WebSocket client over a plain NIO TCP channel: the HTTP
/// upgrade written by hand, masked frames out, unmasked frames in. It
/// offers no extensions, so the server never compresses what it sends.
enum RawWebSocket {
    enum Message: Sendable {
        case text(String)
        case binary(ByteBuffer)
        case closed
    }

    struct UpgradeFailed: Error, CustomStringConvertible {
        let response: String
        var description: String { "WebSocket upgrade refused: \(response)" }
    }

    /// Connects and upgrades; `onMessage` runs on the channel's loop for
    /// every complete message, in order (the channel comes along, since the
    /// first messages arrive before `connect` returns).
    static func connect(
        port: Int,
        path: String,
        group: any EventLoopGroup,
        onMessage: @escaping @Sendable (Message, any Channel) -> Void
    ) async throws -> any Channel {
        // Completed on every path: by the handler (101, refusal, close) or
        // here when the connection or the request fails (a channel that
        // never became active never closes through the handler, and NIO
        // traps on a promise dropped unfulfilled, taking every test down).
        let upgraded = group.next().makePromise(of: Void.self)
        do {
            // The connect timeout is the tests' safety bound, not NIO's 10 s
            // default: a loop busy with another test's work may answer late.
            let channel = try await ClientBootstrap(group: group)
                .connectTimeout(RoomTestClient.safetyBound)
                .channelOption(.socketOption(.tcp_nodelay), value: 1)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(FrameHandler(upgraded: upgraded, onMessage: onMessage))
                    }
                }
                .connect(host: "127.0.0.1", port: port).get()
            let request = "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
            try await channel.writeAndFlush(ByteBuffer(string: request)).get()
            try await upgraded.futureResult.get()
            return channel
        } catch {
            upgraded.fail(error)
            throw error
        }
    }

    /// One masked client frame (FIN set).
    static func frame(opcode: UInt8, payload: ByteBuffer) -> ByteBuffer {
        let length = payload.readableBytes
        var frame = ByteBuffer()
        frame.reserveCapacity(length + 14)
        frame.writeInteger(0x80 | opcode)
        if length < 126 {
            frame.writeInteger(UInt8(0x80 | length))
        } else if length <= 0xFFFF {
            frame.writeInteger(UInt8(0x80 | 126))
            frame.writeInteger(UInt16(length))
        } else {
            frame.writeInteger(UInt8(0x80 | 127))
            frame.writeInteger(UInt64(length))
        }
        let mask = (0..<4).map { _ in UInt8.random(in: 0...255) }
        frame.writeBytes(mask)
        for (index, byte) in payload.readableBytesView.enumerated() {
            frame.writeInteger(byte ^ mask[index & 3])
        }
        return frame
    }

    private final class FrameHandler: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer

        private let upgraded: EventLoopPromise<Void>
        private let onMessage: @Sendable (Message, any Channel) -> Void
        private var buffer = ByteBuffer()
        private var isUpgraded = false
        private var fragments: (opcode: UInt8, data: ByteBuffer)?

        init(upgraded: EventLoopPromise<Void>, onMessage: @escaping @Sendable (Message, any Channel) -> Void) {
            self.upgraded = upgraded
            self.onMessage = onMessage
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            var chunk = unwrapInboundIn(data)
            buffer.writeBuffer(&chunk)
            if !isUpgraded {
                let view = buffer.readableBytesView
                guard let end = view.firstRange(of: Array("\r\n\r\n".utf8)) else { return }
                let head = buffer.readString(length: end.upperBound - view.startIndex) ?? ""
                guard head.hasPrefix("HTTP/1.1 101") else {
                    upgraded.fail(UpgradeFailed(response: head))
                    context.close(promise: nil)
                    return
                }
                isUpgraded = true
                upgraded.succeed()
            }
            while let (opcode, fin, payload) = nextFrame() {
                handle(opcode: opcode, fin: fin, payload: payload, context: context)
            }
            buffer.discardReadBytes()
        }

        private func nextFrame() -> (UInt8, Bool, ByteBuffer)? {
            var peek = buffer
            guard let first = peek.readInteger(as: UInt8.self), let second = peek.readInteger(as: UInt8.self) else { return nil }
            var length = Int(second & 0x7F)
            if length == 126 {
                guard let extended = peek.readInteger(as: UInt16.self) else { return nil }
                length = Int(extended)
            } else if length == 127 {
                guard let extended = peek.readInteger(as: UInt64.self) else { return nil }
                length = Int(extended)
            }
            guard let payload = peek.readSlice(length: length) else { return nil }
            buffer = peek
            return (first & 0x0F, first & 0x80 != 0, payload)
        }

        private func handle(opcode: UInt8, fin: Bool, payload: ByteBuffer, context: ChannelHandlerContext) {
            switch opcode {
            case 0x0:
                guard var pending = fragments else { return }
                var payload = payload
                pending.data.writeBuffer(&payload)
                fragments = pending
                if fin {
                    fragments = nil
                    deliver(opcode: pending.opcode, payload: pending.data, channel: context.channel)
                }
            case 0x1, 0x2:
                if fin { deliver(opcode: opcode, payload: payload, channel: context.channel) } else { fragments = (opcode, payload) }
            case 0x8:
                onMessage(.closed, context.channel)
                context.close(promise: nil)
            case 0x9:
                context.writeAndFlush(wrapOutboundOut(RawWebSocket.frame(opcode: 0xA, payload: payload)), promise: nil)
            default:
                break
            }
        }

        private func deliver(opcode: UInt8, payload: ByteBuffer, channel: any Channel) {
            if opcode == 0x1 {
                onMessage(.text(String(buffer: payload)), channel)
            } else {
                onMessage(.binary(payload), channel)
            }
        }

        func channelInactive(context: ChannelHandlerContext) {
            upgraded.fail(UpgradeFailed(response: "connection closed"))
            onMessage(.closed, context.channel)
        }
    }
}
