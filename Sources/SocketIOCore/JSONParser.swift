public import NIOCore

extension JSONValue {
    /// Parses one JSON value (RFC 8259) from the readable bytes of `buffer`.
    ///
    /// The bytes must be UTF-8, hold exactly one value (surrounding whitespace
    /// allowed) and nest at most `options.maximumDepth` levels. Numbers keep
    /// their integer-ness (see ``JSONValue``); `\uD83D\uDE00` pairs become one
    /// scalar and a lone surrogate escape becomes U+FFFD.
    ///
    /// ```swift
    /// let buffer = ByteBuffer(string: #"["move",{"x":1,"y":-2.5}]"#)
    /// let value = try JSONValue(parsing: buffer)
    /// value[1]?["y"]   // .double(-2.5)
    /// ```
    public init(parsing buffer: ByteBuffer, options: JSONParsingOptions = .init()) throws(JSONParseError) {
        self = try buffer.withUnsafeReadableBytes { (bytes) throws(JSONParseError) -> JSONValue in
            try JSONValue(parsing: bytes, options: options)
        }
    }

    /// Parses one JSON value from the UTF-8 bytes of `text`.
    ///
    /// ```swift
    /// let value = try JSONValue(parsing: #"{"ok":true}"#)
    /// ```
    public init(parsing text: String, options: JSONParsingOptions = .init()) throws(JSONParseError) {
        var text = text
        let result = text.withUTF8 { utf8 in
            Result { () throws(JSONParseError) -> JSONValue in
                try JSONValue(parsing: UnsafeRawBufferPointer(utf8), options: options)
            }
        }
        self = try result.get()
    }

    /// Parses one JSON value from raw UTF-8 bytes; the other initializers end here.
    public init(parsing bytes: UnsafeRawBufferPointer, options: JSONParsingOptions = .init()) throws(JSONParseError) {
        let result = withUnsafeTemporaryAllocation(of: JSONValue.self, capacity: 24) { valueScratch in
            withUnsafeTemporaryAllocation(of: JSONObject.Entry.self, capacity: 16) { entryScratch in
                Result { () throws(JSONParseError) -> JSONValue in
                    var parser = JSONParser(
                        bytes: bytes,
                        maximumDepth: options.maximumDepth,
                        values: UnsafeValueStack(scratch: valueScratch),
                        entries: UnsafeValueStack(scratch: entryScratch)
                    )
                    return try parser.parseDocument()
                }
            }
        }
        self = try result.get()
    }
}

/// A recursive-descent parser reading straight from a byte buffer.
///
/// Strings without escapes are created from the input bytes in one go; only
/// strings with escapes go through a reusable scratch buffer. Nothing is
/// appended character by character to a `String`. Container elements are
/// collected on shared stacks and moved into exactly sized arrays.
struct JSONParser: ~Copyable {
    let bytes: UnsafeRawBufferPointer
    let maximumDepth: Int
    var offset: Int = 0
    /// Reused for strings that contain escapes.
    var scratch: [UInt8] = []
    /// Elements and object values of the containers currently open.
    var values: UnsafeValueStack<JSONValue>
    /// Entries of the objects currently open.
    var entries: UnsafeValueStack<JSONObject.Entry>

    init(
        bytes: UnsafeRawBufferPointer,
        maximumDepth: Int,
        values: consuming UnsafeValueStack<JSONValue>,
        entries: consuming UnsafeValueStack<JSONObject.Entry>
    ) {
        self.bytes = bytes
        self.maximumDepth = maximumDepth
        self.values = values
        self.entries = entries
    }

    /// Parses a complete document: one value and nothing but whitespace after it.
    mutating func parseDocument() throws(JSONParseError) -> JSONValue {
        let value = try self.parseValue(depth: 0)
        self.skipWhitespace()
        if self.offset != self.bytes.count {
            throw JSONParseError(.trailingData, at: self.offset)
        }
        return value
    }

