/// Reads values written by ``BinaryWriter``, refusing anything malformed.
///
/// Every read checks bounds and throws ``RoomError/truncated`` instead of
/// trapping, because the bytes usually come from an untrusted client. Varints
/// longer than 10 bytes, that overflow 64 bits, or that end with a needless
/// zero group (a second encoding of a smaller value), are ``RoomError/malformed(_:)``.
///
/// ```swift
/// var reader = BinaryReader([0xAC, 0x02])
/// let value = try reader.readVarint()   // 300
/// try reader.expectEnd()
/// ```
public struct BinaryReader: Sendable {
    @usableFromInline let bytes: [UInt8]
    /// The index of the next byte to read.
    @inlinable public var offset: Int { position }
    @usableFromInline var position: Int

    /// Creates a reader positioned at the first byte.
    @inlinable
    public init(_ bytes: [UInt8]) {
        self.bytes = bytes
        self.position = 0
    }

    /// The number of bytes not read yet.
    @inlinable public var remaining: Int { bytes.count - offset }

    /// Whether every byte has been read.
    @inlinable public var isAtEnd: Bool { offset == bytes.count }

    /// Throws unless every byte has been read: trailing garbage is malformed,
    /// so two different byte strings never decode to the same value.
    @inlinable
    public func expectEnd() throws(RoomError) {
        guard isAtEnd else { throw .malformed("\(remaining) trailing bytes") }
    }

    /// Reads one byte.
    @inlinable
    public mutating func readUInt8() throws(RoomError) -> UInt8 {
        guard offset < bytes.count else { throw .truncated }
        defer { position += 1 }
        return bytes[offset]
    }

    /// Reads a boolean written as one byte, 0 or 1 (anything else is malformed).
    @inlinable
    public mutating func readBool() throws(RoomError) -> Bool {
        switch try readUInt8() {
        case 0: return false
        case 1: return true
        case let other: throw .malformed("boolean byte \(other)")
        }
    }

    /// Reads 2 bytes, little-endian.
    @inlinable
    public mutating func readUInt16() throws(RoomError) -> UInt16 {
        UInt16(truncatingIfNeeded: try readLittleEndian(byteCount: 2))
    }

    /// Reads 4 bytes, little-endian.
    @inlinable
    public mutating func readUInt32() throws(RoomError) -> UInt32 {
        UInt32(truncatingIfNeeded: try readLittleEndian(byteCount: 4))
    }

    /// Reads 8 bytes, little-endian.
    @inlinable
    public mutating func readUInt64() throws(RoomError) -> UInt64 {
        try readLittleEndian(byteCount: 8)
    }

    /// Reads a signed 32-bit value written by ``BinaryWriter/writeInt32(_:)``.
    @inlinable
    public mutating func readInt32() throws(RoomError) -> Int32 {
        Int32(bitPattern: try readUInt32())
    }

    /// Reads an unsigned LEB128 varint of at most 10 bytes.
    @inlinable
    public mutating func readVarint() throws(RoomError) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let byte = try readUInt8()
            let payload = UInt64(byte & 0x7F)
            if shift == 63, payload > 1 { throw .malformed("varint overflows 64 bits") }
            result |= payload << shift
            if byte & 0x80 == 0 {
                // A last group of zero after others adds nothing: another
                // encoding of the same value, which would break "one value,
                // one encoding" (the writer never makes it).
                if byte == 0, shift > 0 { throw .malformed("varint with a needless trailing zero byte") }
                return result
            }
            shift += 7
            if shift > 63 { throw .malformed("varint longer than 10 bytes") }
        }
    }

    /// Reads a varint and checks that it fits in `limit` (inclusive), so
    /// lengths and counts can be trusted before allocating for them.
    @inlinable
    public mutating func readVarint(atMost limit: UInt64, _ what: String) throws(RoomError) -> UInt64 {
        let value = try readVarint()
        guard value <= limit else { throw .outOfRange("\(what) \(value) > \(limit)") }
        return value
    }

    /// Reads a count (varint) that must not exceed `limit`.
    @inlinable
    public mutating func readCount(atMost limit: Int, _ what: String) throws(RoomError) -> Int {
        Int(try readVarint(atMost: UInt64(limit), what))
    }

    /// Reads a zigzag varint written by ``BinaryWriter/writeZigZag(_:)``.
    @inlinable
    public mutating func readZigZag() throws(RoomError) -> Int64 {
        ZigZag.decode(try readVarint())
    }

    /// Reads `count` raw bytes.
    @inlinable
    public mutating func readRaw(count: Int) throws(RoomError) -> [UInt8] {
        guard count >= 0, count <= remaining else { throw .truncated }
        defer { position += count }
        return Array(bytes[offset..<offset + count])
    }

    /// Copies the next `destination.count` bytes into `destination`: one bulk
    /// read, for values whose memory is their encoding. Throws
    /// ``RoomError/truncated`` (and reads nothing) when fewer remain.
    @inlinable
    public mutating func readRaw(into destination: UnsafeMutableRawBufferPointer) throws(RoomError) {
        let count = destination.count
        guard count <= remaining else { throw .truncated }
        let start = offset
        bytes.withUnsafeBytes { source in
            destination.copyMemory(from: UnsafeRawBufferPointer(rebasing: source[start..<start + count]))
        }
        position += count
    }

    /// Reads a varint length and then that many bytes.
    @inlinable
    public mutating func readLengthPrefixed() throws(RoomError) -> [UInt8] {
        let length = try readVarint()
        guard length <= UInt64(remaining) else { throw .truncated }
        return try readRaw(count: Int(length))
    }

    /// Reads a length-prefixed UTF-8 string; invalid UTF-8 is malformed.
    @inlinable
    public mutating func readString(maxBytes: Int = 1024) throws(RoomError) -> String {
        let length = try readVarint()
        guard length <= UInt64(maxBytes) else { throw .outOfRange("string of \(length) bytes > \(maxBytes)") }
        let raw = try readRaw(count: Int(length))
        // Decoding repairs invalid UTF-8; refusing when the repair changed the
        // bytes keeps one string per byte sequence (and works on every OS version).
        let text = String(decoding: raw, as: UTF8.self)
        guard text.utf8.elementsEqual(raw) else { throw .malformed("string is not UTF-8") }
        return text
    }

    @inlinable
    mutating func readLittleEndian(byteCount: Int) throws(RoomError) -> UInt64 {
        guard byteCount <= remaining else { throw .truncated }
        var value: UInt64 = 0
        for index in 0..<byteCount {
            value |= UInt64(bytes[offset + index]) << UInt64(8 * index)
        }
        position += byteCount
        return value
    }
}
