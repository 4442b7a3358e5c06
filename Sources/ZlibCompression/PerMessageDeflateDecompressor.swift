import CZlib
public import NIOCore

/// Decompresses permessage-deflate (RFC 7692) WebSocket messages.
///
/// Each call takes the payload of one whole compressed message (all its
/// frames concatenated, RSV1 set on the first), appends `00 00 ff ff` as
/// section 7.2.2 requires, and inflates it with a hard cap on the result:
/// the zip-bomb defence. A payload of a few kilobytes can expand to
/// gigabytes, so the cap is enforced while inflating, not afterwards.
///
/// **Memory.** Inflate state is about 7 KiB plus a window of
/// `2^windowBits` bytes (32 KiB for 15), allocated on the first non-empty
/// message, so a connection that never sends a compressed message costs
/// nothing. Two ways to use it on a server:
/// - peers that agreed to `client_no_context_takeover` send independent
///   messages, so *one* decompressor per event loop created with
///   `noContextTakeover: true` can serve all of them (it resets before
///   every message, so one peer's data can never be referenced by another);
/// - peers that keep context need their own decompressor, created lazily
///   when they negotiated deflate.
///
/// After an error the history is dropped; the connection should be failed
/// (close code 1007 for `invalidData`, 1009 for `sizeLimitExceeded`).
///
/// Not `Sendable`: use it from one event loop (thread) only.
///
/// ```swift
/// let inflater = PerMessageDeflateDecompressor(parameters: agreement.clientToServer)
/// let text = try inflater.decompress(framePayload, maximumSize: 1_000_000)
/// ```
public final class PerMessageDeflateDecompressor {
    /// The window size (base-2 logarithm) the peer agreed to compress with.
    public let windowBits: Int

    /// Whether the peer compresses every message from a fresh context, so
    /// that history can be dropped between messages.
    public let noContextTakeover: Bool

    private var stream: UnsafeMutablePointer<z_stream>?
    private var hasHistory = false

    private static let emptyStoredBlock = ByteBuffer(bytes: [0x00, 0x00, 0xFF, 0xFF])

    /// Creates a decompressor. No zlib memory is allocated until the first
    /// non-empty message.
    ///
    /// - Parameters:
    ///   - windowBits: the peer's agreed maximum window, 8 ... 15. The
    ///     inflater uses at least 9: zlib compressors asked for 8 really use
    ///     a 512-byte window, and a larger inflate window is always safe.
    ///   - noContextTakeover: `true` only if the peer agreed to
    ///     no context takeover (or to share the decompressor between
    ///     peers that did). `false` is always correct for one peer.
    public init(windowBits: Int = 15, noContextTakeover: Bool = false) {
        precondition((8...15).contains(windowBits), "windowBits must be 8...15")
        self.windowBits = windowBits
        self.noContextTakeover = noContextTakeover
    }

    /// Creates a decompressor for a negotiated direction, e.g.
    /// `agreement.clientToServer` on a server.
    public convenience init(parameters: PerMessageDeflateParameters) {
        self.init(windowBits: parameters.maxWindowBits, noContextTakeover: parameters.noContextTakeover)
    }

    deinit {
        if let stream { ZStream.destroyInflater(stream) }
    }

    /// Whether the zlib state has been allocated (for memory diagnostics).
    public var isStreamAllocated: Bool { stream != nil }

    /// Inflates the payload of one whole compressed message.
    ///
    /// An empty payload is an empty message. A payload that ends with a
    /// BFINAL block, or holds more blocks after one, is accepted (sections
    /// 7.2.3.4 and 7.2.1).
    ///
    /// - Parameters:
    ///   - message: the concatenated payload of the message's frames.
    ///   - maximumSize: the largest acceptable decompressed size in bytes;
    ///     the returned buffer never holds more.
    /// - Throws: `ZlibError.sizeLimitExceeded` as soon as the output would
    ///   exceed `maximumSize`; `ZlibError.invalidData` for corrupt or
    ///   truncated data; `ZlibError.zlibFailure` if zlib cannot allocate.
    public func decompress(
        _ message: ByteBuffer,
        maximumSize: Int,
        allocator: ByteBufferAllocator = ByteBufferAllocator()
    ) throws(ZlibError) -> ByteBuffer {
        let capacity =
            message.readableBytes <= 1
            ? 0 : ZStream.initialOutputCapacity(compressedSize: message.readableBytes, limit: maximumSize)
        var output = allocator.buffer(capacity: capacity)
        try self.decompress(message, maximumSize: maximumSize, appendingTo: &output)
        return output
    }

