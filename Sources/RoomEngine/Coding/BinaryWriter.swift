/// Appends values to a byte array in the engine's one canonical binary form.
///
/// Every state, input, operation, snapshot and delta in the engine is written
/// with this type, so the same value always yields the same bytes on every
/// platform: fixed-width integers are little-endian, variable-length integers
/// are unsigned LEB128 ("varint"), signed variable-length integers are
/// zigzag-mapped first, and strings and byte runs carry a varint length
/// prefix. That canonical form is what makes ``StateHash`` comparable across
/// machines and replays.
///
/// ```swift
/// var writer = BinaryWriter()
/// writer.writeVarint(300)          // AC 02
/// writer.writeUInt16(4095)         // FF 0F
/// writer.writeString("hi")         // 02 68 69
/// let bytes = writer.bytes
/// ```
public struct BinaryWriter: Sendable {
    /// The bytes written so far.
    @inlinable public var bytes: [UInt8] { storage }
    @usableFromInline var storage: [UInt8]
    /// For a hashing writer (``init(hashingFrom:)``): FNV-1a-64 of the bytes
    /// already folded out of ``storage``; `nil` for an ordinary writer.
    @usableFromInline var foldedHash: UInt64?

    /// Creates an empty writer, reserving `capacity` bytes up front.
    @inlinable
    public init(reservingCapacity capacity: Int = 64) {
        storage = []
        storage.reserveCapacity(capacity)
    }

    /// A writer that hashes what it is given instead of keeping all of it:
    /// each bulk ``writeRaw(_:)-(UnsafeRawBufferPointer)`` folds the bytes
    /// written so far, then the run itself, into FNV-1a-64 (``StateHash``),
    /// read from where they lie. ``finishedHash()`` is then exactly
    /// `StateHash.fnv1a64` of the bytes an ordinary writer would hold, without
    /// ever holding them (a large state's points are never copied to hash it).
    /// Give it ``StateHash/offsetBasis`` to hash from the start, or a hash
    /// so far to go on from it (FNV-1a is a running fold).
    ///
    /// ```swift
    /// var writer = BinaryWriter(hashingFrom: StateHash.offsetBasis)
    /// writer.writeString("a")
    /// writer.finishedHash() == StateHash.fnv1a64([0x01, 0x61])   // true
    /// ```
    @inlinable
    public init(hashingFrom basis: UInt64) {
        storage = []
        storage.reserveCapacity(4_096)
        foldedHash = basis
    }

    /// FNV-1a-64 of everything written to a hashing writer (from the basis
    /// it was created with).
    @inlinable
    public func finishedHash() -> UInt64 {
        guard let foldedHash else { preconditionFailure("not a hashing writer") }
        return StateHash.fold(storage, into: foldedHash)
    }

    /// The number of bytes written so far.
    @inlinable public var count: Int { storage.count }

    /// Writes one byte.
    @inlinable
    public mutating func writeUInt8(_ value: UInt8) {
        storage.append(value)
    }

    /// Writes a boolean as one byte, 0 or 1.
    @inlinable
    public mutating func writeBool(_ value: Bool) {
        storage.append(value ? 1 : 0)
    }

    /// Writes 2 bytes, little-endian.
    @inlinable
    public mutating func writeUInt16(_ value: UInt16) {
        storage.append(UInt8(truncatingIfNeeded: value))
        storage.append(UInt8(truncatingIfNeeded: value >> 8))
    }

    /// Writes 4 bytes, little-endian.
    @inlinable
    public mutating func writeUInt32(_ value: UInt32) {
        for shift in stride(from: 0, to: 32, by: 8) {
            storage.append(UInt8(truncatingIfNeeded: value >> UInt32(shift)))
        }
    }

    /// Writes 8 bytes, little-endian.
    @inlinable
    public mutating func writeUInt64(_ value: UInt64) {
        for shift in stride(from: 0, to: 64, by: 8) {
            storage.append(UInt8(truncatingIfNeeded: value >> UInt64(shift)))
        }
    }

    /// Writes a signed 32-bit value as 4 bytes, two's complement, little-endian.
    @inlinable
    public mutating func writeInt32(_ value: Int32) {
        writeUInt32(UInt32(bitPattern: value))
    }

    /// Writes an unsigned LEB128 varint: 7 bits per byte, low bits first,
    /// high bit set on every byte but the last (1 to 10 bytes).
    @inlinable
    public mutating func writeVarint(_ value: UInt64) {
        var rest = value
        while rest >= 0x80 {
            storage.append(UInt8(truncatingIfNeeded: rest) | 0x80)
            rest >>= 7
        }
        storage.append(UInt8(rest))
    }

    /// Writes a signed value as a zigzag-mapped varint, so small magnitudes of
    /// either sign stay short (0 → 0, -1 → 1, 1 → 2, -2 → 3, …).
    @inlinable
    public mutating func writeZigZag(_ value: Int64) {
        writeVarint(ZigZag.encode(value))
    }

    /// Writes a varint length followed by the bytes themselves.
    @inlinable
    public mutating func writeLengthPrefixed(_ payload: [UInt8]) {
        writeVarint(UInt64(payload.count))
        storage.append(contentsOf: payload)
    }

    /// Writes a varint byte length followed by the string's UTF-8 bytes.
    @inlinable
    public mutating func writeString(_ value: String) {
        writeLengthPrefixed(Array(value.utf8))
    }

    /// Appends raw bytes with no prefix (the reader must know their length).
    @inlinable
    public mutating func writeRaw(_ payload: [UInt8]) {
        storage.append(contentsOf: payload)
    }

    /// Appends the bytes of `payload` with no prefix: one bulk copy, for
    /// values whose memory already is their encoding (a run of fixed-width
    /// little-endian fields on a little-endian machine).
    @inlinable
    public mutating func writeRaw(_ payload: UnsafeRawBufferPointer) {
        if let hash = foldedHash {
            foldedHash = StateHash.fold(payload, into: StateHash.fold(storage, into: hash))
            storage.removeAll(keepingCapacity: true)
            return
        }
        storage.append(contentsOf: payload.assumingMemoryBound(to: UInt8.self))
    }

    /// The number of bytes ``writeVarint(_:)`` uses for `value`.
    @inlinable
    public static func varintSize(_ value: UInt64) -> Int {
        var size = 1
        var rest = value >> 7
        while rest != 0 {
            size += 1
            rest >>= 7
        }
        return size
    }
}
