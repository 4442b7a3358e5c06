import NIOCore
import SocketIOCore

/// A ByteBuffer holding the UTF-8 of `text`.
func buffer(_ text: String) -> ByteBuffer {
    ByteBuffer(string: text)
}

/// A ByteBuffer holding exactly `bytes`.
func buffer(bytes: [UInt8]) -> ByteBuffer {
    ByteBuffer(bytes: bytes)
}

/// The serializer's output as text, for byte-for-byte comparison with what
/// JSON.stringify produces (the expected strings are written by hand).
func serialized(_ value: JSONValue) -> String {
    var out = ByteBuffer()
    JSONSerializer.writeJSON(value, into: &out)
    return String(buffer: out)
}

/// The serializer's output as raw bytes.
func serializedBytes(_ value: JSONValue) -> [UInt8] {
    var out = ByteBuffer()
    JSONSerializer.writeJSON(value, into: &out)
    return Array(out.readableBytesView)
}

/// Parses `text` with default options.
func parse(_ text: String) throws(JSONParseError) -> JSONValue {
    try JSONValue(parsing: text)
}

/// Parses raw bytes (for invalid UTF-8 cases).
func parse(bytes: [UInt8], options: JSONParsingOptions = .init()) throws(JSONParseError) -> JSONValue {
    try JSONValue(parsing: ByteBuffer(bytes: bytes), options: options)
}

/// The error thrown when parsing `text`, or nil if it parsed.
func parseError(_ text: String, options: JSONParsingOptions = .init()) -> JSONParseError? {
    do {
        _ = try JSONValue(parsing: text, options: options)
        return nil
    } catch {
        return error
    }
}

/// The error thrown when parsing raw bytes, or nil if they parsed.
func parseError(bytes: [UInt8]) -> JSONParseError? {
    do {
        _ = try parse(bytes: bytes)
        return nil
    } catch {
        return error
    }
}

/// True when `value` is `.double` with the sign bit set and zero magnitude.
func isNegativeZero(_ value: JSONValue) -> Bool {
    if case .double(let double) = value { return double == 0 && double.sign == .minus }
    return false
}
