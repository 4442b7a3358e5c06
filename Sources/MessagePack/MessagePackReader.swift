import NIOCore

/// The decoder's cursor over raw bytes. Every read checks the bytes that
/// remain first; binary and extension data become slices of `source`.
struct MessagePackReader {
    let bytes: UnsafeRawBufferPointer
    /// The buffer `bytes` points into, for zero-copy slices.
    let source: ByteBuffer
    let limits: MessagePackDecoder.Limits
    /// ext8/16/32 of type 0 become binary (notepack's ArrayBuffer).
    let arrayBuffersAsBinary: Bool
    private(set) var offset = 0

    init(bytes: UnsafeRawBufferPointer, source: ByteBuffer, limits: MessagePackDecoder.Limits, arrayBuffersAsBinary: Bool) {
        self.bytes = bytes
        self.source = source
        self.limits = limits
        self.arrayBuffersAsBinary = arrayBuffersAsBinary
    }

    var isAtEnd: Bool { self.offset == self.bytes.count }
    private var remaining: Int { self.bytes.count - self.offset }

    mutating func readValue(depth: Int) throws(MessagePackDecodingError) -> MessagePackValue {
        let start = self.offset
        let byte = try self.readByte()
        switch byte {
        case 0x00...0x7F: return .int(Int64(byte))
        case 0x80...0x8F: return try self.readMap(count: Int(byte & 0x0F), depth: depth, at: start)
        case 0x90...0x9F: return try self.readArray(count: Int(byte & 0x0F), depth: depth, at: start)
        case 0xA0...0xBF: return try self.readString(count: Int(byte & 0x1F))
        case 0xE0...0xFF: return .int(Int64(Int8(bitPattern: byte)))
        case MessagePackFormat.nil: return .nil
        case MessagePackFormat.neverUsed: throw MessagePackDecodingError(.reservedByte, at: start)
        case MessagePackFormat.false: return .bool(false)
        case MessagePackFormat.true: return .bool(true)
        case MessagePackFormat.bin8: return .binary(try self.readSlice(count: Int(try self.read(UInt8.self))))
        case MessagePackFormat.bin16: return .binary(try self.readSlice(count: Int(try self.read(UInt16.self))))
        case MessagePackFormat.bin32: return .binary(try self.readSlice(count: Int(try self.read(UInt32.self))))
        case MessagePackFormat.ext8: return try self.readExt(count: Int(try self.read(UInt8.self)), sized: true)
        case MessagePackFormat.ext16: return try self.readExt(count: Int(try self.read(UInt16.self)), sized: true)
        case MessagePackFormat.ext32: return try self.readExt(count: Int(try self.read(UInt32.self)), sized: true)
        case MessagePackFormat.float32: return .float32(Float(bitPattern: try self.read(UInt32.self)))
        case MessagePackFormat.float64: return .float64(Double(bitPattern: try self.read(UInt64.self)))
        case MessagePackFormat.uint8: return .int(Int64(try self.read(UInt8.self)))
        case MessagePackFormat.uint16: return .int(Int64(try self.read(UInt16.self)))
        case MessagePackFormat.uint32: return .int(Int64(try self.read(UInt32.self)))
        case MessagePackFormat.uint64:
            let value = try self.read(UInt64.self)
            if let signed = Int64(exactly: value) { return .int(signed) }
            return .uint(value)
        case MessagePackFormat.int8: return .int(Int64(try self.read(Int8.self)))
        case MessagePackFormat.int16: return .int(Int64(try self.read(Int16.self)))
        case MessagePackFormat.int32: return .int(Int64(try self.read(Int32.self)))
        case MessagePackFormat.int64: return .int(try self.read(Int64.self))
        case MessagePackFormat.fixExt1: return try self.readExt(count: 1)
        case MessagePackFormat.fixExt2: return try self.readExt(count: 2)
        case MessagePackFormat.fixExt4: return try self.readExt(count: 4)
        case MessagePackFormat.fixExt8: return try self.readExt(count: 8)
        case MessagePackFormat.fixExt16: return try self.readExt(count: 16)
        case MessagePackFormat.str8: return try self.readString(count: Int(try self.read(UInt8.self)))
        case MessagePackFormat.str16: return try self.readString(count: Int(try self.read(UInt16.self)))
        case MessagePackFormat.str32: return try self.readString(count: Int(try self.read(UInt32.self)))
        case MessagePackFormat.array16: return try self.readArray(count: Int(try self.read(UInt16.self)), depth: depth, at: start)
        case MessagePackFormat.array32: return try self.readArray(count: Int(try self.read(UInt32.self)), depth: depth, at: start)
        case MessagePackFormat.map16: return try self.readMap(count: Int(try self.read(UInt16.self)), depth: depth, at: start)
        case MessagePackFormat.map32: return try self.readMap(count: Int(try self.read(UInt32.self)), depth: depth, at: start)
        default:
            preconditionFailure("every byte value is covered above")
        }
    }

