// Keyed and unkeyed containers of JSONValueDecoder.

struct JSONKeyedDecodingContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    typealias Implementation = JSONValueDecoderImplementation

    let decoder: JSONValueDecoderImplementation
    let object: JSONObject
    let codingPath: [any CodingKey]

    var allKeys: [Key] {
        self.object.entries.compactMap { Key(stringValue: $0.key) }
    }

    func contains(_ key: Key) -> Bool {
        self.object.index(forKey: key.stringValue) != nil
    }

    private func value(for key: Key) throws -> JSONValue {
        guard let value = self.object[key.stringValue] else {
            throw DecodingError.keyNotFound(
                key,
                .init(codingPath: self.codingPath, debugDescription: "No value for key \"\(key.stringValue)\".")
            )
        }
        return value
    }

    func decodeNil(forKey key: Key) throws -> Bool {
        try self.value(for: key).isNull
    }

    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool {
        try Implementation.unboxBool(self.value(for: key), self.codingPath + [key])
    }

    func decode(_ type: String.Type, forKey key: Key) throws -> String {
        try Implementation.unboxString(self.value(for: key), self.codingPath + [key])
    }

    func decode(_ type: Double.Type, forKey key: Key) throws -> Double {
        try Implementation.unboxDouble(self.value(for: key), self.codingPath + [key])
    }

    func decode(_ type: Float.Type, forKey key: Key) throws -> Float {
        try Implementation.unboxFloat(self.value(for: key), self.codingPath + [key])
    }

    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try self.integer(key) }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try self.integer(key) }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try self.integer(key) }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try self.integer(key) }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try self.integer(key) }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try self.integer(key) }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try self.integer(key) }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try self.integer(key) }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try self.integer(key) }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try self.integer(key) }

    private func integer<Integer: FixedWidthInteger>(_ key: Key) throws -> Integer {
        try Implementation.unboxInteger(self.value(for: key), as: Integer.self, self.codingPath + [key])
    }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        try self.decoder.unbox(self.value(for: key), as: type, codingPath: self.codingPath + [key])
    }

    func nestedContainer<NestedKey: CodingKey>(
        keyedBy type: NestedKey.Type,
        forKey key: Key
    ) throws -> KeyedDecodingContainer<NestedKey> {
        try self.childDecoder(self.value(for: key), key).container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try self.childDecoder(self.value(for: key), key).unkeyedContainer()
    }

    func superDecoder() throws -> any Decoder {
        self.childDecoder(self.object[JSONCodingKey.super.stringValue] ?? .null, JSONCodingKey.super)
    }

    func superDecoder(forKey key: Key) throws -> any Decoder {
        self.childDecoder(self.object[key.stringValue] ?? .null, key)
    }

    private func childDecoder(_ value: JSONValue, _ key: any CodingKey) -> JSONValueDecoderImplementation {
        JSONValueDecoderImplementation(value: value, codingPath: self.codingPath + [key], userInfo: self.decoder.sendableUserInfo)
    }
}

struct JSONUnkeyedDecodingContainer: UnkeyedDecodingContainer {
    typealias Implementation = JSONValueDecoderImplementation

    let decoder: JSONValueDecoderImplementation
    let elements: [JSONValue]
    let codingPath: [any CodingKey]
    private(set) var currentIndex = 0

    init(decoder: JSONValueDecoderImplementation, elements: [JSONValue], codingPath: [any CodingKey]) {
        self.decoder = decoder
        self.elements = elements
        self.codingPath = codingPath
    }

    var count: Int? { self.elements.count }
    var isAtEnd: Bool { self.currentIndex >= self.elements.count }

    private var currentPath: [any CodingKey] {
        self.codingPath + [JSONCodingKey(index: self.currentIndex)]
    }

    /// Returns the next element and advances, or throws when at the end.
    private mutating func next(_ type: Any.Type) throws -> (JSONValue, [any CodingKey]) {
        guard !self.isAtEnd else {
            throw DecodingError.valueNotFound(
                type,
                .init(codingPath: self.currentPath, debugDescription: "Unkeyed container is at end.")
            )
        }
        let element = (self.elements[self.currentIndex], self.currentPath)
        self.currentIndex += 1
        return element
    }

    mutating func decodeNil() throws -> Bool {
        guard !self.isAtEnd else {
            throw DecodingError.valueNotFound(
                Never?.self,
                .init(codingPath: self.currentPath, debugDescription: "Unkeyed container is at end.")
            )
        }
        if self.elements[self.currentIndex].isNull {
            self.currentIndex += 1
            return true
        }
        return false
    }

    // Each primitive decode only advances once the element converted, so a
    // failed attempt can be retried with another type (as with JSONDecoder).
    private mutating func decodePrimitive<T>(_ type: T.Type, _ convert: (JSONValue, [any CodingKey]) throws -> T) throws -> T {
        let (value, path) = try self.next(type)
        do {
            return try convert(value, path)
        } catch {
            self.currentIndex -= 1
            throw error
        }
    }

    mutating func decode(_ type: Bool.Type) throws -> Bool { try self.decodePrimitive(type, Implementation.unboxBool) }
    mutating func decode(_ type: String.Type) throws -> String { try self.decodePrimitive(type, Implementation.unboxString) }
    mutating func decode(_ type: Double.Type) throws -> Double { try self.decodePrimitive(type, Implementation.unboxDouble) }
    mutating func decode(_ type: Float.Type) throws -> Float { try self.decodePrimitive(type, Implementation.unboxFloat) }
    mutating func decode(_ type: Int.Type) throws -> Int { try self.integer() }
    mutating func decode(_ type: Int8.Type) throws -> Int8 { try self.integer() }
    mutating func decode(_ type: Int16.Type) throws -> Int16 { try self.integer() }
    mutating func decode(_ type: Int32.Type) throws -> Int32 { try self.integer() }
    mutating func decode(_ type: Int64.Type) throws -> Int64 { try self.integer() }
    mutating func decode(_ type: UInt.Type) throws -> UInt { try self.integer() }
    mutating func decode(_ type: UInt8.Type) throws -> UInt8 { try self.integer() }
    mutating func decode(_ type: UInt16.Type) throws -> UInt16 { try self.integer() }
    mutating func decode(_ type: UInt32.Type) throws -> UInt32 { try self.integer() }
    mutating func decode(_ type: UInt64.Type) throws -> UInt64 { try self.integer() }

    private mutating func integer<Integer: FixedWidthInteger>() throws -> Integer {
        try self.decodePrimitive(Integer.self) { value, path in
            try Implementation.unboxInteger(value, as: Integer.self, path)
        }
    }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
        let decoder = self.decoder
        return try self.decodePrimitive(type) { value, path in
            try decoder.unbox(value, as: type, codingPath: path)
        }
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
        let userInfo = self.decoder.sendableUserInfo
        return try self.decodePrimitive(KeyedDecodingContainer<NestedKey>.self) { value, path in
            try JSONValueDecoderImplementation(value: value, codingPath: path, userInfo: userInfo).container(keyedBy: type)
        }
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        let userInfo = self.decoder.sendableUserInfo
        return try self.decodePrimitive((any UnkeyedDecodingContainer).self) { value, path in
            try JSONValueDecoderImplementation(value: value, codingPath: path, userInfo: userInfo).unkeyedContainer()
        }
    }

    mutating func superDecoder() throws -> any Decoder {
        let (value, path) = try self.next((any Decoder).self)
        return JSONValueDecoderImplementation(value: value, codingPath: path, userInfo: self.decoder.sendableUserInfo)
    }
}
