/// A keyed container: each field is a node under its key (sorted when written).
struct KeyedCanonicalEncoding<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let node: EncodingNode
    let codingPath: [any CodingKey]

    private func set(_ field: EncodingNode, for key: Key) {
        guard case .keyed(var fields) = node.content else { return }
        node.content = .unset  // keeps `fields` uniquely referenced while it changes
        fields[key.stringValue] = field
        node.content = .keyed(fields)
    }

    mutating func encodeNil(forKey key: Key) throws { throw CanonicalPrimitive.nilRefused(codingPath + [key]) }
    mutating func encode(_ value: Bool, forKey key: Key) throws { set(CanonicalPrimitive.node(value), for: key) }
    mutating func encode(_ value: String, forKey key: Key) throws { set(CanonicalPrimitive.node(value), for: key) }
    mutating func encode(_ value: Double, forKey key: Key) throws { set(CanonicalPrimitive.node(value), for: key) }
    mutating func encode(_ value: Float, forKey key: Key) throws { set(CanonicalPrimitive.node(value), for: key) }
    mutating func encode(_ value: Int, forKey key: Key) throws { set(CanonicalPrimitive.node(value), for: key) }
    mutating func encode(_ value: Int8, forKey key: Key) throws { set(CanonicalPrimitive.node(value), for: key) }
    mutating func encode(_ value: Int16, forKey key: Key) throws { set(CanonicalPrimitive.node(value), for: key) }
    mutating func encode(_ value: Int32, forKey key: Key) throws { set(CanonicalPrimitive.node(value), for: key) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { set(CanonicalPrimitive.node(value), for: key) }
    mutating func encode(_ value: UInt, forKey key: Key) throws { set(CanonicalPrimitive.node(value), for: key) }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { set(CanonicalPrimitive.node(value), for: key) }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { set(CanonicalPrimitive.node(value), for: key) }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { set(CanonicalPrimitive.node(value), for: key) }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { set(CanonicalPrimitive.node(value), for: key) }

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        let field = EncodingNode()
        try EncodingNode.encode(value, into: field, codingPath: codingPath + [key])
        set(field, for: key)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy keyType: NestedKey.Type, forKey key: Key
    ) -> KeyedEncodingContainer<NestedKey> {
        let field = EncodingNode()
        set(field, for: key)
        return CanonicalEncoding(node: field, codingPath: codingPath + [key]).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        let field = EncodingNode()
        set(field, for: key)
        return CanonicalEncoding(node: field, codingPath: codingPath + [key]).unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder { superEncoder(named: TextKey("super")) }

    mutating func superEncoder(forKey key: Key) -> any Encoder { superEncoder(named: key) }

    private mutating func superEncoder(named key: some CodingKey) -> any Encoder {
        let field = EncodingNode()
        guard case .keyed(var fields) = node.content else { return CanonicalEncoding(node: field, codingPath: codingPath) }
        node.content = .unset
        fields[key.stringValue] = field
        node.content = .keyed(fields)
        return CanonicalEncoding(node: field, codingPath: codingPath + [key])
    }
}

/// An unkeyed container: its elements in order, counted when written.
struct UnkeyedCanonicalEncoding: UnkeyedEncodingContainer {
    let node: EncodingNode
    let codingPath: [any CodingKey]

    var count: Int {
        if case .unkeyed(let elements) = node.content { return elements.count }
        return 0
    }

    private func append(_ element: EncodingNode) {
        guard case .unkeyed(var elements) = node.content else { return }
        node.content = .unset
        elements.append(element)
        node.content = .unkeyed(elements)
    }