    // MARK: - Containers

    private mutating func readArray(count: Int, depth: Int, at start: Int) throws(MessagePackDecodingError) -> MessagePackValue {
        // Each element takes at least one byte.
        try self.checkCollection(count: count, minimumBytes: count, depth: depth, at: start)
        var elements: [MessagePackValue] = []
        elements.reserveCapacity(count)
        for _ in 0..<count {
            elements.append(try self.readValue(depth: depth + 1))
        }
        return .array(elements)
    }

    private mutating func readMap(count: Int, depth: Int, at start: Int) throws(MessagePackDecodingError) -> MessagePackValue {
        // Each entry takes at least two bytes (a key and a value).
        try self.checkCollection(count: count, minimumBytes: count * 2, depth: depth, at: start)
        var entries: [MessagePackMapEntry] = []
        entries.reserveCapacity(count)
        for _ in 0..<count {
            let key = try self.readValue(depth: depth + 1)
            let value = try self.readValue(depth: depth + 1)
            entries.append(MessagePackMapEntry(key: key, value: value))
        }
        return .map(entries)
    }

    private func checkCollection(count: Int, minimumBytes: Int, depth: Int, at start: Int) throws(MessagePackDecodingError) {
        guard depth < self.limits.maximumDepth else {
            throw MessagePackDecodingError(.depthLimitExceeded(limit: self.limits.maximumDepth), at: start)
        }
        guard count <= self.limits.maximumCollectionCount else {
            throw MessagePackDecodingError(.collectionTooLarge(count: count, limit: self.limits.maximumCollectionCount), at: start)
        }
        guard minimumBytes <= self.remaining else {
            throw MessagePackDecodingError(.truncated, at: self.bytes.count)
        }
    }

    // MARK: - Scalars

    private mutating func readString(count: Int) throws(MessagePackDecodingError) -> MessagePackValue {
        let start = self.offset
        guard count <= self.remaining else { throw MessagePackDecodingError(.truncated, at: self.bytes.count) }
        let slice = UnsafeRawBufferPointer(rebasing: self.bytes[start..<(start + count)])
        guard let string = String(validating: slice, as: UTF8.self) else {
            throw MessagePackDecodingError(.invalidUTF8, at: start)
        }
        self.offset += count
        return .string(string)
    }

    /// `sized`: an ext8/16/32 (not a fixext) format.
    private mutating func readExt(count: Int, sized: Bool = false) throws(MessagePackDecodingError) -> MessagePackValue {
        let type = try self.read(Int8.self)
        let data = try self.readSlice(count: count)
        if sized, type == 0, self.arrayBuffersAsBinary { return .binary(data) }
        return .ext(type: type, data: data)
    }

    private mutating func readSlice(count: Int) throws(MessagePackDecodingError) -> ByteBuffer {
        guard count <= self.remaining else { throw MessagePackDecodingError(.truncated, at: self.bytes.count) }
        let slice = self.source.getSlice(at: self.source.readerIndex + self.offset, length: count)!
        self.offset += count
        return slice
    }

    private mutating func readByte() throws(MessagePackDecodingError) -> UInt8 {
        guard self.remaining >= 1 else { throw MessagePackDecodingError(.truncated, at: self.bytes.count) }
        let byte = self.bytes[self.offset]
        self.offset += 1
        return byte
    }

    /// A big-endian fixed-width integer.
    private mutating func read<Integer: FixedWidthInteger>(_: Integer.Type) throws(MessagePackDecodingError) -> Integer {
        let size = MemoryLayout<Integer>.size
        guard self.remaining >= size else { throw MessagePackDecodingError(.truncated, at: self.bytes.count) }
        let value = self.bytes.loadUnaligned(fromByteOffset: self.offset, as: Integer.self)
        self.offset += size
        return Integer(bigEndian: value)
    }
}
