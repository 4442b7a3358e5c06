#if canImport(FoundationEssentials)
import FoundationEssentials
#elseif canImport(Foundation)
import Foundation
#endif
import NIOCore

/// Converts a ``JSONValue`` into any `Decodable` type: the reading side of
/// typed events and acknowledgements.
///
/// It accepts what JavaScript peers actually send: an integer field may
/// arrive as `1e3` (a double with an integral value), a `Double` field may
/// arrive as `1` (an int); a number that does not fit the target type is an
/// error rather than silently truncated. Absent keys and `null` both decode
/// as `nil` for optionals. ``JSONValue/binary(_:)`` decodes as `ByteBuffer` or
/// Foundation `Data`, and a ``JSONValue`` property receives the raw value.
///
/// ```swift
/// struct Move: Codable { var x: Int; var y: Double; var note: String? }
/// let move = try JSONValueDecoder().decode(Move.self, from: ["x": 1, "y": 2.5])
/// ```
public struct JSONValueDecoder: Sendable {
    /// Contextual information handed to `init(from:)` implementations.
    public var userInfo: [CodingUserInfoKey: any Sendable]

    /// Creates a decoder.
    public init(userInfo: [CodingUserInfoKey: any Sendable] = [:]) {
        self.userInfo = userInfo
    }

    /// Decodes a `T` from `value`.
    ///
    /// - Throws: `DecodingError` describing the first mismatch and its coding path.
    public func decode<T: Decodable>(_ type: T.Type, from value: JSONValue) throws -> T {
        try JSONValueDecoderImplementation(value: value, codingPath: [], userInfo: self.userInfo).unbox(value, as: T.self, codingPath: [])
    }
}

/// The `Decoder` handed to `init(from:)`; a value type, since decoding never
/// mutates shared state. It is its own single-value container.
struct JSONValueDecoderImplementation: Decoder {
    let value: JSONValue
    let codingPath: [any CodingKey]
    let sendableUserInfo: [CodingUserInfoKey: any Sendable]

    var userInfo: [CodingUserInfoKey: Any] { self.sendableUserInfo }

    init(value: JSONValue, codingPath: [any CodingKey], userInfo: [CodingUserInfoKey: any Sendable]) {
        self.value = value
        self.codingPath = codingPath
        self.sendableUserInfo = userInfo
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard case .object(let object) = self.value else {
            throw Self.mismatch([String: JSONValue].self, self.value, self.codingPath)
        }
        return KeyedDecodingContainer(JSONKeyedDecodingContainer<Key>(decoder: self, object: object, codingPath: self.codingPath))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard case .array(let elements) = self.value else {
            throw Self.mismatch([JSONValue].self, self.value, self.codingPath)
        }
        return JSONUnkeyedDecodingContainer(decoder: self, elements: elements, codingPath: self.codingPath)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        self
    }

    /// Decodes a nested `T` from `value` found at `codingPath`, handling the
    /// types that map directly to a ``JSONValue`` case first.
    func unbox<T: Decodable>(_ value: JSONValue, as type: T.Type, codingPath: [any CodingKey]) throws -> T {
        if T.self == JSONValue.self {
            return value as! T
        } else if T.self == String.self {
            return try Self.unboxString(value, codingPath) as! T
        } else if T.self == Int.self {
            return try Self.unboxInteger(value, as: Int.self, codingPath) as! T
        } else if T.self == Double.self {
            return try Self.unboxDouble(value, codingPath) as! T
        } else if T.self == Bool.self {
            return try Self.unboxBool(value, codingPath) as! T
        } else if T.self == ByteBuffer.self {
            return try Self.unboxBinary(value, codingPath) as! T
        }
        #if canImport(FoundationEssentials) || canImport(Foundation)
        if T.self == Data.self {
            return Data(try Self.unboxBinary(value, codingPath).readableBytesView) as! T
        }
        #endif
        let decoder = JSONValueDecoderImplementation(value: value, codingPath: codingPath, userInfo: self.sendableUserInfo)
        return try T(from: decoder)
    }
}

// MARK: - Primitive conversions

