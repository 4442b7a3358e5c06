public import NIOCore

/// One frame as a client sent it (RFC 6455 §5.2): header fields and the
/// payload, still masked, as a slice of the bytes read.
///
/// ```swift
/// var bytes = ByteBuffer(bytes: [0x81, 0x82, 1, 2, 3, 4, 0x35, 0x6B])  // masked text "4i"
/// let frame = try WebSocketFrameParser.next(in: &bytes, maxPayloadLength: 1024)
/// frame?.unmaskedPayload  // "4i"
/// ```
public struct ClientWebSocketFrame: Sendable, Equatable {
    /// The frame opcodes (shared with ``WebSocketFrameWriter``).
    public typealias Opcode = WebSocketFrameOpcode

    /// The last frame of its message.
    public var fin: Bool
    /// RSV1: the message is compressed (permessage-deflate).
    public var rsv1: Bool
    /// RSV2 and RSV3, which no extension here defines.
    public var rsv2: Bool
    public var rsv3: Bool
    public var opcode: Opcode
    /// The masking key, its first byte in the high bits; nil for an
    /// unmasked frame (which a server must refuse).
    public var maskKey: UInt32?
    /// The payload as sent (masked).
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

/// Why a client's bytes are not a frame this server takes.
public enum WebSocketFrameError: Error, Equatable, Sendable {
    /// The payload is over the limit: close with 1009.
    case payloadTooLarge(Int)
    /// A rule of RFC 6455 was broken: close with 1002.
    case protocolError(String)
}

/// Cuts client WebSocket frames out of the bytes read so far.
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
    /// - Throws: ``WebSocketFrameError`` for a payload longer than
    ///   `maxPayloadLength` (as soon as its header says so) or a control
    ///   frame that is fragmented or longer than 125 bytes, an unknown
    ///   opcode, or a 64-bit length with its top bit set.
    public static func next(in buffer: inout ByteBuffer, maxPayloadLength: Int) throws(WebSocketFrameError) -> ClientWebSocketFrame? {
        let start = buffer.readerIndex
        let available = buffer.readableBytes
        guard available >= 2,
              let first = buffer.getInteger(at: start, as: UInt8.self),
              let second = buffer.getInteger(at: start + 1, as: UInt8.self) else { return nil }
        guard let opcode = ClientWebSocketFrame.Opcode(rawValue: first & 0x0F) else {
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
        guard length <= UInt64(maxPayloadLength) else { throw .payloadTooLarge(Int(clamping: length)) }
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
        return ClientWebSocketFrame(
            fin: fin, rsv1: first & 0x40 != 0, rsv2: first & 0x20 != 0, rsv3: first & 0x10 != 0,
            opcode: opcode, maskKey: maskKey, payload: payload
        )
    }
}

extension ByteBuffer {
    /// XORs the readable bytes with the repeating four-byte `key` (its first
    /// byte in the high bits), starting at the key's first byte; eight bytes
    /// at a time (a byte loop was 7-8 % of the server's CPU in the 1 KiB
    /// binary echo benchmark).
    public mutating func applyWebSocketMask(_ key: UInt32) {
        // Byte i of memory must meet key byte i % 4. Read little-endian, the
        // first byte of memory is the lowest: the key's bytes reversed, twice;
        // `littleEndian:` turns that into this host's order.
        let reversed = key.byteSwapped
        let pattern = UInt64(littleEndian: UInt64(reversed) | UInt64(reversed) << 32)
        let keyBytes = key
        withUnsafeMutableReadableBytes { bytes in
            guard let base = bytes.baseAddress else { return }
            let count = bytes.count
            var index = 0
            while index + 8 <= count {
                let value = base.loadUnaligned(fromByteOffset: index, as: UInt64.self)
                base.storeBytes(of: value ^ pattern, toByteOffset: index, as: UInt64.self)
                index += 8
            }
            while index < count {
                bytes[index] ^= UInt8(truncatingIfNeeded: keyBytes >> UInt32(24 - (index & 3) * 8))
                index += 1
            }
        }
    }
}
