import CZlib
public import NIOCore

/// Compresses WebSocket messages for permessage-deflate (RFC 7692).
///
/// Each call turns one whole message into the payload of a compressed
/// message (the frame with RSV1 set): raw DEFLATE, flushed with
/// `Z_SYNC_FLUSH`, with the trailing `00 00 ff ff` removed (section 7.2.1).
///
/// **Sharing.** With `noContextTakeover` (the default, and what
/// `PerMessageDeflateNegotiation` always agrees to on the server) every
/// message starts from a fresh context, so the same message always produces
/// the same bytes whoever it is for. A server therefore keeps *one*
/// compressor per event loop, compresses a broadcast once and writes the
/// same payload to every session that negotiated deflate with a
/// `serverToClient.maxWindowBits` of at least this compressor's `windowBits`
/// (sessions with a smaller window, which browsers never ask for, can be
/// sent the message uncompressed: RSV1 is per message). No per-connection
/// compressor is needed, which matters at 20,000 connections: one deflate
/// state costs about `2^(windowBits+2) + 2^(memoryLevel+9)` bytes, 256 KiB
/// with the defaults.
///
/// The zlib state is allocated on the first non-empty message, so an idle
/// compressor costs a few words.
///
/// Not `Sendable`: use it from one event loop (thread) only.
///
/// ```swift
/// let compressor = PerMessageDeflateCompressor()   // one per event loop
/// let payload = try compressor.compress(ByteBuffer(string: "42[\"chat\",\"hi\"]"))
/// // write a text frame with rsv1 = true and `payload` as its data,
/// // to every session whose agreement allows it
/// ```
public final class PerMessageDeflateCompressor {
    /// How a compressor compresses. Values are validated when the
    /// compressor is created.
    public struct Configuration: Sendable, Hashable {
        /// LZ77 window, base-2 logarithm, 9 ... 15. Must not exceed the
        /// peer's agreed maximum (`PerMessageDeflateParameters.maxWindowBits`
        /// of the direction this compressor sends in). 8 is not possible:
        /// zlib refuses a 256-byte window for raw deflate since 1.2.9 (older
        /// versions silently used 512 bytes, producing distances a strict
        /// 8-bit peer rejects), so negotiation never agrees to 8 for our
        /// own compressor.
        public var windowBits: Int

        /// Compress every message from a fresh context (no back references
        /// into earlier messages). Required for sharing one compressor
        /// between connections and for identical output per message.
        /// `false` gives better ratios for streams of similar messages but
        /// needs one compressor per connection.
        public var noContextTakeover: Bool

        /// zlib level, 0 (store) ... 9 (best). Default 1 (`Z_BEST_SPEED`):
        /// Socket.IO messages are small JSON where most of the gain comes
        /// from Huffman coding and short repeats, which level 1 already
        /// finds; higher levels cost 2-3x the CPU on the event loop for a
        /// few percent fewer bytes.
        public var level: Int

        /// zlib memLevel, 1 ... 9: size of the match-finding hash table.
        /// Default 8 (zlib's default): cheap because the compressor is
        /// shared per event loop rather than kept per connection.
        public var memoryLevel: Int

        /// Creates a configuration; see the properties for the defaults.
        public init(windowBits: Int = 15, noContextTakeover: Bool = true, level: Int = 1, memoryLevel: Int = 8) {
            self.windowBits = windowBits
            self.noContextTakeover = noContextTakeover
            self.level = level
            self.memoryLevel = memoryLevel
        }

        /// The configuration for sending in a negotiated direction, e.g.
        /// `agreement.serverToClient` on a server. The negotiation helpers
        /// never agree to a window of 8 for our own compressor, so the
        /// result is always a valid configuration for them.
        public init(parameters: PerMessageDeflateParameters, level: Int = 1, memoryLevel: Int = 8) {
            self.init(
                windowBits: parameters.maxWindowBits,
                noContextTakeover: parameters.noContextTakeover,
                level: level,
                memoryLevel: memoryLevel
            )
        }
    }

