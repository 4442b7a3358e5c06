import Foundation
import NIOCore
import Testing
@testable import EngineIOCore

@Suite struct EngineIOHandshakeTests {
    @Test func writesTheReferenceJSON() {
        let open = EngineIOHandshake(sid: "lv_VI97HAXpY6yYWAAAC", upgrades: ["websocket"], pingInterval: 25000, pingTimeout: 20000, maxPayload: 1_000_000)
        #expect(open.json == #"{"sid":"lv_VI97HAXpY6yYWAAAC","upgrades":["websocket"],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000}"#)
        var out = ByteBuffer()
        open.packet.writeText(into: &out)
        #expect(String(buffer: out).hasPrefix("0{\"sid\""))
    }

    @Test func escapesStrings() {
        #expect(JSONStringEscaping.escape("a\"b\\c\n\u{1}") == #"a\"b\\c\n\u0001"#)
    }
}

@Suite struct SessionIDTests {
    @Test func idsAreFifteenURLSafeCharactersNamingTheirShard() {
        var rng = SystemRandomNumberGenerator()
        for shard in [0, 1, 7, 63] {
            let sid = SessionID.make(shard: shard, using: &rng)
            #expect(sid.utf8.count == 15)
            #expect(sid.utf8.count <= 15, "inline small string: no allocation")
            #expect(SessionID.shard(of: sid) == shard)
            #expect(sid.utf8.allSatisfy { SessionID.alphabet.contains($0) })
        }
    }

    @Test func idsDoNotRepeat() {
        var rng = SystemRandomNumberGenerator()
        let ids = Set((0..<10_000).map { _ in SessionID.make(shard: 0, using: &rng) })
        #expect(ids.count == 10_000)
    }

    @Test func foreignIdsNameNoShard() {
        #expect(SessionID.shard(of: "short") == nil)
        #expect(SessionID.shard(of: "AAAAAAAAAAAAAA!") == nil)
        #expect(SessionID.shard(of: String(repeating: "A", count: 16)) == nil)
        #expect(SessionID.shard(of: String(repeating: "A", count: 20)) == nil)
    }
}

@Suite struct UTF8ValidationTests {
    @Test(arguments: [
        [UInt8](), Array("plain".utf8), [0xC3, 0xA9], [0xE2, 0x82, 0xAC], [0xF0, 0x9F, 0x98, 0x80], [0xEF, 0xBF, 0xBF], [0xF4, 0x8F, 0xBF, 0xBF],
    ])
    func acceptsWellFormed(bytes: [UInt8]) {
        #expect(UTF8Validation.isValid(ByteBuffer(bytes: bytes)))
    }

    @Test(arguments: [
        [0x80], [0xC0, 0xAF], [0xC1, 0xBF], [0xE0, 0x80, 0xAF], [0xED, 0xA0, 0x80], [0xF0, 0x80, 0x80, 0xAF],
        [0xF4, 0x90, 0x80, 0x80], [0xF5, 0x80, 0x80, 0x80], [0xC3], [0xE2, 0x82], [0xFF], [0x61, 0xC3, 0x28],
    ] as [[UInt8]])
    func refusesMalformed(bytes: [UInt8]) {
        #expect(!UTF8Validation.isValid(ByteBuffer(bytes: bytes)))
    }

    @Test func agreesWithTheStandardLibraryOnRandomBytes() {
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            let bytes = (0..<Int.random(in: 0...8, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            let expected = String(validating: bytes, as: UTF8.self) != nil
            #expect(UTF8Validation.isValid(ByteBuffer(bytes: bytes)) == expected, "\(bytes)")
        }
    }
}

@Suite struct WebSocketFrameWriterTests {
    @Test func shortTextFrame() {
        let frame = WebSocketFrameWriter.frame(textPacket: EngineIOPacket(type: .message, text: "hi"))
        #expect(Array(frame.readableBytesView) == [0x81, 0x03, 0x34, 0x68, 0x69])
    }

    @Test func lengthEncodings() {
        for (length, header) in [(125, [0x82, 125]), (126, [0x82, 126, 0, 126]), (65535, [0x82, 126, 0xFF, 0xFF]),
                                 (65536, [0x82, 127, 0, 0, 0, 0, 0, 1, 0, 0])] as [(Int, [UInt8])] {
            let frame = WebSocketFrameWriter.frame(opcode: .binary, payload: ByteBuffer(repeating: 7, count: length))
            #expect(Array(frame.readableBytesView.prefix(header.count)) == header)
            #expect(frame.readableBytes == header.count + length)
        }
    }

