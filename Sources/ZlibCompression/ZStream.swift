import CZlib

/// Lifecycle helpers for a heap-allocated `z_stream`.
///
/// zlib keeps a back-pointer to the `z_stream` inside its private state and
/// (since 1.2.9) refuses to work if the struct has moved, so the struct must
/// live at a fixed address for its whole life. A Swift stored property gives
/// no such guarantee; a pointer we allocate ourselves does.
enum ZStream {
    /// Largest chunk handed to zlib in one call: `avail_in` / `avail_out` are
    /// 32-bit, so anything bigger is fed in pieces.
    static let maximumChunk = 1 << 30

    /// Allocates and initialises a deflate stream.
    ///
    /// - Parameters:
    ///   - windowBits: zlib's convention: -9 ... -15 raw deflate, 9 ... 15
    ///     zlib format, 25 ... 31 gzip.
    static func makeDeflater(
        level: Int32,
        windowBits: Int32,
        memoryLevel: Int32
    ) throws(ZlibError) -> UnsafeMutablePointer<z_stream> {
        let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        let code = deflateInit2_(
            stream, level, Z_DEFLATED, windowBits, memoryLevel, Z_DEFAULT_STRATEGY,
            ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)
        )
        guard code == Z_OK else {
            stream.deinitialize(count: 1)
            stream.deallocate()
            throw .zlibFailure(code: code)
        }
        return stream
    }

    /// Allocates and initialises an inflate stream (same `windowBits`
    /// convention as `makeDeflater`, plus 47 for "zlib or gzip").
    static func makeInflater(windowBits: Int32) throws(ZlibError) -> UnsafeMutablePointer<z_stream> {
        let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        let code = inflateInit2_(stream, windowBits, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        guard code == Z_OK else {
            stream.deinitialize(count: 1)
            stream.deallocate()
            throw .zlibFailure(code: code)
        }
        return stream
    }

    /// Frees zlib's state and the `z_stream` itself.
    static func destroyDeflater(_ stream: UnsafeMutablePointer<z_stream>) {
        deflateEnd(stream)
        stream.deinitialize(count: 1)
        stream.deallocate()
    }

    /// Frees zlib's state and the `z_stream` itself.
    static func destroyInflater(_ stream: UnsafeMutablePointer<z_stream>) {
        inflateEnd(stream)
        stream.deinitialize(count: 1)
        stream.deallocate()
    }

    /// zlib's message for the last error on `stream`, or a fallback.
    static func lastMessage(_ stream: UnsafeMutablePointer<z_stream>, fallback: String) -> String {
        guard let message = stream.pointee.msg else { return fallback }
        return String(cString: message)
    }

    /// `Bytef *` for zlib's `next_in`, which is not `const` in zlib's headers
    /// (zlib never writes through it).
    static func inputPointer(_ bytes: UnsafeRawBufferPointer) -> UnsafeMutablePointer<Bytef>? {
        guard let base = bytes.baseAddress else { return nil }
        return UnsafeMutablePointer(mutating: base.assumingMemoryBound(to: Bytef.self))
    }
}
