import NIOCore
import Testing
import EngineIOCore

/// The message assembler, bytes in and outputs out, for both roles: every
/// refusal with its close code, fragments, interleaved control frames,
/// permessage-deflate, close payloads.
@Suite struct WebSocketMessageAssemblerTests {
    static let key: UInt32 = 0x3712_A5F0
    static let limit = 1000

    /// A frame as the peer of `role` writes it: masked to a server,
    /// unmasked to a client (`masked` overrides).
    static func frame(_ first: UInt8, _ payload: [UInt8], to role: WebSocketRole, masked: Bool? = nil) -> [UInt8] {
        var bytes = [first]
        let isMasked = masked ?? (role == .server)
        let maskBit: UInt8 = isMasked ? 0x80 : 0
        if payload.count < 126 {
            bytes.append(maskBit | UInt8(payload.count))
        } else {
            bytes += [maskBit | 126, UInt8(payload.count >> 8), UInt8(payload.count & 0xFF)]
        }
        guard isMasked else { return bytes + payload }
        let keyBytes = (0..<4).map { UInt8((key >> (24 - $0 * 8)) & 0xFF) }
        return bytes + keyBytes + payload.enumerated().map { $0.element ^ keyBytes[$0.offset % 4] }
    }

    static func text(_ string: String) -> [UInt8] { Array(string.utf8) }

    /// Every output of `bytes`, fed in one buffer; the failure, if any, ends the list.
    static func outputs(
        _ bytes: [UInt8],
        role: WebSocketRole,
        inflater: (any WebSocketMessageInflater)? = nil
    ) -> (outputs: [WebSocketMessageAssembler.Output], failure: WebSocketFailure?, left: Int) {
        var assembler = WebSocketMessageAssembler(role: role, maxMessageSize: limit, inflater: inflater)
        var buffer = ByteBuffer(bytes: bytes)
        var outputs: [WebSocketMessageAssembler.Output] = []
        do {
            while let output = try assembler.next(in: &buffer) { outputs.append(output) }
        } catch {
            return (outputs, error, buffer.readableBytes)
        }
        return (outputs, nil, buffer.readableBytes)
    }

    /// The close code `bytes` fail with (nil: they do not).
    static func closeCode(_ bytes: [UInt8], role: WebSocketRole, inflater: (any WebSocketMessageInflater)? = nil) -> UInt16? {
        outputs(bytes, role: role, inflater: inflater).failure?.closeCode
    }

    // MARK: - Messages

    @Test(arguments: [WebSocketRole.server, .client])
    func aSingleFrameIsAMessage(role: WebSocketRole) {
        let bytes = Self.frame(0x81, Self.text("4hello"), to: role) + Self.frame(0x82, [0, 0xFF], to: role)
        let result = Self.outputs(bytes, role: role)
        #expect(result.outputs == [.text(ByteBuffer(string: "4hello")), .binary(ByteBuffer(bytes: [0, 0xFF]))])
        #expect(result.failure == nil && result.left == 0)
    }