    @Test func compressedFramesSetRSV1() {
        let frame = WebSocketFrameWriter.frame(opcode: .text, payload: ByteBuffer(bytes: [1]), compressed: true)
        #expect(frame.readableBytesView.first == 0xC1)
    }

    @Test func closeFrameCarriesCodeAndReason() {
        let frame = WebSocketFrameWriter.closeFrame(code: 1009, reason: "big")
        #expect(Array(frame.readableBytesView) == [0x88, 5, 0x03, 0xF1, 0x62, 0x69, 0x67])
    }

    /// A client's frames (RFC 6455 §5.3): the mask bit, the key, the
    /// payload masked; a server reads them back.
    @Test(arguments: [0, 3, 125, 126, 1000, 70_000])
    func maskedFramesAsAClientWritesThem(length: Int) throws {
        let payload = ByteBuffer(bytes: (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 7) })
        var frame = WebSocketFrameWriter.frame(opcode: .binary, payload: payload, compressed: true, maskKey: 0x0102_0304)
        let header = WebSocketFrameWriter.headerLength(payloadLength: length)
        #expect(frame.readableBytesView.first == 0xC2)
        #expect(frame.getInteger(at: 1, as: UInt8.self)! & 0x80 == 0x80)
        #expect(frame.getInteger(at: header, as: UInt32.self) == 0x0102_0304)
        #expect(frame.readableBytes == header + 4 + length)
        let parsed = try #require(try WebSocketFrameParser.next(in: &frame, maxPayloadLength: 1 << 20))
        #expect(parsed.maskKey == 0x0102_0304)
        #expect(parsed.unmaskedPayload == payload)
        if length > 0 { #expect(parsed.payload != payload, "masked on the wire") }
    }

    @Test func maskedCloseFrame() {
        let frame = WebSocketFrameWriter.closeFrame(code: 1002, maskKey: 0xFF00_FF00)
        #expect(Array(frame.readableBytesView) == [0x88, 0x82, 0xFF, 0x00, 0xFF, 0x00, 0x03 ^ 0xFF, 0xEA])
    }
}

@Suite struct QueryStringTests {
    @Test func parsesAndDecodes() {
        let query = QueryString(uri: "/socket.io/?EIO=4&transport=polling&t=N8h&name=a%20b+c&flag&x=%E2%82%AC")
        #expect(query["EIO"] == "4")
        #expect(query["transport"] == "polling")
        #expect(query["name"] == "a b c")
        #expect(query["flag"] == "")
        #expect(query["x"] == "€")
        #expect(query["missing"] == nil)
        #expect(String(Substring(query.path)) == "/socket.io/")
    }

    @Test func keepsMalformedEscapes() {
        #expect(QueryString(uri: "/?a=%zz%4")["a"] == "%zz%4")
    }

    @Test func noQuery() {
        #expect(QueryString(uri: "/engine.io/").pairs.isEmpty)
    }
}

@Suite struct SHA1Tests {
    func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

    @Test(arguments: [
        ("", "da39a3ee5e6b4b0d3255bfef95601890afd80709"),
        ("abc", "a9993e364706816aba3e25717850c26c9cd0d89d"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "84983e441c3bd26ebaae4aa1f95129e5e54670f1"),
        (String(repeating: "a", count: 1000), "291e9a6c66994949b57ba5e650361e98fc36b1ba"),
        (String(repeating: "a", count: 55), "c1c8bbdc22796e28c0e15163d20899b65621d65a"),
        (String(repeating: "a", count: 56), "c2db330f6083854c99d4b5bfb6e8f29f201be699"),
        (String(repeating: "a", count: 64), "0098ba824b5c16427bd7a1122a5a442a25ec644d"),
    ])
    func fipsVectors(message: String, digest: String) {
        #expect(hex(SHA1.hash(Array(message.utf8))) == digest)
    }

    @Test func rfc6455AcceptKey() {
        #expect(SHA1.webSocketAccept(key: "dGhlIHNhbXBsZSBub25jZQ==") == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
    }
}
