public import NIOCore

/// Writes RESP2: commands (an array of bulk strings, the only form Redis
/// accepts from clients) and, for tests and fakes, any ``RedisValue``.
///
/// ```swift
/// var buffer = ByteBuffer()
/// RESPEncoder.writeCommand("PUBLISH", ["news", "hello"], into: &buffer)
/// // *3\r\n$7\r\nPUBLISH\r\n$4\r\nnews\r\n$5\r\nhello\r\n
/// ```
public enum RESPEncoder {
    /// Appends `command` and its arguments as one RESP array of bulk strings.
    public static func writeCommand(_ command: String, _ arguments: [RedisArgument], into buffer: inout ByteBuffer) {
        writeHeader(UInt8(ascii: "*"), arguments.count + 1, into: &buffer)
        writeHeader(UInt8(ascii: "$"), command.utf8.count, into: &buffer)
        buffer.writeString(command)
        buffer.writeStaticString("\r\n")
        for argument in arguments {
            writeHeader(UInt8(ascii: "$"), argument.byteCount, into: &buffer)
            argument.write(into: &buffer)
            buffer.writeStaticString("\r\n")
        }
    }

    /// Appends `value` in RESP2 (doubles and booleans in RESP3's `,` and `#`),
    /// as a server would: used by tests and in-process fakes.
    public static func write(_ value: RedisValue, into buffer: inout ByteBuffer) {
        switch value {
        case .simpleString(let text):
            buffer.writeInteger(UInt8(ascii: "+"))
            buffer.writeString(text)
            buffer.writeStaticString("\r\n")
        case .error(let text):
            buffer.writeInteger(UInt8(ascii: "-"))
            buffer.writeString(text)
            buffer.writeStaticString("\r\n")
        case .integer(let number):
            writeHeader(UInt8(ascii: ":"), number, into: &buffer)
        case .bulkString(let bytes):
            writeHeader(UInt8(ascii: "$"), bytes.readableBytes, into: &buffer)
            buffer.writeImmutableBuffer(bytes)
            buffer.writeStaticString("\r\n")
        case .null:
            buffer.writeStaticString("$-1\r\n")
        case .array(let values):
            writeHeader(UInt8(ascii: "*"), values.count, into: &buffer)
            for element in values { write(element, into: &buffer) }
        case .double(let number):
            buffer.writeInteger(UInt8(ascii: ","))
            buffer.writeString(number.isNaN ? "nan" : number.isInfinite ? (number < 0 ? "-inf" : "inf") : "\(number)")
            buffer.writeStaticString("\r\n")
        case .boolean(let flag):
            buffer.writeStaticString(flag ? "#t\r\n" : "#f\r\n")
        }
    }

    private static func writeHeader(_ prefix: UInt8, _ number: Int, into buffer: inout ByteBuffer) {
        buffer.writeInteger(prefix)
        buffer.writeString(String(number))
        buffer.writeStaticString("\r\n")
    }
}