    @inline(__always)
    mutating func skipWhitespace() {
        while self.offset < self.bytes.count {
            switch self.bytes[self.offset] {
            case UInt8(ascii: " "), UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "\t"):
                self.offset += 1
            default:
                return
            }
        }
    }

    /// Parses the value starting at the next non-whitespace byte. `depth` is
    /// the number of containers already open around it.
    mutating func parseValue(depth: Int) throws(JSONParseError) -> JSONValue {
        self.skipWhitespace()
        guard self.offset < self.bytes.count else {
            throw JSONParseError(.unexpectedEndOfInput, at: self.offset)
        }
        switch self.bytes[self.offset] {
        case UInt8(ascii: "\""):
            return .string(try self.parseString())
        case UInt8(ascii: "["):
            return try self.parseArray(depth: depth + 1)
        case UInt8(ascii: "{"):
            return try self.parseObject(depth: depth + 1)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return try self.parseNumber()
        case UInt8(ascii: "t"):
            try self.expectLiteral("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try self.expectLiteral("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try self.expectLiteral("null")
            return .null
        case let byte:
            throw JSONParseError(.unexpectedByte(byte), at: self.offset)
        }
    }

    private mutating func expectLiteral(_ literal: StaticString) throws(JSONParseError) {
        let length = literal.utf8CodeUnitCount
        let expected = UnsafeRawBufferPointer(start: literal.utf8Start, count: length)
        for index in 0..<length {
            let position = self.offset + index
            guard position < self.bytes.count else {
                throw JSONParseError(.unexpectedEndOfInput, at: position)
            }
            let byte = self.bytes[position]
            guard byte == expected[index] else {
                throw JSONParseError(.unexpectedByte(byte), at: position)
            }
        }
        self.offset += length
    }

    private mutating func parseArray(depth: Int) throws(JSONParseError) -> JSONValue {
        guard depth <= self.maximumDepth else {
            throw JSONParseError(.nestingTooDeep(limit: self.maximumDepth), at: self.offset)
        }
        self.offset += 1  // "["
        self.skipWhitespace()
        if self.offset < self.bytes.count, self.bytes[self.offset] == UInt8(ascii: "]") {
            self.offset += 1
            return .array([])
        }
        let start = self.values.count
        while true {
            self.values.push(try self.parseValue(depth: depth))
            switch try self.nextSeparator() {
            case UInt8(ascii: ","):
                continue
            case UInt8(ascii: "]"):
                return .array(self.values.popArray(from: start))
            case let byte:
                throw JSONParseError(.unexpectedByte(byte), at: self.offset - 1)
            }
        }
    }

    private mutating func parseObject(depth: Int) throws(JSONParseError) -> JSONValue {
        guard depth <= self.maximumDepth else {
            throw JSONParseError(.nestingTooDeep(limit: self.maximumDepth), at: self.offset)
        }
        self.offset += 1  // "{"
        self.skipWhitespace()
        if self.offset < self.bytes.count, self.bytes[self.offset] == UInt8(ascii: "}") {
            self.offset += 1
            return .object(JSONObject())
        }
        let start = self.entries.count
        while true {
            self.skipWhitespace()
            guard self.offset < self.bytes.count else {
                throw JSONParseError(.unexpectedEndOfInput, at: self.offset)
            }
            guard self.bytes[self.offset] == UInt8(ascii: "\"") else {
                throw JSONParseError(.unexpectedByte(self.bytes[self.offset]), at: self.offset)
            }
            let key = try self.parseString()
            let colon = try self.nextSeparator()
            guard colon == UInt8(ascii: ":") else {
                throw JSONParseError(.unexpectedByte(colon), at: self.offset - 1)
            }
            self.entries.push(JSONObject.Entry(key: key, value: try self.parseValue(depth: depth)))
            switch try self.nextSeparator() {
            case UInt8(ascii: ","):
                continue
            case UInt8(ascii: "}"):
                // Duplicate keys: last value wins, first position kept (as JSON.parse).
                return .object(JSONObject(collectedEntries: self.entries.popArray(from: start)))
            case let byte:
                throw JSONParseError(.unexpectedByte(byte), at: self.offset - 1)
            }
        }
    }

    /// Skips whitespace and consumes the next byte (a separator or closer).
    @inline(__always)
    private mutating func nextSeparator() throws(JSONParseError) -> UInt8 {
        self.skipWhitespace()
        guard self.offset < self.bytes.count else {
            throw JSONParseError(.unexpectedEndOfInput, at: self.offset)
        }
        let byte = self.bytes[self.offset]
        self.offset += 1
        return byte
    }
}