    @Test(arguments: [WebSocketRole.server, .client])
    func fragmentsAreJoinedAroundControlFrames(role: WebSocketRole) {
        let bytes = Self.frame(0x01, Self.text("4he"), to: role)
            + Self.frame(0x89, [7], to: role)
            + Self.frame(0x00, Self.text("l"), to: role)
            + Self.frame(0x8A, [8], to: role)
            + Self.frame(0x80, Self.text("lo"), to: role)
        #expect(Self.outputs(bytes, role: role).outputs == [
            .ping(ByteBuffer(bytes: [7])), .pong(ByteBuffer(bytes: [8])), .text(ByteBuffer(string: "4hello")),
        ])
    }

    @Test(arguments: [WebSocketRole.server, .client])
    func bytesArrivingOneByOneGiveTheSameOutputs(role: WebSocketRole) throws {
        let bytes = Self.frame(0x01, Self.text("4€"), to: role) + Self.frame(0x80, Self.text("!"), to: role)
            + Self.frame(0x82, Array(repeating: 3, count: 300), to: role)
        var assembler = WebSocketMessageAssembler(role: role, maxMessageSize: Self.limit)
        var buffer = ByteBuffer()
        var outputs: [WebSocketMessageAssembler.Output] = []
        for byte in bytes {
            buffer.writeInteger(byte)
            while let output = try assembler.next(in: &buffer) { outputs.append(output) }
        }
        #expect(outputs == [.text(ByteBuffer(string: "4€!")), .binary(ByteBuffer(repeating: 3, count: 300))])
        #expect(buffer.readableBytes == 0)
    }

    @Test func anIncompleteFrameStaysInTheBuffer() throws {
        let bytes = Self.frame(0x81, Self.text("4a"), to: .client) + Array(Self.frame(0x81, Self.text("4b"), to: .client).prefix(3))
        let result = Self.outputs(bytes, role: .client)
        #expect(result.outputs == [.text(ByteBuffer(string: "4a"))])
        #expect(result.left == 3)
    }

    @Test(arguments: [WebSocketRole.server, .client])
    func messagesUpToTheLimitAreTaken(role: WebSocketRole) {
        let whole = Self.frame(0x82, Array(repeating: 1, count: Self.limit), to: role)
        #expect(Self.outputs(whole, role: role).outputs == [.binary(ByteBuffer(repeating: 1, count: Self.limit))])
        let joined = Self.frame(0x02, Array(repeating: 1, count: 600), to: role) + Self.frame(0x80, Array(repeating: 1, count: 400), to: role)
        #expect(Self.outputs(joined, role: role).outputs == [.binary(ByteBuffer(repeating: 1, count: Self.limit))])
    }

    @Test func binaryMessagesAreNotCheckedForUTF8() {
        #expect(Self.outputs(Self.frame(0x82, [0xC0, 0xAF], to: .client), role: .client).outputs == [.binary(ByteBuffer(bytes: [0xC0, 0xAF]))])
    }

    // MARK: - Refusals (the same for both roles but the mask)

    @Test func theMaskingRuleDependsOnTheRole() {
        #expect(Self.closeCode(Self.frame(0x81, Self.text("4x"), to: .server, masked: false), role: .server) == 1002)
        #expect(Self.closeCode(Self.frame(0x81, Self.text("4x"), to: .client, masked: true), role: .client) == 1002)
        #expect(Self.closeCode(Self.frame(0x89, [], to: .client, masked: true), role: .client) == 1002)
    }

    @Test(arguments: [WebSocketRole.server, .client])
    func reservedBitsAndOpcodes(role: WebSocketRole) {
        #expect(Self.closeCode(Self.frame(0xA1, Self.text("4x"), to: role), role: role) == 1002, "RSV2")
        #expect(Self.closeCode(Self.frame(0x91, Self.text("4x"), to: role), role: role) == 1002, "RSV3")
        #expect(Self.closeCode(Self.frame(0xC1, Self.text("4x"), to: role), role: role) == 1002, "RSV1 without deflate")
        #expect(Self.closeCode(Self.frame(0x83, [], to: role), role: role) == 1002, "opcode 3")
        #expect(Self.closeCode(Self.frame(0x8F, [], to: role), role: role) == 1002, "opcode 0xF")
    }

    /// RFC 7692 §6: RSV1 marks a compressed message on its first frame;
    /// control frames are never compressed, so RSV1 there is an error even
    /// with permessage-deflate agreed (the client used to let it pass).
    @Test(arguments: [WebSocketRole.server, .client], [UInt8(0xC9), 0xCA, 0xC8])
    func rsv1OnAControlFrameIsRefusedEvenWithDeflate(role: WebSocketRole, first: UInt8) {
        let payload: [UInt8] = first == 0xC8 ? [0x03, 0xE8] : []
        #expect(Self.closeCode(Self.frame(first, payload, to: role), role: role, inflater: DoublingInflater()) == 1002)
        #expect(Self.closeCode(Self.frame(first, payload, to: role), role: role) == 1002)
    }

    @Test(arguments: [WebSocketRole.server, .client])
    func fragmentRules(role: WebSocketRole) {
        #expect(Self.closeCode(Self.frame(0x80, Self.text("x"), to: role), role: role) == 1002, "continuation alone")
        let newInside = Self.frame(0x01, Self.text("4a"), to: role) + Self.frame(0x82, [1], to: role)
        #expect(Self.closeCode(newInside, role: role) == 1002, "new message inside another")
        let rsv1OnContinuation = Self.frame(0x41, [1], to: role) + Self.frame(0xC0, [2], to: role)
        #expect(Self.closeCode(rsv1OnContinuation, role: role, inflater: DoublingInflater()) == 1002, "RSV1 on a continuation")
        #expect(Self.closeCode(Self.frame(0x09, [], to: role), role: role) == 1002, "fragmented ping")
        #expect(Self.closeCode(Self.frame(0x89, Array(repeating: 0, count: 126), to: role), role: role) == 1002, "ping of 126 bytes")
    }

    @Test(arguments: [WebSocketRole.server, .client])
    func sizeRules(role: WebSocketRole) {
        #expect(Self.closeCode(Self.frame(0x82, Array(repeating: 1, count: Self.limit + 1), to: role), role: role) == 1009)
        let joined = Self.frame(0x02, Array(repeating: 1, count: 600), to: role) + Self.frame(0x80, Array(repeating: 1, count: 401), to: role)
        #expect(Self.closeCode(joined, role: role) == 1009)
        // Only the header is needed to refuse: no payload is waited for.
        #expect(Self.closeCode([0x82, (role == .server ? 0x80 : 0) | 126, 0x03, 0xE9], role: role) == 1009)
    }

    @Test(arguments: [WebSocketRole.server, .client])
    func textMustBeUTF8(role: WebSocketRole) {
        #expect(Self.closeCode(Self.frame(0x81, [0x34, 0xC0, 0xAF], to: role), role: role) == 1007)
        let split = Self.frame(0x01, [0x34, 0xE2, 0x82], to: role) + Self.frame(0x80, [0x28], to: role)
        #expect(Self.closeCode(split, role: role) == 1007)
    }

    // MARK: - Close payloads

    @Test(arguments: [WebSocketRole.server, .client])
    func closePayloads(role: WebSocketRole) {
        #expect(Self.outputs(Self.frame(0x88, [], to: role), role: role).outputs == [.close(WebSocketClose(code: nil))])
        let bye = Self.frame(0x88, [0x03, 0xE8] + Self.text("bye ✓"), to: role)
        #expect(Self.outputs(bye, role: role).outputs == [.close(WebSocketClose(code: 1000, reason: "bye ✓"))])
        let application = Self.frame(0x88, [0x0F, 0xA0], to: role)
        #expect(Self.outputs(application, role: role).outputs == [.close(WebSocketClose(code: 4000))])
        // One byte cannot hold a code (the client used to take it).
        #expect(Self.closeCode(Self.frame(0x88, [0x03], to: role), role: role) == 1002)
        #expect(Self.closeCode(Self.frame(0x88, [0x03, 0xED], to: role), role: role) == 1002, "1005")
        #expect(Self.closeCode(Self.frame(0x88, [0x03, 0xE8, 0xC0, 0xAF], to: role), role: role) == 1007)
    }

    @Test func whichCodesMayBeSent() {
        let sendable: [UInt16] = [1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 3999, 4000, 4999]
        let not: [UInt16] = [0, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000, 65535]
        #expect(sendable.allSatisfy(WebSocketClose.isSendable))
        #expect(!not.contains(where: WebSocketClose.isSendable))
    }

    // MARK: - permessage-deflate

    @Test(arguments: [WebSocketRole.server, .client])
    func compressedMessagesAreInflatedWithTheLimit(role: WebSocketRole) {
        let inflater = DoublingInflater()
        let bytes = Self.frame(0xC1, Self.text("4a"), to: role)
            + Self.frame(0x42, [1], to: role) + Self.frame(0x89, [], to: role) + Self.frame(0x80, [2], to: role)
            + Self.frame(0x82, [3], to: role)
        let result = Self.outputs(bytes, role: role, inflater: inflater)
        #expect(result.outputs == [
            .text(ByteBuffer(string: "44aa")), .ping(ByteBuffer()), .binary(ByteBuffer(bytes: [1, 1, 2, 2])), .binary(ByteBuffer(bytes: [3])),
        ])
        #expect(inflater.calls == [[0x34, 0x61], [1, 2]], "joined before inflating; uncompressed messages untouched")
        #expect(inflater.limits == [Self.limit, Self.limit])
    }

    @Test(arguments: [WebSocketRole.server, .client])
    func inflationFailuresKeepTheirCode(role: WebSocketRole) {
        #expect(Self.closeCode(Self.frame(0xC2, [0xFF], to: role), role: role, inflater: DoublingInflater()) == 1007)
        #expect(Self.closeCode(Self.frame(0xC2, Array(repeating: 1, count: 501), to: role), role: role, inflater: DoublingInflater()) == 1009)
        // UTF-8 is checked on the inflated text: C0 doubled is C0 C0.
        #expect(Self.closeCode(Self.frame(0xC1, [0x34, 0xC0], to: role), role: role, inflater: DoublingInflater()) == 1007)
    }
}

/// A stand-in for zlib: "inflates" by writing every byte twice; 0xFF is
/// corrupt data.
private final class DoublingInflater: WebSocketMessageInflater {
    var calls: [[UInt8]] = []
    var limits: [Int] = []

    func inflate(_ payload: ByteBuffer, maximumSize: Int) throws(WebSocketFailure) -> ByteBuffer {
        let bytes = Array(payload.readableBytesView)
        calls.append(bytes)
        limits.append(maximumSize)
        guard !bytes.contains(0xFF) else { throw .invalidPayload("corrupt") }
        guard bytes.count * 2 <= maximumSize else { throw .messageTooBig("inflated over the limit") }
        return ByteBuffer(bytes: bytes.flatMap { [$0, $0] })
    }
}
