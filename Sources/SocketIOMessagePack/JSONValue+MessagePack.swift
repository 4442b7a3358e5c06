public import MessagePack
public import SocketIOCore

/// MessagePack as `notepack.io` (the encoder of Node's msgpack parser and
/// Redis adapter) gives it to a Node application, turned into the
/// ``JSONValue`` this project passes to handlers.
///
/// Why these rules: a value must reach a handler, and then any client,
/// exactly as it would on a Node server, whatever parser the sender used:
///
/// - nil is `null`; integers are ``JSONValue/int(_:)`` (above `Int64.max`,
///   a ``JSONValue/double(_:)``, as a JavaScript number); floats are
///   ``JSONValue/double(_:)``;
/// - bin, and notepack's `ArrayBuffer` extension (ext8/16/32 of type 0,
///   read as binary by a decoder with
///   ``MessagePackDecoder/readsNotepackArrayBuffersAsBinary`` on), are
///   ``JSONValue/binary(_:)``: a handler sees the same value as for a
///   binary attachment of the default parser;
/// - notepack's `undefined` (`d4 00 00`) is dropped from maps and is `null`
///   in arrays, as `JSON.stringify` does;
/// - a Date (timestamp extension -1 of notepack 3.x, `d7 00` of notepack
///   2.x) is its ISO string `2024-01-02T03:04:05.678Z`, as JSON renders it;
/// - any other extension is `[type, <binary>]`, as notepack returns it;
/// - map keys become strings as JavaScript coerces them: integers, floats,
///   booleans and nil by their JSON text; other keys are refused.
extension JSONValue {
    /// Converts a decoded MessagePack value (see the rules above). A
    /// top-level `undefined` becomes `null`.
    ///
    /// ```swift
    /// let decoder = MessagePackDecoder(readsNotepackArrayBuffersAsBinary: true)
    /// let json = try JSONValue(messagePack: try decoder.decode(bytes))
    /// ```
    ///
    /// - Throws: ``SocketIOMessagePackError/unsupportedMapKey``.
    public init(messagePack value: MessagePackValue) throws(SocketIOMessagePackError) {
        self = try Self.converting(value) ?? .null
    }

    /// The value, or `nil` for notepack's `undefined`.
    static func converting(_ value: MessagePackValue) throws(SocketIOMessagePackError) -> JSONValue? {
        switch value {
        case .nil: return .null
        case .bool(let value): return .bool(value)
        case .int(let value): return .int(value)
        case .uint(let value): return .double(Double(value))
        case .float32(let value): return .double(Double(value))
        case .float64(let value): return .double(value)
        case .string(let value): return .string(value)
        case .binary(let bytes): return .binary(bytes)
        case .array(let elements):
            var array: [JSONValue] = []
            array.reserveCapacity(elements.count)
            for element in elements {
                array.append(try converting(element) ?? .null)
            }
            return .array(array)
        case .map(let entries):
            var object = JSONObject(minimumCapacity: entries.count)
            for entry in entries {
                let key = try objectKey(entry.key)
                if let value = try converting(entry.value) {
                    object[key] = value
                } else {
                    // JavaScript keeps the key with `undefined`, which JSON drops.
                    object[key] = nil
                }
            }
            return .object(object)
        case .ext(let type, let data):
            if value.isNotepackUndefined { return nil }
            if let milliseconds = value.notepackDateMilliseconds {
                return JavaScriptDate.isoString(millisecondsSince1970: milliseconds).map(JSONValue.string) ?? .null
            }
            return .array([.int(Int64(type)), .binary(data)])
        }
    }

    /// The property name JavaScript would use for `key`.
    private static func objectKey(_ key: MessagePackValue) throws(SocketIOMessagePackError) -> String {
        switch key {
        case .string(let key): return key
        case .int(let key): return String(key)
        case .uint(let key): return JSONValue.double(Double(key)).jsonString
        case .bool(let key): return key ? "true" : "false"
        case .nil: return "null"
        case .float32(let key) where key.isFinite: return JSONValue.double(Double(key)).jsonString
        case .float64(let key) where key.isFinite: return JSONValue.double(key).jsonString
        default: throw .unsupportedMapKey
        }
    }
}

extension MessagePackValue {
    /// `true` for notepack's encoding of JavaScript `undefined`: a fixext1
    /// of type 0 (`d4 00 00`; the data byte is ignored, as notepack does).
    public var isNotepackUndefined: Bool {
        if case .ext(0, let data) = self, data.readableBytes == 1 { return true }
        return false
    }

    /// The milliseconds of a JavaScript Date as notepack sends it: the
    /// timestamp extension (-1, notepack 3.x) or its 2.x form, a fixext8 of
    /// type 0 holding a signed 64-bit millisecond count. `nil` otherwise.
    public var notepackDateMilliseconds: Int64? {
        if let timestamp = MessagePackTimestamp(self) { return timestamp.millisecondsSince1970 }
        guard case .ext(0, let data) = self, data.readableBytes == 8 else { return nil }
        return data.getInteger(at: data.readerIndex, as: Int64.self)
    }
}
