import MessagePack
import NIOCore
import Testing

/// One encoded value and what it decodes to.
struct DecodingCase: Sendable, CustomTestStringConvertible {
    let bytes: [UInt8]
    let value: MessagePackValue
    let name: String

    init(_ name: String, _ hexBytes: String, _ value: MessagePackValue) {
        self.name = name
        self.bytes = hex(hexBytes)
        self.value = value
    }

    var testDescription: String { name }
}

/// Every format of the MessagePack specification, at least once.
let everyFormat: [DecodingCase] = [
    DecodingCase("positive fixint 0", "00", 0),
    DecodingCase("positive fixint 127", "7f", 127),
    DecodingCase("fixmap", "81a16101", ["a": 1]),
    DecodingCase("fixmap empty", "80", .map([])),
    DecodingCase("fixarray", "920102", [1, 2]),
    DecodingCase("fixarray empty", "90", []),
    DecodingCase("fixstr", "a3616263", "abc"),
    DecodingCase("fixstr empty", "a0", ""),
    DecodingCase("nil", "c0", nil),
    DecodingCase("false", "c2", false),
    DecodingCase("true", "c3", true),
    DecodingCase("bin8", "c403010203", bin([1, 2, 3])),
    DecodingCase("bin16", "c5000201ff", bin([1, 255])),
    DecodingCase("bin32", "c60000000109", bin([9])),
    DecodingCase("ext8", "c70205abcd", .ext(type: 5, data: ByteBuffer(bytes: [0xAB, 0xCD]))),
    DecodingCase("ext16", "c80001f7aa", .ext(type: -9, data: ByteBuffer(bytes: [0xAA]))),
    DecodingCase("ext32", "c9000000000a", .ext(type: 10, data: ByteBuffer())),
    DecodingCase("float32", "ca3fc00000", .float32(1.5)),
    DecodingCase("float64", "cb3ff8000000000000", .float64(1.5)),
    DecodingCase("uint8", "ccff", 255),
    DecodingCase("uint16", "cdffff", 65535),
    DecodingCase("uint32", "ceffffffff", 4_294_967_295),
    DecodingCase("uint64 within Int64", "cf7fffffffffffffff", .int(Int64.max)),
    DecodingCase("uint64 above Int64", "cfffffffffffffffff", .uint(UInt64.max)),
    DecodingCase("int8", "d080", -128),
    DecodingCase("int16", "d18000", -32768),
    DecodingCase("int32", "d280000000", -2_147_483_648),
    DecodingCase("int64", "d38000000000000000", .int(Int64.min)),
    DecodingCase("int8 positive", "d005", 5),
    DecodingCase("fixext1", "d40102", .ext(type: 1, data: ByteBuffer(bytes: [2]))),
    DecodingCase("fixext2", "d5020102", .ext(type: 2, data: ByteBuffer(bytes: [1, 2]))),
    DecodingCase("fixext4", "d6ff00000001", .ext(type: -1, data: ByteBuffer(bytes: [0, 0, 0, 1]))),
    DecodingCase("fixext8", "d7040102030405060708", .ext(type: 4, data: ByteBuffer(bytes: [1, 2, 3, 4, 5, 6, 7, 8]))),
    DecodingCase("fixext16", "d80500" + String(repeating: "00", count: 15), .ext(type: 5, data: ByteBuffer(bytes: [UInt8](repeating: 0, count: 16)))),
    DecodingCase("str8", "d903616263", "abc"),
    DecodingCase("str16", "da0003616263", "abc"),
    DecodingCase("str32", "db00000003616263", "abc"),
    DecodingCase("str with UTF-8", "a5c3a9e282ac", "é€"),
    DecodingCase("array16", "dc00020102", [1, 2]),
    DecodingCase("array32", "dd000000020102", [1, 2]),
    DecodingCase("map16", "de0001a16101", ["a": 1]),
    DecodingCase("map32", "df00000001a16101", ["a": 1]),
    DecodingCase("negative fixint -1", "ff", -1),
    DecodingCase("negative fixint -32", "e0", -32),
    DecodingCase("map with non-string keys", "8201c0c3a178", [1: nil, true: "x"]),
    DecodingCase("map with a repeated key", "82a16101a16102", .map([
        MessagePackMapEntry(key: "a", value: 1), MessagePackMapEntry(key: "a", value: 2),
    ])),
    DecodingCase("nested", "9191918100c0", [[[[0: nil]]]]),
]

@Suite("MessagePack decoding: every format")
struct DecodingFormatTests {
    @Test(arguments: everyFormat)
    func decodes(_ example: DecodingCase) throws {
        #expect(try decoded(example.bytes) == example.value)
    }

    @Test func binaryIsASliceOfTheInput() throws {
        let input = ByteBuffer(bytes: hex("92c403010203c70100ff"))
        let value = try MessagePackDecoder(readsNotepackArrayBuffersAsBinary: true).decode(input)
        let inputAddress = input.withUnsafeReadableBytes { Int(bitPattern: $0.baseAddress) }
        let binaryAddress = try #require(value[0]?.binaryValue).withUnsafeReadableBytes { Int(bitPattern: $0.baseAddress) }
        #expect(binaryAddress == inputAddress + 3)
        #expect(value[1] == bin([0xFF]))
    }

    @Test func decodesFromAnOffsetReaderIndex() throws {
        var input = ByteBuffer(bytes: hex("ffff92c40109a0"))
        input.moveReaderIndex(forwardBy: 2)
        #expect(try MessagePackDecoder().decode(input) == [bin([9]), ""])
    }

    @Test func integersCompareByValueWhicheverCase() {
        #expect(MessagePackValue.int(5) == .uint(5))
        #expect(MessagePackValue.uint(5) == .int(5))
        #expect(MessagePackValue.int(-1) != .uint(UInt64.max))
        #expect(Set<MessagePackValue>([.int(5), .uint(5)]).count == 1)
        #expect(MessagePackValue.int(1) != .float64(1))
        #expect(MessagePackValue.float32(1.5) != .float64(1.5))
    }

    @Test func lookupsTakeTheLastRepeatedKey() throws {
        let value = try decoded(hex("83a16101a16201a16102"))
        #expect(value["a"] == 2)
        #expect(value["b"] == 1)
        #expect(value["c"] == nil)
        #expect(value[.int(1)] == nil)
        #expect(value.mapValue?.count == 3)
    }

    @Test func accessors() {
        let value: MessagePackValue = ["s": "x", "n": 3, "f": 2.5, "b": true, "z": nil, "a": [1]]
        #expect(value["s"]?.stringValue == "x")
        #expect(value["n"]?.int64Value == 3)
        #expect(value["n"]?.uint64Value == 3)
        #expect(value["n"]?.doubleValue == 3)
        #expect(value["f"]?.doubleValue == 2.5)
        #expect(value["f"]?.int64Value == nil)
        #expect(value["b"]?.boolValue == true)
        #expect(value["z"]?.isNil == true)
        #expect(value["a"]?[0] == 1)
        #expect(value["a"]?[1] == nil)
        #expect(MessagePackValue.uint(UInt64.max).int64Value == nil)
        #expect(MessagePackValue.int(-1).uint64Value == nil)
        #expect(value.description == #"{"s": "x", "n": 3, "f": 2.5, "b": true, "z": nil, "a": [1]}"#)
        #expect(MessagePackValue.ext(type: -1, data: ByteBuffer(bytes: [0, 0x0A])).description == "ext(-1, <00 0a>)")
    }
}
