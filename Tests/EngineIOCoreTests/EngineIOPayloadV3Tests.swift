import NIOCore
import Testing
@testable import EngineIOCore

/// The Engine.IO v3 polling payloads, byte by byte: the text form
/// (`<UTF-16 length>:<packet>`, binary as `b4<base64>`) and the binary form
/// (kind byte, one byte per length digit, 0xFF, packet).
@Suite struct EngineIOPayloadV3TextTests {
    private func text(_ packets: [EngineIOPacket]) -> String {
        String(buffer: EngineIOPayloadV3.encodeText(packets))
    }

    @Test func textPacketsAreLengthPrefixed() {
        #expect(text([EngineIOPacket(type: .message, text: "hello")]) == "6:4hello")
        #expect(text([EngineIOPacket(type: .ping), EngineIOPacket(type: .message, text: "a")]) == "1:22:4a")
        #expect(text([EngineIOPacket(type: .noop)]) == "1:6")
        #expect(text([]) == "0:", "the reference writes 0: for no packets")
    }

    @Test func lengthsCountUTF16CodeUnitsNotBytes() {
        // é: 2 UTF-8 bytes, 1 unit; €: 3 bytes, 1 unit; 😀: 4 bytes, 2 units.
        #expect(text([EngineIOPacket(type: .message, text: "héllo")]) == "6:4héllo")
        #expect(text([EngineIOPacket(type: .message, text: "€")]) == "2:4€")
        #expect(text([EngineIOPacket(type: .message, text: "😀")]) == "3:4😀")
        #expect(text([EngineIOPacket(type: .message, text: "a😀é𝄞")]) == "7:4a😀é𝄞")
        #expect(EngineIOPayloadV3.utf16Length(of: ByteBuffer(string: "")) == 0)
        #expect(EngineIOPayloadV3.utf16Length(of: ByteBuffer(string: "aé€😀")) == 5)
    }

    @Test func binaryPacketsAreBase64WithTheirType() {
        #expect(text([.binary(ByteBuffer(bytes: [1, 2, 3]))]) == "6:b4AQID")
        #expect(text([.binary(ByteBuffer(bytes: [1, 2, 3, 4]))]) == "10:b4AQIDBA==")
        #expect(text([.binary(ByteBuffer())]) == "2:b4")
        #expect(text([EngineIOPacket(type: .message, text: "x"), .binary(ByteBuffer(bytes: [0xFF]))]) == "2:4x6:b4/w==")
    }

    @Test func decodingReversesEncoding() throws {
        let packets: [EngineIOPacket] = [
            EngineIOPacket(type: .message, text: "héllo 😀 𝄞"),
            .binary(ByteBuffer(bytes: [0, 1, 254, 255])),
            EngineIOPacket(type: .ping),
            EngineIOPacket(type: .message, text: ""),
            EngineIOPacket(type: .close),
        ]
        #expect(try EngineIOPayloadV3.decodeText(EngineIOPayloadV3.encodeText(packets)) == packets)
    }

