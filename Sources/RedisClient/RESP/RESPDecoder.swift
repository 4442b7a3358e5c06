public import NIOCore

/// An incremental RESP decoder over a `ByteBuffer`: pure, no I/O.
///
/// ``decode(_:)`` returns a value once one is complete, or `nil` ("need more
/// data") and leaves the buffer untouched, so it can be called again after
/// more bytes arrive. An incomplete value is parsed again from its start on
/// the next call; bulk strings are never copied until complete.
///
/// ```swift
/// var buffer = ByteBuffer(string: "+PONG\r\n")
/// let value = try RESPDecoder().decode(&buffer)  // .simpleString("PONG")
/// ```
public struct RESPDecoder: Sendable {
    /// The bounds checked while decoding.
    public var limits: RESPDecoderLimits

    /// A decoder with `limits`.
    public init(limits: RESPDecoderLimits = .default) {
        self.limits = limits
    }

    /// Decodes one value from the front of `buffer` and consumes its bytes;
    /// `nil` when the bytes so far are a valid but incomplete value.
    /// Throws ``RedisError/protocolError(_:)`` on malformed input or a limit
    /// exceeded (the buffer is then left as it was).
    public func decode(_ buffer: inout ByteBuffer) throws -> RedisValue? {
        guard let (value, end) = try parse(buffer, at: buffer.readerIndex, depth: 0) else { return nil }
        buffer.moveReaderIndex(to: end)
        return value
    }

    /// The longest line of a number (`:`, `$`, `*`... and their sign).
    private static let maxNumberLine = 20

    private func parse(_ buffer: ByteBuffer, at index: Int, depth: Int) throws -> (RedisValue, Int)? {
        guard let prefix = buffer.getInteger(at: index, as: UInt8.self) else { return nil }
        let start = index + 1
        switch prefix {
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            guard let end = try lineEnd(buffer, from: start, maxLength: limits.maxBulkLength) else { return nil }
            let text = buffer.getString(at: start, length: end - start) ?? ""
            return (prefix == UInt8(ascii: "+") ? .simpleString(text) : .error(text), end + 2)
        case UInt8(ascii: ":"):
            guard let (number, next) = try numberLine(buffer, from: start) else { return nil }
            return (.integer(number), next)
        case UInt8(ascii: "$"):
            guard let (length, body) = try numberLine(buffer, from: start) else { return nil }
            if length == -1 { return (.null, body) }
            guard length >= 0 else { throw RedisError.protocolError("bulk string length \(length)") }
            guard length <= limits.maxBulkLength else {
                throw RedisError.protocolError("bulk string of \(length) bytes over the limit of \(limits.maxBulkLength)")
            }
            guard buffer.writerIndex - body >= length + 2 else { return nil }
            guard buffer.getInteger(at: body + length, as: UInt8.self) == 13,
                  buffer.getInteger(at: body + length + 1, as: UInt8.self) == 10
            else { throw RedisError.protocolError("bulk string of \(length) bytes not followed by CRLF") }
            return (.bulkString(buffer.getSlice(at: body, length: length)!), body + length + 2)
        case UInt8(ascii: "*"), UInt8(ascii: "~"), UInt8(ascii: ">"), UInt8(ascii: "%"):
            guard let (count, first) = try numberLine(buffer, from: start) else { return nil }
            if count == -1 && prefix == UInt8(ascii: "*") { return (.null, first) }
            guard count >= 0 else { throw RedisError.protocolError("aggregate count \(count)") }
            let elements = prefix == UInt8(ascii: "%") ? count.multipliedReportingOverflow(by: 2).partialValue : count
            guard count <= limits.maxArrayCount, elements <= limits.maxArrayCount else {
                throw RedisError.protocolError("array of \(elements) elements over the limit of \(limits.maxArrayCount)")
            }
            guard depth + 1 <= limits.maxDepth else {
                throw RedisError.protocolError("arrays nested deeper than \(limits.maxDepth)")
            }
            var values: [RedisValue] = []
            values.reserveCapacity(min(elements, 1024))
            var next = first
            for _ in 0..<elements {
                guard let (element, after) = try parse(buffer, at: next, depth: depth + 1) else { return nil }
                values.append(element)
                next = after
            }
            return (.array(values), next)
        case UInt8(ascii: "_"):
            guard let end = try lineEnd(buffer, from: start, maxLength: 0) else { return nil }
            return (.null, end + 2)
        case UInt8(ascii: "#"):
            guard let end = try lineEnd(buffer, from: start, maxLength: 1) else { return nil }
            switch buffer.getString(at: start, length: end - start) {
            case "t": return (.boolean(true), end + 2)
            case "f": return (.boolean(false), end + 2)
            default: throw RedisError.protocolError("boolean is neither t nor f")
            }
        case UInt8(ascii: ","):
            guard let end = try lineEnd(buffer, from: start, maxLength: 64) else { return nil }
            let text = buffer.getString(at: start, length: end - start) ?? ""
            guard let number = Double(text) else { throw RedisError.protocolError("not a double: \(text)") }
            return (.double(number), end + 2)
        default:
            throw RedisError.protocolError("unknown type byte 0x\(String(prefix, radix: 16)) at offset \(index - buffer.readerIndex)")
        }
    }

    /// The index of the CR of the CRLF ending the line that starts at
    /// `start`; `nil` when not yet received. A bare CR or LF, or a line
    /// longer than `maxLength`, is malformed.
    private func lineEnd(_ buffer: ByteBuffer, from start: Int, maxLength: Int) throws -> Int? {
        let base = buffer.readerIndex
        return try buffer.withUnsafeReadableBytes { bytes -> Int? in
            var offset = start - base
            let lineStart = offset
            while offset < bytes.count {
                switch bytes[offset] {
                case 13:
                    guard offset + 1 < bytes.count else { return nil }
                    guard bytes[offset + 1] == 10 else { throw RedisError.protocolError("CR not followed by LF") }
                    return base + offset
                case 10:
                    throw RedisError.protocolError("LF without CR")
                default:
                    if offset - lineStart >= maxLength {
                        throw RedisError.protocolError("line longer than \(maxLength) bytes (missing CRLF?)")
                    }
                    offset += 1
                }
            }
            return nil
        }
    }

    /// A signed decimal line: the number and the index after its CRLF.
    private func numberLine(_ buffer: ByteBuffer, from start: Int) throws -> (Int, Int)? {
        guard let end = try lineEnd(buffer, from: start, maxLength: Self.maxNumberLine) else { return nil }
        guard end > start, let bytes = buffer.getBytes(at: start, length: end - start) else {
            throw RedisError.protocolError("empty number")
        }
        var digits = bytes[...]
        let negative = digits.first == UInt8(ascii: "-")
        if negative { digits = digits.dropFirst() }
        guard !digits.isEmpty else { throw RedisError.protocolError("number without digits") }
        var value = 0
        for byte in digits {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else {
                throw RedisError.protocolError("not a number: \(String(decoding: bytes, as: UTF8.self))")
            }
            let (times, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times.subtractingReportingOverflow(Int(byte - UInt8(ascii: "0")))
            guard !overflow1, !overflow2 else { throw RedisError.protocolError("number out of range") }
            value = sum  // accumulated as a negative number so Int.min fits
        }
        if !negative {
            guard value != Int.min else { throw RedisError.protocolError("number out of range") }
            value = -value
        }
        return (value, end + 2)
    }
}
