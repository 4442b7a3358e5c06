/// A value with one canonical binary form, written with ``BinaryWriter``.
///
/// The engine's determinism rests on this: equal values must produce equal
/// bytes, so implementations write collections in a fixed order (sorted by
/// identifier, never in dictionary order) and never write floating point.
public protocol BinaryEncodable {
    /// Appends the value's canonical bytes to `writer`.
    func encode(into writer: inout BinaryWriter)
}

/// A value that can be read back from the bytes ``BinaryEncodable`` wrote.
public protocol BinaryDecodable {
    /// Reads one value, throwing ``RoomError`` for truncated or invalid bytes.
    init(from reader: inout BinaryReader) throws(RoomError)
}

/// A value that round-trips through the engine's canonical binary form.
public typealias BinaryCodable = BinaryEncodable & BinaryDecodable

extension BinaryEncodable {
    /// The value's canonical bytes.
    ///
    /// ```swift
    /// let bytes = CounterInput.add(2).encodedBytes()
    /// ```
    @inlinable
    public func encodedBytes() -> [UInt8] {
        var writer = BinaryWriter()
        encode(into: &writer)
        return writer.bytes
    }
}

extension BinaryDecodable {
    /// Decodes one value that must span all of `bytes` (trailing bytes are
    /// malformed, so one value has exactly one encoding).
    ///
    /// ```swift
    /// let input = try CounterInput(decoding: bytes)
    /// ```
    @inlinable
    public init(decoding bytes: [UInt8]) throws(RoomError) {
        var reader = BinaryReader(bytes)
        self = try Self(from: &reader)
        try reader.expectEnd()
    }
}

/// The zigzag mapping between signed and unsigned integers used by
/// ``BinaryWriter/writeZigZag(_:)``.
public enum ZigZag {
    /// Maps a signed value to an unsigned one so that small magnitudes stay small.
    @inlinable
    public static func encode(_ value: Int64) -> UInt64 {
        UInt64(bitPattern: (value << 1) ^ (value >> 63))
    }

    /// Inverts ``encode(_:)``.
    @inlinable
    public static func decode(_ value: UInt64) -> Int64 {
        Int64(bitPattern: value >> 1) ^ -Int64(bitPattern: value & 1)
    }
}
