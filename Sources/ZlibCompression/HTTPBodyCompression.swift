import CZlib
public import NIOCore

/// One-shot gzip / deflate for HTTP bodies (Engine.IO long-polling
/// responses), in the formats Node's `zlib.createGzip()` and
/// `zlib.createDeflate()` produce, which is what the reference engine.io
/// server sends.
///
/// ```swift
/// if body.readableBytes >= HTTPBodyCompression.recommendedThreshold,
///    let encoding = HTTPBodyCompression.preferredEncoding(acceptEncoding: request.headers["Accept-Encoding"]) {
///     body = try HTTPBodyCompression.compress(body, encoding: encoding)
///     headers.replaceOrAdd(name: "Content-Encoding", value: encoding.contentEncodingHeaderValue)
/// }
/// ```
public enum HTTPBodyCompression {
    /// A `Content-Encoding` this module produces.
    public enum Encoding: String, Sendable, Hashable, CaseIterable {
        /// RFC 1952 gzip: 10-byte header (`1f 8b 08 ...`), DEFLATE data,
        /// CRC-32 and length trailer.
        case gzip
        /// RFC 9110's "deflate", which is the RFC 1950 zlib format
        /// (2-byte header `78 ..`, DEFLATE data, Adler-32), not raw DEFLATE.
        case deflate

        /// The token for the `Content-Encoding` header.
        public var contentEncodingHeaderValue: String { rawValue }

        /// zlib's windowBits: 15 + 16 selects the gzip wrapper, 15 the zlib one.
        var zlibWindowBits: Int32 {
            switch self {
            case .gzip: return 15 + 16
            case .deflate: return 15
            }
        }
    }

    /// engine.io's default `httpCompression.threshold`: bodies shorter than
    /// this are sent as they are. The caller applies it.
    public static let recommendedThreshold = 1024

    /// zlib's default level (6), the one Node uses. Unlike WebSocket
    /// messages, polling bodies are batches (larger, more repetitive) and
    /// each is compressed once, so the better ratio is worth the CPU.
    public static let defaultLevel = 6

    /// Compresses a whole body.
    ///
    /// Allocates a fresh zlib state per call (about 256 KiB, freed before
    /// returning); long-polling is the fallback transport, so simplicity
    /// wins over pooling here.
    ///
    /// - Parameter level: 0 ... 9.
    /// - Throws: `ZlibError.zlibFailure` if zlib cannot allocate its state.
    public static func compress(
        _ body: ByteBuffer,
        encoding: Encoding,
        level: Int = defaultLevel,
        allocator: ByteBufferAllocator = ByteBufferAllocator()
    ) throws(ZlibError) -> ByteBuffer {
        precondition((0...9).contains(level), "level must be 0...9")
        let stream = try ZStream.makeDeflater(
            level: Int32(level),
            windowBits: encoding.zlibWindowBits,
            memoryLevel: 8
        )
        defer { ZStream.destroyDeflater(stream) }
        var output = allocator.buffer(capacity: 0)
        try ZStream.deflateAll(stream, input: body, flush: Z_FINISH, into: &output)
        return output
    }

    /// Decompresses a whole body (for the client side), refusing to produce
    /// more than `maximumSize` bytes.
    ///
    /// - Throws: `ZlibError.invalidData` for a corrupt or truncated body or
    ///   trailing bytes after it; `ZlibError.sizeLimitExceeded`.
    public static func decompress(
        _ body: ByteBuffer,
        encoding: Encoding,
        maximumSize: Int,
        allocator: ByteBufferAllocator = ByteBufferAllocator()
    ) throws(ZlibError) -> ByteBuffer {
        precondition(maximumSize >= 0, "maximumSize must not be negative")
        let stream = try ZStream.makeInflater(windowBits: encoding.zlibWindowBits)
        defer { ZStream.destroyInflater(stream) }
        var output = allocator.buffer(
            capacity: ZStream.initialOutputCapacity(compressedSize: body.readableBytes, limit: maximumSize)
        )
        var ended = false
        try body.withUnsafeReadableBytes { (bytes: UnsafeRawBufferPointer) throws(ZlibError) in
            var offset = 0
            repeat {
                let count = min(bytes.count - offset, ZStream.maximumChunk)
                let chunk = UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + count)])
                switch try ZStream.pump(stream, input: chunk, into: &output, limit: maximumSize) {
                case .inputConsumed:
                    offset += count
                case .streamEnded(let remaining):
                    guard remaining == 0, offset + count == bytes.count else {
                        throw .invalidData(reason: "trailing bytes after the compressed body")
                    }
                    offset += count
                    ended = true
                }
            } while offset < bytes.count
        }
        guard ended else { throw .invalidData(reason: "truncated compressed body") }
        return output
    }
}
