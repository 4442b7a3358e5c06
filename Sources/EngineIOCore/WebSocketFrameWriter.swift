public import NIOCore

/// Builds complete WebSocket frames (RFC 6455, FIN set) as one buffer:
/// header and payload together; unmasked as a server sends them, or masked
/// (given a key) as a client must.
///
/// Why not NIO's `WebSocketFrameEncoder`: a broadcast builds its frame once
/// and writes the very same bytes to every recipient, so the frame must exist
/// as bytes before any channel sees it.
///
/// ```swift
/// let frame = WebSocketFrameWriter.frame(opcode: .text, payload: ByteBuffer(string: "4hi"))
/// // 81 03 34 68 69
/// ```
public enum WebSocketFrameWriter {
    /// The frame opcodes (one type for the frames we write and the ones we
    /// read, ``InboundWebSocketFrame``).
    public typealias Opcode = WebSocketFrameOpcode

    /// Bytes a header needs for a payload of `length` bytes.
    @inlinable
    public static func headerLength(payloadLength length: Int) -> Int {
        length < 126 ? 2 : (length <= 0xFFFF ? 4 : 10)
    }

    /// Writes a frame header (FIN set, no mask) into `buffer`.
    @inlinable
    public static func writeHeader(opcode: Opcode, payloadLength length: Int, compressed: Bool = false, into buffer: inout ByteBuffer) {
        let index = buffer.writerIndex
        buffer.writeRepeatingByte(0, count: headerLength(payloadLength: length))
        setHeader(opcode: opcode, payloadLength: length, compressed: compressed, at: index, in: &buffer)
    }

    /// Sets a frame header (FIN set, no mask) at `index` of `buffer`, for a
    /// header written into room left in front of a payload already in
    /// place; `buffer` must hold ``headerLength(payloadLength:)`` bytes there.
    ///
    /// ```swift
    /// WebSocketFrameWriter.setHeader(opcode: .text, payloadLength: 5, at: 8, in: &buffer)
    /// ```
    @inlinable
    public static func setHeader(opcode: Opcode, payloadLength length: Int, compressed: Bool = false, at index: Int, in buffer: inout ByteBuffer) {
        buffer.setInteger(0x80 | (compressed ? 0x40 : 0) | opcode.rawValue, at: index)
        if length < 126 {
            buffer.setInteger(UInt8(length), at: index + 1)
        } else if length <= 0xFFFF {
            buffer.setInteger(UInt8(126), at: index + 1)
            buffer.setInteger(UInt16(length), at: index + 2)
        } else {
            buffer.setInteger(UInt8(127), at: index + 1)
            buffer.setInteger(UInt64(length), at: index + 2)
        }
    }

    /// A whole frame: header followed by `payload`; with a `maskKey` (a
    /// client's frame, RFC 6455 §5.3) the header has the mask bit and the
    /// key, and the payload is masked with it.
    public static func frame(opcode: Opcode, payload: ByteBuffer, compressed: Bool = false, maskKey: UInt32? = nil) -> ByteBuffer {
        let length = payload.readableBytes
        let header = headerLength(payloadLength: length) + (maskKey == nil ? 0 : 4)
        var out = ByteBuffer()
        out.reserveCapacity(header + length)
        writeHeader(opcode: opcode, payloadLength: length, compressed: compressed, into: &out)
        var copy = payload
        guard let maskKey else {
            out.writeBuffer(&copy)
            return out
        }
        if let second = out.getInteger(at: 1, as: UInt8.self) { out.setInteger(second | 0x80, at: 1) }  // the mask bit
        out.writeInteger(maskKey)
        out.writeBuffer(&copy)
        out.withUnsafeMutableReadableBytes { bytes in
            WebSocketMask.apply(maskKey, to: UnsafeMutableRawBufferPointer(rebasing: bytes[header...]))
        }
        return out
    }

    /// A whole text frame for an Engine.IO text packet, written without an
    /// intermediate buffer: header, type digit, data.
    public static func frame(textPacket packet: EngineIOPacket) -> ByteBuffer {
        let length = 1 + packet.data.readableBytes
        var out = ByteBuffer()
        out.reserveCapacity(headerLength(payloadLength: length) + length)
        writeHeader(opcode: .text, payloadLength: length, into: &out)
        packet.writeText(into: &out)
        return out
    }

    /// A close frame with a status code and a short reason (masked with
    /// `maskKey` when given: a client's).
    public static func closeFrame(code: UInt16, reason: String = "", maskKey: UInt32? = nil) -> ByteBuffer {
        var payload = ByteBuffer()
        payload.writeInteger(code)
        payload.writeString(String(reason.utf8.prefix(123)) ?? "")
        return frame(opcode: .close, payload: payload, maskKey: maskKey)
    }
}

/// The frame opcodes of RFC 6455 §5.2.
public enum WebSocketFrameOpcode: UInt8, Sendable {
    /// The next fragment of a message (never written here).
    case continuation = 0x0
    /// UTF-8 text.
    case text = 0x1
    /// Binary data.
    case binary = 0x2
    /// Connection close.
    case close = 0x8
    /// Ping.
    case ping = 0x9
    /// Pong.
    case pong = 0xA

    /// Control frames may not be fragmented and carry at most 125 bytes.
    public var isControl: Bool { rawValue & 0x8 != 0 }
}
