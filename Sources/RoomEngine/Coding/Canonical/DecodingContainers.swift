/// Reads one primitive (fixed-width little-endian, see ``CanonicalEncoder``).
enum PrimitiveReading {
    static func bool(_ input: CanonicalInput) throws -> Bool { try input.readBool() }
    static func string(_ input: CanonicalInput) throws -> String { try input.readString() }
    static func double(_ input: CanonicalInput) throws -> Double { Double(bitPattern: try input.readLittleEndian(byteCount: 8)) }
    static func float(_ input: CanonicalInput) throws -> Float {
        Float(bitPattern: UInt32(truncatingIfNeeded: try input.readLittleEndian(byteCount: 4)))
    }
    static func int(_ input: CanonicalInput) throws -> Int {
        Int(Int64(bitPattern: try input.readLittleEndian(byteCount: 8)))
    }
    static func uint(_ input: CanonicalInput) throws -> UInt { UInt(try input.readLittleEndian(byteCount: 8)) }

    static func fixed<Value: FixedWidthInteger>(_ input: CanonicalInput, as type: Value.Type) throws -> Value {
        Value(truncatingIfNeeded: try input.readLittleEndian(byteCount: Value.bitWidth / 8))
    }
}

/// A keyed container over a value's fields (in any order the type asks).
struct KeyedCanonicalDecoding<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let decoder: CanonicalDecoding
    let fields: KeyedFields

    var codingPath: [any CodingKey] { decoder.codingPath }
    var allKeys: [Key] { fields.keys.compactMap { Key(stringValue: $0) } }

    func contains(_ key: Key) -> Bool { fields.index[key.stringValue] != nil }

    /// A present field is never nil (nil optionals are left out).
    func decodeNil(forKey key: Key) throws -> Bool { !contains(key) }

    /// Reads `key`'s field, which must be read to its last byte.
    private func field<Value>(_ key: Key, _ read: (CanonicalInput) throws -> Value) throws -> Value {
        guard let input = fields.input(for: key.stringValue) else {
            throw decoder.context.malformed("missing field \"\(key.stringValue)\"")
        }
        let value = try read(input)
        guard input.isAtEnd else {
            throw decoder.context.nested(key).malformed("\(input.remaining) trailing bytes")
        }
        return value
    }

    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try field(key, PrimitiveReading.bool) }
    func decode(_ type: String.Type, forKey key: Key) throws -> String { try field(key, PrimitiveReading.string) }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try field(key, PrimitiveReading.double) }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float { try field(key, PrimitiveReading.float) }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try field(key, PrimitiveReading.int) }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try field(key) { try PrimitiveReading.fixed($0, as: type) } }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try field(key) { try PrimitiveReading.fixed($0, as: type) } }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try field(key) { try PrimitiveReading.fixed($0, as: type) } }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try field(key) { try PrimitiveReading.fixed($0, as: type) } }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try field(key, PrimitiveReading.uint) }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try field(key) { try PrimitiveReading.fixed($0, as: type) } }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try field(key) { try PrimitiveReading.fixed($0, as: type) } }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try field(key) { try PrimitiveReading.fixed($0, as: type) } }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try field(key) { try PrimitiveReading.fixed($0, as: type) } }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        try field(key) { input in try decoder.context.nested(key, input: input).decode(type) }
    }

    /// A decoder over `key`'s field, finished (every byte read) with this container's.
    private func childDecoder(_ key: some CodingKey, name: String) throws -> CanonicalDecoding {
        guard let input = fields.input(for: name) else {
            throw decoder.context.malformed("missing field \"\(name)\"")
        }
        let child = CanonicalDecoding(context: decoder.context.nested(key, input: input), ownsInput: true)
        decoder.children.append(child)
        return child
    }

    func nestedContainer<NestedKey: CodingKey>(
        keyedBy type: NestedKey.Type, forKey key: Key
    ) throws -> KeyedDecodingContainer<NestedKey> {
        try childDecoder(key, name: key.stringValue).container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try childDecoder(key, name: key.stringValue).unkeyedContainer()
    }

    func superDecoder() throws -> any Decoder { try childDecoder(TextKey("super"), name: "super") }

    func superDecoder(forKey key: Key) throws -> any Decoder { try childDecoder(key, name: key.stringValue) }
}

/// An unkeyed container: its elements in order from the shared bytes.
struct UnkeyedCanonicalDecoding: UnkeyedDecodingContainer {
    let decoder: CanonicalDecoding
    let progress: UnkeyedProgress

    var codingPath: [any CodingKey] { decoder.codingPath }
    var count: Int? { progress.count }
    var isAtEnd: Bool { progress.index >= progress.count }
    var currentIndex: Int { progress.index }

    /// Reads the next element (after any nested container before it was read to its end).
    private func next<Value>(_ read: (DecodingContext) throws -> Value) throws -> Value {
        let context = decoder.context.nested(IndexKey(progress.index))
        if let pending = progress.pending, pending.index < pending.count {
            throw context.malformed("the nested container before this element was not read to its end")
        }
        guard !isAtEnd else { throw context.malformed("no element left (\(progress.count) in all)") }
        let value = try read(context)
        progress.index += 1
        return value
    }

