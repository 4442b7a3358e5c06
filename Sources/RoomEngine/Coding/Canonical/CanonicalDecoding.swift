/// The `Decoder` handed to a value's `init(from:)`. It opens at most one
/// kind of container, and ``finish()`` checks the value read all of itself:
/// every field, every element, every byte of a field.
final class CanonicalDecoding: Decoder {
    enum Opened {
        case none
        case keyed(KeyedFields)
        case unkeyed(UnkeyedProgress)
        case single(SingleProgress)
    }

    let context: DecodingContext
    /// Whether this decoder reads a field of its own (then every byte of it).
    let ownsInput: Bool
    private(set) var opened = Opened.none
    /// Decoders of nested containers, finished with this one.
    var children: [CanonicalDecoding] = []

    init(context: DecodingContext, ownsInput: Bool = false) {
        self.context = context
        self.ownsInput = ownsInput
    }

    var codingPath: [any CodingKey] { context.codingPath }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        switch opened {
        case .keyed(let fields):
            return KeyedDecodingContainer(KeyedCanonicalDecoding(decoder: self, fields: fields))
        case .none:
            let fields = try KeyedFields(context.input, context: context)
            opened = .keyed(fields)
            return KeyedDecodingContainer(KeyedCanonicalDecoding(decoder: self, fields: fields))
        case .unkeyed, .single:
            throw context.malformed("a keyed container asked for after another kind")
        }
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        switch opened {
        case .unkeyed(let progress):
            return UnkeyedCanonicalDecoding(decoder: self, progress: progress)
        case .none:
            let count = try context.input.readCount(minimumBytes: 1, "list")
            let progress = UnkeyedProgress(count: count)
            opened = .unkeyed(progress)
            return UnkeyedCanonicalDecoding(decoder: self, progress: progress)
        case .keyed, .single:
            throw context.malformed("an unkeyed container asked for after another kind")
        }
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        switch opened {
        case .single(let progress):
            return SingleCanonicalDecoding(decoder: self, progress: progress)
        case .none:
            let progress = SingleProgress()
            opened = .single(progress)
            return SingleCanonicalDecoding(decoder: self, progress: progress)
        case .keyed, .unkeyed:
            throw context.malformed("a single value container asked for after another kind")
        }
    }

    /// Checks that the value read everything it was written with.
    func finish() throws {
        switch opened {
        case .none:
            guard try context.input.readUInt8() == 0 else { throw context.malformed("expected an empty value") }
        case .keyed(let fields):
            if let unread = fields.firstUnread { throw context.malformed("unknown field \"\(unread)\"") }
        case .unkeyed(let progress):
            guard progress.index == progress.count else {
                throw context.malformed("\(progress.count - progress.index) elements not read")
            }
        case .single(let progress):
            if progress.decoded == 0, try context.input.readUInt8() != 0 {
                throw context.malformed("expected an empty value")
            }
        }
        for child in children { try child.finish() }
        if ownsInput, !context.input.isAtEnd {
            throw context.malformed("\(context.input.remaining) trailing bytes")
        }
    }
}

/// A keyed container's fields as read: keys ascending, each value's range,
/// and which ones the type read.
final class KeyedFields {
    let keys: [String]
    let inputs: [CanonicalInput]
    let index: [String: Int]
    var read: [Bool]

    init(_ input: CanonicalInput, context: DecodingContext) throws {
        // A field is at least 3 bytes: a key length, a value length, a value.
        let count = try input.readCount(minimumBytes: 3, "struct")
        var keys: [String] = []
        var inputs: [CanonicalInput] = []
        var index: [String: Int] = [:]
        var previous: [UInt8]?
        keys.reserveCapacity(count)
        for position in 0..<count {
            let key = try input.readString()
            let keyBytes = Array(key.utf8)
            if let previous, !previous.lexicographicallyPrecedes(keyBytes) {
                throw context.malformed("field \"\(key)\" out of key order or repeated")
            }
            previous = keyBytes
            let length = try input.readVarint()
            guard length <= UInt64(input.remaining) else { throw RoomError.truncated }
            keys.append(key)
            inputs.append(try input.take(Int(length)))
            guard index.updateValue(position, forKey: key) == nil else { throw context.malformed("field \"\(key)\" repeated") }
        }
        self.keys = keys
        self.inputs = inputs
        self.index = index
        self.read = Array(repeating: false, count: count)
    }

    var firstUnread: String? {
        read.firstIndex(of: false).map { keys[$0] }
    }

    /// The input of `key`'s value, marked read.
    func input(for key: String) -> CanonicalInput? {
        guard let position = index[key] else { return nil }
        read[position] = true
        let field = inputs[position]
        // A field may be read more than once: each read starts at its beginning.
        return CanonicalInput(bytes: field.bytes, position: field.position, end: field.end)
    }
}

/// How far an unkeyed container has read, and a nested container that must
/// be read to its end before the next element (they share the bytes).
final class UnkeyedProgress {
    let count: Int
    var index = 0
    var pending: UnkeyedProgress?

    init(count: Int) { self.count = count }
}

/// Whether a single value container read its value.
final class SingleProgress {
    var decoded = 0
}
