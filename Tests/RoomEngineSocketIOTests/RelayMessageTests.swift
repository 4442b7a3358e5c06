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
            .init(socket: "s2", delivery: .resync("whiteboard-1")),
        ], sentAt: 123_456_789_012),
    ]

    /// The bytes published for `message`: an envelope from node `n`, number 5.
    static func wire(_ message: RelayMessage) -> [UInt8] {
        Array(RelayEnvelope(from: "n", sequence: 5, message: message).encoded().readableBytesView)
    }

    static func decode(_ bytes: [UInt8]) throws(RoomError) -> RelayMessage {
        let envelope = try RelayEnvelope(decoding: ByteBuffer(bytes: bytes))
        return envelope.message
    }

    @Test("every message survives its encoding", arguments: messages)
    func roundTrip(_ message: RelayMessage) throws {
        let envelope = RelayEnvelope(from: "node-a", sequence: 1 << 40, message: message)
        #expect(try RelayEnvelope(decoding: envelope.encoded()) == envelope)
    }

    @Test("the encoding is exact: version, sender, sequence, tag, fields in order")
    func bytes() {
        #expect(Self.wire(.acknowledge(room: "r", member: "m", tick: 300)) == [2, 1, 0x6E, 5, 3, 1, 0x72, 1, 0x6D, 0xAC, 0x02])
        #expect(Self.wire(.leave(room: "r", member: "m", socket: nil, from: "n")) == [2, 1, 0x6E, 5, 6, 1, 0x72, 1, 0x6D, 0, 1, 0x6E])
    }

    @Test("every truncation, an unknown version or tag, and trailing bytes are refused", arguments: messages)
    func malformed(_ message: RelayMessage) {
        let bytes = Self.wire(message)
        for length in 0..<bytes.count {
            #expect(throws: RoomError.self) { try Self.decode(Array(bytes.prefix(length))) }
        }
        #expect(throws: RoomError.self) { try Self.decode(bytes + [0]) }
        var otherVersion = bytes
        otherVersion[0] = 1
        #expect(throws: RoomError.self) { try Self.decode(otherVersion) }
        var otherTag = bytes
        otherTag[4] = 99
        #expect(throws: RoomError.self) { try Self.decode(otherTag) }
    }

    @Test("replies keep every JSON value exactly: -0, non-finite numbers, big integers, binary, nesting, key order (fuzz-relay finding)",
          arguments: [
              JSONValue.double(-0.0), .double(.infinity), .double(.nan), .double(1e300), .int(.min), .int(.max),
              .binary(ByteBuffer(bytes: [0, 1, 255])), .string("é\u{0}\n"), .null, .bool(false),
              .array([.int(1), .array([.object(["b": .null, "a": .double(0.5)])])]),
          ])
    func repliesAreExact(_ value: JSONValue) throws {
        let message = RelayMessage.deliveries([.init(socket: "s", delivery: .reply(token: 1, value))], sentAt: 0)
        let decoded = try Self.decode(Self.wire(message))
        guard case .deliveries(let items, _) = decoded, case .reply(_, let back) = items.first?.delivery else {
            Issue.record("not a reply: \(decoded)")
            return
        }
        if case .double(let original) = value, original.isNaN {
            guard case .double(let again) = back, again.isNaN else {
                Issue.record("NaN became \(back)")
                return
            }
        } else {
            #expect(back == value)
            if case .double(let original) = value, case .double(let again) = back { #expect(original.sign == again.sign) }
        }
    }

    @Test("the fuzz-relay finding: a reply of -0 (JSON text made it 0, an int)")
    func negativeZeroReply() throws {
        let bytes: [UInt8] = [
            0x02, 0x06, 0x6E, 0x6F, 0x64, 0x65, 0x55, 0x61, 0x05, 0x07, 0xB9, 0x60, 0x02, 0x02, 0x73, 0x33,
            0x05, 0x01, 0x00, 0x00, 0x00, 0x08, 0x7B, 0x22, 0x6F, 0x6B, 0x22, 0x3A, 0x31, 0x7D, 0x02, 0x73,
            0x33, 0x05, 0x0C, 0x77, 0x68, 0x04, 0x02, 0x2D, 0x30,
        ]
        // The bytes were written for the JSON-text encoding of replies; whatever
        // they decode to now must survive its own encoding.
        if let envelope = try? RelayEnvelope(decoding: ByteBuffer(bytes: bytes)) {
            #expect(try RelayEnvelope(decoding: envelope.encoded()) == envelope)
        }
        let envelope = RelayEnvelope(from: "n", sequence: 1, message: .deliveries([.init(socket: "s", delivery: .reply(token: 2, .double(-0.0)))], sentAt: 0))
        #expect(try RelayEnvelope(decoding: envelope.encoded()) == envelope)
    }

    @Test("a batch inside a batch is refused")
    func nestedBatch() {
        #expect(throws: RoomError.self) { try Self.decode(Self.wire(.batch([.batch([])]))) }
    }

    @Test("sequence numbers: in order, lost messages counted, a restarted sender taken from where it starts")
    func sequences() {
        var tracker = RelaySequenceTracker()
        #expect(tracker.received(7, from: "a") == .inOrder)       // the first from a node: whatever it is
        #expect(tracker.received(8, from: "a") == .inOrder)
        #expect(tracker.received(1, from: "b") == .inOrder)       // nodes are counted apart
        #expect(tracker.received(12, from: "a") == .lost(count: 3))
        #expect(tracker.received(13, from: "a") == .inOrder)
        #expect(tracker.received(1, from: "a") == .restarted)
        #expect(tracker.received(2, from: "a") == .inOrder)
        #expect(tracker.received(2, from: "b") == .inOrder)
    }

    @Test("lengths past what is left, oversized names and counts are refused without allocating them")
    func bounds() {
        let header: [UInt8] = [2, 1, 0x6E, 1]
        // A join whose room name claims 2^40 bytes.
        #expect(throws: RoomError.self) { try Self.decode(header + [1, 0x80, 0x80, 0x80, 0x80, 0x80, 0x20]) }
        // Deliveries claiming more items than allowed.
        #expect(throws: RoomError.self) { try Self.decode(header + [7, 0, 0x80, 0x80, 0x80, 0x01]) }
        // A sender's name over the limit, and a room's.
        var long = BinaryWriter()
        long.writeUInt8(2)
        long.writeString(String(repeating: "x", count: RelayMessage.maxStringBytes + 1))
        #expect(throws: RoomError.self) { try Self.decode(long.bytes) }
        var longRoom = BinaryWriter()
        header.forEach { longRoom.writeUInt8($0) }
        longRoom.writeUInt8(3)
        longRoom.writeString(String(repeating: "x", count: RelayMessage.maxStringBytes + 1))
        #expect(throws: RoomError.self) { try Self.decode(longRoom.bytes) }
        // A reply whose JSON does not parse.
        var reply = BinaryWriter()
        header.forEach { reply.writeUInt8($0) }
        reply.writeUInt8(7)
        reply.writeVarint(0)
        reply.writeVarint(1)
        reply.writeString("s")
        reply.writeUInt8(5)
        reply.writeUInt32(1)
        reply.writeLengthPrefixed(Array("{nope".utf8))
        #expect(throws: RoomError.self) { try Self.decode(reply.bytes) }
    }
}
