public import NIOCore

/// One value of the Redis serialization protocol (RESP): what a command's
/// reply, or a pub/sub message, decodes to.
///
/// Kept as a plain enum so the codec stays pure (no I/O) and testable byte by
/// byte. RESP3 types are folded into it: `_` is ``null``, `#` is ``boolean(_:)``,
/// `,` is ``double(_:)``, and maps (`%`, flattened key, value, key, value...),
/// sets (`~`) and pushes (`>`) are ``array(_:)``.
///
/// ```swift
/// if case .integer(let count) = try await connection.send("INCR", ["hits"]) { print(count) }
/// ```
public enum RedisValue: Sendable, Hashable {
    /// `+OK`: a short status reply.
    case simpleString(String)
    /// `-ERR ...`: an error reply. The connection turns it into
    /// ``RedisError/server(_:)`` before handing it to a caller.
    case error(String)
    /// `:42`: a signed 64-bit integer.
    case integer(Int)
    /// `$3 abc`: binary-safe bytes (payloads, keys, values).
    case bulkString(ByteBuffer)
    /// `$-1`, `*-1` or RESP3 `_`: no value.
    case null
    /// `*N`: N values, any of which may itself be an array.
    case array([RedisValue])
    /// RESP3 `,`: a double.
    case double(Double)
    /// RESP3 `#t` / `#f`.
    case boolean(Bool)
}

extension RedisValue {
    /// The value as text when it is a simple string or a bulk string (read
    /// as UTF-8), so callers need not switch on both.
    public var string: String? {
        switch self {
        case .simpleString(let text): return text
        case .bulkString(let bytes): return String(buffer: bytes)
        default: return nil
        }
    }

    /// The value as an integer when it is one (or a bulk string of digits,
    /// as some commands reply).
    public var int: Int? {
        switch self {
        case .integer(let value): return value
        case .bulkString(let bytes): return Int(String(buffer: bytes))
        default: return nil
        }
    }

    /// The elements when the value is an array.
    public var array: [RedisValue]? {
        if case .array(let values) = self { return values }
        return nil
    }

    /// The bytes of a bulk string (or a simple string's UTF-8).
    public var bytes: ByteBuffer? {
        switch self {
        case .bulkString(let bytes): return bytes
        case .simpleString(let text): return ByteBuffer(string: text)
        default: return nil
        }
    }
}
