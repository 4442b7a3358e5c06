import NIOCore
import Testing
import EngineIOCore

/// Frames cut from bytes, byte by byte: header forms, masks, partial input,
/// and every refusal with its close code.
@Suite struct WebSocketFrameParserTests {
    static let key: UInt32 = 0x3712_A5F0

    /// A masked client frame, as a client writes it.
    static func frame(_ first: UInt8, _ payload: [UInt8], key: UInt32? = key) -> [UInt8] {
        var bytes = [first]
        let mask: UInt8 = key == nil ? 0 : 0x80
        if payload.count < 126 {
            bytes.append(mask | UInt8(payload.count))
        } else if payload.count <= 0xFFFF {
            bytes += [mask | 126, UInt8(payload.count >> 8), UInt8(payload.count & 0xFF)]
        } else {
            bytes.append(mask | 127)
            bytes += (0..<8).reversed().map { UInt8((payload.count >> ($0 * 8)) & 0xFF) }
        }
        guard let key else { return bytes + payload }
        let keyBytes = (0..<4).map { UInt8((key >> (24 - $0 * 8)) & 0xFF) }
        return bytes + keyBytes + payload.enumerated().map { $0.element ^ keyBytes[$0.offset % 4] }
    }

    static func parse(_ bytes: [UInt8], limit: Int = 1 << 20) throws(WebSocketFailure) -> (InboundWebSocketFrame?, Int) {
        var buffer = ByteBuffer(bytes: bytes)
        let frame = try WebSocketFrameParser.next(in: &buffer, maxPayloadLength: limit)
        return (frame, buffer.readableBytes)
    }

    @Test func aMaskedTextFrameIsCutAndUnmasked() throws {
        let (frame, left) = try Self.parse(Self.frame(0x81, Array("4hello".utf8)) + [0xAA])
        let cut = try #require(frame)
        #expect(cut.fin && cut.opcode == .text && !cut.rsv1 && cut.maskKey == Self.key)
        #expect(cut.unmaskedPayload == ByteBuffer(string: "4hello"))
        #expect(left == 1, "the next frame's first byte stays")
    }

    @Test(arguments: [0, 1, 7, 8, 9, 125, 126, 127, 1000, 65_535, 65_536, 70_001])
    func everyLengthFormRoundTrips(length: Int) throws {
        let payload = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let (frame, left) = try Self.parse(Self.frame(0x82, payload))
        #expect(Array(try #require(frame).unmaskedPayload.readableBytesView) == payload)
        #expect(left == 0)
    }

    @Test func anyPrefixOfAFrameAsksForMoreAndConsumesNothing() throws {
        let bytes = Self.frame(0x82, Array(repeating: 7, count: 300))
        for cut in 0..<bytes.count {
            let (frame, left) = try Self.parse(Array(bytes.prefix(cut)))
            #expect(frame == nil)
            #expect(left == cut)
        }
    }

    @Test func flagsAndOpcodesAreRead() throws {
        let (fragment, _) = try Self.parse(Self.frame(0x41, [1]))  // RSV1, not FIN, text
        #expect(fragment?.fin == false && fragment?.rsv1 == true && fragment?.opcode == .text)
        let (continuation, _) = try Self.parse(Self.frame(0x80, [1]))
        #expect(continuation?.opcode == .continuation && continuation?.fin == true)
        let (reserved, _) = try Self.parse(Self.frame(0xB2, [1]))  // RSV2 + RSV3
        #expect(reserved?.rsv2 == true && reserved?.rsv3 == true && reserved?.opcode == .binary)
        for (first, opcode) in [(UInt8(0x88), InboundWebSocketFrame.Opcode.close), (0x89, .ping), (0x8A, .pong)] {
            #expect(try Self.parse(Self.frame(first, [1, 2])).0?.opcode == opcode)
        }
    }

    @Test func anUnmaskedFrameIsCutWithoutAKey() throws {
        let (frame, _) = try Self.parse(Self.frame(0x81, Array("4x".utf8), key: nil))
        #expect(frame?.maskKey == nil)
        #expect(frame?.unmaskedPayload == ByteBuffer(string: "4x"))
    }

    @Test func refusals() {
        #expect(throws: WebSocketFailure.protocolError("unknown opcode 3")) { try Self.parse(Self.frame(0x83, [])) }
        #expect(throws: WebSocketFailure.protocolError("fragmented control frame")) { try Self.parse(Self.frame(0x09, [])) }
        #expect(throws: WebSocketFailure.protocolError("control frame of 126 bytes")) {
            try Self.parse(Self.frame(0x89, Array(repeating: 0, count: 126)))
        }
        #expect(throws: WebSocketFailure.messageTooBig("frame of 101 bytes, over the limit of 100")) {
            try Self.parse(Array(Self.frame(0x82, Array(repeating: 0, count: 101)).prefix(2)), limit: 100)
        }
        let huge: [UInt8] = [0x82, 0xFF, 0x80, 0, 0, 0, 0, 0, 0, 1]
        #expect(throws: WebSocketFailure.protocolError("64-bit length with its top bit set")) { try Self.parse(huge) }
    }

    @Test func theLengthIsCheckedBeforeThePayloadArrives() {
        // A header announcing 2 MiB is refused at once, not buffered.
        let header: [UInt8] = [0x82, 0xFF, 0, 0, 0, 0, 0, 0x20, 0, 0]
        #expect(throws: WebSocketFailure.messageTooBig("frame of 2097152 bytes, over the limit of 1048576")) { try Self.parse(header, limit: 1 << 20) }
    }

    @Test(arguments: Array(0...17) + [1024, 1027])
    func maskingIsItsOwnInverseAndMatchesAByteLoop(length: Int) {
        let payload = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 13 &+ 5) }
        var buffer = ByteBuffer(bytes: [0xEE] + payload)  // a slice not at the storage's start
        buffer.moveReaderIndex(forwardBy: 1)
        buffer.applyWebSocketMask(Self.key)
        let keyBytes = (0..<4).map { UInt8((Self.key >> (24 - $0 * 8)) & 0xFF) }
        #expect(Array(buffer.readableBytesView) == payload.enumerated().map { $0.element ^ keyBytes[$0.offset % 4] })
        buffer.applyWebSocketMask(Self.key)
        #expect(Array(buffer.readableBytesView) == payload)
    }
}
