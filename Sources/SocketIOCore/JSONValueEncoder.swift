#if canImport(FoundationEssentials)
import FoundationEssentials
#elseif canImport(Foundation)
import Foundation
#endif
import NIOCore

/// Converts any `Encodable` value into a ``JSONValue``, so typed events and
/// acknowledgements can be written with plain Swift structs.
///
/// The mapping follows what `JSON.stringify` would make of the equivalent
/// JavaScript object:
///
/// - integers stay ``JSONValue/int(_:)`` (values beyond `Int64` become
///   doubles, as JavaScript would see them); `Double` and `Float` become
///   ``JSONValue/double(_:)``;
/// - `nil` optionals are *omitted* from keyed containers (like `undefined`
///   properties) and written as `null` in arrays;
/// - `ByteBuffer` and Foundation `Data` become ``JSONValue/binary(_:)``, which
///   the packet encoder sends as a binary attachment; a ``JSONValue`` is
///   embedded as is;
/// - keys keep the order in which they were encoded.
///
/// ```swift
/// struct Move: Codable { var x: Int; var y: Double; var note: String? }
/// let value = try JSONValueEncoder().encode(Move(x: 1, y: 2.5, note: nil))
/// // value == ["x": 1, "y": 2.5]
/// ```
public struct JSONValueEncoder: Sendable {
    /// Contextual information handed to `encode(to:)` implementations.
    public var userInfo: [CodingUserInfoKey: any Sendable]

    /// Creates an encoder.
    public init(userInfo: [CodingUserInfoKey: any Sendable] = [:]) {
        self.userInfo = userInfo
    }

    /// Encodes `value` as a ``JSONValue``.
    ///
    /// - Throws: `EncodingError` thrown by the value's own `encode(to:)`.
    public func encode<T: Encodable>(_ value: T) throws -> JSONValue {
        let encoder = JSONValueEncoderImplementation(codingPath: [], userInfo: self.userInfo)
        return try encoder.wrap(value, codingPath: []).finalized()
    }
}

/// A value under construction. Containers are reference boxes so that
/// nested containers handed out earlier can still be filled in.
enum EncodingNode {
    case value(JSONValue)
    case object(EncodingObjectBox)
    case array(EncodingArrayBox)
    /// The output of a `superEncoder()`, filled in after it was handed out.
    case deferred(JSONValueEncoderImplementation)

    func finalized() -> JSONValue {
        switch self {
        case .value(let value):
            return value
        case .object(let box):
            var object = JSONObject(minimumCapacity: box.keys.count)
            for (key, node) in zip(box.keys, box.nodes) {
                object.updateValue(node.finalized(), forKey: key)  // a repeated key: last wins
            }
            return .object(object)
        case .array(let box):
            return .array(box.nodes.map { $0.finalized() })
        case .deferred(let encoder):
            return encoder.node?.finalized() ?? .object(JSONObject())
        }
    }
}

final class EncodingObjectBox {
    var keys: [String] = []
    var nodes: [EncodingNode] = []

    func append(_ key: String, _ node: EncodingNode) {
        self.keys.append(key)
        self.nodes.append(node)
    }
}

final class EncodingArrayBox {
    var nodes: [EncodingNode] = []
}

/// The `Encoder` handed to `encode(to:)`; it is its own single-value container.
final class JSONValueEncoderImplementation: Encoder {
    let codingPath: [any CodingKey]
    let sendableUserInfo: [CodingUserInfoKey: any Sendable]
    /// What has been encoded so far (`nil` until a container is requested).
    var node: EncodingNode?

    var userInfo: [CodingUserInfoKey: Any] { self.sendableUserInfo }

