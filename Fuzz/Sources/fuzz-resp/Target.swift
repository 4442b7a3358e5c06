import FuzzSupport
import NIOCore
import RedisClient

/// The RESP decoder (what a Redis server, or anyone posing as one, sends):
/// a value read whole is the value read a byte at a time; it re-encodes to
/// bytes that decode to the same value; bad input is an error, never a
/// crash; the limits bound what is accepted.
func fuzzOne(_ input: UnsafeRawBufferPointer) -> CInt {
    let limits = RESPDecoderLimits(maxBulkLength: 1 << 16, maxArrayCount: 1024, maxDepth: 8)
    let decoder = RESPDecoder(limits: limits)
    var whole = ByteBuffer(bytes: input)
    guard let value = try? decoder.decode(&whole) else { return 0 }
    // Fed in two pieces, at every tenth split: the same value (or, before the end, "more").
    let total = input.count - whole.readableBytes
    var split = 0
    while split < total {
        var first = ByteBuffer(bytes: input[0..<split])
        do {
            let early = try decoder.decode(&first)
            require(early == nil, "a value from a strict prefix at \(split)")
        } catch {
            require(false, "an error for a strict prefix at \(split) of a valid value: \(error)")
        }
        var rest = ByteBuffer(bytes: input[0..<total])
        require((try? decoder.decode(&rest)) == .some(value), "the same bytes decode differently")
        split += max(1, total / 10)
    }
    var encoded = ByteBuffer()
    RESPEncoder.write(value, into: &encoded)
    var again = encoded
    let decodedAgain = try? decoder.decode(&again)
    require(decodedAgain == .some(value), "decode(encode(v)) != v for \(value)")
    return 0
}
