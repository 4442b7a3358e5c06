import NIOCore
import RoomEngine
@testable import RoomEngineSocketIO
import SocketIOCore
import Testing
import WhiteboardRoom

/// Seats that survive a reconnect (docs/room-protocol.md, "Seats"): a
/// member whose connection is cut at the socket level keeps its seat for the
/// grace period and gets it back from a new socket, with what it missed,
/// while the others see nothing; past the grace period it leaves.
@Suite("Seats: rejoin after a cut")
struct SeatTests {
    @Test("a cut member keeps its seat; rejoin replays the missed operations; nobody sees a leave")
    func cutAndRejoinWithOperations() async throws {
        try await TestServer.with { server in
            let alice = try await server.member(of: "whiteboard")
            let bob = try await server.member(of: "whiteboard")
            let seat = try #require(alice.view.seat)
            #expect(alice.view.grace == 10_000)
            _ = try await alice.inputWithAck(Board.begin(1))
            _ = try await alice.inputWithAck(Board.append(1, Board.points(10, from: 5)))
            let aliceSlot = try #require(alice.view.slot)
            let before = try await alice.waitUntil("its open stroke") { $0.whiteboard?.openStrokes.count == 1 }

            await alice.cut()
            // While alice is away, bob draws and moves: alice misses these operations.
            _ = try await bob.inputWithAck(Board.begin(2))
            _ = try await bob.inputWithAck(Board.append(2, Board.points(20, from: 100)))
            _ = try await bob.inputWithAck(Board.end(2))
            _ = try await bob.waitUntil("its committed stroke") { $0.whiteboard?.strokes.count == 1 }

            let back = try await server.client()
            let answer = try await back.rejoin(as: before)
            #expect(answer.errorCode == nil, "\(answer)")
            #expect(answer["member"]?.stringValue == before.member && answer["seat"]?.stringValue == seat)
            #expect(answer["operations"] != nil && answer["snapshot"] == nil && answer["tick"]?.int64Value != nil)
            let server_ = try await server.snapshot(of: before.room)
            let live = BoardDocument(try WhiteboardState.decodeState(server_.state))
            let view = try await back.waitUntil("the missed operations") { $0.document == live }
            #expect(view.slot == aliceSlot && view.operationFaults.isEmpty)

            // Its open stroke survived, and it goes on with it from the new socket.
            #expect(try await back.inputWithAck(Board.end(1)).errorCode == nil)
            for client in [back, bob] {
                try await client.waitUntil("both strokes committed") { $0.whiteboard?.strokes.count == 2 }
            }
            // Bob never saw alice leave (or abandon her stroke): its operations all applied in
            // sequence on a document where alice stayed.
            #expect(bob.view.whiteboard?.member(MemberID(before.member ?? ""))?.slot == aliceSlot)
            #expect(bob.view.operationFaults.isEmpty)
            // Deltas restart from a full table on the new socket, then flow as deltas.
            bob.input(Board.cursor(700, 800))
            let bobSlot = try #require(bob.view.slot)
            let moved = try await back.waitUntil("bob's cursor") { $0.point(of: bobSlot) == CanvasPoint(x: 700, y: 800) }
            #expect(moved.fullDeltas >= 1 && moved.deltaFaults.isEmpty)
        }
    }