    mutating func encodeNil() throws { throw CanonicalPrimitive.nilRefused(codingPath + [IndexKey(count)]) }
    mutating func encode(_ value: Bool) throws { append(CanonicalPrimitive.node(value)) }
    mutating func encode(_ value: String) throws { append(CanonicalPrimitive.node(value)) }
    mutating func encode(_ value: Double) throws { append(CanonicalPrimitive.node(value)) }
    mutating func encode(_ value: Float) throws { append(CanonicalPrimitive.node(value)) }
    mutating func encode(_ value: Int) throws { append(CanonicalPrimitive.node(value)) }
    mutating func encode(_ value: Int8) throws { append(CanonicalPrimitive.node(value)) }
    mutating func encode(_ value: Int16) throws { append(CanonicalPrimitive.node(value)) }
    mutating func encode(_ value: Int32) throws { append(CanonicalPrimitive.node(value)) }
    mutating func encode(_ value: Int64) throws { append(CanonicalPrimitive.node(value)) }
    mutating func encode(_ value: UInt) throws { append(CanonicalPrimitive.node(value)) }
    mutating func encode(_ value: UInt8) throws { append(CanonicalPrimitive.node(value)) }
    mutating func encode(_ value: UInt16) throws { append(CanonicalPrimitive.node(value)) }
    mutating func encode(_ value: UInt32) throws { append(CanonicalPrimitive.node(value)) }
    mutating func encode(_ value: UInt64) throws { append(CanonicalPrimitive.node(value)) }

    mutating func encode<T: Encodable>(_ value: T) throws {
        let element = EncodingNode()
        try EncodingNode.encode(value, into: element, codingPath: codingPath + [IndexKey(count)])
        append(element)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        let element = EncodingNode()
        let path = codingPath + [IndexKey(count)]
        append(element)
        return CanonicalEncoding(node: element, codingPath: path).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        let element = EncodingNode()
        let path = codingPath + [IndexKey(count)]
        append(element)
        return CanonicalEncoding(node: element, codingPath: path).unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder {
        let element = EncodingNode()
        let path = codingPath + [IndexKey(count)]
        append(element)
        return CanonicalEncoding(node: element, codingPath: path)
    }
}

/// A single value container: one value, written as that value.
struct SingleCanonicalEncoding: SingleValueEncodingContainer {
    let node: EncodingNode
    let codingPath: [any CodingKey]

    private func set(_ value: EncodingNode) throws {
        guard case .single(nil) = node.content else {
            throw RoomError.malformed("\(CanonicalErrors.path(codingPath)): a single value container holds one value")
        }
        node.content = .single(value)
    }

    mutating func encodeNil() throws { throw CanonicalPrimitive.nilRefused(codingPath) }
    mutating func encode(_ value: Bool) throws { try set(CanonicalPrimitive.node(value)) }
    mutating func encode(_ value: String) throws { try set(CanonicalPrimitive.node(value)) }
    mutating func encode(_ value: Double) throws { try set(CanonicalPrimitive.node(value)) }
    mutating func encode(_ value: Float) throws { try set(CanonicalPrimitive.node(value)) }
    mutating func encode(_ value: Int) throws { try set(CanonicalPrimitive.node(value)) }
    mutating func encode(_ value: Int8) throws { try set(CanonicalPrimitive.node(value)) }
    mutating func encode(_ value: Int16) throws { try set(CanonicalPrimitive.node(value)) }
    mutating func encode(_ value: Int32) throws { try set(CanonicalPrimitive.node(value)) }
    mutating func encode(_ value: Int64) throws { try set(CanonicalPrimitive.node(value)) }
    mutating func encode(_ value: UInt) throws { try set(CanonicalPrimitive.node(value)) }
    mutating func encode(_ value: UInt8) throws { try set(CanonicalPrimitive.node(value)) }
    mutating func encode(_ value: UInt16) throws { try set(CanonicalPrimitive.node(value)) }
    mutating func encode(_ value: UInt32) throws { try set(CanonicalPrimitive.node(value)) }
    mutating func encode(_ value: UInt64) throws { try set(CanonicalPrimitive.node(value)) }

    mutating func encode<T: Encodable>(_ value: T) throws {
        let inner = EncodingNode()
        try EncodingNode.encode(value, into: inner, codingPath: codingPath)
        try set(inner)
    }
}
