public import NIOCore

/// Writes ``JSONValue``s as UTF-8 JSON text, byte for byte the way
/// JavaScript's `JSON.stringify` would, straight into a `ByteBuffer`.
///
/// Matching `JSON.stringify` exactly matters because the other end of a
/// Socket.IO connection is usually JavaScript and because tests, caches and
/// signatures compare bytes. In particular:
///
/// - strings escape only `"`, `\` and control characters (`\b \f \n \r \t`,
///   otherwise `\u00XX` in lowercase hex); everything else, including U+2028,
///   U+2029, `/` and emoji, is written as raw UTF-8;
/// - integral doubles print without `.0`, doubles use the shortest round-trip
///   digits with JavaScript's thresholds (`1e21`, `1e-7`), `-0` prints `0` and
///   NaN or infinities print `null`;
/// - object keys keep their insertion order and there is no whitespace.
///
/// A ``JSONValue/binary(_:)`` has no JSON form; standalone it is written the
/// way Node.js stringifies a `Buffer` (`{"type":"Buffer","data":[1,2]}`). The
/// Socket.IO packet encoder instead writes attachment placeholders.
///
/// ```swift
/// var buffer = ByteBuffer()
/// JSONSerializer.writeJSON(["hello", 1.0, ["a": nil]], into: &buffer)
/// // buffer now holds: ["hello",1,{"a":null}]
/// ```
public enum JSONSerializer {
    /// Appends the JSON text of `value` to `buffer` (no intermediate `String`).
    public static func writeJSON(_ value: JSONValue, into buffer: inout ByteBuffer) {
        var writer = JSONWriter(extractsAttachments: false)
        writer.write(value, into: &buffer)
    }
}

extension ByteBuffer {
    /// Appends the JSON text of `value` (see ``JSONSerializer``) and returns
    /// the number of bytes written.
    @discardableResult
    public mutating func writeJSON(_ value: JSONValue) -> Int {
        let before = self.writerIndex
        JSONSerializer.writeJSON(value, into: &self)
        return self.writerIndex - before
    }
}

extension JSONValue {
    /// The JSON text of this value, as `JSON.stringify` would produce it.
    ///
    /// Meant for logs and tests; the hot path writes into a `ByteBuffer`
    /// with ``JSONSerializer/writeJSON(_:into:)``.
    public var jsonString: String {
        var buffer = ByteBufferAllocator().buffer(capacity: 64)
        JSONSerializer.writeJSON(self, into: &buffer)
        return String(buffer: buffer)
    }
}

/// The serializer proper, writing through a ``JSONByteSink``. When
/// `extractsAttachments` is set, every binary value is replaced by a Socket.IO
/// placeholder and collected in `attachments`, in depth-first order, so packet
/// encoding is a single pass over the value.
struct JSONWriter {
    let extractsAttachments: Bool
    private(set) var attachments: [ByteBuffer] = []

    init(extractsAttachments: Bool) {
        self.extractsAttachments = extractsAttachments
    }

    /// Convenience: serializes `value` at the end of `buffer`.
    mutating func write(_ value: JSONValue, into buffer: inout ByteBuffer) {
        JSONByteSink.withSink(appendingTo: &buffer) { sink in
            self.write(value, to: &sink)
        }
    }

    mutating func write(_ value: JSONValue, to sink: inout JSONByteSink) {
        switch value {
        case .null:
            sink.write("null")
        case .bool(let flag):
            sink.write(flag ? "true" : "false")
        case .int(let integer):
            JSONNumberFormatter.writeInteger(integer, to: &sink)
        case .double(let double):
            JSONNumberFormatter.writeDouble(double, to: &sink)
        case .string(let string):
            Self.writeString(string, to: &sink)
        case .array(let elements):
            sink.write(UInt8(ascii: "["))
            var first = true
            for element in elements {
                if !first { sink.write(UInt8(ascii: ",")) }
                first = false
                self.write(element, to: &sink)
            }
            sink.write(UInt8(ascii: "]"))
        case .object(let object):
            sink.write(UInt8(ascii: "{"))
            var first = true
            for entry in object.entries {
                if !first { sink.write(UInt8(ascii: ",")) }
                first = false
                Self.writeString(entry.key, to: &sink)
                sink.write(UInt8(ascii: ":"))
                self.write(entry.value, to: &sink)
            }
            sink.write(UInt8(ascii: "}"))
        case .binary(let bytes):
            if self.extractsAttachments {
                sink.write(#"{"_placeholder":true,"num":"#)
                JSONNumberFormatter.writeInteger(Int64(self.attachments.count), to: &sink)
                sink.write(UInt8(ascii: "}"))
                self.attachments.append(bytes)
            } else {
                Self.writeNodeBuffer(bytes, to: &sink)
            }
        }
    }

    /// `JSON.stringify(Buffer.from([1, 2]))` in Node.js: `{"type":"Buffer","data":[1,2]}`.
    private static func writeNodeBuffer(_ bytes: ByteBuffer, to sink: inout JSONByteSink) {
        sink.write(#"{"type":"Buffer","data":["#)
        var first = true
        for byte in bytes.readableBytesView {
            if !first { sink.write(UInt8(ascii: ",")) }
            first = false
            JSONNumberFormatter.writeInteger(Int64(byte), to: &sink)
        }
        sink.write(UInt8(ascii: "]"), UInt8(ascii: "}"))
    }

    /// Writes `string` quoted and escaped exactly like `JSON.stringify`.
    static func writeString(_ string: String, to sink: inout JSONByteSink) {
        var string = string
        string.withUTF8 { utf8 in
            Self.writeEscaped(UnsafeRawBufferPointer(utf8), to: &sink)
        }
    }

    private static func writeEscaped(_ bytes: UnsafeRawBufferPointer, to sink: inout JSONByteSink) {
        sink.write(UInt8(ascii: "\""))
        guard let base = bytes.baseAddress else {
            sink.write(UInt8(ascii: "\""))
            return
        }
        var runStart = 0
        for position in 0..<bytes.count {
            let byte = base.load(fromByteOffset: position, as: UInt8.self)
            guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
            sink.write(UnsafeRawBufferPointer(start: base + runStart, count: position - runStart))
            Self.writeEscape(for: byte, to: &sink)
            runStart = position + 1
        }
        sink.write(UnsafeRawBufferPointer(start: base + runStart, count: bytes.count - runStart))
        sink.write(UInt8(ascii: "\""))
    }

    private static func writeEscape(for byte: UInt8, to sink: inout JSONByteSink) {
        let short: UInt8
        switch byte {
        case UInt8(ascii: "\""): short = UInt8(ascii: "\"")
        case UInt8(ascii: "\\"): short = UInt8(ascii: "\\")
        case 0x08: short = UInt8(ascii: "b")
        case 0x09: short = UInt8(ascii: "t")
        case 0x0A: short = UInt8(ascii: "n")
        case 0x0C: short = UInt8(ascii: "f")
        case 0x0D: short = UInt8(ascii: "r")
        default:
            let hex: StaticString = "0123456789abcdef"
            let digits = hex.utf8Start
            sink.write("\\u00")
            sink.write(digits[Int(byte >> 4)], digits[Int(byte & 0x0F)])
            return
        }
        sink.write(UInt8(ascii: "\\"), short)
    }
}
