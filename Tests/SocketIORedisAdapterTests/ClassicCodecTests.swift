import NIOCore
import SocketIOAdapter
import SocketIOCore
import Testing

@testable import SocketIORedisAdapter

/// The classic adapter's messages byte for byte against what Node's
/// `@socket.io/redis-adapter` 8.x published on the wire (the spec's section
/// 9.4 fixtures F1-F4 and the JSON shapes of section 1.5).
@Suite("Classic Redis adapter messages")
struct ClassicCodecTests {
    @Test func broadcastToEveryoneIsF1() throws {
        let broadcast = ClassicBroadcast(uid: "Ab3_x-", packet: .event("hello", ["world"]), options: BroadcastOptions())
        let bytes = ClassicCodec.encode(broadcast)
        #expect(hex(bytes) == "93a64162335f782d83a47479706502a46461746192a568656c6c6fa5776f726c64a36e7370a12f83a5726f6f6d7390a665786365707490a5666c61677380")
        #expect(try ClassicCodec.decodeBroadcast(bytes) == broadcast)
    }

    @Test func broadcastWithBinaryToOneRoomIsF2() throws {
        let options = BroadcastOptions(rooms: ["room1"], except: ["sid"], flags: BroadcastFlags(volatile: true))
        let broadcast = ClassicBroadcast(uid: "Ab3_x-", packet: .event("bin", [.binary(ByteBuffer(bytes: [1, 2, 3]))]), options: options)
        let bytes = ClassicCodec.encode(broadcast)
        #expect(hex(bytes) == "93a64162335f782d83a47479706502a46461746192a362696ec403010203a36e7370a12f83a5726f6f6d7391a5726f6f6d31a665786365707491a3736964a5666c61677381a8766f6c6174696c65c3")
        #expect(try ClassicCodec.decodeBroadcast(bytes) == broadcast)
    }

    @Test func broadcastWithAckRequestIsF3() throws {
        let options = BroadcastOptions(flags: BroadcastFlags(timeout: .milliseconds(1000)))
        let request = ClassicRequest.broadcastWithAck(requestID: "Zz9-_a", broadcast: ClassicBroadcast(uid: "Ab3_x-", packet: .event("ackme"), options: options))
        let bytes = ClassicCodec.encode(request)
        #expect(hex(bytes) == "85a3756964a64162335f782da9726571756573744964a65a7a392d5f61a47479706507a67061636b657483a47479706502a46461746191a561636b6d65a36e7370a12fa46f70747383a5726f6f6d7390a665786365707490a5666c61677381a774696d656f7574cd03e8")
        #expect(try ClassicCodec.decodeRequest(bytes) == request)
    }

    @Test func broadcastAckIsF4() throws {
        let response = ClassicResponse.broadcastAck(requestID: "Zz9-_a", argument: "client-ack")
        let bytes = ClassicCodec.encode(response)
        #expect(hex(bytes) == "83a47479706509a9726571756573744964a65a7a392d5f61a67061636b6574aa636c69656e742d61636b")
        #expect(try ClassicCodec.decodeResponse(bytes) == response)
    }

