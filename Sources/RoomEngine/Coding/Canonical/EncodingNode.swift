/// One value being encoded: a tree, because a container handed out by an
/// `Encoder` may be written to after its parent's other fields. The tree is
/// written out once the whole value is encoded, fields sorted by key.
final class EncodingNode {
    enum Content {
        /// Nothing encoded (written as an empty struct, 0x00).
        case unset
        /// A primitive or a value written in one piece (Optional, Dictionary, Set).
        case bytes(BinaryWriter)
        /// A keyed container's fields by key.
        case keyed([String: EncodingNode])
        /// An unkeyed container's elements, in order.
        case unkeyed([EncodingNode])
        /// A single value container (holds one value once encoded).
        case single(EncodingNode?)
    }

    var content = Content.unset

    init() {}

    init(bytes: BinaryWriter) { content = .bytes(bytes) }

    /// Encodes `value` into `node`, writing Optional, Dictionary and Set in
    /// their canonical forms instead of their own `encode(to:)`.
    static func encode<Value: Encodable>(_ value: Value, into node: EncodingNode, codingPath: [any CodingKey]) throws {
        if let special = value as? any CanonicalSpecialEncodable {
            node.content = .bytes(try special.canonicalBytes(codingPath: codingPath))
        } else {
            try value.encode(to: CanonicalEncoding(node: node, codingPath: codingPath))
        }
    }

    /// The canonical bytes of one value on its own.
    static func bytes<Value: Encodable>(of value: Value, codingPath: [any CodingKey]) throws -> BinaryWriter {
        let node = EncodingNode()
        try encode(value, into: node, codingPath: codingPath)
        var writer = BinaryWriter()
        node.write(into: &writer)
        return writer
    }

    /// Writes the tree in the canonical layout (see ``CanonicalEncoder``).
    func write(into writer: inout BinaryWriter) {
        switch content {
        case .unset, .single(nil):
            writer.writeUInt8(0)
        case .bytes(let bytes):
            writer.writeRaw(bytes.bytes)
        case .single(let value?):
            value.write(into: &writer)
        case .unkeyed(let elements):
            writer.writeVarint(UInt64(elements.count))
            for element in elements { element.write(into: &writer) }
        case .keyed(let fields):
            let sorted = fields.map { (key: Array($0.key.utf8), node: $0.value) }
                .sorted { $0.key.lexicographicallyPrecedes($1.key) }
            writer.writeVarint(UInt64(sorted.count))
            for field in sorted {
                writer.writeLengthPrefixed(field.key)
                var value = BinaryWriter()
                field.node.write(into: &value)
                writer.writeLengthPrefixed(value.bytes)
            }
        }
    }
}

/// The `Encoder` handed to a value's `encode(to:)`: it fills one node.
struct CanonicalEncoding: Encoder {
    let node: EncodingNode
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        // Asking again for the same kind shares it; another kind replaces it.
        if case .keyed = node.content {} else { node.content = .keyed([:]) }
        return KeyedEncodingContainer(KeyedCanonicalEncoding<Key>(node: node, codingPath: codingPath))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        if case .unkeyed = node.content {} else { node.content = .unkeyed([]) }
        return UnkeyedCanonicalEncoding(node: node, codingPath: codingPath)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        if case .single = node.content {} else { node.content = .single(nil) }
        return SingleCanonicalEncoding(node: node, codingPath: codingPath)
    }
}

/// Primitive values as fixed-width little-endian bytes (see ``CanonicalEncoder``).
enum CanonicalPrimitive {
    static func bytes(_ write: (inout BinaryWriter) -> Void) -> EncodingNode {
        var writer = BinaryWriter(reservingCapacity: 8)
        write(&writer)
        return EncodingNode(bytes: writer)
    }

    static func node(_ value: Bool) -> EncodingNode { bytes { $0.writeBool(value) } }
    static func node(_ value: String) -> EncodingNode { bytes { $0.writeString(value) } }
    static func node(_ value: Double) -> EncodingNode { bytes { $0.writeUInt64(value.bitPattern) } }
    static func node(_ value: Float) -> EncodingNode { bytes { $0.writeUInt32(value.bitPattern) } }
    static func node(_ value: Int) -> EncodingNode { bytes { $0.writeUInt64(UInt64(bitPattern: Int64(value))) } }
    static func node(_ value: Int8) -> EncodingNode { bytes { $0.writeUInt8(UInt8(bitPattern: value)) } }
    static func node(_ value: Int16) -> EncodingNode { bytes { $0.writeUInt16(UInt16(bitPattern: value)) } }
    static func node(_ value: Int32) -> EncodingNode { bytes { $0.writeUInt32(UInt32(bitPattern: value)) } }
    static func node(_ value: Int64) -> EncodingNode { bytes { $0.writeUInt64(UInt64(bitPattern: value)) } }
    static func node(_ value: UInt) -> EncodingNode { bytes { $0.writeUInt64(UInt64(value)) } }
    static func node(_ value: UInt8) -> EncodingNode { bytes { $0.writeUInt8(value) } }
    static func node(_ value: UInt16) -> EncodingNode { bytes { $0.writeUInt16(value) } }
    static func node(_ value: UInt32) -> EncodingNode { bytes { $0.writeUInt32(value) } }
    static func node(_ value: UInt64) -> EncodingNode { bytes { $0.writeUInt64(value) } }

    static func nilRefused(_ codingPath: [any CodingKey]) -> RoomError {
        .malformed("\(CanonicalErrors.path(codingPath)): encodeNil has no canonical form outside an Optional")
    }
}
