/// Writes `Encodable` values in the engine's canonical binary encoding, the
/// form ``CanonicalCodable`` types take on the wire, in snapshots and in
/// recordings.
///
/// ```text
/// Bool                 1 byte, 0 or 1
/// Int8, UInt8          1 byte
/// Int16 … UInt64       2, 4 or 8 bytes little-endian (Int and UInt: 8)
/// Float, Double        4 or 8 bytes little-endian, the IEEE 754 bit pattern
///                      (discouraged in a logic: see docs/writing-a-room.md)
/// String               varint byte count, UTF-8
/// Optional             u8 0 (nil), or u8 1 then the value
/// struct, enum case    varint field count, then per field in ascending key
///                      order (UTF-8 bytes): string key, varint byte count, value
/// Array (unkeyed)      varint element count, then the elements
/// Dictionary           varint count, then key, value pairs in ascending
///                      order of the key's encoded bytes
/// Set                  varint count, the elements in ascending order of their bytes
/// nothing encoded      0x00 (an empty struct)
/// ```
///
/// An enum with associated values is a struct with one field named after
/// the case, whose value is a struct of the associated values (`_0`, `_1`
/// when unlabeled); a case without values has an empty struct. An enum with
/// a raw value is its raw value. Optional fields a type skips when `nil`
/// (`encodeIfPresent`, what synthesized `Codable` does) are left out.
///
/// ```swift
/// struct Shot: Codable { var x: UInt8; var y: UInt8 }
/// try CanonicalEncoder().encode(Shot(x: 3, y: 4))
/// // 02  01 78 01 03  01 79 01 04    2 fields: "x" = 3, "y" = 4
/// ```
public struct CanonicalEncoder: Sendable {
    /// Creates an encoder.
    public init() {}

    /// The canonical bytes of `value`.
    ///
    /// - Throws: ``RoomError/malformed(_:)`` when the value cannot be
    ///   encoded (its `encode(to:)` threw, or asked for `encodeNil` outside
    ///   an `Optional`); the message names the coding path.
    public func encode(_ value: some Encodable) throws(RoomError) -> [UInt8] {
        var writer = BinaryWriter()
        try encode(value, into: &writer)
        return writer.bytes
    }

    /// Appends the canonical bytes of `value` to `writer`.
    public func encode(_ value: some Encodable, into writer: inout BinaryWriter) throws(RoomError) {
        let node = EncodingNode()
        do {
            try EncodingNode.encode(value, into: node, codingPath: [])
        } catch {
            throw CanonicalErrors.map(error)
        }
        node.write(into: &writer)
    }
}

/// Maps whatever a `Codable` implementation threw to the engine's error.
enum CanonicalErrors {
    static func map(_ error: any Error) -> RoomError {
        switch error {
        case let error as RoomError:
            return error
        case let error as DecodingError:
            return .malformed(describe(error))
        case let error as EncodingError:
            if case .invalidValue(_, let context) = error {
                return .malformed("\(path(context.codingPath)): \(context.debugDescription)")
            }
            return .malformed("\(error)")
        default:
            return .malformed("\(error)")
        }
    }

    /// A coding path as `players[1].fleet`.
    static func path(_ codingPath: [any CodingKey]) -> String {
        guard !codingPath.isEmpty else { return "value" }
        var text = ""
        for key in codingPath {
            if let index = key.intValue, key.stringValue.hasPrefix("Index ") {
                text += "[\(index)]"
            } else {
                text += text.isEmpty ? key.stringValue : "." + key.stringValue
            }
        }
        return text
    }

    private static func describe(_ error: DecodingError) -> String {
        switch error {
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            return "\(path(context.codingPath)): \(context.debugDescription)"
        case .keyNotFound(let key, let context):
            return "\(path(context.codingPath + [key])): missing"
        @unknown default:
            return "\(error)"
        }
    }
}

/// The coding key of an element of an unkeyed container (`Index 3`).
struct IndexKey: CodingKey {
    let intValue: Int?
    let stringValue: String

    init(_ index: Int) {
        intValue = index
        stringValue = "Index \(index)"
    }

    init?(stringValue: String) { return nil }
    init?(intValue: Int) { self.init(intValue) }
}

/// A key made from text (fields read back, `super`).
struct TextKey: CodingKey {
    let stringValue: String
    var intValue: Int? { nil }

    init(_ text: String) { stringValue = text }
    init?(stringValue: String) { self.init(stringValue) }
    init?(intValue: Int) { return nil }
}
