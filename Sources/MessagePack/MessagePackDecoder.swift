public import NIOCore

/// Reads one MessagePack value from untrusted bytes, within limits.
///
/// Every format of the specification is accepted (fixint, fixmap,
/// fixarray, fixstr, nil, bool, bin8/16/32, ext8/16/32, fixext1..16,
/// float32/64, uint8..64, int8..64, str8/16/32, array16/32, map16/32).
/// Integers come back normalized (see ``MessagePackValue``); binary and
/// extension data are slices of the input buffer, not copies.
///
/// Hostile input is refused with a ``MessagePackDecodingError``: nesting is
/// bounded (so is the recursion), a count or length is checked against the
/// bytes that remain before anything is reserved (an `array32` claiming
/// 4 billion elements in a 5-byte message allocates nothing), and the input
/// size and each collection's count have limits.
///
/// ```swift
/// let decoder = MessagePackDecoder()
/// let value = try decoder.decode(ByteBuffer(bytes: [0x82, 0xA1, 0x61, 0x01, 0xA1, 0x62, 0xC4, 0x01, 0x09]))
/// value["a"]              // .int(1)
/// value["b"]?.binaryValue // ByteBuffer [09]
/// ```
public struct MessagePackDecoder: Sendable {
    /// Limits for untrusted input.
    public struct Limits: Sendable, Hashable {
        /// Nested arrays/maps allowed (128, as for JSON payloads).
        public var maximumDepth: Int
        /// Elements of one array or entries of one map (1,048,576).
        public var maximumCollectionCount: Int
        /// Bytes of one input (16 MiB). Decoded memory is bounded by a
        /// small multiple of this, since every value takes at least a byte.
        public var maximumInputSize: Int

        /// Creates limits; the defaults suit Socket.IO packets and Redis
        /// adapter messages.
        public init(maximumDepth: Int = 128, maximumCollectionCount: Int = 1 << 20, maximumInputSize: Int = 16 << 20) {
            self.maximumDepth = maximumDepth
            self.maximumCollectionCount = maximumCollectionCount
            self.maximumInputSize = maximumInputSize
        }
    }

    /// The limits in force.
    public var limits: Limits
    /// Read ext8/16/32 values of extension type 0 as ``MessagePackValue/binary(_:)``
    /// (off by default).
    ///
    /// Why: `notepack.io`, the encoder of Node's Redis adapter and msgpack
    /// parser, sends an `ArrayBuffer` or typed array that way, and gives the
    /// *fixed* extension formats of type 0 other meanings (`d4 00 00` is
    /// `undefined`, `d7 00` a 2.x `Date`). Only the format tells them apart,
    /// and ``MessagePackValue`` does not keep formats, so the choice is made
    /// while reading.
    public var readsNotepackArrayBuffersAsBinary: Bool

    /// Creates a decoder.
    public init(limits: Limits = Limits(), readsNotepackArrayBuffersAsBinary: Bool = false) {
        self.limits = limits
        self.readsNotepackArrayBuffersAsBinary = readsNotepackArrayBuffersAsBinary
    }

    /// Decodes the readable bytes of `buffer`, which must hold exactly one value.
    public func decode(_ buffer: ByteBuffer) throws(MessagePackDecodingError) -> MessagePackValue {
        let size = buffer.readableBytes
        guard size <= self.limits.maximumInputSize else {
            throw MessagePackDecodingError(.inputTooLarge(size: size, limit: self.limits.maximumInputSize), at: 0)
        }
        return try buffer.withUnsafeReadableBytes { (bytes) throws(MessagePackDecodingError) -> MessagePackValue in
            var reader = MessagePackReader(bytes: bytes, source: buffer, limits: self.limits, arrayBuffersAsBinary: self.readsNotepackArrayBuffersAsBinary)
            let value = try reader.readValue(depth: 0)
            guard reader.isAtEnd else {
                throw MessagePackDecodingError(.trailingBytes, at: reader.offset)
            }
            return value
        }
    }

    /// Decodes `bytes`, which must hold exactly one value.
    public func decode(_ bytes: some Collection<UInt8>) throws(MessagePackDecodingError) -> MessagePackValue {
        try self.decode(ByteBuffer(bytes: bytes))
    }
}