extension JSONValueDecoderImplementation {
    static func mismatch(_ type: Any.Type, _ value: JSONValue, _ codingPath: [any CodingKey]) -> DecodingError {
        if case .null = value {
            return DecodingError.valueNotFound(
                type,
                .init(codingPath: codingPath, debugDescription: "Expected \(type) but found null.")
            )
        }
        return DecodingError.typeMismatch(
            type,
            .init(codingPath: codingPath, debugDescription: "Expected \(type) but found \(Self.kind(of: value)).")
        )
    }

    private static func kind(of value: JSONValue) -> String {
        switch value {
        case .null: return "null"
        case .bool: return "a boolean"
        case .int, .double: return "a number"
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "an object"
        case .binary: return "binary data"
        }
    }

    static func unboxBool(_ value: JSONValue, _ codingPath: [any CodingKey]) throws -> Bool {
        guard case .bool(let flag) = value else { throw Self.mismatch(Bool.self, value, codingPath) }
        return flag
    }

    static func unboxString(_ value: JSONValue, _ codingPath: [any CodingKey]) throws -> String {
        guard case .string(let string) = value else { throw Self.mismatch(String.self, value, codingPath) }
        return string
    }

    static func unboxBinary(_ value: JSONValue, _ codingPath: [any CodingKey]) throws -> ByteBuffer {
        guard case .binary(let bytes) = value else { throw Self.mismatch(ByteBuffer.self, value, codingPath) }
        return bytes
    }

    static func unboxInteger<Integer: FixedWidthInteger>(
        _ value: JSONValue,
        as type: Integer.Type,
        _ codingPath: [any CodingKey]
    ) throws -> Integer {
        let converted: Integer?
        switch value {
        case .int(let integer): converted = Integer(exactly: integer)
        case .double(let double): converted = Integer(exactly: double)
        default: throw Self.mismatch(Integer.self, value, codingPath)
        }
        guard let converted else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: codingPath, debugDescription: "Number \(value) does not fit in \(Integer.self).")
            )
        }
        return converted
    }

    static func unboxDouble(_ value: JSONValue, _ codingPath: [any CodingKey]) throws -> Double {
        switch value {
        case .int(let integer): return Double(integer)
        case .double(let double): return double
        default: throw Self.mismatch(Double.self, value, codingPath)
        }
    }

    static func unboxFloat(_ value: JSONValue, _ codingPath: [any CodingKey]) throws -> Float {
        let double = try Self.unboxDouble(value, codingPath)
        guard double.isNaN || double.isInfinite || double.magnitude <= Double(Float.greatestFiniteMagnitude) else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: codingPath, debugDescription: "Number \(value) does not fit in Float.")
            )
        }
        return Float(double)
    }
}

extension JSONValueDecoderImplementation: SingleValueDecodingContainer {
    func decodeNil() -> Bool { self.value.isNull }
    func decode(_ type: Bool.Type) throws -> Bool { try Self.unboxBool(self.value, self.codingPath) }
    func decode(_ type: String.Type) throws -> String { try Self.unboxString(self.value, self.codingPath) }
    func decode(_ type: Double.Type) throws -> Double { try Self.unboxDouble(self.value, self.codingPath) }
    func decode(_ type: Float.Type) throws -> Float { try Self.unboxFloat(self.value, self.codingPath) }
    func decode(_ type: Int.Type) throws -> Int { try Self.unboxInteger(self.value, as: type, self.codingPath) }
    func decode(_ type: Int8.Type) throws -> Int8 { try Self.unboxInteger(self.value, as: type, self.codingPath) }
    func decode(_ type: Int16.Type) throws -> Int16 { try Self.unboxInteger(self.value, as: type, self.codingPath) }
    func decode(_ type: Int32.Type) throws -> Int32 { try Self.unboxInteger(self.value, as: type, self.codingPath) }
    func decode(_ type: Int64.Type) throws -> Int64 { try Self.unboxInteger(self.value, as: type, self.codingPath) }
    func decode(_ type: UInt.Type) throws -> UInt { try Self.unboxInteger(self.value, as: type, self.codingPath) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try Self.unboxInteger(self.value, as: type, self.codingPath) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try Self.unboxInteger(self.value, as: type, self.codingPath) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try Self.unboxInteger(self.value, as: type, self.codingPath) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try Self.unboxInteger(self.value, as: type, self.codingPath) }
    func decode<T: Decodable>(_ type: T.Type) throws -> T { try self.unbox(self.value, as: type, codingPath: self.codingPath) }
}
