public import NIOCore

/// Primitive MessagePack writers, appending to a `ByteBuffer` the way
/// `writeInteger` and `writeString` do.
///
/// Why on `ByteBuffer`: a caller that frames the result (an Engine.IO
/// packet, a Redis command) writes the MessagePack bytes straight behind its
/// own header, and a caller that streams a document it never builds as a
/// ``MessagePackValue`` (a Socket.IO payload) writes headers and scalars
/// one by one. Each writer picks the smallest format exactly as the
/// JavaScript library `notepack.io` does, so the bytes match a Node peer's.
///
/// ```swift
/// var buffer = ByteBuffer()
/// buffer.writeMessagePackMapHeader(count: 2)
/// buffer.writeMessagePackString("type"); buffer.writeMessagePackInteger(2)
/// buffer.writeMessagePackString("nsp");  buffer.writeMessagePackString("/")
/// // 82 a4 74 79 70 65 02 a3 6e 73 70 a1 2f
/// ```
extension ByteBuffer {
    /// Appends ``MessagePackValue/nil`` (`c0`).
    public mutating func writeMessagePackNil() {
        self.writeInteger(MessagePackFormat.nil)
    }

    /// Appends `false` (`c2`) or `true` (`c3`).
    public mutating func writeMessagePackBool(_ value: Bool) {
        self.writeInteger(value ? MessagePackFormat.true : MessagePackFormat.false)
    }

    /// Appends a signed integer in the smallest format: non-negative values
    /// as positive fixint / uint8 / uint16 / uint32 / uint64, negative ones
    /// as negative fixint / int8 / int16 / int32 / int64 (notepack's choice).
    public mutating func writeMessagePackInteger(_ value: Int64) {
        if value >= 0 {
            self.writeMessagePackInteger(UInt64(value))
        } else if value >= -32 {
            self.writeInteger(UInt8(truncatingIfNeeded: value))
        } else if value >= -128 {
            self.writeInteger(MessagePackFormat.int8)
            self.writeInteger(Int8(value))
        } else if value >= -32_768 {
            self.writeInteger(MessagePackFormat.int16)
            self.writeInteger(Int16(value))
        } else if value >= -2_147_483_648 {
            self.writeInteger(MessagePackFormat.int32)
            self.writeInteger(Int32(value))
        } else {
            self.writeInteger(MessagePackFormat.int64)
            self.writeInteger(value)
        }
    }

    /// Appends an unsigned integer in the smallest of positive fixint,
    /// uint8, uint16, uint32 and uint64.
    public mutating func writeMessagePackInteger(_ value: UInt64) {
        if value <= UInt64(MessagePackFormat.positiveFixIntMax) {
            self.writeInteger(UInt8(value))
        } else if value <= UInt64(UInt8.max) {
            self.writeInteger(MessagePackFormat.uint8)
            self.writeInteger(UInt8(value))
        } else if value <= UInt64(UInt16.max) {
            self.writeInteger(MessagePackFormat.uint16)
            self.writeInteger(UInt16(value))
        } else if value <= UInt64(UInt32.max) {
            self.writeInteger(MessagePackFormat.uint32)
            self.writeInteger(UInt32(value))
        } else {
            self.writeInteger(MessagePackFormat.uint64)
            self.writeInteger(value)
        }
    }

    /// Appends a float32 (`ca`).
    public mutating func writeMessagePackFloat32(_ value: Float) {
        self.writeInteger(MessagePackFormat.float32)
        self.writeInteger(value.bitPattern)
    }

    /// Appends a float64 (`cb`), whatever the value.
    public mutating func writeMessagePackFloat64(_ value: Double) {
        self.writeInteger(MessagePackFormat.float64)
        self.writeInteger(value.bitPattern)
    }

