public import NIOCore

/// Engine.IO v3 frames of a binary message: the reference v3 parser puts
/// the packet type byte (4, not the digit) in front of the data of a binary
/// WebSocket message, or, for a client that asked for base64 (`b64`), sends
/// the message as the text `b4<base64>`.
///
/// ```swift
/// WebSocketFrameWriter.v3BinaryMessageFrame(ByteBuffer(bytes: [1, 2]), base64: false)
/// // 82 03 04 01 02
/// WebSocketFrameWriter.v3BinaryMessageFrame(ByteBuffer(bytes: [1, 2]), base64: true)
/// // 81 06 "b4AQI="
/// ```
extension WebSocketFrameWriter {
    /// The whole frame of a v3 binary message carrying `data`.
    public static func v3BinaryMessageFrame(_ data: ByteBuffer, base64: Bool) -> ByteBuffer {
        let count = data.readableBytes
        var out = ByteBuffer()
        if base64 {
            let length = 2 + (count + 2) / 3 * 4
            out.reserveCapacity(headerLength(payloadLength: length) + length)
            writeHeader(opcode: .text, payloadLength: length, into: &out)
            out.writeInteger(UInt8(ascii: "b"))
            out.writeInteger(EngineIOPacketType.message.asciiDigit)
            Base64.encode(data, into: &out)
        } else {
            out.reserveCapacity(headerLength(payloadLength: count + 1) + count + 1)
            writeHeader(opcode: .binary, payloadLength: count + 1, into: &out)
            out.writeInteger(EngineIOPacketType.message.rawValue)
            out.writeImmutableBuffer(data)
        }
        return out
    }
}
