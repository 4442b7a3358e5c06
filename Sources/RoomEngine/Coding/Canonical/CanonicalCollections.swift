// Optional, Dictionary and Set in their canonical forms. Their own Codable
// conformances are not used: a dictionary and a set encode in hash order,
// which Swift randomises per process, and an Optional needs a tag where a
// position-based form has no key to leave out.

/// A value the canonical encoder writes in one piece instead of through its
/// `encode(to:)`.
protocol CanonicalSpecialEncodable {
    func canonicalBytes(codingPath: [any CodingKey]) throws -> BinaryWriter
}

/// A value the canonical decoder reads in one piece instead of through its
/// `init(from:)`.
protocol CanonicalSpecialDecodable {
    static func canonicalDecode(_ context: DecodingContext) throws -> Self
}

extension Optional: CanonicalSpecialEncodable where Wrapped: Encodable {
    /// `u8 0`, or `u8 1` and the value.
    func canonicalBytes(codingPath: [any CodingKey]) throws -> BinaryWriter {
        guard let wrapped = self else {
            var writer = BinaryWriter(reservingCapacity: 1)
            writer.writeUInt8(0)
            return writer
        }
        var writer = BinaryWriter()
        writer.writeUInt8(1)
        writer.writeRaw(try EncodingNode.bytes(of: wrapped, codingPath: codingPath).bytes)
        return writer
    }
}

extension Optional: CanonicalSpecialDecodable where Wrapped: Decodable {
    static func canonicalDecode(_ context: DecodingContext) throws -> Self {
        switch try context.input.readUInt8() {
        case 0: return nil
        case 1: return try context.decode(Wrapped.self)
        case let tag: throw context.malformed("optional tag \(tag)")
        }
    }
}

extension Dictionary: CanonicalSpecialEncodable where Key: Encodable, Value: Encodable {
    /// `varint count`, then the pairs ascending by the key's bytes.
    func canonicalBytes(codingPath: [any CodingKey]) throws -> BinaryWriter {
        var pairs: [(key: [UInt8], value: [UInt8])] = []
        pairs.reserveCapacity(count)
        for (key, value) in self {
            let path = codingPath + [IndexKey(pairs.count)]
            pairs.append((try EncodingNode.bytes(of: key, codingPath: path).bytes,
                          try EncodingNode.bytes(of: value, codingPath: path).bytes))
        }
        pairs.sort { $0.key.lexicographicallyPrecedes($1.key) }
        var writer = BinaryWriter()
        writer.writeVarint(UInt64(pairs.count))
        for pair in pairs {
            writer.writeRaw(pair.key)
            writer.writeRaw(pair.value)
        }
        return writer
    }
}

extension Dictionary: CanonicalSpecialDecodable where Key: Decodable, Value: Decodable {
    static func canonicalDecode(_ context: DecodingContext) throws -> Self {
        let count = try context.input.readCount(minimumBytes: 2, "dictionary")
        var result: [Key: Value] = [:]
        result.reserveCapacity(count)
        var previous: ArraySlice<UInt8>?
        for position in 0..<count {
            let element = context.nested(IndexKey(position))
            var key: Key?
            let keyBytes = try context.input.readBytes { key = try element.decode(Key.self) }
            if let previous, !previous.lexicographicallyPrecedes(keyBytes) {
                throw element.malformed("dictionary keys out of order or repeated")
            }
            previous = keyBytes
            guard let key else { throw element.malformed("no key") }
            result[key] = try element.decode(Value.self)
        }
        guard result.count == count else { throw context.malformed("dictionary keys repeated") }
        return result
    }
}

extension Set: CanonicalSpecialEncodable where Element: Encodable {
    /// `varint count`, then the elements ascending by their bytes.
    func canonicalBytes(codingPath: [any CodingKey]) throws -> BinaryWriter {
        var elements: [[UInt8]] = []
        elements.reserveCapacity(count)
        for element in self {
            elements.append(try EncodingNode.bytes(of: element, codingPath: codingPath + [IndexKey(elements.count)]).bytes)
        }
        elements.sort { $0.lexicographicallyPrecedes($1) }
        var writer = BinaryWriter()
        writer.writeVarint(UInt64(elements.count))
        for element in elements { writer.writeRaw(element) }
        return writer
    }
}

extension Set: CanonicalSpecialDecodable where Element: Decodable {
    static func canonicalDecode(_ context: DecodingContext) throws -> Self {
        let count = try context.input.readCount(minimumBytes: 1, "set")
        var result = Set<Element>(minimumCapacity: count)
        var previous: ArraySlice<UInt8>?
        for position in 0..<count {
            let element = context.nested(IndexKey(position))
            var value: Element?
            let bytes = try context.input.readBytes { value = try element.decode(Element.self) }
            if let previous, !previous.lexicographicallyPrecedes(bytes) {
                throw element.malformed("set elements out of order or repeated")
            }
            previous = bytes
            if let value { result.insert(value) }
        }
        guard result.count == count else { throw context.malformed("set elements repeated") }
        return result
    }
}
