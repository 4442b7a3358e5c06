import NIOCore
import RedisClient

/// The bytes of `text`, with `\r\n` spelled as in RESP docs.
func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

/// A bulk string value of `text`.
func bulk(_ text: String) -> RedisValue { .bulkString(ByteBuffer(string: text)) }

/// Decodes every value of `input`, fed whole.
func decodeAll(_ input: [UInt8], limits: RESPDecoderLimits = .default) throws -> [RedisValue] {
    var buffer = ByteBuffer(bytes: input)
    var values: [RedisValue] = []
    let decoder = RESPDecoder(limits: limits)
    while let value = try decoder.decode(&buffer) { values.append(value) }
    return values
}

/// Feeds `input` in two reads split at `offset`, as a socket may deliver it,
/// decoding after each read; returns the values and the bytes left over.
func decodeSplit(_ input: [UInt8], at offset: Int) throws -> (values: [RedisValue], left: Int) {
    var buffer = ByteBuffer()
    var values: [RedisValue] = []
    let decoder = RESPDecoder()
    for part in [input[..<offset], input[offset...]] {
        buffer.writeBytes(part)
        while let value = try decoder.decode(&buffer) { values.append(value) }
    }
    return (values, buffer.readableBytes)
}
