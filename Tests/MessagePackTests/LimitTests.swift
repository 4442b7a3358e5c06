import MessagePack
import NIOCore
import Testing

/// Hostile and broken input is refused with a typed error, never a crash
/// or an allocation the input merely asks for.
@Suite("MessagePack decoding: limits and malformed input")
struct LimitTests {
    @Test(arguments: [
        "", "cc", "cd00", "ce000000", "cf00000000000000", "d0", "d100", "d2000000", "d300000000000000",
        "ca000000", "cb00000000000000", "a1", "d9", "d905", "da0005", "db0000000561", "c4", "c40201", "c5",
        "c6000000", "c7", "c70100", "c8000100", "c900000001", "d4", "d401", "d50100", "d6010000", "d701", "d801",
        "91", "92c0", "81c0", "dc0001", "dd", "de0001c0", "df00000001",
    ])
    func truncatedInput(_ input: String) {
        #expect(decodingError(hex(input))?.reason == .truncated)
    }

    @Test func hostileLengthsAllocateNothing() {
        // Each claims about 4 billion items or bytes in a message of a few bytes.
        for input in ["ddffffffff", "dfffffffff", "dbffffffff", "c6ffffffff", "c9ffffffff01", "dcffff", "deffff"] {
            let error = decodingError(hex(input), limits: .init(maximumCollectionCount: Int(UInt32.max)))
            #expect(error == MessagePackDecodingError(.truncated, at: hex(input).count), "\(input)")
        }
    }

    @Test func collectionCountLimit() {
        let limits = MessagePackDecoder.Limits(maximumCollectionCount: 3)
        #expect(decodingError(hex("93c0c0c0"), limits: limits) == nil)
        #expect(decodingError(hex("94c0c0c0c0"), limits: limits) == MessagePackDecodingError(.collectionTooLarge(count: 4, limit: 3), at: 0))
        #expect(decodingError(hex("91dd00010000"), limits: limits) == MessagePackDecodingError(.collectionTooLarge(count: 65536, limit: 3), at: 1))
        #expect(decodingError(hex("84c0c0c0c0c0c0c0c0"), limits: limits)?.reason == .collectionTooLarge(count: 4, limit: 3))
    }

    @Test func depthLimit() {
        let limits = MessagePackDecoder.Limits(maximumDepth: 3)
        #expect(decodingError(hex("919191c0"), limits: limits) == nil)
        #expect(decodingError(hex("91919191c0"), limits: limits) == MessagePackDecodingError(.depthLimitExceeded(limit: 3), at: 3))
        #expect(decodingError(hex("81c081c081c081c0c0"), limits: limits)?.reason == .depthLimitExceeded(limit: 3))
    }

    @Test func deepNestingAtTheDefaultLimitIsRefusedNotACrash() {
        let bytes = [UInt8](repeating: 0x91, count: 100_000) + [0xC0]
        #expect(decodingError(bytes)?.reason == .depthLimitExceeded(limit: 128))
        let deepest = [UInt8](repeating: 0x91, count: 128) + [0xC0]
        #expect(decodingError(deepest) == nil)
    }

    @Test func inputSizeLimit() {
        let limits = MessagePackDecoder.Limits(maximumInputSize: 4)
        #expect(decodingError(hex("a3616263"), limits: limits) == nil)
        #expect(decodingError(hex("a461626364"), limits: limits) == MessagePackDecodingError(.inputTooLarge(size: 5, limit: 4), at: 0))
    }

    @Test func reservedByte() {
        #expect(decodingError(hex("92c0c1")) == MessagePackDecodingError(.reservedByte, at: 2))
    }

    @Test(arguments: ["a1ff", "a2c328", "a3e28228", "a4f0288c28", "a2c0af", "a3eda080"])
    func invalidUTF8(_ input: String) {
        #expect(decodingError(hex(input)) == MessagePackDecodingError(.invalidUTF8, at: 1))
    }

    @Test func trailingBytes() {
        #expect(decodingError(hex("c0c0")) == MessagePackDecodingError(.trailingBytes, at: 1))
    }

    @Test func errorsDescribeThemselves() {
        #expect(MessagePackDecodingError(.truncated, at: 3).description == "invalid MessagePack at byte 3: input ends inside a value")
    }
}
