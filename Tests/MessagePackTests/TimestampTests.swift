import MessagePack
import NIOCore
import Testing

@Suite("MessagePack timestamp extension")
struct TimestampTests {
    @Test func timestamp32() throws {
        let value = try decoded(hex("d6ff6553f100"))
        let time = try #require(MessagePackTimestamp(value))
        #expect(time == MessagePackTimestamp(seconds: 1_700_000_000, nanoseconds: 0))
        #expect(time.millisecondsSince1970 == 1_700_000_000_000)
        #expect(encoded(time.value) == hex("d6ff6553f100"))
    }

    @Test func timestamp64() throws {
        // 678,000,000 ns and 1,704,164,645 s: 2024-01-02T03:04:05.678Z.
        let packed = UInt64(678_000_000) << 34 | 1_704_164_645
        var data = ByteBuffer()
        data.writeInteger(packed)
        let time = try #require(MessagePackTimestamp(extType: -1, data: data))
        #expect(time.seconds == 1_704_164_645 && time.nanoseconds == 678_000_000)
        #expect(time.millisecondsSince1970 == 1_704_164_645_678)
        #expect(try decoded(encoded(time.value)) == .ext(type: -1, data: data))
        #expect(encoded(time.value).prefix(2) == [0xD7, 0xFF])
    }

    @Test func timestamp96() throws {
        let time = MessagePackTimestamp(seconds: -1, nanoseconds: 500_000_000)
        let bytes = encoded(time.value)
        #expect(bytes == hex("c70cff1dcd6500ffffffffffffffff"))
        #expect(MessagePackTimestamp(try decoded(bytes)) == time)
        // -0.5 s: a JavaScript Date truncates toward zero.
        #expect(time.millisecondsSince1970 == -500)
        #expect(MessagePackTimestamp(seconds: -2, nanoseconds: 999_999).millisecondsSince1970 == -1999)
    }

    @Test func notATimestamp() {
        #expect(MessagePackTimestamp(.ext(type: 0, data: ByteBuffer(bytes: [0, 0, 0, 0]))) == nil)
        #expect(MessagePackTimestamp(.ext(type: -1, data: ByteBuffer(bytes: [0, 0, 0]))) == nil)
        #expect(MessagePackTimestamp(.int(3)) == nil)
        // Nanoseconds of a second or more are refused.
        var data = ByteBuffer()
        data.writeInteger(UInt64(1_000_000_000) << 34)
        #expect(MessagePackTimestamp(extType: -1, data: data) == nil)
        #expect(MessagePackTimestamp(seconds: Int64.max, nanoseconds: 0).millisecondsSince1970 == nil)
    }
}