    /// Appends a JavaScript number the way `notepack.io` does: an integral,
    /// finite value as the smallest integer format (so `2.0` is `02` and
    /// `-0.0` is `00`), anything else as float64.
    ///
    /// One deliberate difference: notepack writes integral values beyond the
    /// 64-bit ranges (`1e20`, `-1e19`) as corrupt uint64/int64 values; they
    /// are written here as float64, which every decoder reads back intact.
    public mutating func writeMessagePackNumber(_ value: Double) {
        switch JavaScriptNumber(value) {
        case .unsigned(let value): self.writeMessagePackInteger(value)
        case .signed(let value): self.writeMessagePackInteger(value)
        case .float(let value): self.writeMessagePackFloat64(value)
        }
    }

    /// Appends a string: fixstr below 32 UTF-8 bytes, then str8, str16, str32.
    ///
    /// - Precondition: the UTF-8 form is shorter than 4 GiB.
    public mutating func writeMessagePackString(_ value: String) {
        let count = value.utf8.count
        self.writeMessagePackStringHeader(count: count)
        self.writeString(value)
    }

    /// Appends the header of a string of `count` UTF-8 bytes; the caller
    /// writes the bytes next.
    ///
    /// - Precondition: `0 <= count <= UInt32.max`.
    public mutating func writeMessagePackStringHeader(count: Int) {
        precondition(count >= 0 && count <= Int(UInt32.max), "MessagePack strings are shorter than 4 GiB")
        if count < 32 {
            self.writeInteger(MessagePackFormat.fixString | UInt8(count))
        } else if count <= Int(UInt8.max) {
            self.writeInteger(MessagePackFormat.str8)
            self.writeInteger(UInt8(count))
        } else if count <= Int(UInt16.max) {
            self.writeInteger(MessagePackFormat.str16)
            self.writeInteger(UInt16(count))
        } else {
            self.writeInteger(MessagePackFormat.str32)
            self.writeInteger(UInt32(count))
        }
    }

    /// Appends a byte array: bin8, bin16 or bin32 by length.
    ///
    /// - Precondition: shorter than 4 GiB.
    public mutating func writeMessagePackBinary(_ bytes: ByteBuffer) {
        self.writeMessagePackBinaryHeader(count: bytes.readableBytes)
        self.writeImmutableBuffer(bytes)
    }

    /// Appends a byte array given as any byte collection.
    ///
    /// - Precondition: shorter than 4 GiB.
    public mutating func writeMessagePackBinary(_ bytes: some Collection<UInt8>) {
        self.writeMessagePackBinaryHeader(count: bytes.count)
        self.writeBytes(bytes)
    }

    /// Appends the header of a byte array of `count` bytes; the caller
    /// writes the bytes next.
    ///
    /// - Precondition: `0 <= count <= UInt32.max`.
    public mutating func writeMessagePackBinaryHeader(count: Int) {
        precondition(count >= 0 && count <= Int(UInt32.max), "MessagePack byte arrays are shorter than 4 GiB")
        if count <= Int(UInt8.max) {
            self.writeInteger(MessagePackFormat.bin8)
            self.writeInteger(UInt8(count))
        } else if count <= Int(UInt16.max) {
            self.writeInteger(MessagePackFormat.bin16)
            self.writeInteger(UInt16(count))
        } else {
            self.writeInteger(MessagePackFormat.bin32)
            self.writeInteger(UInt32(count))
        }
    }

    /// Appends the header of an array of `count` elements (fixarray below
    /// 16, then array16, array32); the caller writes the elements next.
    ///
    /// - Precondition: `0 <= count <= UInt32.max`.
    public mutating func writeMessagePackArrayHeader(count: Int) {
        self.writeContainerHeader(count: count, fix: MessagePackFormat.fixArray, format16: MessagePackFormat.array16, format32: MessagePackFormat.array32)
    }

    /// Appends the header of a map of `count` entries (fixmap below 16, then
    /// map16, map32); the caller writes key, value, key, value... next.
    ///
    /// - Precondition: `0 <= count <= UInt32.max`.
    public mutating func writeMessagePackMapHeader(count: Int) {
        self.writeContainerHeader(count: count, fix: MessagePackFormat.fixMap, format16: MessagePackFormat.map16, format32: MessagePackFormat.map32)
    }

