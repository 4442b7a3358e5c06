/// Reads values written by ``CanonicalEncoder``, strictly and within
/// bounds: it is what turns a client's input bytes into a
/// ``CanonicalCodable`` value, so it never trusts them.
///
/// Refused as ``RoomError/truncated`` or ``RoomError/malformed(_:)`` (the
/// message names the coding path): bytes that end early, trailing bytes,
/// fields out of key order or repeated, fields the type does not read,
/// dictionary keys and set elements out of order or repeated, booleans and
/// `Optional` tags other than 0 and 1, invalid UTF-8, and nesting deeper
/// than ``maxDepth``. No count or length is trusted beyond the bytes left,
/// so a hostile length never allocates more than the input's size. A
/// ``CanonicalCodable`` value's ``CanonicalCodable/validate()`` runs after it
/// is read.
///
/// ```swift
/// let shot = try CanonicalDecoder().decode(Shot.self, from: [0x02, 0x01, 0x78, 0x01, 0x03, 0x01, 0x79, 0x01, 0x04])
/// ```
public struct CanonicalDecoder: Sendable {
    /// How deep values may nest (a struct in an array in a struct is 3).
    public var maxDepth: Int

    /// Creates a decoder that accepts values nested up to `maxDepth` deep.
    public init(maxDepth: Int = 64) {
        self.maxDepth = maxDepth
    }

    /// Decodes one value spanning all of `bytes`.
    public func decode<Value: Decodable>(_ type: Value.Type, from bytes: [UInt8]) throws(RoomError) -> Value {
        let input = CanonicalInput(bytes: bytes, position: 0, end: bytes.count)
        let value = try decode(type, from: input)
        guard input.isAtEnd else { throw .malformed("\(input.remaining) trailing bytes") }
        return value
    }

    /// Decodes one value starting at `reader`'s position and moves the
    /// reader past it (the bytes after it are left to the caller).
    public func decode<Value: Decodable>(_ type: Value.Type, from reader: inout BinaryReader) throws(RoomError) -> Value {
        let input = CanonicalInput(bytes: reader.bytes, position: reader.position, end: reader.bytes.count)
        let value = try decode(type, from: input)
        reader.position = input.position
        return value
    }

    private func decode<Value: Decodable>(_ type: Value.Type, from input: CanonicalInput) throws(RoomError) -> Value {
        do {
            return try DecodingContext(input: input, codingPath: [], depth: 0, maxDepth: maxDepth).decode(type)
        } catch {
            throw CanonicalErrors.map(error)
        }
    }
}

/// Where a value is read from and how deep it sits.
struct DecodingContext {
    let input: CanonicalInput
    let codingPath: [any CodingKey]
    let depth: Int
    let maxDepth: Int

    /// The same place, one key deeper (a value inside this one).
    func nested(_ key: any CodingKey, input: CanonicalInput? = nil) -> DecodingContext {
        DecodingContext(input: input ?? self.input, codingPath: codingPath + [key], depth: depth, maxDepth: maxDepth)
    }

    /// Reads one value here: Optional, Dictionary and Set in their canonical
    /// forms, anything else through its `init(from:)`, which must read what
    /// its `encode(to:)` wrote, no more and no less.
    func decode<Value: Decodable>(_ type: Value.Type) throws -> Value {
        guard depth < maxDepth else { throw RoomError.malformed("\(path): nested deeper than \(maxDepth)") }
        let inner = DecodingContext(input: input, codingPath: codingPath, depth: depth + 1, maxDepth: maxDepth)
        let value: Value
        if let special = Value.self as? any CanonicalSpecialDecodable.Type {
            guard let decoded = try special.canonicalDecode(inner) as? Value else {
                throw RoomError.malformed("\(path): not a \(Value.self)")
            }
            value = decoded
        } else {
            let decoder = CanonicalDecoding(context: inner)
            value = try Value(from: decoder)
            try decoder.finish()
        }
        if let checked = value as? any CanonicalCodable { try checked.validate() }
        return value
    }

    /// The coding path as text, for messages.
    var path: String { CanonicalErrors.path(codingPath) }

    func malformed(_ message: String) -> RoomError { .malformed("\(path): \(message)") }
}

/// A bounded, position-tracking view of the bytes being decoded, shared by
/// the containers reading one stream (a field's value gets its own).
final class CanonicalInput {
    let bytes: [UInt8]
    var position: Int
    let end: Int

    init(bytes: [UInt8], position: Int, end: Int) {
        self.bytes = bytes
        self.position = position
        self.end = end
    }

    var remaining: Int { end - position }
    var isAtEnd: Bool { position == end }

    func readUInt8() throws(RoomError) -> UInt8 {
        guard position < end else { throw .truncated }
        defer { position += 1 }
        return bytes[position]
    }

    func readLittleEndian(byteCount: Int) throws(RoomError) -> UInt64 {
        guard byteCount <= remaining else { throw .truncated }
        var value: UInt64 = 0
        for index in 0..<byteCount {
            value |= UInt64(bytes[position + index]) << UInt64(8 * index)
        }
        position += byteCount
        return value
    }

    func readVarint() throws(RoomError) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let byte = try readUInt8()
            let payload = UInt64(byte & 0x7F)
            if shift == 63, payload > 1 { throw .malformed("varint overflows 64 bits") }
            result |= payload << shift
            if byte & 0x80 == 0 { return result }
            shift += 7
            if shift > 63 { throw .malformed("varint longer than 10 bytes") }
        }
    }

    /// A count of things that each take at least `minimumBytes` bytes: never
    /// more than the bytes left allow.
    func readCount(minimumBytes: Int, _ what: String) throws(RoomError) -> Int {
        let count = try readVarint()
        guard count <= UInt64(remaining / max(minimumBytes, 1)) else {
            throw .malformed("\(what) of \(count) with \(remaining) bytes left")
        }
        return Int(count)
    }

    func readBool() throws(RoomError) -> Bool {
        switch try readUInt8() {
        case 0: return false
        case 1: return true
        case let other: throw .malformed("boolean byte \(other)")
        }
    }

    func readString() throws(RoomError) -> String {
        let length = try readVarint()
        guard length <= UInt64(remaining) else { throw .truncated }
        let raw = bytes[position..<position + Int(length)]
        position += Int(length)
        let text = String(decoding: raw, as: UTF8.self)
        guard text.utf8.elementsEqual(raw) else { throw .malformed("string is not UTF-8") }
        return text
    }

    /// The input of a sub-range of length `length` starting here; this input
    /// moves past it.
    func take(_ length: Int) throws(RoomError) -> CanonicalInput {
        guard length >= 0, length <= remaining else { throw .truncated }
        defer { position += length }
        return CanonicalInput(bytes: bytes, position: position, end: position + length)
    }

    func readBytes(_ read: () throws -> Void) rethrows -> ArraySlice<UInt8> {
        let start = position
        try read()
        return bytes[start..<position]
    }
}
