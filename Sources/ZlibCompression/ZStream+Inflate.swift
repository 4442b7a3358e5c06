import CZlib
import NIOCore

extension ZStream {
    /// What a call to `pump` ended with.
    enum PumpOutcome {
        /// All input was consumed and all output it produced was delivered.
        case inputConsumed
        /// zlib hit the end of a deflate stream (a block with BFINAL set, or
        /// the zlib / gzip trailer) with `remainingInput` bytes not consumed.
        case streamEnded(remainingInput: Int)
    }

    /// Inflates `input` into `output`, never letting `output` hold more than
    /// `limit` readable bytes.
    ///
    /// The zip-bomb defence: zlib is only ever given as much output space as
    /// the remaining budget, so an oversized result is detected by a 1-byte
    /// probe *after* the budget is used up, never by allocating past it.
    /// (`output`'s capacity is at most NIO's power-of-two rounding of `limit`.)
    static func pump(
        _ stream: UnsafeMutablePointer<z_stream>,
        input: UnsafeRawBufferPointer,
        into output: inout ByteBuffer,
        limit: Int
    ) throws(ZlibError) -> PumpOutcome {
        stream.pointee.next_in = inputPointer(input)
        stream.pointee.avail_in = uInt(input.count)
        defer {
            stream.pointee.next_in = nil
            stream.pointee.avail_in = 0
            stream.pointee.next_out = nil
            stream.pointee.avail_out = 0
        }
        while true {
            let budget = limit - output.readableBytes
            var code = Z_OK
            if budget <= 0 {
                var probe: UInt8 = 0
                code = withUnsafeMutablePointer(to: &probe) { pointer in
                    stream.pointee.next_out = pointer
                    stream.pointee.avail_out = 1
                    return CZlib.inflate(stream, Z_SYNC_FLUSH)
                }
                if stream.pointee.avail_out == 0 {
                    throw .sizeLimitExceeded(limit: limit)
                }
            } else {
                if output.writableBytes == 0 {
                    output.reserveCapacity(minimumWritableBytes: min(budget, max(output.capacity, 512)))
                }
                output.writeWithUnsafeMutableBytes(minimumWritableBytes: 0) { space in
                    let count = min(space.count, budget, maximumChunk)
                    stream.pointee.next_out = space.baseAddress?.assumingMemoryBound(to: Bytef.self)
                    stream.pointee.avail_out = uInt(count)
                    code = CZlib.inflate(stream, Z_SYNC_FLUSH)
                    return count - Int(stream.pointee.avail_out)
                }
            }
            switch code {
            case Z_STREAM_END:
                return .streamEnded(remainingInput: Int(stream.pointee.avail_in))
            case Z_OK, Z_BUF_ERROR:
                if stream.pointee.avail_in == 0 && stream.pointee.avail_out > 0 {
                    return .inputConsumed
                }
                if code == Z_BUF_ERROR && stream.pointee.avail_out > 0 {
                    // Input left and room left but no progress: cannot happen.
                    throw .zlibFailure(code: code)
                }
            // Otherwise the output space ran out: loop for more.
            case Z_DATA_ERROR, Z_NEED_DICT:
                throw .invalidData(reason: lastMessage(stream, fallback: "corrupt deflate data"))
            default:
                throw .zlibFailure(code: code)
            }
        }
    }

    /// Restarts a raw inflate stream after the end of a deflate stream (a
    /// BFINAL block) while keeping its sliding window, so that later blocks
    /// (RFC 7692 section 7.2.1: "the next DEFLATE block follows") and later
    /// messages (context takeover) may still refer back to earlier data.
    static func restartInflaterKeepingWindow(_ stream: UnsafeMutablePointer<z_stream>) throws(ZlibError) {
        let capacity = 1 << 15  // zlib: "32768 bytes is always enough"
        let window = UnsafeMutablePointer<Bytef>.allocate(capacity: capacity)
        defer { window.deallocate() }
        var length: uInt = 0
        var code = inflateGetDictionary(stream, window, &length)
        guard code == Z_OK else { throw .zlibFailure(code: code) }
        code = inflateReset(stream)
        guard code == Z_OK else { throw .zlibFailure(code: code) }
        if length > 0 {
            code = inflateSetDictionary(stream, window, length)
            guard code == Z_OK else { throw .zlibFailure(code: code) }
        }
    }

    /// A first guess for the output buffer: enough for typical JSON ratios
    /// (the buffer doubles if not), never more than the limit.
    static func initialOutputCapacity(compressedSize: Int, limit: Int) -> Int {
        let guess = compressedSize > (Int.max / 3) ? Int.max : max(512, compressedSize * 3)
        return max(0, min(limit, guess))
    }
}