    init(codingPath: [any CodingKey], userInfo: [CodingUserInfoKey: any Sendable]) {
        self.codingPath = codingPath
        self.sendableUserInfo = userInfo
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        let box: EncodingObjectBox
        if case .object(let existing)? = self.node {
            box = existing
        } else {
            box = EncodingObjectBox()
            self.node = .object(box)
        }
        return KeyedEncodingContainer(JSONKeyedEncodingContainer<Key>(encoder: self, box: box, codingPath: self.codingPath))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        let box: EncodingArrayBox
        if case .array(let existing)? = self.node {
            box = existing
        } else {
            box = EncodingArrayBox()
            self.node = .array(box)
        }
        return JSONUnkeyedEncodingContainer(encoder: self, box: box, codingPath: self.codingPath)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        self
    }

    /// Encodes a nested value found at `codingPath`, recognising the types
    /// that map directly to a ``JSONValue`` case before falling back to the
    /// value's own `encode(to:)`.
    func wrap<T: Encodable>(_ value: T, codingPath: [any CodingKey]) throws -> EncodingNode {
        if T.self == JSONValue.self {
            return .value(value as! JSONValue)
        } else if T.self == String.self {
            return .value(.string(value as! String))
        } else if T.self == Int.self {
            return .value(.int(Int64(value as! Int)))
        } else if T.self == Double.self {
            return .value(.double(value as! Double))
        } else if T.self == Bool.self {
            return .value(.bool(value as! Bool))
        } else if T.self == ByteBuffer.self {
            return .value(.binary(value as! ByteBuffer))
        }
        #if canImport(FoundationEssentials) || canImport(Foundation)
        if T.self == Data.self {
            return .value(.binary(ByteBuffer(bytes: value as! Data)))
        }
        #endif
        let child = JSONValueEncoderImplementation(codingPath: codingPath, userInfo: self.sendableUserInfo)
        try value.encode(to: child)
        // A value that asks for no container encodes as an empty object, as with JSONEncoder.
        return child.node ?? .value(.object(JSONObject()))
    }

    /// JavaScript numbers: integers that fit in Int64 stay exact, larger ones
    /// become doubles.
    static func number<Integer: BinaryInteger>(_ value: Integer) -> JSONValue {
        if let exact = Int64(exactly: value) { return .int(exact) }
        return .double(Double(value))
    }

    /// A `Float` is widened through its shortest decimal form, so `0.1 as Float`
    /// becomes `0.1` rather than `0.10000000149011612`.
    static func number(_ value: Float) -> JSONValue {
        guard value.isFinite, let widened = Double(value.description) else { return .double(Double(value)) }
        return .double(widened)
    }
}

extension JSONValueEncoderImplementation: SingleValueEncodingContainer {
    func encodeNil() throws { self.node = .value(.null) }
    func encode(_ value: Bool) throws { self.node = .value(.bool(value)) }
    func encode(_ value: String) throws { self.node = .value(.string(value)) }
    func encode(_ value: Double) throws { self.node = .value(.double(value)) }
    func encode(_ value: Float) throws { self.node = .value(Self.number(value)) }
    func encode(_ value: Int) throws { self.node = .value(.int(Int64(value))) }
    func encode(_ value: Int8) throws { self.node = .value(.int(Int64(value))) }
    func encode(_ value: Int16) throws { self.node = .value(.int(Int64(value))) }
    func encode(_ value: Int32) throws { self.node = .value(.int(Int64(value))) }
    func encode(_ value: Int64) throws { self.node = .value(.int(value)) }
    func encode(_ value: UInt) throws { self.node = .value(Self.number(value)) }
    func encode(_ value: UInt8) throws { self.node = .value(.int(Int64(value))) }
    func encode(_ value: UInt16) throws { self.node = .value(.int(Int64(value))) }
    func encode(_ value: UInt32) throws { self.node = .value(.int(Int64(value))) }
    func encode(_ value: UInt64) throws { self.node = .value(Self.number(value)) }
    func encode<T: Encodable>(_ value: T) throws {
        self.node = try self.wrap(value, codingPath: self.codingPath)
    }
}
