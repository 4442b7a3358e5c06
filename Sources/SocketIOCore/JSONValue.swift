public import NIOCore

/// A JSON document that loses nothing on its way through the server.
///
/// Socket.IO payloads are JSON produced by JavaScript, plus binary attachments.
/// Foundation's `JSONSerialization` forgets whether `1` was an integer, reorders
/// object keys and has no place for binary data; this type keeps all of it:
///
/// - integers without fraction or exponent that fit in `Int64` stay ``int(_:)``,
///   every other number is a ``double(_:)`` (so `-0`, `1.5` and `1e300` survive);
/// - objects keep their key insertion order (see ``JSONObject``);
/// - ``binary(_:)`` carries a Socket.IO binary attachment, which the packet
///   encoder replaces with a `{"_placeholder":true,"num":N}` marker on the wire;
/// - `null` and "absent" are different: an object lookup returns `nil` for a
///   missing key and ``null`` for an explicit `null`.
///
/// ```swift
/// let value: JSONValue = ["hello", 1, 2.5, ["nested": true], nil]
/// value[0]?.stringValue        // "hello"
/// value[3]?["nested"]          // .bool(true)
/// let parsed = try JSONValue(parsing: #"{"a":[1,2.0]}"#)
/// parsed.jsonString            // {"a":[1,2]}   (exactly like JSON.stringify)
/// ```
///
/// Equality is structural and order-sensitive for objects (order is visible on
/// the wire); `.int(1)` and `.double(1)` are different values.
public enum JSONValue: Sendable, Hashable {
    /// The JSON `null` literal.
    case null
    /// `true` or `false`.
    case bool(Bool)
    /// A number written without fraction or exponent that fits in `Int64`.
    case int(Int64)
    /// Any other number (fractions, exponents, `-0`, integers beyond `Int64`).
    /// Non-finite values serialize as `null`, like `JSON.stringify`.
    case double(Double)
    /// A string.
    case string(String)
    /// An array.
    case array([JSONValue])
    /// An object, with its keys in insertion order.
    case object(JSONObject)
    /// A Socket.IO binary attachment (not representable in plain JSON text).
    case binary(ByteBuffer)
}

// MARK: - Typed accessors

extension JSONValue {
    /// `true` when this is the JSON `null` literal (not when a key is absent).
    @inlinable
    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    /// The boolean payload, or `nil` when this is not a ``bool(_:)``.
    @inlinable
    public var boolValue: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    /// The string payload, or `nil` when this is not a ``string(_:)``.
    @inlinable
    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    /// The value as an `Int64` when it is an ``int(_:)`` or an integral
    /// ``double(_:)`` that fits exactly (JavaScript has a single number type,
    /// so `1e3` from a client is a valid integer).
    @inlinable
    public var int64Value: Int64? {
        switch self {
        case .int(let value): return value
        case .double(let value): return Int64(exactly: value)
        default: return nil
        }
    }

    /// The value as a `Double` when it is any number.
    @inlinable
    public var doubleValue: Double? {
        switch self {
        case .int(let value): return Double(value)
        case .double(let value): return value
        default: return nil
        }
    }

    /// The elements, or `nil` when this is not an ``array(_:)``.
    @inlinable
    public var arrayValue: [JSONValue]? {
        if case .array(let value) = self { return value }
        return nil
    }

    /// The object, or `nil` when this is not an ``object(_:)``.
    @inlinable
    public var objectValue: JSONObject? {
        if case .object(let value) = self { return value }
        return nil
    }

    /// The attachment bytes, or `nil` when this is not a ``binary(_:)``.
    @inlinable
    public var binaryValue: ByteBuffer? {
        if case .binary(let value) = self { return value }
        return nil
    }

    /// Looks up `key` when this is an object.
    ///
    /// Returns `nil` when the key is absent *or* this is not an object, and
    /// `.null` when the key is present with a `null` value.
    @inlinable
    public subscript(key: String) -> JSONValue? {
        if case .object(let object) = self { return object[key] }
        return nil
    }

    /// The element at `index` when this is an array and the index is in range.
    @inlinable
    public subscript(index: Int) -> JSONValue? {
        if case .array(let elements) = self, elements.indices.contains(index) {
            return elements[index]
        }
        return nil
    }
}

// MARK: - Binary helpers

extension JSONValue {
    /// `true` when a ``binary(_:)`` value occurs anywhere inside this value.
    ///
    /// Mirrors the reference `hasBinary` check that decides whether an EVENT
    /// must be sent as a BINARY_EVENT.
    public var containsBinary: Bool {
        switch self {
        case .binary:
            return true
        case .array(let elements):
            for element in elements where element.containsBinary { return true }
            return false
        case .object(let object):
            for entry in object.entries where entry.value.containsBinary { return true }
            return false
        case .null, .bool, .int, .double, .string:
            return false
        }
    }

    /// The number of ``binary(_:)`` values anywhere inside this value, i.e. the
    /// number of attachments the packet encoder will emit for it.
    public var binaryCount: Int {
        switch self {
        case .binary:
            return 1
        case .array(let elements):
            var total = 0
            for element in elements { total &+= element.binaryCount }
            return total
        case .object(let object):
            var total = 0
            for entry in object.entries { total &+= entry.value.binaryCount }
            return total
        case .null, .bool, .int, .double, .string:
            return 0
        }
    }
}

extension JSONValue: CustomStringConvertible {
    /// The JSON text of this value (binary values shown the way Node.js
    /// stringifies a `Buffer`), handy in logs and test failures.
    public var description: String { self.jsonString }
}