    /// Socket.IO's (and `ws`'s) default: messages shorter than this many
    /// bytes are not worth compressing (the DEFLATE overhead and the CPU
    /// outweigh the saving). The caller applies it; the compressor
    /// compresses whatever it is given.
    public static let recommendedThreshold = 1024

    /// The configuration this compressor was created with.
    public let configuration: Configuration

    private var stream: UnsafeMutablePointer<z_stream>?
    private var hasHistory = false

    /// Creates a compressor. No zlib memory is allocated until the first
    /// non-empty message.
    ///
    /// - Precondition: `windowBits` in 9 ... 15, `level` in 0 ... 9,
    ///   `memoryLevel` in 1 ... 9.
    public init(configuration: Configuration = Configuration()) {
        precondition((9...15).contains(configuration.windowBits), "windowBits must be 9...15")
        precondition((0...9).contains(configuration.level), "level must be 0...9")
        precondition((1...9).contains(configuration.memoryLevel), "memoryLevel must be 1...9")
        self.configuration = configuration
    }

    deinit {
        if let stream { ZStream.destroyDeflater(stream) }
    }

    /// The LZ77 window this compressor uses: its output is valid for any
    /// peer that agreed to at least this many window bits.
    public var windowBits: Int { configuration.windowBits }

    /// Whether the zlib state has been allocated (for memory diagnostics).
    public var isStreamAllocated: Bool { stream != nil }

    /// Compresses one whole message into a permessage-deflate payload.
    ///
    /// An empty message becomes the single byte `00` (RFC 7692 section
    /// 7.2.3.6) without touching the zlib state.
    ///
    /// - Throws: `ZlibError.zlibFailure` if zlib cannot allocate its state.
    public func compress(
        _ message: ByteBuffer,
        allocator: ByteBufferAllocator = ByteBufferAllocator()
    ) throws(ZlibError) -> ByteBuffer {
        guard message.readableBytes > 0 else {
            var empty = allocator.buffer(capacity: 1)
            empty.writeInteger(UInt8(0))
            return empty
        }
        let stream = try self.readyStream()
        var output = allocator.buffer(capacity: 0)
        do {
            try ZStream.deflateAll(stream, input: message, flush: Z_SYNC_FLUSH, into: &output)
        } catch {
            // Whatever state zlib is in, a fresh context is always valid.
            deflateReset(stream)
            self.hasHistory = false
            throw error
        }
        self.hasHistory = true
        guard output.readableBytes >= 4,
            output.getInteger(at: output.writerIndex - 4, as: UInt32.self) == 0x0000_FFFF
        else {
            // Z_SYNC_FLUSH always ends with an empty stored block.
            throw .zlibFailure(code: Z_STREAM_ERROR)
        }
        output.moveWriterIndex(to: output.writerIndex - 4)
        return output
    }

    /// Forgets all history: the next message is compressed from a fresh
    /// context. Always safe (the peer simply sees no back references).
    /// Keeps the zlib memory for reuse.
    public func reset() {
        if let stream, hasHistory {
            deflateReset(stream)
        }
        hasHistory = false
    }

    private func readyStream() throws(ZlibError) -> UnsafeMutablePointer<z_stream> {
        if let stream {
            if configuration.noContextTakeover && hasHistory {
                deflateReset(stream)
                hasHistory = false
            }
            return stream
        }
        let stream = try ZStream.makeDeflater(
            level: Int32(configuration.level),
            windowBits: -Int32(configuration.windowBits),
            memoryLevel: Int32(configuration.memoryLevel)
        )
        self.stream = stream
        return stream
    }
}

@available(*, unavailable, message: "a compressor owns mutable zlib state; keep it on one event loop")
extension PerMessageDeflateCompressor: Sendable {}
