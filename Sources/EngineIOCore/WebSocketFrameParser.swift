public import NIOCore

/// One frame as the peer sent it (RFC 6455 §5.2): header fields and the
/// payload, still masked when it was, as a slice of the bytes read.
///
/// ```swift
/// var bytes = ByteBuffer(bytes: [0x81, 0x82, 1, 2, 3, 4, 0x35, 0x6B])  // masked text "4i"
/// let frame = try WebSocketFrameParser.next(in: &bytes, maxPayloadLength: 1024)
/// frame?.unmaskedPayload  // "4i"
/// ```
public struct InboundWebSocketFrame: Sendable, Equatable {
    /// The frame opcodes (shared with ``WebSocketFrameWriter``).
    public typealias Opcode = WebSocketFrameOpcode

    /// The last frame of its message.
    public var fin: Bool
    /// RSV1: the message is compressed (permessage-deflate).
    public var rsv1: Bool
    /// RSV2, which no extension here defines.
    public var rsv2: Bool
    /// RSV3, which no extension here defines.
    public var rsv3: Bool
    /// What the frame carries.
    public var opcode: Opcode
    /// The masking key, its first byte in the high bits; nil for an
    /// unmasked frame. A server must refuse unmasked frames and a client
    /// masked ones (``WebSocketMessageAssembler`` does, by role).
    public var maskKey: UInt32?
    /// The payload as sent (masked when ``maskKey`` is set).
    public var payload: ByteBuffer

    /// Creates a frame (for tests and for building one by hand).
    public init(fin: Bool, rsv1: Bool = false, rsv2: Bool = false, rsv3: Bool = false,
                opcode: Opcode, maskKey: UInt32?, payload: ByteBuffer) {
        self.fin = fin
        self.rsv1 = rsv1
        self.rsv2 = rsv2
        self.rsv3 = rsv3
        self.opcode = opcode
        self.maskKey = maskKey
        self.payload = payload
    }

    /// The payload's length in bytes.
    public var length: Int { payload.readableBytes }

    /// The payload with the mask removed.
    public var unmaskedPayload: ByteBuffer {
        var data = payload
        if let maskKey { data.applyWebSocketMask(maskKey) }
        return data
    }
}

/// Cuts WebSocket frames out of the bytes read so far, on either side of a
/// connection: the rules of a single frame's header. The rules between
/// frames and those that depend on the side are the message assembler's
/// (``WebSocketMessageAssembler``, which calls this parser).
///
/// Why our own and not NIO's `WebSocketFrameDecoder`: with it each frame
/// crossed a `ByteToMessageHandler` and a pipeline hop and was built into
/// NIO's frame type on the way to the message assembler; cutting the frame
/// where the bytes arrive is a slice and a few loads. A pure function over
/// a buffer, tested byte by byte.
public enum WebSocketFrameParser {
    /// The next whole frame at the front of `buffer` (its bytes are then
    /// consumed), or nil when more bytes are needed (nothing consumed).
    ///
    /// - Throws: ``WebSocketFailure``: 1009 for a payload longer than
    ///   `maxPayloadLength` (as soon as its header says so); 1002 for a
    ///   control frame that is fragmented or longer than 125 bytes, an
    ///   unknown opcode, or a 64-bit length with its top bit set.
    public static func next(in buffer: inout ByteBuffer, maxPayloadLength: Int) throws(WebSocketFailure) -> InboundWebSocketFrame? {
        let start = buffer.readerIndex
        let available = buffer.readableBytes
        guard available >= 2,
              let first = buffer.getInteger(at: start, as: UInt8.self),
              let second = buffer.getInteger(at: start + 1, as: UInt8.self) else { return nil }
        guard let opcode = InboundWebSocketFrame.Opcode(rawValue: first & 0x0F) else {
            throw .protocolError("unknown opcode \(first & 0x0F)")
        }
        let fin = first & 0x80 != 0
        let masked = second & 0x80 != 0
        var headerLength = 2
        var length = UInt64(second & 0x7F)
        if length == 126 {
            guard available >= 4, let extended = buffer.getInteger(at: start + 2, as: UInt16.self) else { return nil }
            length = UInt64(extended)
            headerLength = 4
        } else if length == 127 {
            guard available >= 10, let extended = buffer.getInteger(at: start + 2, as: UInt64.self) else { return nil }
            guard extended & (1 << 63) == 0 else { throw .protocolError("64-bit length with its top bit set") }
            length = extended
            headerLength = 10
        }
        if opcode.isControl {
            guard fin else { throw .protocolError("fragmented control frame") }
            guard length <= 125 else { throw .protocolError("control frame of \(length) bytes") }
        }
        guard length <= UInt64(maxPayloadLength) else {
            throw .messageTooBig("frame of \(length) bytes, over the limit of \(maxPayloadLength)")
        }
        var maskKey: UInt32?
        if masked {
            guard available >= headerLength + 4,
                  let key = buffer.getInteger(at: start + headerLength, as: UInt32.self) else { return nil }
            maskKey = key
            headerLength += 4
        }
        let payloadLength = Int(length)
        guard available - headerLength >= payloadLength,
              let payload = buffer.getSlice(at: start + headerLength, length: payloadLength) else { return nil }
        buffer.moveReaderIndex(forwardBy: headerLength + payloadLength)
        return InboundWebSocketFrame(
            fin: fin, rsv1: first & 0x40 != 0, rsv2: first & 0x20 != 0, rsv3: first & 0x10 != 0,
            opcode: opcode, maskKey: maskKey, payload: payload
        )
    }
}
