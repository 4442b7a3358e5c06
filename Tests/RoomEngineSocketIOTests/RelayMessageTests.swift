import NIOCore
import RoomEngine
@testable import RoomEngineSocketIO
import SocketIOCore
import Testing

@Suite("Relay messages between cluster nodes")
struct RelayMessageTests {
    static let info = RemoteRoomInfo(id: "whiteboard-1", kind: "whiteboard", tickRate: 20, maxInputBytes: 4096, hasMemberViews: false, owner: "node-a")

    static let messages: [RelayMessage] = [
        .join(room: "whiteboard-1", member: "alice", socket: "s1", identity: nil, from: "node-b"),
        .join(room: "whiteboard-1", member: "alice", socket: "s1", identity: "alice", from: "node-b"),
        .input(room: "whiteboard-1", member: "alice", bytes: [1, 2, 3], token: 7, acknowledging: 99),
        .input(room: "whiteboard-1", member: "alice", bytes: [], token: nil, acknowledging: nil),
        .acknowledge(room: "whiteboard-1", member: "bob", tick: 1 << 40),
        .away(room: "whiteboard-1", member: "bob", socket: "s2"),
        .rejoin(room: "whiteboard-1", secret: "AAAAAAAAAAAAAAAAAAAAAA", sequence: 12, socket: "s3", identity: nil, from: "node-c"),
        .rejoin(room: "whiteboard-1", secret: "AAAAAAAAAAAAAAAAAAAAAA", sequence: nil, socket: "s3", identity: "carol", from: "node-c"),
        .leave(room: "whiteboard-1", member: "bob", socket: nil, from: "node-b"),
        .leave(room: "whiteboard-1", member: "bob", socket: "s2", from: "node-b"),
        .deliveries([], sentAt: 0),
        .batch([]),
        .batch([
            .input(room: "whiteboard-1", member: "alice", bytes: [1], token: nil, acknowledging: 3),
            .acknowledge(room: "whiteboard-1", member: "bob", tick: 9),
            .deliveries([.init(socket: "s1", delivery: .left("whiteboard-1"))], sentAt: 5),
        ]),
        .deliveries([
            .init(socket: "s1", delivery: .joined(
                room: info, member: "alice", seat: "seat.whiteboard-1", graceNanoseconds: 30_000_000_000, tick: 5, snapshot: true,
                start: ByteBuffer(bytes: [9, 8, 7]), isRejoin: false
            )),
            .init(socket: "s1", delivery: .joinFailed(RoomWireError(.roomFull(capacity: 8)), admittedTo: "whiteboard-1")),
            .init(socket: "s1", delivery: .joinFailed(.serverBusy, admittedTo: nil)),
            .init(socket: "s2", delivery: .left("whiteboard-1")),
            .init(socket: "s2", delivery: .leaveFailed(.shuttingDown)),
            .init(socket: "s2", delivery: .reply(token: 3, .object(["receipt": .int(4), "tick": .int(5), "ok": .bool(true)]))),
            .init(socket: "s2", delivery: .error(.rateLimited, event: "input", receipt: 8)),
            .init(socket: "s2", delivery: .error(.rateLimited, event: "input", receipt: nil)),
            .init(socket: "s2", delivery: .delta("whiteboard-1", tick: 6, ByteBuffer(bytes: [0, 255]))),
            .init(socket: "s2", delivery: .operations("whiteboard-1", ByteBuffer(bytes: Array(repeating: 1, count: 300)))),
            .init(socket: "s2", delivery: .closed("whiteboard-1")),
            .init(socket: "s2", delivery: .detached("whiteboard-1")),
        ], sentAt: 123_456_789_012),
    ]

    @Test("every message survives its encoding", arguments: messages)
    func roundTrip(_ message: RelayMessage) throws {
        #expect(try RelayMessage(decoding: message.encoded()) == message)
    }

    @Test("the encoding is exact: version, tag, fields in order")
    func bytes() {
        let encoded = RelayMessage.acknowledge(room: "r", member: "m", tick: 300).encoded()
        #expect(Array(encoded.readableBytesView) == [1, 3, 1, 0x72, 1, 0x6D, 0xAC, 0x02])
        let leave = RelayMessage.leave(room: "r", member: "m", socket: nil, from: "n").encoded()
        #expect(Array(leave.readableBytesView) == [1, 6, 1, 0x72, 1, 0x6D, 0, 1, 0x6E])
    }

    @Test("every truncation, an unknown version or tag, and trailing bytes are refused", arguments: messages)
    func malformed(_ message: RelayMessage) {
        let bytes = Array(message.encoded().readableBytesView)
        for length in 0..<bytes.count {
            #expect(throws: RoomError.self) { try RelayMessage(decoding: ByteBuffer(bytes: bytes.prefix(length))) }
        }
        #expect(throws: RoomError.self) { try RelayMessage(decoding: ByteBuffer(bytes: bytes + [0])) }
        var otherVersion = bytes
        otherVersion[0] = 2
        #expect(throws: RoomError.self) { try RelayMessage(decoding: ByteBuffer(bytes: otherVersion)) }
        var otherTag = bytes
        otherTag[1] = 99
        #expect(throws: RoomError.self) { try RelayMessage(decoding: ByteBuffer(bytes: otherTag)) }
    }

    @Test("a batch inside a batch is refused")
    func nestedBatch() {
        let nested = RelayMessage.batch([.batch([])]).encoded()
        #expect(throws: RoomError.self) { try RelayMessage(decoding: nested) }
    }

    @Test("lengths past what is left, oversized names and counts are refused without allocating them")
    func bounds() {
        // A join whose room name claims 2^40 bytes.
        #expect(throws: RoomError.self) { try RelayMessage(decoding: ByteBuffer(bytes: [1, 1, 0x80, 0x80, 0x80, 0x80, 0x80, 0x20])) }
        // Deliveries claiming more items than allowed.
        #expect(throws: RoomError.self) { try RelayMessage(decoding: ByteBuffer(bytes: [1, 7, 0x80, 0x80, 0x80, 0x01])) }
        // A name over the limit.
        var long = BinaryWriter()
        long.writeUInt8(1)
        long.writeUInt8(3)
        long.writeString(String(repeating: "x", count: RelayMessage.maxStringBytes + 1))
        #expect(throws: RoomError.self) { try RelayMessage(decoding: ByteBuffer(bytes: long.bytes)) }
        // A reply whose JSON does not parse.
        var reply = BinaryWriter()
        reply.writeUInt8(1)
        reply.writeUInt8(7)
        reply.writeVarint(1)
        reply.writeString("s")
        reply.writeUInt8(5)
        reply.writeUInt32(1)
        reply.writeLengthPrefixed(Array("{nope".utf8))
        #expect(throws: RoomError.self) { try RelayMessage(decoding: ByteBuffer(bytes: reply.bytes)) }
    }
}
