// String scanning for JSONParser: a fast path for strings without escapes and
// a scratch-buffer path for the rest. UTF-8 is validated while scanning.

extension JSONParser {
    /// Parses the string whose opening quote is at `offset`.
    mutating func parseString() throws(JSONParseError) -> String {
        self.offset += 1  // opening quote
        let start = self.offset
        let count = self.bytes.count
        while self.offset < count {
            let byte = self.bytes[self.offset]
            if byte == UInt8(ascii: "\"") {
                let slice = UnsafeRawBufferPointer(rebasing: self.bytes[start..<self.offset])
                self.offset += 1
                // Already validated above, so decoding cannot repair anything.
                return slice.withMemoryRebound(to: UInt8.self) { String(decoding: $0, as: UTF8.self) }
            } else if byte == UInt8(ascii: "\\") {
                return try self.parseEscapedString(from: start)
            } else if byte < 0x20 {
                throw JSONParseError(.unescapedControlCharacter, at: self.offset)
            } else if byte < 0x80 {
                self.offset += 1
            } else {
                self.offset += try self.validatedUTF8SequenceLength()
            }
        }
        throw JSONParseError(.unexpectedEndOfInput, at: self.offset)
    }

    /// Slow path: the string starting at `start` contains an escape at `offset`.
    private mutating func parseEscapedString(from start: Int) throws(JSONParseError) -> String {
        var output = self.scratch
        self.scratch = []  // keep `output` uniquely referenced while we append
        output.removeAll(keepingCapacity: true)
        output.append(contentsOf: UnsafeRawBufferPointer(rebasing: self.bytes[start..<self.offset]))
        defer { self.scratch = output }

        let count = self.bytes.count
        var runStart = self.offset
        while self.offset < count {
            let byte = self.bytes[self.offset]
            if byte == UInt8(ascii: "\"") {
                output.append(contentsOf: UnsafeRawBufferPointer(rebasing: self.bytes[runStart..<self.offset]))
                self.offset += 1
                return String(decoding: output, as: UTF8.self)
            } else if byte == UInt8(ascii: "\\") {
                output.append(contentsOf: UnsafeRawBufferPointer(rebasing: self.bytes[runStart..<self.offset]))
                try self.decodeEscape(into: &output)
                runStart = self.offset
            } else if byte < 0x20 {
                throw JSONParseError(.unescapedControlCharacter, at: self.offset)
            } else if byte < 0x80 {
                self.offset += 1
            } else {
                self.offset += try self.validatedUTF8SequenceLength()
            }
        }
        throw JSONParseError(.unexpectedEndOfInput, at: self.offset)
    }

    /// Length of the well-formed multi-byte UTF-8 sequence starting at `offset`.
    @inline(__always)
    private func validatedUTF8SequenceLength() throws(JSONParseError) -> Int {
        guard let length = UTF8Validation.sequenceLength(in: self.bytes, at: self.offset) else {
            throw JSONParseError(.invalidUTF8, at: self.offset)
        }
        return length
    }

    /// Decodes the escape at `offset` (a backslash) and appends its UTF-8.
    private mutating func decodeEscape(into output: inout [UInt8]) throws(JSONParseError) {
        let escapeStart = self.offset
        guard self.offset + 1 < self.bytes.count else {
            throw JSONParseError(.unexpectedEndOfInput, at: self.bytes.count)
        }
        let kind = self.bytes[self.offset + 1]
        self.offset += 2
        switch kind {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"):
            output.append(kind)
        case UInt8(ascii: "b"): output.append(0x08)
        case UInt8(ascii: "f"): output.append(0x0C)
        case UInt8(ascii: "n"): output.append(0x0A)
        case UInt8(ascii: "r"): output.append(0x0D)
        case UInt8(ascii: "t"): output.append(0x09)
        case UInt8(ascii: "u"):
            let unit = try self.readHex4(escapeStart: escapeStart)
            var scalar: UInt32
            switch unit {
            case 0xD800...0xDBFF:
                // A high surrogate pairs with an immediately following low
                // surrogate escape; otherwise it is lone and becomes U+FFFD
                // (and whatever follows is decoded on its own).
                if let low = self.peekLowSurrogateEscape() {
                    self.offset += 6
                    scalar = 0x10000 + ((UInt32(unit) - 0xD800) << 10) + (UInt32(low) - 0xDC00)
                } else {
                    scalar = 0xFFFD
                }
            case 0xDC00...0xDFFF:
                scalar = 0xFFFD
            default:
                scalar = UInt32(unit)
            }
            Self.appendUTF8(scalar, to: &output)
        default:
            throw JSONParseError(.invalidEscape, at: escapeStart)
        }
    }

    /// Reads the four hex digits after `\u` at `offset`.
    private mutating func readHex4(escapeStart: Int) throws(JSONParseError) -> UInt16 {
        guard self.offset + 4 <= self.bytes.count else {
            throw JSONParseError(.unexpectedEndOfInput, at: self.bytes.count)
        }
        guard let value = Self.hex4(self.bytes, at: self.offset) else {
            throw JSONParseError(.invalidEscape, at: escapeStart)
        }
        self.offset += 4
        return value
    }

    /// The low surrogate of a `\uDC00`–`\uDFFF` escape starting at `offset`, if any.
    private func peekLowSurrogateEscape() -> UInt16? {
        guard self.offset + 6 <= self.bytes.count,
            self.bytes[self.offset] == UInt8(ascii: "\\"),
            self.bytes[self.offset + 1] == UInt8(ascii: "u"),
            let unit = Self.hex4(self.bytes, at: self.offset + 2),
            (0xDC00...0xDFFF).contains(unit)
        else { return nil }
        return unit
    }

    private static func hex4(_ bytes: UnsafeRawBufferPointer, at start: Int) -> UInt16? {
        var value: UInt16 = 0
        for position in start..<(start + 4) {
            let byte = bytes[position]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte &- UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte &- UInt8(ascii: "a") &+ 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte &- UInt8(ascii: "A") &+ 10
            default: return nil
            }
            value = (value << 4) | UInt16(digit)
        }
        return value
    }

    private static func appendUTF8(_ scalar: UInt32, to output: inout [UInt8]) {
        switch scalar {
        case 0..<0x80:
            output.append(UInt8(truncatingIfNeeded: scalar))
        case 0x80..<0x800:
            output.append(0xC0 | UInt8(truncatingIfNeeded: scalar >> 6))
            output.append(0x80 | UInt8(truncatingIfNeeded: scalar & 0x3F))
        case 0x800..<0x10000:
            output.append(0xE0 | UInt8(truncatingIfNeeded: scalar >> 12))
            output.append(0x80 | UInt8(truncatingIfNeeded: (scalar >> 6) & 0x3F))
            output.append(0x80 | UInt8(truncatingIfNeeded: scalar & 0x3F))
        default:
            output.append(0xF0 | UInt8(truncatingIfNeeded: scalar >> 18))
            output.append(0x80 | UInt8(truncatingIfNeeded: (scalar >> 12) & 0x3F))
            output.append(0x80 | UInt8(truncatingIfNeeded: (scalar >> 6) & 0x3F))
            output.append(0x80 | UInt8(truncatingIfNeeded: scalar & 0x3F))
        }
    }
}
