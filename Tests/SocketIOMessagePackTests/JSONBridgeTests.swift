import MessagePack
import NIOCore
import SocketIOCore
import SocketIOMessagePack
import Testing

/// MessagePack <-> JSONValue as a Node application sees values through
/// notepack.io (spec section 5).
@Suite("MessagePack and JSONValue")
struct JSONBridgeTests {
    @Test func scalars() throws {
        #expect(try JSONValue(messagePack: nil) == .null)
        #expect(try JSONValue(messagePack: true) == true)
        #expect(try JSONValue(messagePack: -5) == .int(-5))
        #expect(try JSONValue(messagePack: .uint(UInt64.max)) == .double(18_446_744_073_709_551_615.0))
        #expect(try JSONValue(messagePack: .float32(0.5)) == .double(0.5))
        #expect(try JSONValue(messagePack: .float64(2)) == .double(2))
        #expect(try JSONValue(messagePack: "s") == "s")
        #expect(try JSONValue(messagePack: .binary(ByteBuffer(bytes: [1]))) == binary([1]))
    }

    /// F6 of the spec: `{a: undefined, b: ArrayBuffer<09>}` reaches JSON as
    /// `{"b": <binary 09>}` (undefined keys vanish, as in JSON.stringify).
    @Test func undefinedAndArrayBuffer() throws {
        #expect(try json(hex("82a161d40000a162c7010009")) == .object(["b": binary([9])]))
        // In an array, undefined is null; at the top, null.
        #expect(try json(hex("92d40000c0")) == [nil, nil])
        #expect(try json(hex("d40000")) == .null)
        // Any data byte: notepack ignores it.
        #expect(try json(hex("91d40007")) == [nil])
    }

    @Test func datesBecomeISOStrings() throws {
        // notepack 3.x: timestamp extension -1.
        #expect(try json(hex("d6ff6553f100")) == "2023-11-14T22:13:20.000Z")
        var data = ByteBuffer()
        data.writeInteger(UInt64(678_000_000) << 34 | 1_704_164_645)
        #expect(try JSONValue(messagePack: .ext(type: -1, data: data)) == "2024-01-02T03:04:05.678Z")
        // notepack 2.x: fixext8 of type 0 holding milliseconds.
        #expect(try json(hex("d700") + bigEndian(Int64(1_704_164_645_678))) == "2024-01-02T03:04:05.678Z")
        #expect(try json(hex("d700") + bigEndian(Int64(-1))) == "1969-12-31T23:59:59.999Z")
        #expect(try json(hex("d700") + bigEndian(Int64(0))) == "1970-01-01T00:00:00.000Z")
        #expect(try json(hex("d700") + bigEndian(Int64(253_402_300_800_000))) == "+010000-01-01T00:00:00.000Z")
        #expect(try json(hex("d700") + bigEndian(Int64(8_640_000_000_000_000))) == "+275760-09-13T00:00:00.000Z")
        #expect(try json(hex("d700") + bigEndian(Int64(-8_640_000_000_000_000))) == "-271821-04-20T00:00:00.000Z")
        #expect(try json(hex("d700") + bigEndian(Int64(-62_198_755_200_000))) == "-000001-01-01T00:00:00.000Z")
        #expect(try json(hex("d700") + bigEndian(Int64(951_782_400_000))) == "2000-02-29T00:00:00.000Z")
        // Beyond a JavaScript Date's range: Invalid Date, which JSON writes as null.
        #expect(try json(hex("d700") + bigEndian(Int64(8_640_000_000_000_001))) == .null)
    }

    @Test func otherExtensionsAreTypeAndBytes() throws {
        #expect(try json(hex("d40502")) == [5, binary([2])])
        #expect(try json(hex("c701fe09")) == [-2, binary([9])])
        // fixext of type 0 in other sizes, as notepack returns them.
        #expect(try json(hex("d5000102")) == [0, binary([1, 2])])
    }

    @Test func arrayBuffersNeedTheNotepackReading() throws {
        let plain = try MessagePackDecoder().decode(hex("c7010009"))
        #expect(try JSONValue(messagePack: plain) == .null)  // a 1-byte ext 0 read plainly is `undefined`
        #expect(try json(hex("c7010009")) == binary([9]))
        #expect(try json(hex("c800020001ff")) == binary([1, 255]))
        #expect(try json(hex("c90000000000")) == binary([]))
    }

    @Test func mapKeysAsJavaScriptCoercesThem() throws {
        let value: MessagePackValue = [1: "a", -2: "b", true: "c", nil: "d", 1.5: "e", .float32(2): "f", .uint(UInt64.max): "g"]
        #expect(try JSONValue(messagePack: value) == .object([
            "1": "a", "-2": "b", "true": "c", "null": "d", "1.5": "e", "2": "f", "18446744073709552000": "g",
        ]))
        // A repeated key keeps its first position and its last value.
        #expect(try JSONValue(messagePack: .map([
            MessagePackMapEntry(key: "a", value: 1), MessagePackMapEntry(key: "b", value: 2), MessagePackMapEntry(key: "a", value: 3),
        ])) == .object(["a": 3, "b": 2]))
        for key: MessagePackValue in [[1], .map([]), .binary(ByteBuffer()), .float64(.nan), .ext(type: 1, data: ByteBuffer())] {
            #expect(throws: SocketIOMessagePackError.unsupportedMapKey) {
                try JSONValue(messagePack: .map([MessagePackMapEntry(key: key, value: 1)]))
            }
        }
    }

    @Test func jsonIsWrittenAsNotepackWritesIt() {
        #expect(written(["hello", binary([1, 2, 3])]) == hex("92a568656c6c6fc403010203"))
        #expect(written([2.0, -0.0, 1.5, .int(-200), nil, false]) == hex("960200cb3ff8000000000000d1ff38c0c2"))
        #expect(written(.object(["b": 1, "a": [true]])) == hex("82a16201a16191c3"))
        // JSON has no NaN, but a JavaScript number can be one: float64, as notepack.
        #expect(written(.double(.infinity)) == hex("cb7ff0000000000000"))
    }

    @Test func jsonToMessagePackValueMatchesTheWriter() {
        let samples: [JSONValue] = [
            ["hello", binary([1, 2, 3])], [2.0, -0.0, 1.5, .int(-200), nil, false], .object(["b": 1, "a": [true]]),
            .double(1e20), .double(9_223_372_036_854_775_808.0),
        ]
        for sample in samples {
            #expect(Array(MessagePackEncoder().encode(MessagePackValue(json: sample)).readableBytesView) == written(sample))
        }
        #expect(MessagePackValue(json: ["a": 2.0]) == ["a": 2])
    }

    @Test func jsonRoundTrips() throws {
        let value: JSONValue = ["s", 1, -1, 2.5, nil, true, ["k": [binary([0, 1, 2])], "n": .object([:])], []]
        #expect(try json(written(value)) == value)
    }
}

/// The 8 big-endian bytes of `value`.
func bigEndian(_ value: Int64) -> [UInt8] {
    withUnsafeBytes(of: value.bigEndian) { Array($0) }
}
