public import NIOCore

/// One argument of a command: text or binary-safe bytes, written as a RESP
/// bulk string.
///
/// It exists so callers can mix keys (text) and payloads (bytes) in one
/// command without converting either.
///
/// ```swift
/// connection.send("SET", ["key", RedisArgument(payload), "EX", 60])
/// ```
public struct RedisArgument: Sendable, Hashable, ExpressibleByStringInterpolation, ExpressibleByIntegerLiteral {
    enum Storage: Sendable, Hashable {
        case string(String)
        case bytes(ByteBuffer)
    }

    let storage: Storage

    /// Text, sent as its UTF-8 bytes.
    public init(_ string: String) { storage = .string(string) }

    /// Bytes, sent unchanged (binary-safe).
    public init(_ bytes: ByteBuffer) { storage = .bytes(bytes) }

    /// An integer, sent in decimal as Redis expects (`EXPIRE key 60`).
    public init(_ integer: Int) { storage = .string(String(integer)) }

    /// `"key"` (or `"user:\(id)"`) in an argument list.
    public init(stringLiteral value: String) { self.init(value) }

    /// `60` in an argument list.
    public init(integerLiteral value: Int) { self.init(value) }

    /// The number of bytes of the argument on the wire (without framing).
    var byteCount: Int {
        switch storage {
        case .string(let text): return text.utf8.count
        case .bytes(let bytes): return bytes.readableBytes
        }
    }

    /// Writes the argument's bytes (without framing).
    func write(into buffer: inout ByteBuffer) {
        switch storage {
        case .string(let text): buffer.writeString(text)
        case .bytes(let bytes): buffer.writeImmutableBuffer(bytes)
        }
    }
}
