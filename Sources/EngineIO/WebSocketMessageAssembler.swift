import NIOCore
import EngineIOCore

/// Turns client WebSocket frames into whole messages: joins fragments,
/// checks the rules of RFC 6455 that the frame parser leaves to it, and
/// enforces the message size limit.
///
/// A pure value (no I/O), so every rule is tested frame by frame.
struct WebSocketMessageAssembler {
    /// A data message, or a control frame to act on.
    enum Output: Equatable {
        case none
        case text(ByteBuffer, compressed: Bool)
        case binary(ByteBuffer, compressed: Bool)
        case ping(ByteBuffer)
        case pong
        case close(code: UInt16?)
    }

    /// How a connection must end, with the close code to send.
    enum Failure: Error, Equatable {
        /// 1002: a protocol violation.
        case protocolError(String)
        /// 1009: a message over the limit.
        case messageTooBig

        /// The close code the connection ends with.
        var closeCode: UInt16 {
            switch self {
            case .protocolError: 1002
            case .messageTooBig: 1009
            }
        }
    }

    let maxMessageSize: Int
    let deflateNegotiated: Bool
    private var partial: (opcode: ClientWebSocketFrame.Opcode, compressed: Bool, data: ByteBuffer)?

    init(maxMessageSize: Int, deflateNegotiated: Bool) {
        self.maxMessageSize = maxMessageSize
        self.deflateNegotiated = deflateNegotiated
    }

    mutating func receive(_ frame: ClientWebSocketFrame) throws(Failure) -> Output {
        guard frame.maskKey != nil else { throw .protocolError("unmasked client frame") }
        guard !frame.rsv2, !frame.rsv3 else { throw .protocolError("reserved bits set") }
        switch frame.opcode {
        case .ping:
            guard !frame.rsv1 else { throw .protocolError("RSV1 on a control frame") }
            return .ping(frame.unmaskedPayload)
        case .pong:
            guard !frame.rsv1 else { throw .protocolError("RSV1 on a control frame") }
            return .pong
        case .close:
            guard !frame.rsv1 else { throw .protocolError("RSV1 on a control frame") }
            var data = frame.unmaskedPayload
            if data.readableBytes == 1 { throw .protocolError("close payload of one byte") }
            return .close(code: data.readInteger(as: UInt16.self))
        case .text, .binary:
            guard partial == nil else { throw .protocolError("new message before the last one ended") }
            if frame.rsv1 && !deflateNegotiated { throw .protocolError("RSV1 without permessage-deflate") }
            guard frame.length <= maxMessageSize else { throw .messageTooBig }
            if frame.fin { return output(frame.opcode, frame.unmaskedPayload, compressed: frame.rsv1) }
            partial = (frame.opcode, frame.rsv1, frame.unmaskedPayload)
            return .none
        case .continuation:
            guard var current = partial else { throw .protocolError("continuation without a message") }
            guard !frame.rsv1 else { throw .protocolError("RSV1 on a continuation frame") }
            guard current.data.readableBytes + frame.length <= maxMessageSize else { throw .messageTooBig }
            var more = frame.unmaskedPayload
            partial = nil
            current.data.writeBuffer(&more)
            if frame.fin { return output(current.opcode, current.data, compressed: current.compressed) }
            partial = current
            return .none
        }
    }

    private func output(_ opcode: ClientWebSocketFrame.Opcode, _ data: ByteBuffer, compressed: Bool) -> Output {
        opcode == .text ? .text(data, compressed: compressed) : .binary(data, compressed: compressed)
    }
}
