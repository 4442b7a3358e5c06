import NIOCore
import SocketIOCore
import Testing

/// Feeds a text message and then the given binary messages; returns the
/// last output.
private func decode(_ text: String, _ attachments: [[UInt8]] = [], configuration: SocketIOPacketDecoder.Configuration = .init()) throws(SocketIOProtocolError) -> SocketIOPacketDecoder.Output {
    var decoder = SocketIOPacketDecoder(configuration: configuration)
    var output = try decoder.receive(text: buffer(text))
    for attachment in attachments {
        output = try decoder.receive(binary: buffer(bytes: attachment))
    }
    return output
}

private func decodeError(_ text: String, _ attachments: [[UInt8]] = [], configuration: SocketIOPacketDecoder.Configuration = .init()) -> SocketIOProtocolError? {
    do {
        _ = try decode(text, attachments, configuration: configuration)
        return nil
    } catch {
        return error
    }
}

@Suite("Socket.IO packet decoder")
struct SocketIOPacketDecoderTests {
    @Test(arguments: specificationExamples)
    func specificationExample(_ example: WireExample) throws {
        var decoder = SocketIOPacketDecoder()
        var output = try decoder.receive(text: buffer(example.text))
        for (index, attachment) in example.attachments.enumerated() {
            #expect(output == .awaitingAttachments(remaining: example.attachments.count - index))
            #expect(decoder.isAwaitingAttachments)
            output = try decoder.receive(binary: buffer(bytes: attachment))
        }
        #expect(output == .packet(example.decodedPacket))
        #expect(!decoder.isAwaitingAttachments)
    }

    @Test(arguments: specificationExamples)
    func encodeThenDecodeIsIdentity(_ example: WireExample) throws {
        let encoded = try SocketIOPacketEncoder().encode(example.packet)
        var decoder = SocketIOPacketDecoder()
        var output = try decoder.receive(text: encoded.header)
        for attachment in encoded.attachments {
            output = try decoder.receive(binary: attachment)
        }
        #expect(output == .packet(example.decodedPacket))
    }

    @Test func textThenBinariesReplacesPlaceholdersAtAnyDepth() throws {
        let text = #"53-/up,7["files",{"a":{"_placeholder":true,"num":2},"list":[[{"_placeholder":true,"num":0}]]},{"_placeholder":true,"num":1}]"#
        var decoder = SocketIOPacketDecoder()
        #expect(try decoder.receive(text: text) == .awaitingAttachments(remaining: 3))
        #expect(try decoder.receive(binary: buffer(bytes: [0])) == .awaitingAttachments(remaining: 2))
        #expect(try decoder.receive(binary: buffer(bytes: [1])) == .awaitingAttachments(remaining: 1))
        let output = try decoder.receive(binary: buffer(bytes: [2, 2]))
        let expected: JSONValue = [
            "files",
            ["a": .binary(buffer(bytes: [2, 2])), "list": [[.binary(buffer(bytes: [0]))]]],
            .binary(buffer(bytes: [1])),
        ]
        #expect(output == .packet(SocketIOPacket(type: .event, namespace: "/up", ackID: 7, data: expected)))
        // The decoder is ready for the next packet.
        #expect(try decoder.receive(text: #"2["next"]"#) == .packet(.event("next")))
    }

