import NIOCore
import RedisClient
import Testing

/// One encoded reply and its value.
struct RESPCase: Sendable, CustomTestStringConvertible {
    let name: String
    let wire: String
    let value: RedisValue
    var testDescription: String { name }
}

let everyType: [RESPCase] = [
    RESPCase(name: "simple string", wire: "+OK\r\n", value: .simpleString("OK")),
    RESPCase(name: "empty simple string", wire: "+\r\n", value: .simpleString("")),
    RESPCase(name: "error", wire: "-ERR unknown command 'FOO'\r\n", value: .error("ERR unknown command 'FOO'")),
    RESPCase(name: "integer", wire: ":1000\r\n", value: .integer(1000)),
    RESPCase(name: "zero", wire: ":0\r\n", value: .integer(0)),
    RESPCase(name: "negative integer", wire: ":-42\r\n", value: .integer(-42)),
    RESPCase(name: "Int.max", wire: ":9223372036854775807\r\n", value: .integer(Int.max)),
    RESPCase(name: "Int.min", wire: ":-9223372036854775808\r\n", value: .integer(Int.min)),
    RESPCase(name: "bulk string", wire: "$5\r\nhello\r\n", value: bulk("hello")),
    RESPCase(name: "empty bulk string", wire: "$0\r\n\r\n", value: bulk("")),
    RESPCase(name: "bulk string holding CRLF", wire: "$4\r\na\r\nb\r\n", value: bulk("a\r\nb")),
    RESPCase(name: "null bulk string", wire: "$-1\r\n", value: .null),
    RESPCase(name: "null array", wire: "*-1\r\n", value: .null),
    RESPCase(name: "empty array", wire: "*0\r\n", value: .array([])),
    RESPCase(
        name: "array of mixed",
        wire: "*5\r\n:1\r\n$3\r\nfoo\r\n+OK\r\n-ERR x\r\n$-1\r\n",
        value: .array([.integer(1), bulk("foo"), .simpleString("OK"), .error("ERR x"), .null])
    ),
    RESPCase(
        name: "nested arrays",
        wire: "*2\r\n*3\r\n:1\r\n:2\r\n:3\r\n*2\r\n+Foo\r\n-Bar\r\n",
        value: .array([.array([.integer(1), .integer(2), .integer(3)]), .array([.simpleString("Foo"), .error("Bar")])])
    ),
    RESPCase(
        name: "pub/sub message",
        wire: "*3\r\n$7\r\nmessage\r\n$4\r\nnews\r\n$2\r\nhi\r\n",
        value: .array([bulk("message"), bulk("news"), bulk("hi")])
    ),
    RESPCase(name: "RESP3 null", wire: "_\r\n", value: .null),
    RESPCase(name: "RESP3 true", wire: "#t\r\n", value: .boolean(true)),
    RESPCase(name: "RESP3 false", wire: "#f\r\n", value: .boolean(false)),
    RESPCase(name: "RESP3 double", wire: ",1.5\r\n", value: .double(1.5)),
    RESPCase(name: "RESP3 double inf", wire: ",-inf\r\n", value: .double(-.infinity)),
    RESPCase(name: "RESP3 map", wire: "%1\r\n+key\r\n:7\r\n", value: .array([.simpleString("key"), .integer(7)])),
    RESPCase(name: "RESP3 set", wire: "~2\r\n:1\r\n:2\r\n", value: .array([.integer(1), .integer(2)])),
    RESPCase(
        name: "RESP3 push",
        wire: ">3\r\n+message\r\n+ch\r\n$1\r\nx\r\n",
        value: .array([.simpleString("message"), .simpleString("ch"), bulk("x")])
    ),
]

@Suite("RESP decoder")
struct RESPDecoderTests {
    @Test(arguments: everyType)
    func decodesWhole(_ entry: RESPCase) throws {
        #expect(try decodeAll(bytes(entry.wire)) == [entry.value])
    }

    /// Every prefix of the reply is "need more data" and consumes nothing.
    @Test(arguments: everyType)
    func everyPrefixNeedsMoreData(_ entry: RESPCase) throws {
        let wire = bytes(entry.wire)
        for length in 0..<wire.count {
            var buffer = ByteBuffer(bytes: wire[..<length])
            #expect(try RESPDecoder().decode(&buffer) == nil, "prefix of \(length) bytes")
            #expect(buffer.readableBytes == length)
        }
    }

