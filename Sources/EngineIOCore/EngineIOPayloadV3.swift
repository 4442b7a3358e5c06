public import NIOCore

/// The HTTP long-polling payload of Engine.IO v3, text form: each packet is
/// `<length>:<packet>`, a binary packet is `b4` and its base64.
///
/// The length counts the packet's UTF-16 code units, because the reference
/// parser writes and checks JavaScript's `String.length`: `é` counts 1 (two
/// UTF-8 bytes), `😀` counts 2 (four UTF-8 bytes). Clients that count
/// otherwise (python-engineio 3.x counts code points) disagree with the
/// reference server as much as with this one on characters outside the BMP.
///
/// Stricter than the reference where it is lenient by accident: a length
/// must be decimal digits (JavaScript's `Number()` also takes `1e1`, `0x5`
/// or spaces), must not run past the body, and must not cut a character in
/// two; any of these refuses the whole payload.
///
/// ```swift
/// var body = ByteBuffer()
/// EngineIOPayloadV3.appendText(EngineIOPacket(type: .message, text: "héllo"), to: &body)
/// // "6:4héllo"
/// EngineIOPayloadV3.appendText(.binary(ByteBuffer(bytes: [1, 2, 3])), to: &body)
/// // "6:4héllo6:b4AQID"
/// ```
public enum EngineIOPayloadV3 {
    /// Digits a length prefix may have: lengths beyond 10^10 mean nothing
    /// for a body bounded by `maxHttpBufferSize`, and the bound keeps the
    /// arithmetic far from overflow.
    static let maxLengthDigits = 10

    /// Appends `packet` in the text form: `<UTF-16 length>:<type><data>`,
    /// or `<length>:b4<base64>` for a binary packet.
    public static func appendText(_ packet: EngineIOPacket, to buffer: inout ByteBuffer) {
        if packet.isBinary {
            let count = packet.data.readableBytes
            buffer.writeString(String(2 + (count + 2) / 3 * 4))
            buffer.writeInteger(UInt8(ascii: ":"))
            buffer.writeInteger(UInt8(ascii: "b"))
            buffer.writeInteger(EngineIOPacketType.message.asciiDigit)
            Base64.encode(packet.data, into: &buffer)
        } else {
            buffer.writeString(String(1 + utf16Length(of: packet.data)))
            buffer.writeInteger(UInt8(ascii: ":"))
            packet.writeText(into: &buffer)
        }
    }

    /// Encodes packets as one text payload (the reference writes `0:` for none).
    public static func encodeText(_ packets: some Sequence<EngineIOPacket>) -> ByteBuffer {
        var buffer = ByteBuffer()
        for packet in packets { appendText(packet, to: &buffer) }
        if buffer.readableBytes == 0 { buffer.writeString("0:") }
        return buffer
    }

    /// The UTF-16 length of well-formed UTF-8 `text`: one unit per
    /// character, two for a character of four bytes (outside the BMP).
    public static func utf16Length(of text: ByteBuffer) -> Int {
        text.withUnsafeReadableBytes { bytes in
            var units = 0
            for byte in bytes {
                // Lead bytes start a character; 0xF0 and above start a pair.
                if byte & 0xC0 != 0x80 { units += 1 }
                if byte >= 0xF0 { units += 1 }
            }
            return units
        }
    }

    /// Splits a text payload (a POST body that is not
    /// `application/octet-stream`) into packets.
    ///
    /// - Parameter maxPackets: a bound on the packets one payload may carry;
    ///   beyond it the whole payload is refused.
    /// - Throws: on an empty body, invalid UTF-8, a bad length (see the type's
    ///   documentation) or a packet that does not decode; nothing of a
    ///   refused payload is delivered. A packet of length 0 is skipped, as
    ///   the reference skips it.
    public static func decodeText(_ payload: ByteBuffer, maxPackets: Int = .max) throws(EngineIODecodingError) -> [EngineIOPacket] {
        guard payload.readableBytes > 0 else { throw .emptyPacket }
        guard UTF8Validation.isValid(payload) else { throw .invalidUTF8 }
        let base = payload.readerIndex
        let ranges = try payload.withUnsafeReadableBytes { bytes throws(EngineIODecodingError) -> [Range<Int>] in
            var ranges: [Range<Int>] = []
            var index = 0
            while index < bytes.count {
                let (length, colon) = try readLength(in: bytes, from: index)
                let end = try advance(units: length, in: bytes, from: colon + 1)
                if length > 0 {
                    if ranges.count >= maxPackets { throw .tooManyPackets(limit: maxPackets) }
                    ranges.append((colon + 1)..<end)
                }
                index = end
            }
            return ranges
        }
        var packets: [EngineIOPacket] = []
        packets.reserveCapacity(ranges.count)
        for range in ranges {
            packets.append(try decodePacket(payload.getSlice(at: base + range.lowerBound, length: range.count)!))
        }
        return packets
    }

    /// The decimal length starting at `index` and the index of its `:`.
    private static func readLength(in bytes: UnsafeRawBufferPointer, from index: Int) throws(EngineIODecodingError) -> (Int, Int) {
        var value = 0
        var cursor = index
        while cursor < bytes.count, bytes[cursor] != UInt8(ascii: ":") {
            let digit = bytes[cursor] &- UInt8(ascii: "0")
            guard digit < 10, cursor - index < maxLengthDigits else { throw .invalidLength }
            value = value * 10 + Int(digit)
            cursor += 1
        }
        guard cursor < bytes.count, cursor > index else { throw .invalidLength }
        return (value, cursor)
    }

    /// The index just past `units` UTF-16 code units of well-formed UTF-8
    /// starting at `start`.
    private static func advance(units: Int, in bytes: UnsafeRawBufferPointer, from start: Int) throws(EngineIODecodingError) -> Int {
        var counted = 0
        var cursor = start
        while counted < units {
            guard cursor < bytes.count else { throw .invalidLength }
            let lead = bytes[cursor]
            let width = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4
            let needed = width == 4 ? 2 : 1
            // A length that ends between the two halves of a pair names a
            // string UTF-8 cannot carry.
            guard counted + needed <= units else { throw .invalidLength }
            counted += needed
            cursor += width
        }
        return cursor
    }

    /// One v3 packet given as text (in a payload, or a WebSocket text
    /// message): `b4<base64>` (a binary message) or `<type><data>`.
    public static func decodePacket(_ text: ByteBuffer) throws(EngineIODecodingError) -> EngineIOPacket {
        guard text.getInteger(at: text.readerIndex, as: UInt8.self) == UInt8(ascii: "b") else {
            return try EngineIOPacket.decodeText(text)
        }
        guard let type = text.getInteger(at: text.readerIndex + 1, as: UInt8.self) else { throw .emptyPacket }
        guard type == EngineIOPacketType.message.asciiDigit else { throw .unknownPacketType(type) }
        let encoded = text.getSlice(at: text.readerIndex + 2, length: text.readableBytes - 2)!
        guard let bytes = Base64.decode(encoded) else { throw .invalidBase64 }
        return .binary(bytes)
    }
}