    /// `decompress(_:maximumSize:allocator:)` into a caller-provided buffer,
    /// which is left as it was at the failure point if an error is thrown
    /// (lets tests observe how much memory a rejected message used).
    /// `output` must start empty.
    func decompress(
        _ message: ByteBuffer,
        maximumSize: Int,
        appendingTo output: inout ByteBuffer
    ) throws(ZlibError) {
        precondition(maximumSize >= 0, "maximumSize must not be negative")
        precondition(output.readableBytes == 0, "output must start empty")
        // Empty payload, or `00`: the empty message of section 7.2.3.6 (an
        // empty stored block once the tail is appended). Neither produces
        // output nor changes the window, so the zlib state is not needed.
        let firstByte = message.getInteger(at: message.readerIndex, as: UInt8.self)
        guard message.readableBytes > 1 || (firstByte ?? 0) != 0 else { return }
        let stream = try self.readyStream()
        do {
            try Self.inflateMessage(stream, message: message, into: &output, limit: maximumSize)
        } catch {
            // The history may be half-updated: drop it. A later message that
            // refers to it fails cleanly ("distance too far back") rather
            // than decoding to the wrong bytes.
            inflateReset(stream)
            self.hasHistory = false
            throw error
        }
        self.hasHistory = true
    }

    /// Forgets all history and keeps the zlib memory for reuse.
    public func reset() {
        if let stream, hasHistory {
            inflateReset(stream)
        }
        hasHistory = false
    }

    private func readyStream() throws(ZlibError) -> UnsafeMutablePointer<z_stream> {
        if let stream {
            if noContextTakeover && hasHistory {
                inflateReset(stream)
                hasHistory = false
            }
            return stream
        }
        let stream = try ZStream.makeInflater(windowBits: -Int32(max(9, windowBits)))
        self.stream = stream
        return stream
    }

    /// Inflates `message` followed by `00 00 ff ff`.
    private static func inflateMessage(
        _ stream: UnsafeMutablePointer<z_stream>,
        message: ByteBuffer,
        into output: inout ByteBuffer,
        limit: Int
    ) throws(ZlibError) {
        var endedWithFinalBlock = false
        try message.withUnsafeReadableBytes { (bytes: UnsafeRawBufferPointer) throws(ZlibError) in
            var offset = 0
            while offset < bytes.count {
                let count = min(bytes.count - offset, ZStream.maximumChunk)
                let chunk = UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + count)])
                switch try ZStream.pump(stream, input: chunk, into: &output, limit: limit) {
                case .inputConsumed:
                    offset += count
                    endedWithFinalBlock = false
                case .streamEnded(let remaining):
                    // A BFINAL block: more blocks may follow in this message.
                    try ZStream.restartInflaterKeepingWindow(stream)
                    offset += count - remaining
                    endedWithFinalBlock = true
                }
            }
        }
        // After a BFINAL block that ends the payload, the appended bytes would
        // start a bogus block: the message is complete without them. The
        // same holds when the payload already ends on a byte-aligned block
        // boundary (a sender that did not strip its own `00 00 ff ff`).
        if endedWithFinalBlock || Self.isAtAlignedBlockBoundary(stream) { return }
        try Self.emptyStoredBlock.withUnsafeReadableBytes { (tail: UnsafeRawBufferPointer) throws(ZlibError) in
            switch try ZStream.pump(stream, input: tail, into: &output, limit: limit) {
            case .inputConsumed:
                // If inflate did not stop between blocks, the payload ended
                // inside a block (truncated) and swallowed the appended bytes.
                guard Self.isAtAlignedBlockBoundary(stream) else {
                    throw .invalidData(reason: "message ends inside a DEFLATE block")
                }
            case .streamEnded:
                try ZStream.restartInflaterKeepingWindow(stream)
            }
        }
    }

    /// Whether inflate stopped between two blocks with no unused bits
    /// buffered: zlib sets bit 7 of `data_type` at a block boundary and
    /// stores the number of unused bits in the low bits.
    private static func isAtAlignedBlockBoundary(_ stream: UnsafeMutablePointer<z_stream>) -> Bool {
        let dataType = stream.pointee.data_type
        return dataType & 128 != 0 && dataType & 63 == 0
    }
}

@available(*, unavailable, message: "a decompressor owns mutable zlib state; keep it on one event loop")
extension PerMessageDeflateDecompressor: Sendable {}
