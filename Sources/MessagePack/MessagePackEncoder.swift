public import NIOCore

/// Writes ``MessagePackValue``s in the formats `notepack.io` (the encoder of
/// the Node Redis adapter and of socket.io-msgpack-parser) chooses, so the
/// bytes match a Node peer's:
///
/// - integers (``MessagePackValue/int(_:)`` and ``MessagePackValue/uint(_:)``
///   alike) in the smallest format: positive fixint, uint8/16/32/64 when
///   non-negative, negative fixint, int8/16/32/64 when negative;
/// - ``MessagePackValue/float64(_:)`` always as float64 (a JavaScript number
///   that is integral is an integer already; see
///   `ByteBuffer.writeMessagePackNumber(_:)` to encode a JavaScript number);
/// - strings as fixstr below 32 bytes, then str8/16/32; binary as bin8/16/32;
///   arrays and maps as fix, 16- or 32-bit forms; extensions as fixext when
///   the size allows, else ext8/16/32.
///
/// Encoding cannot fail. Recursion follows the value's nesting: values
/// decoded by ``MessagePackDecoder`` are bounded by its depth limit.
///
/// ```swift
/// let bytes = MessagePackEncoder().encode([1.5, -7, 300, "hi"])
/// // 94 cb 3f f8 00 00 00 00 00 00 f9 cd 01 2c a2 68 69
/// ```
public struct MessagePackEncoder: Sendable {
    /// Where fresh buffers come from.
    public var allocator: ByteBufferAllocator

    /// Creates an encoder.
    public init(allocator: ByteBufferAllocator = ByteBufferAllocator()) {
        self.allocator = allocator
    }

    /// The bytes of `value` in a new buffer.
    public func encode(_ value: MessagePackValue) -> ByteBuffer {
        var buffer = self.allocator.buffer(capacity: 64)
        buffer.writeMessagePack(value)
        return buffer
    }

    /// Appends the bytes of `value` to `buffer` (behind a caller's framing,
    /// without a copy).
    public func encode(_ value: MessagePackValue, into buffer: inout ByteBuffer) {
        buffer.writeMessagePack(value)
    }
}
