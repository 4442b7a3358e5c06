import CZlib
import NIOCore

extension ZStream {
    /// Feeds every readable byte of `input` to a deflate `stream`, then
    /// flushes with `flush` (`Z_SYNC_FLUSH` or `Z_FINISH`), appending all
    /// the output to `output`.
    ///
    /// `output` is sized once from `deflateBound`, so the usual case is a
    /// single allocation and a single `deflate` call.
    static func deflateAll(
        _ stream: UnsafeMutablePointer<z_stream>,
        input: ByteBuffer,
        flush: Int32,
        into output: inout ByteBuffer
    ) throws(ZlibError) {
        // deflateBound covers Z_FINISH; a sync flush marker adds at most 5
        // bytes (plus a partial byte), hence the small margin.
        let bound = Int(deflateBound(stream, uLong(min(input.readableBytes, maximumChunk)))) + 16
        output.reserveCapacity(minimumWritableBytes: bound)
        try input.withUnsafeReadableBytes { (bytes: UnsafeRawBufferPointer) throws(ZlibError) in
            var offset = 0
            repeat {
                let count = min(bytes.count - offset, maximumChunk)
                let isLast = offset + count == bytes.count
                let chunk = UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + count)])
                try deflateChunk(stream, chunk, flush: isLast ? flush : Z_NO_FLUSH, into: &output)
                offset += count
            } while offset < bytes.count
        }
    }

    private static func deflateChunk(
        _ stream: UnsafeMutablePointer<z_stream>,
        _ chunk: UnsafeRawBufferPointer,
        flush: Int32,
        into output: inout ByteBuffer
    ) throws(ZlibError) {
        stream.pointee.next_in = inputPointer(chunk)
        stream.pointee.avail_in = uInt(chunk.count)
        defer {
            stream.pointee.next_in = nil
            stream.pointee.avail_in = 0
            stream.pointee.next_out = nil
            stream.pointee.avail_out = 0
        }
        while true {
            let growth = output.writableBytes > 0 ? 0 : max(1024, output.readableBytes)
            var code = Z_OK
            var produced = 0
            output.writeWithUnsafeMutableBytes(minimumWritableBytes: growth) { space in
                let count = min(space.count, maximumChunk)
                stream.pointee.next_out = space.baseAddress?.assumingMemoryBound(to: Bytef.self)
                stream.pointee.avail_out = uInt(count)
                code = CZlib.deflate(stream, flush)
                produced = count - Int(stream.pointee.avail_out)
                return produced
            }
            switch code {
            case Z_STREAM_END:
                return
            case Z_OK, Z_BUF_ERROR:
                // zlib's contract: the flush is complete once a call returns
                // with output space to spare and no input left.
                let done = stream.pointee.avail_in == 0 && stream.pointee.avail_out > 0
                if done && flush != Z_FINISH { return }
                if code == Z_BUF_ERROR && produced == 0 && stream.pointee.avail_out > 0 {
                    // No progress despite room: cannot happen with a sane stream.
                    throw .zlibFailure(code: code)
                }
            default:
                throw .zlibFailure(code: code)
            }
        }
    }
}
