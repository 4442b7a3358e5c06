import MessagePack
import NIOCore
import Testing

@Suite("MessagePack round trips")
struct RoundTripTests {
    @Test func valuesSurviveEncodeThenDecode() throws {
        let values: [MessagePackValue] = [
            nil, true, false, 0, -1, 127, 128, -33, .int(Int64.min), .int(Int64.max), .uint(UInt64.max),
            .float32(-0.25), .float64(-1e-300), .float64(.infinity), "", "héllo ✓", bin([]), bin([0, 255]),
            [], .map([]), [nil, [1, ["k": [true]]]], [1: "one", "two": 2, [3]: .map([]), .float64(1.5): nil],
            .ext(type: -128, data: ByteBuffer(bytes: [1, 2, 3])), .ext(type: 127, data: ByteBuffer()),
        ]
        for value in values {
            #expect(try decoded(encoded(value)) == value, "\(value)")
        }
    }

    /// Canonical bytes (smallest formats, as notepack writes) come back identical.
    @Test(arguments: everyFormat.filter { example in
        // Not canonical: a wider format than needed, or a positive int8.
        !["bin16", "bin32", "str8", "str16", "str32", "array16", "array32", "map16", "map32", "int8 positive",
          "ext8", "ext16", "ext32"].contains(example.name)
    })
    func canonicalBytesSurviveDecodeThenEncode(_ example: DecodingCase) throws {
        #expect(encoded(try decoded(example.bytes)) == example.bytes)
    }

    @Test func pseudoRandomDocuments() throws {
        var generator = SplitMix(seed: 12)
        for _ in 0..<300 {
            let value = generator.value(depth: 0)
            #expect(try decoded(encoded(value)) == value)
        }
    }
}

/// A small deterministic generator of values, so failures reproduce.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func value(depth: Int) -> MessagePackValue {
        let kind = next() % (depth > 3 ? 8 : 11)
        switch kind {
        case 0: return nil
        case 1: return .bool(next() % 2 == 0)
        case 2: return .int(Int64(bitPattern: next()) >> (next() % 64))
        case 3: return .uint(next())
        case 4: return .float64(Double(bitPattern: next() & 0x7FEF_FFFF_FFFF_FFFF))
        case 5: return .string(String(repeating: "ab✓", count: Int(next() % 40)))
        case 6: return bin((0..<Int(next() % 300)).map { UInt8(truncatingIfNeeded: $0) })
        case 7: return .ext(type: Int8(truncatingIfNeeded: next()), data: ByteBuffer(bytes: [UInt8](repeating: 3, count: Int(next() % 20))))
        case 8: return .array((0..<Int(next() % 20)).map { _ in value(depth: depth + 1) })
        case 9: return .map((0..<Int(next() % 20)).map { _ in MessagePackMapEntry(key: value(depth: depth + 1), value: value(depth: depth + 1)) })
        default: return .float32(Float(bitPattern: UInt32(truncatingIfNeeded: next()) & 0x7F7F_FFFF))
        }
    }
}