    @Test func decodesWhatClientsSend() throws {
        let decoded = try EngineIOPayloadV3.decodeText(ByteBuffer(string: "1:211:4[\"a\",\"😀\"]6:b4AQID"))
        #expect(decoded == [
            EngineIOPacket(type: .ping),
            EngineIOPacket(type: .message, text: "[\"a\",\"😀\"]"),
            .binary(ByteBuffer(bytes: [1, 2, 3])),
        ])
    }

    @Test func emptyPacketsAreSkippedAsTheReferenceSkipsThem() throws {
        #expect(try EngineIOPayloadV3.decodeText(ByteBuffer(string: "0:")) == [])
        #expect(try EngineIOPayloadV3.decodeText(ByteBuffer(string: "0:2:4a0:")) == [EngineIOPacket(type: .message, text: "a")])
    }

    @Test func malformedLengthsAreRefused() {
        let refused: [(String, EngineIODecodingError)] = [
            ("4hello", .invalidLength),           // no length at all
            (":4", .invalidLength),               // empty length
            ("x:4", .invalidLength),              // not a digit
            ("1e1:4aaaaaaaaa", .invalidLength),   // JavaScript's Number() would take it
            (" 2:4a", .invalidLength),
            ("-1:4", .invalidLength),
            ("12345678901:4", .invalidLength),    // more than 10 digits
            ("6:4abc", .invalidLength),           // runs past the body
            ("2:4a3", .invalidLength),            // a length with no colon at the end
            ("2:4😀", .invalidLength),            // ends between the halves of a pair
            ("", .emptyPacket),
        ]
        for (body, error) in refused {
            #expect(throws: error, "\(body)") { try EngineIOPayloadV3.decodeText(ByteBuffer(string: body)) }
        }
    }

    @Test func badPacketsRefuseTheWholePayload() {
        #expect(throws: EngineIODecodingError.unknownPacketType(UInt8(ascii: "7"))) {
            try EngineIOPayloadV3.decodeText(ByteBuffer(string: "2:4a1:7"))
        }
        #expect(throws: EngineIODecodingError.invalidBase64) {
            try EngineIOPayloadV3.decodeText(ByteBuffer(string: "6:b4@@@@"))
        }
        #expect(throws: EngineIODecodingError.unknownPacketType(UInt8(ascii: "2"))) {
            try EngineIOPayloadV3.decodeText(ByteBuffer(string: "6:b2AQID"))
        }
        #expect(throws: EngineIODecodingError.emptyPacket) {
            try EngineIOPayloadV3.decodeText(ByteBuffer(string: "1:b"))
        }
        #expect(throws: EngineIODecodingError.invalidUTF8) {
            try EngineIOPayloadV3.decodeText(ByteBuffer(bytes: [0x32, 0x3A, 0x34, 0xC3]))
        }
    }

    @Test func packetCountIsBounded() {
        let body = ByteBuffer(string: String(repeating: "1:6", count: 11))
        #expect(throws: EngineIODecodingError.tooManyPackets(limit: 10)) {
            try EngineIOPayloadV3.decodeText(body, maxPackets: 10)
        }
        #expect((try? EngineIOPayloadV3.decodeText(body, maxPackets: 11))?.count == 11)
    }
}

@Suite struct EngineIOPayloadV3BinaryTests {
    private func bytes(_ packets: [EngineIOPacket]) -> [UInt8] {
        Array(EngineIOPayloadV3.encodeBinary(packets).readableBytesView)
    }

    @Test func textPacketsAreUTF8WithByteLengths() {
        #expect(bytes([EngineIOPacket(type: .message, text: "hi")]) == [0, 3, 0xFF, 0x34, 0x68, 0x69])
        // "é" is two bytes: the length counts bytes here, not UTF-16 units.
        #expect(bytes([EngineIOPacket(type: .message, text: "é")]) == [0, 3, 0xFF, 0x34, 0xC3, 0xA9])
        #expect(bytes([EngineIOPacket(type: .pong)]) == [0, 1, 0xFF, 0x33])
    }

    @Test func binaryPacketsCarryTheirTypeByte() {
        #expect(bytes([.binary(ByteBuffer(bytes: [1, 2, 3]))]) == [1, 4, 0xFF, 4, 1, 2, 3])
        #expect(bytes([.binary(ByteBuffer())]) == [1, 1, 0xFF, 4])
    }

    @Test func lengthsOfSeveralDigitsTakeOneByteEach() {
        let data = ByteBuffer(bytes: [UInt8](repeating: 7, count: 122))
        let encoded = bytes([.binary(data)])
        #expect(Array(encoded.prefix(6)) == [1, 1, 2, 3, 0xFF, 4], "123 bytes: digits 1 2 3")
        #expect(encoded.count == 5 + 123)
    }

