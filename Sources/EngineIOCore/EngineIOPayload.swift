public import NIOCore

/// The HTTP long-polling payload of Engine.IO v4: packets joined by the
/// record separator 0x1E; a binary packet is `b` followed by its base64.
///
/// A polling body is never a single binary blob in v4, so one code path
/// serves GET responses and POST bodies alike.
///
/// ```swift
/// let body = ByteBuffer(string: "4hello\u{1e}bAQIDBA==")
/// let packets = try EngineIOPayload.decode(body)
/// // [.message "hello", .binary [1, 2, 3, 4]]
/// ```
public enum EngineIOPayload {
    /// The byte between two packets of a payload.
    public static let recordSeparator: UInt8 = 0x1E

    /// Splits a payload into packets, decoding base64 binary packets.
    ///
    /// - Parameter maxPackets: a bound on the packets one payload may carry,
    ///   so a body of separators cannot make the server build millions of
    ///   empty values; beyond it the whole payload is refused.
    public static func decode(
        _ payload: ByteBuffer,
        maxPackets: Int = .max
    ) throws(EngineIODecodingError) -> [EngineIOPacket] {
        var packets: [EngineIOPacket] = []
        var start = payload.readerIndex
        let end = payload.writerIndex
        while true {
            let separator = payload.withUnsafeReadableBytes { raw -> Int? in
                let offset = start - payload.readerIndex
                guard let found = raw[offset...].firstIndex(of: recordSeparator) else { return nil }
                return payload.readerIndex + found
            }
            let stop = separator ?? end
            if packets.count >= maxPackets { throw .tooManyPackets(limit: maxPackets) }
            packets.append(try decodePacket(payload.getSlice(at: start, length: stop - start) ?? ByteBuffer()))
            guard let separator else { return packets }
            start = separator + 1
        }
    }

    /// Decodes one packet of a payload: text, or `b` and base64.
    static func decodePacket(_ slice: ByteBuffer) throws(EngineIODecodingError) -> EngineIOPacket {
        guard slice.getInteger(at: slice.readerIndex, as: UInt8.self) == UInt8(ascii: "b") else {
            return try EngineIOPacket.decodeText(slice)
        }
        let encoded = slice.getSlice(at: slice.readerIndex + 1, length: slice.readableBytes - 1) ?? ByteBuffer()
        guard let bytes = Base64.decode(encoded) else { throw .invalidBase64 }
        return .binary(bytes)
    }

    /// Appends `packet` to a payload being built, writing the separator
    /// first unless `isFirst`.
    public static func append(_ packet: EngineIOPacket, isFirst: Bool, to buffer: inout ByteBuffer) {
        if !isFirst { buffer.writeInteger(recordSeparator) }
        if packet.isBinary {
            buffer.writeInteger(UInt8(ascii: "b"))
            Base64.encode(packet.data, into: &buffer)
        } else {
            packet.writeText(into: &buffer)
        }
    }

    /// Encodes packets as one payload.
    public static func encode(_ packets: some Sequence<EngineIOPacket>) -> ByteBuffer {
        var buffer = ByteBuffer()
        var first = true
        for packet in packets {
            append(packet, isFirst: first, to: &buffer)
            first = false
        }
        return buffer
    }
}