    /// Elements are never nil (optional elements carry their own tag).
    func decodeNil() throws -> Bool { false }

    mutating func decode(_ type: Bool.Type) throws -> Bool { try next { try PrimitiveReading.bool($0.input) } }
    mutating func decode(_ type: String.Type) throws -> String { try next { try PrimitiveReading.string($0.input) } }
    mutating func decode(_ type: Double.Type) throws -> Double { try next { try PrimitiveReading.double($0.input) } }
    mutating func decode(_ type: Float.Type) throws -> Float { try next { try PrimitiveReading.float($0.input) } }
    mutating func decode(_ type: Int.Type) throws -> Int { try next { try PrimitiveReading.int($0.input) } }
    mutating func decode(_ type: Int8.Type) throws -> Int8 { try next { try PrimitiveReading.fixed($0.input, as: type) } }
    mutating func decode(_ type: Int16.Type) throws -> Int16 { try next { try PrimitiveReading.fixed($0.input, as: type) } }
    mutating func decode(_ type: Int32.Type) throws -> Int32 { try next { try PrimitiveReading.fixed($0.input, as: type) } }
    mutating func decode(_ type: Int64.Type) throws -> Int64 { try next { try PrimitiveReading.fixed($0.input, as: type) } }
    mutating func decode(_ type: UInt.Type) throws -> UInt { try next { try PrimitiveReading.uint($0.input) } }
    mutating func decode(_ type: UInt8.Type) throws -> UInt8 { try next { try PrimitiveReading.fixed($0.input, as: type) } }
    mutating func decode(_ type: UInt16.Type) throws -> UInt16 { try next { try PrimitiveReading.fixed($0.input, as: type) } }
    mutating func decode(_ type: UInt32.Type) throws -> UInt32 { try next { try PrimitiveReading.fixed($0.input, as: type) } }
    mutating func decode(_ type: UInt64.Type) throws -> UInt64 { try next { try PrimitiveReading.fixed($0.input, as: type) } }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try next { try $0.decode(type) }
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
        try next { context in
            // Its fields are located at once: nothing of it is left in the shared bytes.
            let child = CanonicalDecoding(context: context)
            decoder.children.append(child)
            return try child.container(keyedBy: type)
        }
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        let progress = progress
        return try next { context in
            let child = CanonicalDecoding(context: context)
            decoder.children.append(child)
            let container = try child.unkeyedContainer()
            if case .unkeyed(let nested) = child.opened { progress.pending = nested }
            return container
        }
    }

    mutating func superDecoder() throws -> any Decoder {
        throw decoder.context.nested(IndexKey(progress.index)).malformed("superDecoder() in a list is not supported")
    }
}

/// A single value container: the value itself, read once.
struct SingleCanonicalDecoding: SingleValueDecodingContainer {
    let decoder: CanonicalDecoding
    let progress: SingleProgress

    var codingPath: [any CodingKey] { decoder.codingPath }

    private func once<Value>(_ read: (DecodingContext) throws -> Value) throws -> Value {
        guard progress.decoded == 0 else { throw decoder.context.malformed("a single value container holds one value") }
        let value = try read(decoder.context)
        progress.decoded += 1
        return value
    }

    /// Never nil (an Optional is read with its tag, not through here).
    func decodeNil() -> Bool { false }

    func decode(_ type: Bool.Type) throws -> Bool { try once { try PrimitiveReading.bool($0.input) } }
    func decode(_ type: String.Type) throws -> String { try once { try PrimitiveReading.string($0.input) } }
    func decode(_ type: Double.Type) throws -> Double { try once { try PrimitiveReading.double($0.input) } }
    func decode(_ type: Float.Type) throws -> Float { try once { try PrimitiveReading.float($0.input) } }
    func decode(_ type: Int.Type) throws -> Int { try once { try PrimitiveReading.int($0.input) } }
    func decode(_ type: Int8.Type) throws -> Int8 { try once { try PrimitiveReading.fixed($0.input, as: type) } }
    func decode(_ type: Int16.Type) throws -> Int16 { try once { try PrimitiveReading.fixed($0.input, as: type) } }
    func decode(_ type: Int32.Type) throws -> Int32 { try once { try PrimitiveReading.fixed($0.input, as: type) } }
    func decode(_ type: Int64.Type) throws -> Int64 { try once { try PrimitiveReading.fixed($0.input, as: type) } }
    func decode(_ type: UInt.Type) throws -> UInt { try once { try PrimitiveReading.uint($0.input) } }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try once { try PrimitiveReading.fixed($0.input, as: type) } }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try once { try PrimitiveReading.fixed($0.input, as: type) } }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try once { try PrimitiveReading.fixed($0.input, as: type) } }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try once { try PrimitiveReading.fixed($0.input, as: type) } }

    func decode<T: Decodable>(_ type: T.Type) throws -> T { try once { try $0.decode(type) } }
}
