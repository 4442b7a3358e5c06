// Keyed and unkeyed containers of JSONValueEncoder. Primitive overloads write
// their JSONValue directly; everything else goes through `wrap`, which knows
// about binary and JSONValue payloads.

struct JSONKeyedEncodingContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let encoder: JSONValueEncoderImplementation
    let box: EncodingObjectBox
    let codingPath: [any CodingKey]

    private func put(_ value: JSONValue, _ key: Key) {
        self.box.append(key.stringValue, .value(value))
    }

    mutating func encodeNil(forKey key: Key) throws { self.put(.null, key) }
    mutating func encode(_ value: Bool, forKey key: Key) throws { self.put(.bool(value), key) }
    mutating func encode(_ value: String, forKey key: Key) throws { self.put(.string(value), key) }
    mutating func encode(_ value: Double, forKey key: Key) throws { self.put(.double(value), key) }
    mutating func encode(_ value: Float, forKey key: Key) throws { self.put(JSONValueEncoderImplementation.number(value), key) }
    mutating func encode(_ value: Int, forKey key: Key) throws { self.put(.int(Int64(value)), key) }
    mutating func encode(_ value: Int8, forKey key: Key) throws { self.put(.int(Int64(value)), key) }
    mutating func encode(_ value: Int16, forKey key: Key) throws { self.put(.int(Int64(value)), key) }
    mutating func encode(_ value: Int32, forKey key: Key) throws { self.put(.int(Int64(value)), key) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { self.put(.int(value), key) }
    mutating func encode(_ value: UInt, forKey key: Key) throws { self.put(JSONValueEncoderImplementation.number(value), key) }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { self.put(.int(Int64(value)), key) }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { self.put(.int(Int64(value)), key) }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { self.put(.int(Int64(value)), key) }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { self.put(JSONValueEncoderImplementation.number(value), key) }

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        let node = try self.encoder.wrap(value, codingPath: self.codingPath + [key])
        self.box.append(key.stringValue, node)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy keyType: NestedKey.Type,
        forKey key: Key
    ) -> KeyedEncodingContainer<NestedKey> {
        let child = EncodingObjectBox()
        self.box.append(key.stringValue, .object(child))
        return KeyedEncodingContainer(
            JSONKeyedEncodingContainer<NestedKey>(encoder: self.encoder, box: child, codingPath: self.codingPath + [key])
        )
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        let child = EncodingArrayBox()
        self.box.append(key.stringValue, .array(child))
        return JSONUnkeyedEncodingContainer(encoder: self.encoder, box: child, codingPath: self.codingPath + [key])
    }

    mutating func superEncoder() -> any Encoder {
        self.superEncoder(key: JSONCodingKey.super)
    }

    mutating func superEncoder(forKey key: Key) -> any Encoder {
        self.superEncoder(key: key)
    }

    private func superEncoder(key: any CodingKey) -> any Encoder {
        let child = JSONValueEncoderImplementation(codingPath: self.codingPath + [key], userInfo: self.encoder.sendableUserInfo)
        self.box.append(key.stringValue, .deferred(child))
        return child
    }
}

struct JSONUnkeyedEncodingContainer: UnkeyedEncodingContainer {
    let encoder: JSONValueEncoderImplementation
    let box: EncodingArrayBox
    let codingPath: [any CodingKey]

    var count: Int { self.box.nodes.count }

    private func put(_ value: JSONValue) {
        self.box.nodes.append(.value(value))
    }

    private var nextPath: [any CodingKey] {
        self.codingPath + [JSONCodingKey(index: self.count)]
    }

    mutating func encodeNil() throws { self.put(.null) }
    mutating func encode(_ value: Bool) throws { self.put(.bool(value)) }
    mutating func encode(_ value: String) throws { self.put(.string(value)) }
    mutating func encode(_ value: Double) throws { self.put(.double(value)) }
    mutating func encode(_ value: Float) throws { self.put(JSONValueEncoderImplementation.number(value)) }
    mutating func encode(_ value: Int) throws { self.put(.int(Int64(value))) }
    mutating func encode(_ value: Int8) throws { self.put(.int(Int64(value))) }
    mutating func encode(_ value: Int16) throws { self.put(.int(Int64(value))) }
    mutating func encode(_ value: Int32) throws { self.put(.int(Int64(value))) }
    mutating func encode(_ value: Int64) throws { self.put(.int(value)) }
    mutating func encode(_ value: UInt) throws { self.put(JSONValueEncoderImplementation.number(value)) }
    mutating func encode(_ value: UInt8) throws { self.put(.int(Int64(value))) }
    mutating func encode(_ value: UInt16) throws { self.put(.int(Int64(value))) }
    mutating func encode(_ value: UInt32) throws { self.put(.int(Int64(value))) }
    mutating func encode(_ value: UInt64) throws { self.put(JSONValueEncoderImplementation.number(value)) }

    mutating func encode<T: Encodable>(_ value: T) throws {
        let node = try self.encoder.wrap(value, codingPath: self.nextPath)
        self.box.nodes.append(node)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        let child = EncodingObjectBox()
        let path = self.nextPath
        self.box.nodes.append(.object(child))
        return KeyedEncodingContainer(JSONKeyedEncodingContainer<NestedKey>(encoder: self.encoder, box: child, codingPath: path))
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        let child = EncodingArrayBox()
        let path = self.nextPath
        self.box.nodes.append(.array(child))
        return JSONUnkeyedEncodingContainer(encoder: self.encoder, box: child, codingPath: path)
    }

    mutating func superEncoder() -> any Encoder {
        let child = JSONValueEncoderImplementation(codingPath: self.nextPath, userInfo: self.encoder.sendableUserInfo)
        self.box.nodes.append(.deferred(child))
        return child
    }
}