    @Test func mixedPayloadsRoundTrip() throws {
        let packets: [EngineIOPacket] = [
            EngineIOPacket(type: .message, text: "2[\"event\",{\"_placeholder\":true,\"num\":0}]"),
            .binary(ByteBuffer(bytes: [0, 0xFF, 1])),
            EngineIOPacket(type: .ping),
            EngineIOPacket(type: .message, text: "😀"),
        ]
        #expect(try EngineIOPayloadV3.decodeBinary(EngineIOPayloadV3.encodeBinary(packets)) == packets)
    }

    @Test func decodesWhatPythonEngineIO3Posts() throws {
        // python-engineio 3.x POSTs every payload in this form: "2" and 451-[...] then the attachment.
        let body: [UInt8] = [0, 1, 0xFF, 0x32] + [0, 3, 0xFF, 0x34, 0x78, 0x79] + [1, 3, 0xFF, 4, 9, 8]
        let decoded = try EngineIOPayloadV3.decodeBinary(ByteBuffer(bytes: body))
        #expect(decoded == [EngineIOPacket(type: .ping), EngineIOPacket(type: .message, text: "xy"), .binary(ByteBuffer(bytes: [9, 8]))])
    }

    @Test func aTextPacketInTheBinaryFormMayStillBeBase64() throws {
        let body: [UInt8] = [0, 6, 0xFF] + Array("b4AQID".utf8)
        #expect(try EngineIOPayloadV3.decodeBinary(ByteBuffer(bytes: body)) == [.binary(ByteBuffer(bytes: [1, 2, 3]))])
    }

    @Test func malformedPayloadsAreRefusedCleanly() {
        let refused: [([UInt8], EngineIODecodingError)] = [
            ([], .emptyPacket),
            ([2, 1, 0xFF, 0x36], .invalidLength),                // kind is neither 0 nor 1
            ([0, 10, 0xFF, 0x36], .invalidLength),               // a "digit" of 10
            ([0, 1, 0x36], .invalidLength),                      // no 0xFF
            ([0, 0xFF, 0x36], .invalidLength),                   // no digits
            ([0, 5, 0xFF, 0x34, 0x61], .invalidLength),          // runs past the body
            ([0] + [UInt8](repeating: 9, count: 11) + [0xFF], .invalidLength),  // 11 digits
            ([0], .invalidLength),                               // a kind and nothing else
            ([1, 0, 0xFF], .emptyPacket),                        // a binary packet without its type
            ([1, 2, 0xFF, 2, 1], .unknownPacketType(2)),         // binary, but not a message
            ([0, 0, 0xFF], .emptyPacket),
            ([0, 2, 0xFF, 0x34, 0xFF], .invalidUTF8),
            ([0, 1, 0xFF, 0x39], .unknownPacketType(0x39)),
        ]
        for (body, error) in refused {
            #expect(throws: error, "\(body)") { try EngineIOPayloadV3.decodeBinary(ByteBuffer(bytes: body)) }
        }
    }

    @Test func packetCountIsBounded() {
        let body = ByteBuffer(bytes: [UInt8]((0..<5).flatMap { _ in [0, 1, 0xFF, 0x36] }))
        #expect(throws: EngineIODecodingError.tooManyPackets(limit: 4)) { try EngineIOPayloadV3.decodeBinary(body, maxPackets: 4) }
    }
}

@Suite struct EngineIOPollingFormatTests {
    @Test func theFormatIsChosenAtTheHandshake() {
        #expect(EngineIOPollingFormat(version: .v4, base64: "1") == .v4)
        #expect(EngineIOPollingFormat(version: .v3, base64: nil) == .v3(binary: true))
        #expect(EngineIOPollingFormat(version: .v3, base64: "1") == .v3(binary: false))
        #expect(EngineIOPollingFormat(version: .v3, base64: "") == .v3(binary: false))
        #expect(EngineIOProtocolVersion(eio: "4") == .v4)
        #expect(EngineIOProtocolVersion(eio: "3") == .v3)
        #expect(EngineIOProtocolVersion(eio: nil) == .v3)
        #expect(EngineIOProtocolVersion(eio: "5") == .v3)
    }