    /// Appends an extension value: fixext1/2/4/8/16 when the data has
    /// exactly that size, otherwise ext8, ext16 or ext32.
    ///
    /// (notepack writes its own ArrayBuffer extension as ext8 even for 1, 2,
    /// 4, 8 or 16 bytes; a caller imitating that uses
    /// ``writeMessagePackExtHeader(type:count:preferFixed:)``.)
    ///
    /// - Precondition: shorter than 4 GiB.
    public mutating func writeMessagePackExt(type: Int8, data: ByteBuffer) {
        self.writeMessagePackExtHeader(type: type, count: data.readableBytes, preferFixed: true)
        self.writeImmutableBuffer(data)
    }

    /// Appends the header of an extension value of `count` bytes; the caller
    /// writes the bytes next. With `preferFixed`, sizes 1, 2, 4, 8 and 16 use
    /// the fixext formats.
    ///
    /// - Precondition: `0 <= count <= UInt32.max`.
    public mutating func writeMessagePackExtHeader(type: Int8, count: Int, preferFixed: Bool = true) {
        precondition(count >= 0 && count <= Int(UInt32.max), "MessagePack extension data is shorter than 4 GiB")
        if preferFixed {
            let fixed: UInt8?
            switch count {
            case 1: fixed = MessagePackFormat.fixExt1
            case 2: fixed = MessagePackFormat.fixExt2
            case 4: fixed = MessagePackFormat.fixExt4
            case 8: fixed = MessagePackFormat.fixExt8
            case 16: fixed = MessagePackFormat.fixExt16
            default: fixed = nil
            }
            if let fixed {
                self.writeInteger(fixed)
                self.writeInteger(type)
                return
            }
        }
        if count <= Int(UInt8.max) {
            self.writeInteger(MessagePackFormat.ext8)
            self.writeInteger(UInt8(count))
        } else if count <= Int(UInt16.max) {
            self.writeInteger(MessagePackFormat.ext16)
            self.writeInteger(UInt16(count))
        } else {
            self.writeInteger(MessagePackFormat.ext32)
            self.writeInteger(UInt32(count))
        }
        self.writeInteger(type)
    }

    /// Appends a whole value (see ``MessagePackEncoder`` for the formats).
    public mutating func writeMessagePack(_ value: MessagePackValue) {
        switch value {
        case .nil: self.writeMessagePackNil()
        case .bool(let value): self.writeMessagePackBool(value)
        case .int(let value): self.writeMessagePackInteger(value)
        case .uint(let value): self.writeMessagePackInteger(value)
        case .float32(let value): self.writeMessagePackFloat32(value)
        case .float64(let value): self.writeMessagePackFloat64(value)
        case .string(let value): self.writeMessagePackString(value)
        case .binary(let bytes): self.writeMessagePackBinary(bytes)
        case .array(let elements):
            self.writeMessagePackArrayHeader(count: elements.count)
            for element in elements { self.writeMessagePack(element) }
        case .map(let entries):
            self.writeMessagePackMapHeader(count: entries.count)
            for entry in entries {
                self.writeMessagePack(entry.key)
                self.writeMessagePack(entry.value)
            }
        case .ext(let type, let data): self.writeMessagePackExt(type: type, data: data)
        }
    }

    private mutating func writeContainerHeader(count: Int, fix: UInt8, format16: UInt8, format32: UInt8) {
        precondition(count >= 0 && count <= Int(UInt32.max), "MessagePack containers hold fewer than 2^32 items")
        if count < 16 {
            self.writeInteger(fix | UInt8(count))
        } else if count <= Int(UInt16.max) {
            self.writeInteger(format16)
            self.writeInteger(UInt16(count))
        } else {
            self.writeInteger(format32)
            self.writeInteger(UInt32(count))
        }
    }
}
