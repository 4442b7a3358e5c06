import NIOCore
import SocketIOCore
import Testing

/// A packet, its exact text message and its attachments, as listed in the
/// socket.io-protocol v5 README ("Packet encoding" and "Sample session").
struct WireExample: Sendable, CustomTestStringConvertible {
    let packet: SocketIOPacket
    let text: String
    let attachments: [[UInt8]]

    init(_ packet: SocketIOPacket, _ text: String, _ attachments: [[UInt8]] = []) {
        self.packet = packet
        self.text = text
        self.attachments = attachments
    }

    var testDescription: String { self.text }

    /// The packet as the decoder reports it (binary types become EVENT / ACK).
    var decodedPacket: SocketIOPacket {
        var packet = self.packet
        if packet.type == .binaryEvent { packet.type = .event }
        if packet.type == .binaryAck { packet.type = .ack }
        return packet
    }
}

private let bytes1234: [UInt8] = [1, 2, 3, 4]

let specificationExamples: [WireExample] = [
    // Connection to a namespace
    WireExample(SocketIOPacket(type: .connect), "0"),
    WireExample(SocketIOPacket(type: .connect, data: ["sid": "wZX3oN0bSVIhsaknAAAI"]), #"0{"sid":"wZX3oN0bSVIhsaknAAAI"}"#),
    WireExample(SocketIOPacket(type: .connect, namespace: "/admin"), "0/admin,"),
    WireExample(
        SocketIOPacket(type: .connect, namespace: "/admin", data: ["sid": "oSO0OpakMV_3jnilAAAA"]),
        #"0/admin,{"sid":"oSO0OpakMV_3jnilAAAA"}"#
    ),
    WireExample(SocketIOPacket(type: .connect, namespace: "/admin", data: ["token": "123"]), #"0/admin,{"token":"123"}"#),
    WireExample(SocketIOPacket(type: .connectError, data: ["message": "Not authorized"]), #"4{"message":"Not authorized"}"#),
    // Sending and receiving data
    WireExample(SocketIOPacket(type: .event, data: ["foo"]), #"2["foo"]"#),
    WireExample(SocketIOPacket(type: .event, data: ["hello", 1]), #"2["hello",1]"#),
    WireExample(SocketIOPacket(type: .event, namespace: "/admin", data: ["bar"]), #"2/admin,["bar"]"#),
    WireExample(SocketIOPacket(type: .event, namespace: "/admin", data: ["hi"]), #"2/admin,["hi"]"#),
    WireExample(
        SocketIOPacket(type: .binaryEvent, data: ["baz", .binary(ByteBuffer(bytes: bytes1234))]),
        #"51-["baz",{"_placeholder":true,"num":0}]"#,
        [bytes1234]
    ),
    WireExample(
        SocketIOPacket(type: .binaryEvent, data: ["img", .binary(ByteBuffer(bytes: [0xFF]))]),
        #"51-["img",{"_placeholder":true,"num":0}]"#,
        [[0xFF]]
    ),
    WireExample(
        SocketIOPacket(
            type: .binaryEvent,
            namespace: "/admin",
            data: ["baz", .binary(ByteBuffer(bytes: [1, 2])), .binary(ByteBuffer(bytes: [3, 4]))]
        ),
        #"52-/admin,["baz",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}]"#,
        [[1, 2], [3, 4]]
    ),
    // Acknowledgement
    WireExample(SocketIOPacket(type: .event, ackID: 12, data: ["foo"]), #"212["foo"]"#),
    WireExample(SocketIOPacket(type: .ack, ackID: 12, data: []), "312[]"),
    WireExample(SocketIOPacket(type: .event, ackID: 13, data: ["ack me"]), #"213["ack me"]"#),
    WireExample(SocketIOPacket(type: .event, namespace: "/admin", ackID: 13, data: ["foo"]), #"2/admin,13["foo"]"#),
    WireExample(SocketIOPacket(type: .ack, namespace: "/admin", ackID: 13, data: ["bar"]), #"3/admin,13["bar"]"#),
    WireExample(SocketIOPacket(type: .ack, namespace: "/admin", ackID: 13, data: ["ok"]), #"3/admin,13["ok"]"#),
    WireExample(
        SocketIOPacket(type: .binaryEvent, ackID: 14, data: ["foo", .binary(ByteBuffer(bytes: bytes1234))]),
        #"51-14["foo",{"_placeholder":true,"num":0}]"#,
        [bytes1234]
    ),
    WireExample(SocketIOPacket(type: .ack, ackID: 14, data: ["bar"]), #"314["bar"]"#),
    WireExample(SocketIOPacket(type: .event, ackID: 15, data: ["foo"]), #"215["foo"]"#),
    WireExample(
        SocketIOPacket(type: .binaryAck, ackID: 15, data: ["bar", .binary(ByteBuffer(bytes: bytes1234))]),
        #"61-15["bar",{"_placeholder":true,"num":0}]"#,
        [bytes1234]
    ),
    // Disconnection from a namespace
    WireExample(SocketIOPacket(type: .disconnect), "1"),
    WireExample(SocketIOPacket(type: .disconnect, namespace: "/admin"), "1/admin,"),
    // Sample session (without Engine.IO's "4" prefix)
    WireExample(SocketIOPacket(type: .connect, namespace: "/admin", data: ["sid": "-G5j-67EZFp-q59rADQM"]), #"0/admin,{"sid":"-G5j-67EZFp-q59rADQM"}"#),
    WireExample(SocketIOPacket(type: .event, namespace: "/admin", ackID: 1, data: ["tellme"]), #"2/admin,1["tellme"]"#),
    WireExample(
        SocketIOPacket(type: .binaryAck, namespace: "/admin", ackID: 1, data: [.binary(ByteBuffer(bytes: [9]))]),
        #"61-/admin,1[{"_placeholder":true,"num":0}]"#,
        [[9]]
    ),
    WireExample(SocketIOPacket(type: .event, data: ["hey", "Jude"]), #"2["hey","Jude"]"#),
]

@Suite("Socket.IO packet encoder")
struct SocketIOPacketEncoderTests {
    let encoder = SocketIOPacketEncoder()

    @Test(arguments: specificationExamples)
    func specificationExample(_ example: WireExample) throws {
        let encoded = try self.encoder.encode(example.packet)
        #expect(String(buffer: encoded.header) == example.text)
        #expect(encoded.attachments.map { Array($0.readableBytesView) } == example.attachments)
    }

    @Test func eventBecomesBinaryEventOnlyWhenItCarriesBinary() throws {
        let plain = try self.encoder.encode(SocketIOPacket(type: .binaryEvent, data: ["a"]))
        #expect(String(buffer: plain.header) == #"2["a"]"#)
        let plainAck = try self.encoder.encode(SocketIOPacket(type: .binaryAck, ackID: 1, data: []))
        #expect(String(buffer: plainAck.header) == "31[]")
        let binary = try self.encoder.encode(.ack([.binary(buffer(bytes: [1]))], ackID: 2))
        #expect(String(buffer: binary.header) == #"61-2[{"_placeholder":true,"num":0}]"#)
    }

    @Test func convenienceConstructors() throws {
        let cases: [(SocketIOPacket, String)] = [
            (.connect(), "0"),
            (.connect(namespace: "/chat", data: ["token": "abc"]), #"0/chat,{"token":"abc"}"#),
            (.disconnect(namespace: "/chat"), "1/chat,"),
            (.event("hello", ["world", 1], namespace: "/chat", ackID: 7), #"2/chat,7["hello","world",1]"#),
            (.event("ping"), #"2["ping"]"#),
            (.ack(["ok"], ackID: 3), #"33["ok"]"#),
            (.connectError(message: "Not authorized"), #"4{"message":"Not authorized"}"#),
            (.connectError(message: "nope", data: ["code": 42]), #"4{"message":"nope","data":{"code":42}}"#),
        ]
        for (packet, text) in cases {
            #expect(String(buffer: try self.encoder.encode(packet).header) == text)
        }
    }

    @Test func placeholderInTopLevelArgument() throws {
        let file = buffer(bytes: [0xCA, 0xFE])
        let encoded = try self.encoder.encode(.event("upload", [.binary(file), "name"]))
        #expect(String(buffer: encoded.header) == #"51-["upload",{"_placeholder":true,"num":0},"name"]"#)
        #expect(encoded.attachments == [file])
    }

    @Test func placeholderNestedInObject() throws {
        let file = buffer(bytes: [1])
        let encoded = try self.encoder.encode(.event("upload", [["meta": "x", "file": .binary(file)]]))
        #expect(String(buffer: encoded.header) == #"51-["upload",{"meta":"x","file":{"_placeholder":true,"num":0}}]"#)
        #expect(encoded.attachments == [file])
    }

    @Test func placeholdersInArraysInObjectsAreNumberedDepthFirst() throws {
        let b0 = buffer(bytes: [0]), b1 = buffer(bytes: [1]), b2 = buffer(bytes: [2]), b3 = buffer(bytes: [3])
        let data: JSONValue = [
            "files",
            ["first": .binary(b0), "rest": [.binary(b1), ["deep": [[.binary(b2)]]]]],
            .binary(b3),
        ]
        let encoded = try self.encoder.encode(SocketIOPacket(type: .event, namespace: "/up", ackID: 99, data: data))
        let expected = #"54-/up,99["files",{"first":{"_placeholder":true,"num":0},"#
            + #""rest":[{"_placeholder":true,"num":1},{"deep":[[{"_placeholder":true,"num":2}]]}]},"#
            + #"{"_placeholder":true,"num":3}]"#
        #expect(String(buffer: encoded.header) == expected)
        #expect(encoded.attachments == [b0, b1, b2, b3])
    }

    @Test func sameBufferTwiceIsTwoAttachments() throws {
        let file = buffer(bytes: [7, 7])
        let encoded = try self.encoder.encode(.event("twice", [.binary(file), .binary(file)]))
        #expect(String(buffer: encoded.header).hasPrefix("52-"))
        #expect(encoded.attachments == [file, file])
    }

    @Test func encodesAfterATransportPrefixAndLeavesItAloneOnError() throws {
        var frame = ByteBuffer(string: "4")
        let attachments = try self.encoder.encode(.event("a", [.binary(buffer(bytes: [1]))]), into: &frame)
        #expect(String(buffer: frame) == #"451-["a",{"_placeholder":true,"num":0}]"#)
        #expect(attachments.count == 1)

        var untouched = ByteBuffer(string: "4")
        #expect(throws: SocketIOProtocolError.invalidPayload(.event)) {
            try self.encoder.encode(SocketIOPacket(type: .event, data: []), into: &untouched)
        }
        #expect(String(buffer: untouched) == "4")
    }

    @Test func largeAckIDs() throws {
        let packet = SocketIOPacket(type: .ack, ackID: .max, data: [])
        #expect(String(buffer: try self.encoder.encode(packet).header) == "318446744073709551615[]")
        let smaller = SocketIOPacket(type: .ack, ackID: UInt64(Int64.max) + 1, data: [])
        #expect(String(buffer: try self.encoder.encode(smaller).header) == "39223372036854775808[]")
    }

    @Test(arguments: [
        (SocketIOPacket(type: .event, namespace: "admin", data: ["a"]), SocketIOProtocolError.invalidNamespace),
        (SocketIOPacket(type: .event, namespace: "", data: ["a"]), .invalidNamespace),
        (SocketIOPacket(type: .event, namespace: "/a,b", data: ["a"]), .invalidNamespace),
        (SocketIOPacket(type: .connect, data: ["file": .binary(ByteBuffer(bytes: [1]))]), .invalidPayload(.connect)),
        (SocketIOPacket(type: .connectError, data: ["x": .binary(ByteBuffer(bytes: [1]))]), .invalidPayload(.connectError)),
        (SocketIOPacket(type: .connect, data: ["not an object"]), .invalidPayload(.connect)),
        (SocketIOPacket(type: .connect, data: .null), .invalidPayload(.connect)),
        (SocketIOPacket(type: .disconnect, data: [:]), .invalidPayload(.disconnect)),
        (SocketIOPacket(type: .connectError, data: 42), .invalidPayload(.connectError)),
        (SocketIOPacket(type: .event, data: nil), .invalidPayload(.event)),
        (SocketIOPacket(type: .event, data: []), .invalidPayload(.event)),
        (SocketIOPacket(type: .event, data: ["name": "x"]), .invalidPayload(.event)),
        (SocketIOPacket(type: .event, data: [true]), .invalidPayload(.event)),
        (SocketIOPacket(type: .event, data: [nil, "x"]), .invalidPayload(.event)),
        (SocketIOPacket(type: .ack, ackID: 1, data: nil), .invalidPayload(.ack)),
        (SocketIOPacket(type: .ack, ackID: 1, data: "x"), .invalidPayload(.ack)),
        (SocketIOPacket(type: .ack, data: []), .invalidAckID),
        (SocketIOPacket(type: .connect, ackID: 1), .invalidAckID),
        (SocketIOPacket(type: .disconnect, ackID: 1), .invalidAckID),
        (SocketIOPacket(type: .connectError, ackID: 1, data: "x"), .invalidAckID),
    ])
    func invalidPacketsAreRefused(_ packet: SocketIOPacket, _ error: SocketIOProtocolError) {
        #expect(throws: error) { try self.encoder.encode(packet) }
    }

    @Test func acceptedEdgeShapes() throws {
        // Numeric event names and string CONNECT_ERROR payloads are accepted, like socket.io-parser.
        #expect(String(buffer: try self.encoder.encode(SocketIOPacket(type: .event, data: [1, "x"])).header) == #"2[1,"x"]"#)
        #expect(String(buffer: try self.encoder.encode(SocketIOPacket(type: .connectError, data: "refused")).header) == #"4"refused""#)
        #expect(String(buffer: try self.encoder.encode(SocketIOPacket(type: .connectError)).header) == "4")
        #expect(String(buffer: try self.encoder.encode(SocketIOPacket(type: .event, namespace: "/", data: ["a"])).header) == #"2["a"]"#)
        #expect(String(buffer: try self.encoder.encode(SocketIOPacket(type: .event, namespace: "/ünï", data: ["a"])).header) == #"2/ünï,["a"]"#)
    }
}