    @Test func aBinaryClientGetsTheBinaryFormOnlyWhenAPacketIsBinary() {
        let text = EngineIOPacket(type: .message, text: "a")
        let binary = EngineIOPacket.binary(ByteBuffer(bytes: [1]))
        let format = EngineIOPollingFormat.v3(binary: true)
        #expect(format.encode([text]) == EngineIOPollingBody(bytes: ByteBuffer(string: "2:4a"), isBinary: false))
        #expect(format.encode([text, binary]) == EngineIOPollingBody(bytes: ByteBuffer(bytes: [0, 2, 0xFF, 0x34, 0x61, 1, 2, 0xFF, 4, 1]), isBinary: true))
        #expect(EngineIOPollingFormat.v3(binary: false).encode([text, binary]) == EngineIOPollingBody(bytes: ByteBuffer(string: "2:4a6:b4AQ=="), isBinary: false))
        #expect(EngineIOPollingFormat.v4.encode([text, binary]) == EngineIOPollingBody(bytes: ByteBuffer(string: "4a\u{1e}bAQ=="), isBinary: false))
    }

    @Test func postsAreReadByTheirContentType() throws {
        let format = EngineIOPollingFormat.v3(binary: true)
        #expect(try format.decode(ByteBuffer(string: "2:4a"), octetStream: false, maxPackets: 10) == [EngineIOPacket(type: .message, text: "a")])
        #expect(try format.decode(ByteBuffer(bytes: [0, 2, 0xFF, 0x34, 0x61]), octetStream: true, maxPackets: 10) == [EngineIOPacket(type: .message, text: "a")])
        #expect(throws: EngineIODecodingError.invalidLength) { try format.decode(ByteBuffer(string: "4a"), octetStream: false, maxPackets: 10) }
        #expect(try EngineIOPollingFormat.v4.decode(ByteBuffer(string: "4a"), octetStream: false, maxPackets: 10) == [EngineIOPacket(type: .message, text: "a")])
    }
}

@Suite struct EngineIOV3WebSocketFrameTests {
    @Test func aBinaryMessageStartsWithItsTypeByte() {
        let frame = WebSocketFrameWriter.v3BinaryMessageFrame(ByteBuffer(bytes: [1, 2]), base64: false)
        #expect(Array(frame.readableBytesView) == [0x82, 3, 4, 1, 2])
        let large = WebSocketFrameWriter.v3BinaryMessageFrame(ByteBuffer(bytes: [UInt8](repeating: 0, count: 200)), base64: false)
        #expect(Array(large.readableBytesView.prefix(5)) == [0x82, 126, 0, 201, 4])
    }

    @Test func aBase64ClientGetsText() {
        let frame = WebSocketFrameWriter.v3BinaryMessageFrame(ByteBuffer(bytes: [1, 2]), base64: true)
        #expect(Array(frame.readableBytesView) == [0x81, 6] + Array("b4AQI=".utf8))
    }

    @Test func readingABinaryMessage() throws {
        #expect(try EngineIOPayloadV3.decodeBinaryPacket(ByteBuffer(bytes: [4, 1, 2])) == .binary(ByteBuffer(bytes: [1, 2])))
        #expect(try EngineIOPayloadV3.decodeBinaryPacket(ByteBuffer(bytes: [4])) == .binary(ByteBuffer()))
        #expect(throws: EngineIODecodingError.emptyPacket) { try EngineIOPayloadV3.decodeBinaryPacket(ByteBuffer()) }
        #expect(throws: EngineIODecodingError.unknownPacketType(0x34)) { try EngineIOPayloadV3.decodeBinaryPacket(ByteBuffer(bytes: [0x34, 1])) }
        #expect(try EngineIOPayloadV3.decodePacket(ByteBuffer(string: "b4AQI=")) == .binary(ByteBuffer(bytes: [1, 2])))
    }
}