    @Test("past the grace period the member leaves: the others see it, and its seat is gone")
    func graceExpires() async throws {
        try await TestServer.with(configure: { $0.seatGracePeriod = .milliseconds(300) }) { server in
            let alice = try await server.member(of: "whiteboard")
            let bob = try await server.member(of: "whiteboard")
            #expect(alice.view.grace == 300)
            _ = try await alice.inputWithAck(Board.begin(1))
            let before = alice.view
            let aliceMember = MemberID(try #require(before.member))
            await alice.cut()
            try await bob.waitUntil("alice left and her stroke was abandoned") { view in
                view.whiteboard?.member(aliceMember) == nil && view.whiteboard?.openStrokes.isEmpty == true
            }
            let late = try await server.client()
            #expect(try await late.rejoin(as: before).errorCode == "unknownSeat")
            #expect(late.view.room != nil)  // (the view it took over; the socket itself is in no room)
            #expect(try await late.join("whiteboard").errorCode == nil)
        }
    }

    @Test("a rejoin from before the operations kept, or without a sequence, gets a snapshot")
    func rejoinWithSnapshot() async throws {
        try await TestServer.with(configure: { $0.rejoinOperationBatches = 2 }) { server in
            let alice = try await server.member(of: "whiteboard")
            let bob = try await server.member(of: "whiteboard")
            let before = alice.view
            await alice.cut()
            for id in 1...4 { _ = try await bob.inputWithAck(Board.addShape(UInt32(id), from: (1, 1), to: (9, 9))) }
            let back = try await server.client()
            let answer = try await back.rejoin(as: before)
            #expect(answer["snapshot"] != nil && answer["operations"] == nil)
            let live = BoardDocument(try WhiteboardState.decodeState(try await server.snapshot(of: before.room).state))
            try await back.waitUntil("the snapshot's document") { $0.document == live }

            // Cut again; this time the client lost its document: no sequence, a snapshot.
            let again = back.view
            await back.cut()
            let third = try await server.client()
            let answer2 = try await third.rejoin(as: again, sequence: .some(nil))
            #expect(answer2["snapshot"] != nil && answer2["member"]?.stringValue == before.member)
            // A sequence the member was never sent is not trusted either.
            await third.cut()
            let fourth = try await server.client()
            #expect(try await fourth.rejoin(as: again, sequence: 1_000_000)["snapshot"] != nil)
            #expect(bob.view.whiteboard?.members.count == 2 && bob.view.operationFaults.isEmpty)
        }
    }

    @Test("a rejoin while the old socket still holds the seat moves it; the old socket gets room-closed seatMoved")
    func takeover() async throws {
        try await TestServer.with { server in
            let alice = try await server.member(of: "whiteboard")
            let bob = try await server.member(of: "whiteboard")
            let newer = try await server.client()
            let answer = try await newer.rejoin(as: alice.view)
            #expect(answer["operations"] != nil && answer["member"]?.stringValue == alice.view.member)
            try await alice.waitUntil("room-closed") { $0.closedReasons == ["seatMoved"] }
            // The old socket is in no room now; its disconnect frees nothing.
            #expect(try await alice.inputWithAck(Board.cursor(1, 1)).errorCode == "notInRoom")
            await alice.close()
            #expect(try await newer.inputWithAck(Board.cursor(5, 5)).errorCode == nil)
            let slot = try #require(newer.view.slot)
            try await bob.waitUntil("the moved member's cursor") { $0.point(of: slot) == CanvasPoint(x: 5, y: 5) }
            #expect(bob.view.whiteboard?.members.count == 2)
        }
    }

    @Test("leave and a namespace disconnect free the seat at once; wrong seats and requests are refused")
    func freedAndRefused() async throws {
        try await TestServer.with { server in
            let alice = try await server.member(of: "whiteboard")
            let bob = try await server.member(of: "whiteboard")
            let stranger = try await server.client()
            #expect(try await stranger.request("rejoin").errorCode == "badRequest")
            #expect(try await stranger.request("rejoin", .string("x")).errorCode == "badRequest")
            #expect(try await stranger.request("rejoin", .object(["seat": .int(3)])).errorCode == "badRequest")
            let seat = JSONValue.string(try #require(alice.view.seat))
            #expect(try await stranger.request("rejoin", .object(["seat": seat, "sequence": .int(-1)])).errorCode == "badRequest")
            #expect(try await stranger.request("rejoin", .object(["seat": .string("nope")])).errorCode == "unknownSeat")
            let forged = String(repeating: "A", count: 22) + "." + (alice.view.room ?? "")
            #expect(try await stranger.request("rejoin", .object(["seat": .string(forged)])).errorCode == "unknownSeat")
            #expect(try await alice.request("rejoin", .object(["seat": seat])).errorCode == "alreadyInRoom")

            let before = alice.view
            #expect(try await alice.request("leave")["ok"] == .bool(true))
            #expect(try await stranger.rejoin(as: before).errorCode == "unknownSeat")

            let carol = try await server.member(of: "whiteboard")
            let bobView = bob.view
            bob.emitDisconnect()
            try await carol.waitUntil("bob left") { $0.whiteboard?.member(MemberID(bobView.member ?? "")) == nil }
            let other = try await server.client()
            #expect(try await other.rejoin(as: bobView).errorCode == "unknownSeat")
        }
    }
}

@Suite("Seats: the operations kept for a rejoin")
struct OperationReplayTests {
    private func batch(_ first: UInt64, _ last: UInt64) -> ByteBuffer {
        var writer = BinaryWriter()
        for sequence in first...last { SequencedOperation(sequence: sequence, tick: 1, payload: [0x0A]).encode(into: &writer) }
        return ByteBuffer(bytes: writer.bytes)
    }

    private func sequences(_ buffer: ByteBuffer?) -> [UInt64]? {
        guard let buffer else { return nil }
        var reader = BinaryReader(Array(buffer.readableBytesView))
        var out: [UInt64] = []
        while !reader.isAtEnd, let operation = try? SequencedOperation(from: &reader) { out.append(operation.sequence) }
        return out
    }

    @Test("replays from any kept sequence, nothing when up to date, nil before the oldest kept or past the newest")
    func replay() {
        var replay = OperationReplay(limits: .init(batches: 3, bytes: 1 << 20), newest: 4)
        #expect(sequences(replay.operations(after: 4)) == [])
        #expect(replay.operations(after: 3) == nil)  // the snapshot holds 4: nothing kept before it
        replay.append(batch(5, 6), first: 5, last: 6)
        replay.append(batch(7, 7), first: 7, last: 7)
        #expect(sequences(replay.operations(after: 4)) == [5, 6, 7])
        #expect(sequences(replay.operations(after: 5)) == [5, 6, 7])  // a batch is replayed whole; clients skip ≤ 5
        #expect(sequences(replay.operations(after: 6)) == [7])
        #expect(replay.operations(after: 8) == nil)
        replay.append(batch(8, 9), first: 8, last: 9)
        replay.append(batch(10, 10), first: 10, last: 10)  // 4 batches: the oldest (5…6) goes
        #expect(replay.operations(after: 4) == nil)
        #expect(sequences(replay.operations(after: 6)) == [7, 8, 9, 10])
        replay.restarted(at: 12)
        #expect(sequences(replay.operations(after: 12)) == [])
    }

    @Test("the byte bound drops the oldest batches, even the newest alone when it is too big")
    func byteBound() {
        var replay = OperationReplay(limits: .init(batches: 100, bytes: 10), newest: 0)
        replay.append(batch(1, 2), first: 1, last: 2)  // 8 bytes
        replay.append(batch(3, 4), first: 3, last: 4)  // 16 in all: the first goes
        #expect(replay.operations(after: 0) == nil)
        #expect(sequences(replay.operations(after: 2)) == [3, 4])
        replay.append(batch(5, 7), first: 5, last: 7)  // 12 bytes alone: nothing fits
        #expect(replay.operations(after: 4) == nil && sequences(replay.operations(after: 7)) == [])
    }

    @Test("seat tokens: 22 characters of secret, a dot, the room; anything else is not one")
    func tokens() {
        let secret = SeatToken.newSecret()
        #expect(secret.utf8.count == 22 && secret != SeatToken.newSecret())
        let token = SeatToken(secret: secret, room: "whiteboard-3")
        #expect(SeatToken(parsing: token.text) == token)
        #expect(SeatToken(parsing: "short.whiteboard-3") == nil)
        #expect(SeatToken(parsing: secret + ".") == nil)
        #expect(SeatToken(parsing: String(repeating: "!", count: 22) + ".r") == nil)
        #expect(SeatToken(parsing: secret + "." + String(repeating: "r", count: 200)) == nil)
        #expect(SeatToken.matches(secret, secret) && !SeatToken.matches(secret, SeatToken.newSecret()))
    }
}