    @Test func jsonRequestsHaveNodesShapes() throws {
        let opts = BroadcastOptions(rooms: ["r1"], except: ["s1"])
        let cases: [(ClassicRequest, String)] = [
            (.socketsJoin(uid: "u", options: opts, rooms: ["a", "b"]), #"{"uid":"u","type":2,"opts":{"rooms":["r1"],"except":["s1"]},"rooms":["a","b"]}"#),
            (.socketsLeave(uid: "u", options: opts, rooms: ["a"]), #"{"uid":"u","type":3,"opts":{"rooms":["r1"],"except":["s1"]},"rooms":["a"]}"#),
            (.disconnectSockets(uid: "u", options: opts, close: true), #"{"uid":"u","type":4,"opts":{"rooms":["r1"],"except":["s1"]},"close":true}"#),
            (.fetchSockets(uid: "u", requestID: "q", options: BroadcastOptions()), #"{"uid":"u","requestId":"q","type":5,"opts":{"rooms":[],"except":[]}}"#),
            (.serverSideEmit(uid: "u", requestID: nil, arguments: ["hello", "world", ["k": [1, 2]]]), #"{"uid":"u","type":6,"data":["hello","world",{"k":[1,2]}]}"#),
            (.serverSideEmit(uid: "u", requestID: "q", arguments: ["ping"]), #"{"uid":"u","requestId":"q","type":6,"data":["ping"]}"#),
            (.allRooms(uid: "u", requestID: "q"), #"{"uid":"u","requestId":"q","type":1}"#),
        ]
        for (request, json) in cases {
            let bytes = ClassicCodec.encode(request)
            #expect(String(buffer: bytes) == json)
            #expect(try ClassicCodec.decodeRequest(bytes) == request)
        }
    }

    @Test func jsonResponsesHaveNodesShapes() throws {
        #expect(String(buffer: ClassicCodec.encode(ClassicResponse.clientCount(requestID: "3VLONT", count: 1))) == #"{"type":8,"requestId":"3VLONT","clientCount":1}"#)
        #expect(String(buffer: ClassicCodec.encode(ClassicResponse.serverSideEmit(requestID: "q", argument: "pong-from-B"))) == #"{"type":6,"requestId":"q","data":"pong-from-B"}"#)
        #expect(String(buffer: ClassicCodec.encode(ClassicResponse.plain(requestID: "q", body: ["rooms": ["a"]]))) == #"{"requestId":"q","rooms":["a"]}"#)
        // A Buffer in JSON is what JSON.stringify makes of it.
        #expect(String(buffer: ClassicCodec.encode(ClassicResponse.serverSideEmit(requestID: "q", argument: .binary(ByteBuffer(bytes: [7, 8]))))) == #"{"type":6,"requestId":"q","data":{"type":"Buffer","data":[7,8]}}"#)
    }

    @Test func legacyRequestsAreRead() throws {
        #expect(try ClassicCodec.decodeRequest(ByteBuffer(string: #"{"requestId":"q","type":2,"sid":"s","room":"r"}"#)) == .legacyJoin(requestID: "q", socket: "s", room: "r"))
        #expect(try ClassicCodec.decodeRequest(ByteBuffer(string: #"{"requestId":"q","type":4,"sid":"s","close":true}"#)) == .legacyDisconnect(requestID: "q", socket: "s", close: true))
        #expect(try ClassicCodec.decodeRequest(ByteBuffer(string: #"{"requestId":"q","type":0,"rooms":["r",5]}"#)) == .sockets(requestID: "q", rooms: ["r", "5"]))
        // Types a request channel does not carry, and unknown types, are ignored.
        #expect(try ClassicCodec.decodeRequest(ByteBuffer(string: #"{"type":8,"requestId":"q","clientCount":1}"#)) == nil)
        #expect(try ClassicCodec.decodeRequest(ByteBuffer(string: #"{"type":42}"#)) == nil)
    }

    /// A packet without `nsp` is for `/`; unknown flag keys are ignored;
    /// `redis-emitter`'s key order (rooms, flags, except) reads the same.
    @Test func lenientReading() throws {
        var bytes = ByteBuffer()
        bytes.writeBytes(unhex("93a7656d6974746572"))  // ["emitter",
        bytes.writeBytes(unhex("82a47479706502a46461746191a178"))  // {type:2, data:["x"]},
        bytes.writeBytes(unhex("83a5726f6f6d7390a5666c61677382a8766f6c6174696c65c3a3666f6fc3a665786365707490"))  // {rooms:[], flags:{volatile:true, foo:true}, except:[]}]
        let broadcast = try ClassicCodec.decodeBroadcast(bytes)
        #expect(broadcast.uid == "emitter")
        #expect(broadcast.packet == .event("x"))
        #expect(broadcast.options == BroadcastOptions(flags: BroadcastFlags(volatile: true)))
    }

    @Test func malformedMessagesAreErrors() {
        for bytes in [unhex(""), unhex("c1"), unhex("93a161"), unhex("91a161"), unhex("93a16181a47479706503a16190")] {
            #expect(throws: ClassicMessageError.self) { try ClassicCodec.decodeBroadcast(ByteBuffer(bytes: bytes)) }
        }
        for text in ["{", "[1]", #"{"type":7,"uid":"u"}"#, #"{"type":5,"requestId":"q"}"#] {
            #expect(throws: ClassicMessageError.self) { try ClassicCodec.decodeRequest(ByteBuffer(string: text)) }
        }
        #expect(throws: ClassicMessageError.self) { try ClassicCodec.decodeResponse(ByteBuffer(string: #"{"type":8}"#)) }
        #expect(throws: ClassicMessageError.self) { try ClassicCodec.decodeResponse(ByteBuffer(string: #"{"type":8,"requestId":"q","clientCount":-1}"#)) }
    }

    @Test func channelNames() {
        let channels = ClassicChannels(key: "socket.io", namespace: "/", uid: "Ab3_x-")
        #expect(channels.broadcastPattern == "socket.io#/#*")
        #expect(channels.request == "socket.io-request#/#")
        #expect(channels.response == "socket.io-response#/#")
        #expect(channels.ownResponse == "socket.io-response#/#Ab3_x-#")
        #expect(channels.broadcast(toRooms: []) == "socket.io#/#")
        #expect(channels.broadcast(toRooms: ["room1"]) == "socket.io#/#room1#")
        #expect(channels.broadcast(toRooms: ["a", "b"]) == "socket.io#/#")
        #expect(channels.room(inBroadcastChannel: "socket.io#/#") == "")
        #expect(channels.room(inBroadcastChannel: "socket.io#/#a#b#") == "a#b")
        #expect(channels.room(inBroadcastChannel: "socket.io#/chat#") == nil)
        #expect(channels.room(inBroadcastChannel: "socket.io#/#x") == nil)
    }
}

func hex(_ buffer: ByteBuffer) -> String {
    buffer.readableBytesView.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
}

func unhex(_ text: String) -> [UInt8] {
    var bytes: [UInt8] = []
    var index = text.startIndex
    while index < text.endIndex {
        let next = text.index(index, offsetBy: 2)
        bytes.append(UInt8(text[index..<next], radix: 16)!)
        index = next
    }
    return bytes
}
