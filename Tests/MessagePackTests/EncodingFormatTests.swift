import MessagePack
import NIOCore
import Testing

/// The encoder's size classes, at every boundary, as notepack.io picks them.
@Suite("MessagePack encoding: notepack's formats")
struct EncodingFormatTests {
    @Test(arguments: [
        (Int64(0), "00"), (127, "7f"), (128, "cc80"), (255, "ccff"), (256, "cd0100"), (65535, "cdffff"),
        (65536, "ce00010000"), (4_294_967_295, "ceffffffff"), (4_294_967_296, "cf0000000100000000"),
        (Int64.max, "cf7fffffffffffffff"),
        (-1, "ff"), (-32, "e0"), (-33, "d0df"), (-128, "d080"), (-129, "d1ff7f"), (-32768, "d18000"),
        (-32769, "d2ffff7fff"), (-2_147_483_648, "d280000000"), (-2_147_483_649, "d3ffffffff7fffffff"),
        (Int64.min, "d38000000000000000"),
    ])
    func integers(_ value: Int64, _ expected: String) {
        #expect(encoded(.int(value)) == hex(expected))
        if value >= 0 { #expect(encoded(.uint(UInt64(value))) == hex(expected)) }
    }

    @Test func largestUnsigned() {
        #expect(encoded(.uint(UInt64.max)) == hex("cfffffffffffffffff"))
    }

    @Test(arguments: [
        (2.0, "02"), (-0.0, "00"), (0.0, "00"), (-7.0, "f9"), (1.5, "cb3ff8000000000000"),
        (300.0, "cd012c"), (-200.0, "d1ff38"),
        // 2^63 still fits uint64; -2^63 fits int64.
        (9_223_372_036_854_775_808.0, "cf8000000000000000"),
        (-9_223_372_036_854_775_808.0, "d38000000000000000"),
        // Beyond the 64-bit ranges notepack writes garbage; float64 here.
        (1e20, "cb4415af1d78b58c40"), (-1e19, "cbc3e158e460913d00"), (1e300, "cb7e37e43c8800759c"),
        (Double.infinity, "cb7ff0000000000000"), (-Double.infinity, "cbfff0000000000000"),
    ])
    func javaScriptNumbers(_ value: Double, _ expected: String) {
        #expect(written { $0.writeMessagePackNumber(value) } == hex(expected))
        #expect(encoded(MessagePackValue(javaScriptNumber: value)) == hex(expected))
    }

    @Test func notANumberIsFloat64() throws {
        let bytes = written { $0.writeMessagePackNumber(.nan) }
        #expect(bytes.first == 0xCB && bytes.count == 9)
        #expect(try decoded(bytes).doubleValue?.isNaN == true)
    }

    @Test func floatsKeepTheirWidth() {
        #expect(encoded(.float64(2)) == hex("cb4000000000000000"))
        #expect(encoded(.float32(1.5)) == hex("ca3fc00000"))
    }

    @Test(arguments: [(0, "a0"), (31, "bf"), (32, "d920"), (255, "d9ff"), (256, "da0100"), (65535, "daffff"), (65536, "db00010000")])
    func stringSizes(_ length: Int, _ header: String) throws {
        let text = String(repeating: "x", count: length)
        let bytes = encoded(.string(text))
        #expect(Array(bytes.prefix(hex(header).count)) == hex(header))
        #expect(bytes.count == hex(header).count + length)
        #expect(try decoded(bytes) == .string(text))
    }

    @Test func stringLengthCountsUTF8Bytes() {
        // 11 characters, 31 bytes: still a fixstr; one more "é" makes 33 bytes: str8.
        let fix = String(repeating: "é", count: 15) + "x"
        #expect(encoded(.string(fix)).first == 0xBF)
        #expect(Array(encoded(.string(fix + "é")).prefix(2)) == [0xD9, 33])
    }

    @Test(arguments: [(0, "c400"), (255, "c4ff"), (256, "c50100"), (65535, "c5ffff"), (65536, "c600010000")])
    func binarySizes(_ length: Int, _ header: String) throws {
        let bytes = encoded(bin([UInt8](repeating: 7, count: length)))
        #expect(Array(bytes.prefix(hex(header).count)) == hex(header))
        #expect(bytes.count == hex(header).count + length)
        #expect(try decoded(bytes) == bin([UInt8](repeating: 7, count: length)))
        #expect(written { $0.writeMessagePackBinary([UInt8](repeating: 7, count: length)) } == bytes)
    }

    @Test(arguments: [(0, "90"), (15, "9f"), (16, "dc0010"), (65535, "dcffff"), (65536, "dd00010000")])
    func arraySizes(_ count: Int, _ header: String) throws {
        let value = MessagePackValue.array([MessagePackValue](repeating: nil, count: count))
        let bytes = encoded(value)
        #expect(Array(bytes.prefix(hex(header).count)) == hex(header))
        #expect(bytes.count == hex(header).count + count)
        #expect(try decoded(bytes) == value)
    }

    @Test(arguments: [(0, "80"), (15, "8f"), (16, "de0010"), (65535, "deffff"), (65536, "df00010000")])
    func mapSizes(_ count: Int, _ header: String) throws {
        let value = MessagePackValue.map((0..<count).map { MessagePackMapEntry(key: .int(Int64($0)), value: nil) })
        let bytes = encoded(value)
        #expect(Array(bytes.prefix(hex(header).count)) == hex(header))
        #expect(try decoded(bytes) == value)
    }

    @Test(arguments: [
        (1, "d4"), (2, "d5"), (4, "d6"), (8, "d7"), (16, "d8"),
        (0, "c700"), (3, "c703"), (255, "c7ff"), (256, "c80100"), (65536, "c900010000"),
    ])
    func extensionSizes(_ length: Int, _ header: String) throws {
        let value = MessagePackValue.ext(type: 42, data: ByteBuffer(bytes: [UInt8](repeating: 1, count: length)))
        let bytes = encoded(value)
        #expect(Array(bytes.prefix(hex(header).count + 1)) == hex(header) + [42])
        #expect(bytes.count == hex(header).count + 1 + length)
        #expect(try decoded(bytes) == value)
    }

    @Test func writingBehindAFrameKeepsWhatIsThere() {
        var buffer = ByteBuffer(bytes: [0x34])
        MessagePackEncoder().encode(["a": true], into: &buffer)
        #expect(Array(buffer.readableBytesView) == hex("3481a161c3"))
    }
}
