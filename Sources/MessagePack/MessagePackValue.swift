public import NIOCore

/// One MessagePack value, as decoded from or encoded to the wire.
///
/// Why a value tree: Socket.IO's msgpack parser and the Redis adapter both
/// exchange whole documents (a packet, a broadcast) whose shape is only
/// known once read, so the codec works on a plain enum rather than on
/// `Codable` types.
///
/// - Integers are normalized: whatever format they arrived in, values that
///   fit `Int64` decode as ``int(_:)`` and only values above `Int64.max`
///   as ``uint(_:)``. The encoder picks the format from the value, so
///   `.int(5)` and `.uint(5)` encode identically and compare equal.
/// - ``float32(_:)`` and ``float64(_:)`` are kept apart (they are different
///   formats), and never compare equal to integers.
/// - ``map(_:)`` keeps its entries in wire order; keys may be any value and
///   may repeat (string-key lookups take the last entry, as JavaScript does).
/// - ``binary(_:)`` and ``ext(type:data:)`` hold `ByteBuffer`s; the decoder
///   hands out slices of its input, so no bytes are copied.
///
/// ```swift
/// let value: MessagePackValue = ["type": 2, "data": ["hello", .binary(ByteBuffer(bytes: [1, 2, 3]))], "nsp": "/"]
/// let bytes = MessagePackEncoder().encode(value)
/// let back = try MessagePackDecoder().decode(bytes)
/// back["data"]?[1]?.binaryValue   // ByteBuffer [01 02 03]
/// ```
public enum MessagePackValue: Sendable {
    /// `nil` (`c0`).
    case `nil`
    /// `false` / `true` (`c2` / `c3`).
    case bool(Bool)
    /// A signed integer; every decoded integer that fits `Int64` is one.
    case int(Int64)
    /// An unsigned integer; decoded only for values above `Int64.max`.
    case uint(UInt64)
    /// A single-precision float (`ca`).
    case float32(Float)
    /// A double-precision float (`cb`).
    case float64(Double)
    /// A UTF-8 string (fixstr, str8/16/32).
    case string(String)
    /// A byte array (bin8/16/32).
    case binary(ByteBuffer)
    /// An array (fixarray, array16/32).
    case array([MessagePackValue])
    /// A map, its entries in wire order (fixmap, map16/32).
    case map([MessagePackMapEntry])
    /// An extension value: an application-defined `type` (negative types are
    /// reserved by the specification; -1 is the timestamp, see
    /// ``MessagePackTimestamp``) and its bytes (fixext1..16, ext8/16/32).
    case ext(type: Int8, data: ByteBuffer)
}

/// One key/value pair of a ``MessagePackValue/map(_:)``.
///
/// Why a struct and not a dictionary: MessagePack maps are ordered on the
/// wire and their keys may be any value (including maps or floats), which a
/// Swift `Dictionary` can neither keep in order nor always hash sensibly.
public struct MessagePackMapEntry: Sendable, Hashable {
    /// The key.
    public var key: MessagePackValue
    /// The value.
    public var value: MessagePackValue

    /// Creates an entry.
    public init(key: MessagePackValue, value: MessagePackValue) {
        self.key = key
        self.value = value
    }
}

// MARK: - Typed accessors

extension MessagePackValue {
    /// `true` for ``nil``.
    public var isNil: Bool {
        if case .nil = self { return true }
        return false
    }

    /// The boolean, or `nil` when this is not a ``bool(_:)``.
    public var boolValue: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    /// The integer as `Int64` when this is an ``int(_:)`` or a ``uint(_:)``
    /// that fits; floats are not converted (use ``doubleValue``).
    public var int64Value: Int64? {
        switch self {
        case .int(let value): return value
        case .uint(let value): return Int64(exactly: value)
        default: return nil
        }
    }

    /// The integer as `UInt64` when this is a non-negative ``int(_:)`` or a
    /// ``uint(_:)``.
    public var uint64Value: UInt64? {
        switch self {
        case .int(let value): return UInt64(exactly: value)
        case .uint(let value): return value
        default: return nil
        }
    }

    /// Any number (integer or float) as a `Double`, possibly rounded.
    public var doubleValue: Double? {
        switch self {
        case .int(let value): return Double(value)
        case .uint(let value): return Double(value)
        case .float32(let value): return Double(value)
        case .float64(let value): return value
        default: return nil
        }
    }

    /// The string, or `nil` when this is not a ``string(_:)``.
    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    /// The bytes, or `nil` when this is not a ``binary(_:)``.
    public var binaryValue: ByteBuffer? {
        if case .binary(let value) = self { return value }
        return nil
    }

    /// The elements, or `nil` when this is not an ``array(_:)``.
    public var arrayValue: [MessagePackValue]? {
        if case .array(let value) = self { return value }
        return nil
    }

    /// The entries, or `nil` when this is not a ``map(_:)``.
    public var mapValue: [MessagePackMapEntry]? {
        if case .map(let value) = self { return value }
        return nil
    }

    /// The element at `index` of an array, when in range.
    public subscript(index: Int) -> MessagePackValue? {
        if case .array(let elements) = self, elements.indices.contains(index) {
            return elements[index]
        }
        return nil
    }

    /// The value of the string key `key` in a map.
    ///
    /// When a key repeats, the last entry wins, as in JavaScript
    /// (`notepack.io`) and Python (`msgpack`) decoders. `nil` when absent or
    /// when this is not a map; ``nil`` when present with a nil value.
    public subscript(key: String) -> MessagePackValue? {
        self[.string(key)]
    }

    /// The value of the key `key` (any value) in a map; the last entry wins.
    public subscript(key: MessagePackValue) -> MessagePackValue? {
        guard case .map(let entries) = self else { return nil }
        for entry in entries.reversed() where entry.key == key {
            return entry.value
        }
        return nil
    }
}
