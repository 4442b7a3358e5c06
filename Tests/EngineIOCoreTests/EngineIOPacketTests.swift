import NIOCore
import Testing
@testable import EngineIOCore

@Suite struct EngineIOPacketTests {
    @Test(arguments: EngineIOPacketType.allCases)
    func everyTypeRoundTripsThroughItsDigit(type: EngineIOPacketType) throws {
        let packet = EngineIOPacket(type: type, text: "x")
        var out = ByteBuffer()
        packet.writeText(into: &out)
        #expect(out.readableBytesView.first == UInt8(ascii: "0") + type.rawValue)
        #expect(try EngineIOPacket.decodeText(out) == packet)
    }

    @Test func decodesMessageDataAsASliceWithoutTheDigit() throws {
        let packet = try EngineIOPacket.decodeText(ByteBuffer(string: "4hello €"))
        #expect(packet.type == .message)
        #expect(String(buffer: packet.data) == "hello €")
        #expect(!packet.isBinary)
    }

    @Test func decodesTypeOnlyPackets() throws {
        #expect(try EngineIOPacket.decodeText(ByteBuffer(string: "2")).type == .ping)
        #expect(try EngineIOPacket.decodeText(ByteBuffer(string: "6")).data.readableBytes == 0)
        #expect(try EngineIOPacket.decodeText(ByteBuffer(string: "2probe")).data == ByteBuffer(string: "probe"))
    }

    @Test func refusesEmptyAndUnknownTypes() {
        #expect(throws: EngineIODecodingError.emptyPacket) { try EngineIOPacket.decodeText(ByteBuffer()) }
        #expect(throws: EngineIODecodingError.unknownPacketType(UInt8(ascii: "7"))) {
            try EngineIOPacket.decodeText(ByteBuffer(string: "7"))
        }
        #expect(throws: EngineIODecodingError.unknownPacketType(UInt8(ascii: "a"))) {
            try EngineIOPacket.decodeText(ByteBuffer(string: "abc"))
        }
    }

    @Test func binaryPacketsAreMessages() {
        let packet = EngineIOPacket.binary(ByteBuffer(bytes: [1, 2]))
        #expect(packet.type == .message)
        #expect(packet.isBinary)
    }
}

@Suite struct EngineIOPayloadTests {
    @Test func decodesTheUpstreamExamples() throws {
        let packets = try EngineIOPayload.decode(ByteBuffer(string: "4hello\u{1e}bAQIDBA=="))
        #expect(packets == [EngineIOPacket(type: .message, text: "hello"), .binary(ByteBuffer(bytes: [1, 2, 3, 4]))])
        let three = try EngineIOPayload.decode(ByteBuffer(string: "4test1\u{1e}4test2\u{1e}4test3"))
        #expect(three.map { String(buffer: $0.data) } == ["test1", "test2", "test3"])
    }

    @Test func encodesByteForByte() {
        let body = EngineIOPayload.encode([
            EngineIOPacket(type: .message, text: "hello"),
            .binary(ByteBuffer(bytes: [1, 2, 3, 4])),
            EngineIOPacket(type: .ping),
        ])
        #expect(Array(body.readableBytesView) == Array("4hello\u{1e}bAQIDBA==\u{1e}2".utf8))
    }

    @Test func aSinglePacketHasNoSeparator() {
        #expect(String(buffer: EngineIOPayload.encode([EngineIOPacket(type: .noop)])) == "6")
    }

    @Test func emptyPacketsBetweenSeparatorsAreErrors() {
        #expect(throws: EngineIODecodingError.emptyPacket) { try EngineIOPayload.decode(ByteBuffer(string: "4a\u{1e}\u{1e}4b")) }
        #expect(throws: EngineIODecodingError.emptyPacket) { try EngineIOPayload.decode(ByteBuffer()) }
        #expect(throws: EngineIODecodingError.emptyPacket) { try EngineIOPayload.decode(ByteBuffer(string: "4a\u{1e}")) }
    }

    @Test func badBase64IsAnError() {
        #expect(throws: EngineIODecodingError.invalidBase64) { try EngineIOPayload.decode(ByteBuffer(string: "b@@@@")) }
        #expect(throws: EngineIODecodingError.invalidBase64) { try EngineIOPayload.decode(ByteBuffer(string: "bA")) }
    }

    @Test func thePacketLimitHolds() throws {
        let body = ByteBuffer(string: Array(repeating: "4x", count: 5).joined(separator: "\u{1e}"))
        #expect(try EngineIOPayload.decode(body, maxPackets: 5).count == 5)
        #expect(throws: EngineIODecodingError.tooManyPackets(limit: 4)) { try EngineIOPayload.decode(body, maxPackets: 4) }
    }

    @Test func decodingASliceWithAnOffsetWorks() throws {
        var buffer = ByteBuffer(string: "junk4a\u{1e}4b")
        buffer.moveReaderIndex(forwardBy: 4)
        #expect(try EngineIOPayload.decode(buffer).map { String(buffer: $0.data) } == ["a", "b"])
    }
}

@Suite struct Base64Tests {
    @Test(arguments: [
        ([UInt8](), ""), ([0x66], "Zg=="), ([0x66, 0x6f], "Zm8="), ([0x66, 0x6f, 0x6f], "Zm9v"),
        (Array("foobar".utf8), "Zm9vYmFy"), ([0xff, 0xfe, 0xfd], "//79"), ([1, 2, 3, 4], "AQIDBA=="),
    ])
    func rfc4648Vectors(bytes: [UInt8], text: String) {
        var out = ByteBuffer()
        Base64.encode(ByteBuffer(bytes: bytes), into: &out)
        #expect(String(buffer: out) == text)
        #expect(Base64.decode(ByteBuffer(string: text)).map { Array($0.readableBytesView) } == bytes)
    }

    @Test func roundTripsEveryLength() {
        var generator = SystemRandomNumberGenerator()
        for length in 0..<300 {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            var encoded = ByteBuffer()
            Base64.encode(ByteBuffer(bytes: bytes), into: &encoded)
            #expect(Base64.decode(encoded).map { Array($0.readableBytesView) } == bytes)
        }
    }

    @Test func refusesGarbage() {
        for bad in ["A", "A===", "AB=C", "A B=", "Zg==Zg==", "Zm9v!"] {
            #expect(Base64.decode(ByteBuffer(string: bad)) == nil, "\(bad)")
        }
    }
}