    @Test func binaryAckIsReportedAsAck() throws {
        let output = try decode(#"61-5[{"_placeholder":true,"num":0}]"#, [[1, 2]])
        #expect(output == .packet(SocketIOPacket(type: .ack, ackID: 5, data: [.binary(buffer(bytes: [1, 2]))])))
    }

    @Test func binaryPacketWithZeroAttachmentsCompletesImmediately() throws {
        #expect(try decode(#"50-["a"]"#) == .packet(.event("a")))
    }

    @Test func aPlaceholderMayBeReferencedTwice() throws {
        let output = try decode(#"51-["a",{"_placeholder":true,"num":0},{"_placeholder":true,"num":0.0}]"#, [[5]])
        #expect(output == .packet(.event("a", [.binary(buffer(bytes: [5])), .binary(buffer(bytes: [5]))])))
    }

    @Test func placeholderShapedObjectsInPlainEventsAreLeftAlone() throws {
        let output = try decode(#"2["a",{"_placeholder":true,"num":0}]"#)
        #expect(output == .packet(.event("a", [["_placeholder": true, "num": 0]])))
        let notPlaceholder = try decode(#"51-["a",{"_placeholder":false,"num":0},{"_placeholder":true,"num":0}]"#, [[1]])
        #expect(notPlaceholder == .packet(.event("a", [["_placeholder": false, "num": 0], .binary(buffer(bytes: [1]))])))
    }

    @Test func wireDetailsFollowTheReferenceParser() throws {
        // Namespace without a trailing comma runs to the end of the message.
        #expect(try decode("1/admin") == .packet(.disconnect(namespace: "/admin")))
        #expect(try decode("0/") == .packet(.connect()))
        // Whitespace before the JSON is what JSON.parse accepts too.
        #expect(try decode(#"2 ["a"] "#) == .packet(.event("a")))
        // Leading zeros in an ack id.
        #expect(try decode(#"2007["a"]"#) == .packet(.event("a", ackID: 7)))
        // Numeric event names are accepted, as in socket.io-parser.
        #expect(try decode(#"2[1,"x"]"#) == .packet(SocketIOPacket(type: .event, data: [1, "x"])))
        #expect(try decode(#"4"refused""#) == .packet(SocketIOPacket(type: .connectError, data: "refused")))
        #expect(try decode("318446744073709551615[]") == .packet(.ack([], ackID: .max)))
        #expect(try decode(#"2/ünï,["a"]"#) == .packet(.event("a", namespace: "/ünï")))
    }

    @Test func acceptsStringsAndBufferSlices() throws {
        var decoder = SocketIOPacketDecoder()
        #expect(try decoder.receive(text: #"2["s"]"#) == .packet(.event("s")))
        var framed = ByteBuffer(string: #"42["slice"]"#)
        framed.moveReaderIndex(forwardBy: 1)  // skip Engine.IO's "4"
        #expect(try decoder.receive(text: framed) == .packet(.event("slice")))
    }

    @Test func packetAccessors() throws {
        guard case .packet(let event) = try decode(#"2["chat","hi",{"at":1}]"#) else {
            Issue.record("expected a packet")
            return
        }
        #expect(event.eventName == "chat")
        #expect(Array(event.arguments) == ["hi", ["at": 1]])
        guard case .packet(let ack) = try decode(#"31["ok",2]"#) else {
            Issue.record("expected a packet")
            return
        }
        #expect(ack.eventName == nil)
        #expect(Array(ack.arguments) == ["ok", 2])
    }
}

@Suite("Socket.IO packet decoder errors")
struct SocketIOPacketDecoderErrorTests {
    @Test func headerErrors() {
        #expect(decodeError("") == .emptyPacket)
        #expect(decodeError("7") == .unknownPacketType(UInt8(ascii: "7")))
        #expect(decodeError("a") == .unknownPacketType(UInt8(ascii: "a")))
        #expect(decodeError(#"["a"]"#) == .unknownPacketType(UInt8(ascii: "[")))
        #expect(decodeError("5") == .invalidAttachmentCount)
        #expect(decodeError(#"5-["a"]"#) == .invalidAttachmentCount)
        #expect(decodeError(#"5a-["a"]"#) == .invalidAttachmentCount)
        #expect(decodeError("51") == .invalidAttachmentCount)
        #expect(decodeError(#"51["a"]"#) == .invalidAttachmentCount)
        #expect(decodeError(#"6x"#) == .invalidAttachmentCount)
    }

    @Test func attachmentLimit() throws {
        #expect(decodeError(#"511-["a"]"#) == .tooManyAttachments(count: 11, limit: 10))
        #expect(decodeError("599999999999999999999999-[]") == .tooManyAttachments(count: .max, limit: 10))
        let exactlyTen = #"510-["a"]"#
        #expect(try decode(exactlyTen) == .awaitingAttachments(remaining: 10))
        let relaxed = SocketIOPacketDecoder.Configuration(maximumAttachments: 20)
        #expect(try decode(#"511-["a"]"#, configuration: relaxed) == .awaitingAttachments(remaining: 11))
        let none = SocketIOPacketDecoder.Configuration(maximumAttachments: 0)
        #expect(decodeError(#"51-["a",{"_placeholder":true,"num":0}]"#, configuration: none) == .tooManyAttachments(count: 1, limit: 0))
    }

    @Test func invalidNamespace() throws {
        var decoder = SocketIOPacketDecoder()
        let bytes: [UInt8] = Array("2/".utf8) + [0xFF] + Array(#",["a"]"#.utf8)
        #expect(throws: SocketIOProtocolError.invalidNamespace) {
            try decoder.receive(text: buffer(bytes: bytes))
        }
    }

    @Test func invalidAckIDs() {
        #expect(decodeError(#"218446744073709551616["a"]"#) == .invalidAckID)  // UInt64.max + 1
        #expect(decodeError("3[]") == .invalidAckID)  // an ACK must name its event
        #expect(decodeError("3/admin,[]") == .invalidAckID)
        #expect(decodeError("01{}") == .invalidAckID)
        #expect(decodeError("11") == .invalidAckID)
        #expect(decodeError(#"41{"message":"x"}"#) == .invalidAckID)
    }

    @Test func invalidJSONReportsTheOffsetInTheMessage() {
        #expect(decodeError(#"2["a""#) == .invalidJSON(JSONParseError(.unexpectedEndOfInput, at: 5)))
        #expect(decodeError(#"2/admin,["a"]x"#) == .invalidJSON(JSONParseError(.trailingData, at: 13)))
        #expect(decodeError(#"2{'a':1}"#) == .invalidJSON(JSONParseError(.unexpectedByte(UInt8(ascii: "'")), at: 2)))
        #expect(decodeError("2abc") == .invalidJSON(JSONParseError(.unexpectedByte(UInt8(ascii: "a")), at: 1)))
        let deep = "2[" + String(repeating: "[", count: 128) + String(repeating: "]", count: 129)
        #expect(decodeError(deep) == .invalidJSON(JSONParseError(.nestingTooDeep(limit: 128), at: 129)))
    }

    @Test(arguments: [
        ("0[]", SocketIOPacket.PacketType.connect),
        (#"0"x""#, .connect),
        ("0null", .connect),
        ("1{}", .disconnect),
        ("1/admin,[]", .disconnect),
        ("2", .event),
        ("2/admin,", .event),
        ("2[]", .event),
        ("2{}", .event),
        ("2[true]", .event),
        (#"2[null,"a"]"#, .event),
        (#"2[["a"]]"#, .event),
        ("21", .event),  // an id but no payload
        ("31", .ack),
        (#"3/admin,1{}"#, .ack),
        ("4[]", .connectError),
        ("4true", .connectError),
        ("50-[]", .binaryEvent),
        (#"50-{"a":1}"#, .binaryEvent),
        ("61-1", .binaryAck),
    ])
    func invalidPayloadForType(_ text: String, _ type: SocketIOPacket.PacketType) {
        #expect(decodeError(text) == .invalidPayload(type))
    }

    @Test func binaryWithoutPendingPacket() {
        var decoder = SocketIOPacketDecoder()
        #expect(throws: SocketIOProtocolError.unexpectedBinaryMessage) {
            try decoder.receive(binary: buffer(bytes: [1]))
        }
        #expect(decodeError(#"2["a"]"#, [[1]]) == .unexpectedBinaryMessage)
        #expect(decodeError(#"51-["a",{"_placeholder":true,"num":0}]"#, [[1], [2]]) == .unexpectedBinaryMessage)
    }

    @Test func textWhileAwaitingAttachmentsResetsTheDecoder() throws {
        var decoder = SocketIOPacketDecoder()
        #expect(try decoder.receive(text: #"52-["a",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}]"#) == .awaitingAttachments(remaining: 2))
        _ = try decoder.receive(binary: buffer(bytes: [1]))
        #expect(throws: SocketIOProtocolError.unexpectedTextMessage) {
            try decoder.receive(text: #"2["b"]"#)
        }
        #expect(!decoder.isAwaitingAttachments)
        #expect(try decoder.receive(text: #"2["b"]"#) == .packet(.event("b")))
    }

    @Test(arguments: [
        #"51-["a",{"_placeholder":true,"num":1}]"#,
        #"51-["a",{"_placeholder":true,"num":-1}]"#,
        #"51-["a",{"_placeholder":true,"num":0.5}]"#,
        #"51-["a",{"_placeholder":true,"num":"0"}]"#,
        #"51-["a",{"_placeholder":true}]"#,
        #"51-["a",{"x":[{"_placeholder":true,"num":3}]},{"_placeholder":true,"num":0}]"#,
    ])
    func placeholderReferringToAMissingAttachment(_ text: String) {
        #expect(decodeError(text, [[1]]) == .invalidAttachmentPlaceholder)
    }

    @Test func placeholderWithZeroAnnouncedAttachments() {
        #expect(decodeError(#"50-["a",{"_placeholder":true,"num":0}]"#) == .invalidAttachmentPlaceholder)
    }

    @Test func everyAttachmentMustBeUsed() {
        #expect(decodeError(#"52-["a",{"_placeholder":true,"num":0}]"#, [[1], [2]]) == .unusedAttachment(index: 1))
        #expect(decodeError(#"52-["a",{"_placeholder":true,"num":1}]"#, [[1], [2]]) == .unusedAttachment(index: 0))
        #expect(decodeError(#"51-["a"]"#, [[1]]) == .unusedAttachment(index: 0))
    }

    @Test func errorsAfterAttachmentsResetTheDecoder() throws {
        var decoder = SocketIOPacketDecoder()
        _ = try decoder.receive(text: #"51-["a"]"#)
        #expect(throws: SocketIOProtocolError.unusedAttachment(index: 0)) {
            try decoder.receive(binary: buffer(bytes: [1]))
        }
        #expect(!decoder.isAwaitingAttachments)
        decoder.reset()
        #expect(try decoder.receive(text: "0") == .packet(.connect()))
    }

    @Test func errorDescriptionsAreReadable() {
        #expect(SocketIOProtocolError.unexpectedTextMessage.description == "got plaintext data when reconstructing a packet")
        #expect(SocketIOProtocolError.invalidJSON(JSONParseError(.trailingData, at: 3)).description
            == "invalid payload JSON: invalid JSON at byte 3: unexpected data after the JSON value")
    }
}
