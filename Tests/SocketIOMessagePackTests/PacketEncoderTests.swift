import MessagePack
import NIOCore
import SocketIOCore
import SocketIOMessagePack
import Testing

@Suite("socket.io-msgpack-parser: encoding")
struct PacketEncoderTests {
    /// F1 of the spec (section 9.4) holds the packet a Node server broadcasts
    /// for `io.emit("hello", "world")`; the parser writes it byte for byte.
    @Test func eventMatchesNode() throws {
        #expect(try encoded(.event("hello", ["world"])) == hex("83a47479706502a46461746192a568656c6c6fa5776f726c64a36e7370a12f"))
    }

    /// F2: a binary argument is msgpack bin inside data; the type stays EVENT.
    @Test func binaryEventMatchesNode() throws {
        let packet = SocketIOPacket.event("bin", [binary([1, 2, 3])])
        #expect(try encoded(packet) == hex("83a47479706502a46461746192a362696ec403010203a36e7370a12f"))
        var explicit = packet
        explicit.type = .binaryEvent
        #expect(try encoded(explicit) == hex("83a47479706502a46461746192a362696ec403010203a36e7370a12f"))
    }

    @Test func ackCarriesItsId() throws {
        let packet = SocketIOPacket.ack([binary([9]), 2.0], ackID: 300, namespace: "/chat")
        // {type: 3, data: [<09>, 2], nsp: "/chat", id: 300}
        #expect(try encoded(packet) == hex("84a47479706503a46461746192c4010902a36e7370a52f63686174a26964cd012c"))
        var binaryAck = packet
        binaryAck.type = .binaryAck
        #expect(try encoded(binaryAck) == (try encoded(packet)))
    }

    @Test func connectDisconnectAndConnectError() throws {
        #expect(try encoded(.connect(data: ["sid": "abc"])) == hex("83a47479706500a46461746181a3736964a3616263a36e7370a12f"))
        #expect(try encoded(.disconnect(namespace: "/x")) == hex("82a47479706501a36e7370a22f78"))
        let refusal = SocketIOPacket.connectError(message: "unauthorized", data: ["code": 401], namespace: "/private")
        let value = try MessagePackDecoder().decode(try SocketIOMessagePackEncoder().encode(refusal))
        #expect(value == [
            "type": 4,
            "data": ["message": "unauthorized", "data": ["code": 401]],
            "nsp": "/private",
        ])
    }

    @Test func writesBehindAFrame() throws {
        var buffer = ByteBuffer(bytes: [0xAA])
        try SocketIOMessagePackEncoder().encode(.disconnect(), into: &buffer)
        #expect(Array(buffer.readableBytesView) == [0xAA] + hex("82a47479706501a36e7370a12f"))
    }

    @Test func refusesWhatNoDecoderAccepts() {
        #expect(throws: SocketIOProtocolError.invalidAckID) {
            try SocketIOMessagePackEncoder().encode(SocketIOPacket(type: .ack, data: []))
        }
        #expect(throws: SocketIOProtocolError.invalidPayload(.event)) {
            try SocketIOMessagePackEncoder().encode(SocketIOPacket(type: .event, data: []))
        }
        #expect(throws: SocketIOProtocolError.invalidPayload(.disconnect)) {
            try SocketIOMessagePackEncoder().encode(SocketIOPacket(type: .disconnect, data: 1))
        }
    }
}
