import NIOCore
@testable import RoomClient
import RoomEngine
import Testing
import WhiteboardRoom

/// Seat resume (docs/room-protocol.md, "Seats: reconnecting without
/// leaving") on the engine's bytes, without a network: the answers as the
/// client reads them, and a replica resumed with the operations it missed.
@Suite("Seats (no network)")
struct SeatTests {
    @Test("a join answer's seat and grace; the seat never prints its secret")
    func seatOfAJoinAnswer() throws {
        let snapshot = RoomSnapshot(kind: "whiteboard", logicVersion: 1, roomID: "whiteboard-1", tick: 3,
                                    operationSequence: 1, members: ["m"], state: [])
        var fields: JSONObject = [
            "room": "whiteboard-1", "kind": "whiteboard", "member": "m", "tickRate": 20,
            "seat": "secret-token", "grace": 10000, "snapshot": .binary(ByteBuffer(bytes: snapshot.encodedBytes())),
        ]
        let parsed = try JoinAnswer.parse([.object(fields)]).get()
        let seat = try #require(parsed.seat)
        #expect(seat == RoomSeat(token: "secret-token", grace: .seconds(10)))
        #expect(!"\(seat)".contains("secret") && !String(reflecting: seat).contains("secret"))
        fields["seat"] = nil
        #expect(try JoinAnswer.parse([.object(fields)]).get().seat == nil, "a server without seats")
    }

    @Test("a rejoin answer carries exactly one of operations and snapshot")
    func rejoinAnswers() throws {
        let base: JSONObject = ["room": "whiteboard-1", "kind": "whiteboard", "member": "m", "tickRate": 20,
                                "seat": "s", "grace": 10000, "tick": 388]
        var withOperations = base
        withOperations["operations"] = .binary(ByteBuffer(bytes: [1, 2, 3]))
        let resumed = try RejoinAnswer.parse([.object(withOperations)]).get()
        #expect(resumed.caughtUp == .operations([1, 2, 3]) && resumed.tick == 388 && resumed.member == "m")

        var withSnapshot = base
        withSnapshot["snapshot"] = .binary(ByteBuffer(bytes: [9]))
        guard case .snapshot(let join) = try RejoinAnswer.parse([.object(withSnapshot)]).get().caughtUp else {
            Issue.record("expected a snapshot")
            return
        }
        #expect(join.snapshot == [9] && join.member == "m" && join.seat?.token == "s")

        var both = withOperations
        both["snapshot"] = .binary(ByteBuffer(bytes: [9]))
        #expect(throws: RoomClientError.self) { try RejoinAnswer.parse([.object(both)]).get() }
        #expect(throws: RoomClientError(code: .unknownSeat, message: "gone")) {
            try RejoinAnswer.parse([.object(["error": .object(["code": "unknownSeat", "message": "gone"])])]).get()
        }
    }

    @Test("resumed with the operations missed (the first repeating some): the document catches up, the mirror is kept")
    func resumeWithOperations() throws {
        var engine = EngineRoom()
        try engine.join("alice")
        try engine.join("bob")
        engine.tick()
        var bob = try engine.replica(for: "bob")
        try engine.input(.cursor(x: 7, y: 9), from: "bob")
        try engine.input(.beginStroke(id: 1, color: 0x123456, width: 2), from: "alice")
        _ = bob.receiveOperations(try engine.tickWithOperations())
        guard case .applied(let mirrored) = bob.receiveDelta(try #require(engine.deltas["bob"]?.last)) else {
            Issue.record("the delta did not apply")
            return
        }
        // bob is cut: these batches never reach him.
        var missed: [UInt8] = engine.batches.last ?? []        // the rejoin answer may repeat what he has
        for step: UInt16 in 0..<3 {
            try engine.input(.appendPoints(id: 1, points: points(4, from: 10 * step)), from: "alice")
            missed += try engine.tickWithOperations()
        }
        let answer = RejoinAnswer(room: "whiteboard-1", kind: .whiteboard, member: "bob", tickRate: 20,
                                  seat: RoomSeat(token: "s", grace: .seconds(10)), tick: engine.room.tick,
                                  caughtUp: .operations(missed))
        let replayed = try bob.resume(answer, operations: missed)
        #expect(replayed.count == 3)
        #expect(bob.operationSequence == engine.room.operationSequence)
        #expect(BoardDocument(bob.state) == BoardDocument(engine.room.state))
        #expect(bob.positions.tick == mirrored, "the delta tables are kept")
        #expect(bob.membership.seat?.token == "s")

        var stranger = answer
        stranger.member = "carol"
        #expect(throws: RoomClientError.self) { _ = try bob.resume(stranger, operations: []) }
    }
}