    /// The reply split in two reads at every byte offset decodes the same.
    @Test(arguments: everyType)
    func splitAtEveryOffset(_ entry: RESPCase) throws {
        let wire = bytes(entry.wire)
        for offset in 0...wire.count {
            let (values, left) = try decodeSplit(wire, at: offset)
            #expect(values == [entry.value], "split at \(offset)")
            #expect(left == 0)
        }
    }

    /// The replies one after the other, fed one byte at a time.
    @Test func byteByByteStream() throws {
        let wire = everyType.flatMap { bytes($0.wire) }
        var buffer = ByteBuffer()
        var values: [RedisValue] = []
        for byte in wire {
            buffer.writeInteger(byte)
            while let value = try RESPDecoder().decode(&buffer) { values.append(value) }
        }
        #expect(values == everyType.map(\.value))
        #expect(buffer.readableBytes == 0)
    }

    @Test func binaryBulkString() throws {
        let payload = (0...255).map { UInt8($0) }
        let wire = bytes("$256\r\n") + payload + bytes("\r\n")
        #expect(try decodeAll(wire) == [.bulkString(ByteBuffer(bytes: payload))])
    }

    @Test func nestingUpToTheLimit() throws {
        let limits = RESPDecoderLimits(maxDepth: 3)
        let three = "*1\r\n*1\r\n*1\r\n:1\r\n"
        #expect(try decodeAll(bytes(three), limits: limits) == [.array([.array([.array([.integer(1)])])])])
        #expect(throws: RedisError.self) { try decodeAll(bytes("*1\r\n" + three), limits: limits) }
    }

    @Test func defaultLimitsAreRedis() {
        #expect(RESPDecoderLimits.default.maxBulkLength == 512 * 1024 * 1024)
        #expect(RESPDecoderLimits.default.maxArrayCount == 1_048_576)
        #expect(RESPDecoderLimits.default.maxDepth == 32)
    }

    /// A malformed value is an error whether it arrives whole or cut short
    /// after its fault; the buffer is left as it was.
    @Test(arguments: [
        ("bad type byte", "!3\r\nabc\r\n"),
        ("text before a type", "hello\r\n"),
        ("integer with letters", ":12a\r\n"),
        ("integer without digits", ":\r\n"),
        ("integer minus alone", ":-\r\n"),
        ("integer overflow", ":9223372036854775808\r\n"),
        ("bulk length with letters", "$x\r\nabc\r\n"),
        ("bulk length below -1", "$-2\r\n"),
        ("array count below -1", "*-5\r\n"),
        ("CR without LF", "+OK\rX"),
        ("LF without CR", "+OK\n"),
        ("bulk not followed by CRLF", "$3\r\nabcXY"),
        ("bulk longer than said", "$2\r\nabc\r\n"),
        ("number line too long", ":1234567890123456789012345\r\n"),
        ("boolean neither t nor f", "#x\r\n"),
        ("RESP3 null with text", "_x\r\n"),
        ("double not a number", ",abc\r\n"),
        ("malformed element", "*2\r\n:1\r\n?\r\n"),
    ])
    func malformed(_ name: String, _ wire: String) {
        var buffer = ByteBuffer(string: wire)
        #expect(throws: RedisError.self, "\(name)") { try RESPDecoder().decode(&buffer) }
        #expect(buffer.readableBytes == wire.utf8.count)
    }

    @Test func overTheLimits() throws {
        let limits = RESPDecoderLimits(maxBulkLength: 4, maxArrayCount: 2, maxDepth: 32)
        #expect(throws: RedisError.protocolError("bulk string of 5 bytes over the limit of 4")) {
            try decodeAll(bytes("$5\r\n"), limits: limits)
        }
        #expect(try decodeAll(bytes("$4\r\nabcd\r\n"), limits: limits) == [bulk("abcd")])
        #expect(throws: RedisError.self) { try decodeAll(bytes("*3\r\n"), limits: limits) }
        #expect(throws: RedisError.self) { try decodeAll(bytes("%2\r\n"), limits: limits) }
        #expect(throws: RedisError.self) { try decodeAll(bytes("+hello"), limits: limits) }
        // A bulk length past the limit is refused before its body arrives.
        #expect(throws: RedisError.self) { try decodeAll(bytes("$536870913\r\n")) }
    }

    @Test func valueAccessors() {
        #expect(bulk("12").int == 12)
        #expect(RedisValue.simpleString("OK").string == "OK")
        #expect(RedisValue.integer(3).string == nil)
        #expect(RedisValue.array([.null]).array == [.null])
    }
}
