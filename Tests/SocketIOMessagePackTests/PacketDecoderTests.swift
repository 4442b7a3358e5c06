import MessagePack
import NIOCore
import SocketIOCore
import SocketIOMessagePack
import Testing

@Suite("socket.io-msgpack-parser: decoding")
struct PacketDecoderTests {
    /// What python-socketio 5.x (`serializer="msgpack"`) sends: keys type,
    /// data, nsp, then id; `data: None` on DISCONNECT.
    @Test func pythonSocketIOPackets() throws {
        #expect(try decodedPacket(["type": 0, "data": ["token": "abc"], "nsp": "/"]) == .connect(data: ["token": "abc"]))
        #expect(try decodedPacket(["type": 0, "data": .map([]), "nsp": "/private"]) == .connect(namespace: "/private", data: [:]))
        #expect(try decodedPacket(["type": 1, "data": nil, "nsp": "/"]) == .disconnect())
        #expect(try decodedPacket(["type": 2, "data": ["echo", .binary(ByteBuffer(bytes: [1, 2])), 1.5], "nsp": "/", "id": 7])
            == .event("echo", [binary([1, 2]), 1.5], ackID: 7))
        #expect(try decodedPacket(["type": 3, "data": ["yes"], "nsp": "/chat", "id": 0]) == .ack(["yes"], ackID: 0, namespace: "/chat"))
    }

    /// Node's client with the msgpack parser (notepack): a 2.0 is an
    /// integer already, an ArrayBuffer is ext 0, undefined is d4 00 00.
    @Test func notepackPackets() throws {
        // {type: 2, data: ["x", ArrayBuffer<07 08>, undefined], nsp: "/"}
        let bytes = hex("83a47479706502a46461746193a178c702000708d40000a36e7370a12f")
        #expect(try decodedPacket(bytes) == .event("x", [binary([7, 8]), nil]))
        // A CONNECT without auth (no data key), and with `data: undefined`.
        #expect(try decodedPacket(hex("82a47479706500a36e7370a12f")) == .connect())
        #expect(try decodedPacket(hex("83a47479706500a464617461d40000a36e7370a12f")) == .connect())
    }

    @Test func keyOrderAndExtraKeysDoNotMatter() throws {
        #expect(try decodedPacket(["nsp": "/", "id": 3, "extra": [1], "data": ["e"], "type": 2]) == .event("e", ackID: 3))
    }

    @Test func integralFloatsAreIntegers() throws {
        #expect(try decodedPacket(["type": 2.0, "data": ["e"], "nsp": "/", "id": .float32(4)]) == .event("e", ackID: 4))
        #expect(try decodedPacket(["type": 2, "data": ["e"], "nsp": "/", "id": .uint(UInt64.max)]).ackID == UInt64.max)
    }

    @Test func roundTrips() throws {
        let packets: [SocketIOPacket] = [
            .connect(), .connect(namespace: "/a", data: ["sid": "x", "pid": "y"]), .disconnect(namespace: "/a"),
            .event("e", [1, -2, 2.5, "s", nil, true, ["o": [binary([0, 1])]]], namespace: "/n", ackID: 12),
            .ack([], ackID: 1), .connectError(message: "Invalid namespace", namespace: "/nope"),
            SocketIOPacket(type: .connectError, data: "plain"),
        ]
        for packet in packets {
            let bytes = try encoded(packet)
            #expect(try decodedPacket(bytes) == packet)
        }
    }

    @Test func refusals() {
        #expect(decodingError(["a", 1]) == .notAPacket)
        #expect(decodingError(["data": ["e"], "nsp": "/"]) == .invalidPacketType)
        #expect(decodingError(["type": 5, "data": ["e"], "nsp": "/"]) == .invalidPacketType)
        #expect(decodingError(["type": 6, "data": [], "nsp": "/", "id": 1]) == .invalidPacketType)
        #expect(decodingError(["type": -1, "data": ["e"], "nsp": "/"]) == .invalidPacketType)
        #expect(decodingError(["type": 2.5, "data": ["e"], "nsp": "/"]) == .invalidPacketType)
        #expect(decodingError(["type": "2", "data": ["e"], "nsp": "/"]) == .invalidPacketType)
        #expect(decodingError(["type": 2, "data": ["e"]]) == .invalidNamespace)
        #expect(decodingError(["type": 2, "data": ["e"], "nsp": 1]) == .invalidNamespace)
        #expect(decodingError(["type": 2, "data": ["e"], "nsp": "/", "id": -1]) == .invalidAckID)
        #expect(decodingError(["type": 2, "data": ["e"], "nsp": "/", "id": "1"]) == .invalidAckID)
        #expect(decodingError(["type": 2, "data": ["e"], "nsp": "/", "id": 1.5]) == .invalidAckID)
        #expect(decodingError(["type": 3, "data": [], "nsp": "/"]) == .invalidAckID)
        #expect(decodingError(["type": 0, "data": [], "nsp": "/", "id": 1]) == .invalidAckID)
        #expect(decodingError(["type": 2, "data": "e", "nsp": "/"]) == .invalidPayload(.event))
        #expect(decodingError(["type": 2, "data": [], "nsp": "/"]) == .invalidPayload(.event))
        #expect(decodingError(["type": 2, "data": [true], "nsp": "/"]) == .invalidPayload(.event))
        #expect(decodingError(["type": 2, "nsp": "/"]) == .invalidPayload(.event))
        #expect(decodingError(["type": 0, "data": [1], "nsp": "/"]) == .invalidPayload(.connect))
        #expect(decodingError(["type": 1, "data": ["x": 1], "nsp": "/"]) == .invalidPayload(.disconnect))
        #expect(decodingError(["type": 2, "data": ["e", [[1]: 2]], "nsp": "/"]) == .unsupportedMapKey)
    }

    @Test func malformedMessagePack() {
        #expect(throws: SocketIOMessagePackError.invalidMessagePack(MessagePackDecodingError(.truncated, at: 1))) {
            try decodedPacket([0x81])
        }
        #expect(throws: SocketIOMessagePackError.invalidMessagePack(MessagePackDecodingError(.trailingBytes, at: 13))) {
            try decodedPacket(hex("82a47479706501a36e7370a12f") + [0xC0])
        }
    }

    @Test func limitsApply() {
        var limits = MessagePackDecoder.Limits()
        limits.maximumDepth = 2
        let decoder = SocketIOMessagePackDecoder(limits: limits)
        let deep = MessagePackEncoder().encode(["type": 2, "data": ["e", [[1]]], "nsp": "/"])
        #expect(throws: SocketIOMessagePackError.invalidMessagePack(MessagePackDecodingError(.depthLimitExceeded(limit: 2), at: 15))) {
            try decoder.decode(deep)
        }
    }
}
