public import NIOCore

/// The binary form of the Engine.IO v3 polling payload
/// (`application/octet-stream`): for each packet, a kind byte (0 text,
/// 1 binary), its length in decimal with one byte per digit (values 0-9),
/// the byte 0xFF, then the packet: a text packet as UTF-8 (`4hello`), a
/// binary one as its type byte and the data (`04 01 02 03`).
///
/// Who uses it: clients that can take binary (no `b64` query parameter at
/// the handshake) get it from the server whenever a payload holds a binary
/// packet; python-engineio 3.x always POSTs it. The length counts bytes.
///
/// ```swift
/// var body = ByteBuffer()
/// EngineIOPayloadV3.appendBinary(EngineIOPacket(type: .message, text: "hi"), to: &body)
/// // 00 03 ff 34 68 69
/// EngineIOPayloadV3.appendBinary(.binary(ByteBuffer(bytes: [1, 2, 3])), to: &body)
/// // ... 01 04 ff 04 01 02 03
/// ```
extension EngineIOPayloadV3 {
    /// The byte that ends a length.
    static let lengthEnd: UInt8 = 0xFF

    /// Appends `packet` in the binary form.
    public static func appendBinary(_ packet: EngineIOPacket, to buffer: inout ByteBuffer) {
        let length = 1 + packet.data.readableBytes
        buffer.writeInteger(UInt8(packet.isBinary ? 1 : 0))
        for digit in String(length).utf8 { buffer.writeInteger(digit &- UInt8(ascii: "0")) }
        buffer.writeInteger(lengthEnd)
        if packet.isBinary {
            buffer.writeInteger(EngineIOPacketType.message.rawValue)
            var data = packet.data
            buffer.writeBuffer(&data)
        } else {
            packet.writeText(into: &buffer)
        }
    }

    /// Encodes packets as one binary payload.
    public static func encodeBinary(_ packets: some Sequence<EngineIOPacket>) -> ByteBuffer {
        var buffer = ByteBuffer()
        for packet in packets { appendBinary(packet, to: &buffer) }
        return buffer
    }

    /// Splits a binary payload (a POST body sent as
    /// `application/octet-stream`) into packets.
    ///
    /// - Throws: on an empty body, a kind byte other than 0 or 1, a length
    ///   that is not digits ended by 0xFF or runs past the body, invalid
    ///   UTF-8 in a text packet, a binary packet whose type is not a message,
    ///   or more than `maxPackets` packets; nothing of a refused payload is
    ///   delivered.
    public static func decodeBinary(_ payload: ByteBuffer, maxPackets: Int = .max) throws(EngineIODecodingError) -> [EngineIOPacket] {
        guard payload.readableBytes > 0 else { throw .emptyPacket }
        var packets: [EngineIOPacket] = []
        var rest = payload
        while rest.readableBytes > 0 {
            if packets.count >= maxPackets { throw .tooManyPackets(limit: maxPackets) }
            guard let kind = rest.readInteger(as: UInt8.self), kind <= 1 else { throw .invalidLength }
            let length = try readBinaryLength(&rest)
            guard let body = rest.readSlice(length: length) else { throw .invalidLength }
            packets.append(kind == 1 ? try decodeBinaryPacket(body) : try decodeTextPacket(body))
        }
        return packets
    }

    /// Digits (bytes 0-9) up to the 0xFF that ends them.
    private static func readBinaryLength(_ rest: inout ByteBuffer) throws(EngineIODecodingError) -> Int {
        var value = 0
        var digits = 0
        while true {
            guard let byte = rest.readInteger(as: UInt8.self) else { throw .invalidLength }
            if byte == lengthEnd { break }
            guard byte < 10, digits < maxLengthDigits else { throw .invalidLength }
            value = value * 10 + Int(byte)
            digits += 1
        }
        guard digits > 0 else { throw .invalidLength }
        return value
    }

    private static func decodeTextPacket(_ body: ByteBuffer) throws(EngineIODecodingError) -> EngineIOPacket {
        guard UTF8Validation.isValid(body) else { throw .invalidUTF8 }
        return try decodePacket(body)
    }

    /// A binary packet of a binary payload or a binary WebSocket message of
    /// v3: the type byte, which must be a message's (4), then the data.
    public static func decodeBinaryPacket(_ body: ByteBuffer) throws(EngineIODecodingError) -> EngineIOPacket {
        guard let type = body.getInteger(at: body.readerIndex, as: UInt8.self) else { throw .emptyPacket }
        guard type == EngineIOPacketType.message.rawValue else { throw .unknownPacketType(type) }
        return .binary(body.getSlice(at: body.readerIndex + 1, length: body.readableBytes - 1)!)
    }
}
