import RoomEngine
import Testing
import WhiteboardRoom

@Suite("Codable logics and member views")
struct MemberViewTests {
    private func view(in snapshot: RoomSnapshot) throws -> SecretView {
        try CanonicalDecoder().decode(SecretView.self, from: snapshot.state)
    }

    @Test("a Codable logic gets enqueue decoding, validation, deltas, snapshots and a reproducible hash")
    func codableLogicRuns() throws {
        func run() throws -> (Room<SecretLogic>, [RoomTickOutput]) {
            var room = Room(id: "s", logic: SecretLogic(), seed: 9)
            try room.join("alice")
            try room.join("bob")
            var outputs = [room.advance().output]
            _ = try room.enqueue(SecretInput.move(x: 10, y: 20).encodedBytes(), from: "alice")
            _ = try room.enqueue(SecretInput.pick(4).encodedBytes(), from: "alice")
            outputs.append(room.advance().output)
            return (room, outputs)
        }
        let (room, outputs) = try run()
        #expect(room.state.players.map(\.secret) == [4, nil])
        // The moved marker streams as a delta to both.
        #expect(outputs[1].deltas.map(\.recipient) == ["alice", "bob"])
        let (again, _) = try run()
        #expect(again.stateHash == room.stateHash)
        #expect(try SecretState.decodeState(room.state.encodeState()) == room.state)

        var refusing = room
        #expect(throws: RoomError.outOfRange("secret 0")) { try refusing.enqueue(SecretInput.pick(0).encodedBytes(), from: "bob") }
        #expect(throws: RoomError.self) { try refusing.enqueue([0x01, 0x02], from: "bob") }
    }

    @Test("each joiner's snapshot is its own view; the recorder's snapshot is the whole state")
    func snapshotsAreViews() throws {
        var room = Room(id: "s", logic: SecretLogic(), seed: 9)
        try room.join("alice")
        _ = room.advance()
        _ = try room.enqueue(SecretInput.pick(7).encodedBytes(), from: "alice")
        _ = room.advance()
        try room.join("bob")
        try room.join("carol")
        let output = room.advance().output
        #expect(output.snapshots.map(\.recipient) == ["bob", "carol"])
        let bobSees = try view(in: try #require(output.snapshots.first).snapshot)
        #expect(bobSees.you == "bob" && bobSees.players.map(\.secret) == [nil, nil, nil])
        #expect(try view(in: room.snapshot(for: "alice")).players.map(\.secret) == [7, nil, nil])
        #expect(try SecretState.decodeState(room.snapshot().state).players.map(\.secret) == [7, nil, nil])
        #expect(room.snapshot(for: "alice").stateHash != room.snapshot().stateHash)
    }

    @Test("operations are transformed per member, or not sent; sequence numbers stay room-wide")
    func operationsPerMember() throws {
        var room = Room(id: "s", logic: SecretLogic(), seed: 9)
        try room.join("alice")
        try room.join("bob")
        let first = room.advance().output
        #expect(first.operations.isEmpty && first.memberOperations.isEmpty)   // both joined this tick: snapshots hold it
        _ = try room.enqueue(SecretInput.pick(3).encodedBytes(), from: "alice")
        let picked = room.advance().output
        #expect(picked.operations.isEmpty)
        let decoded = picked.memberOperations.map { own in
            (own.recipient, own.operations.map { try? SecretOperation(decoding: $0.payload) })
        }
        #expect(decoded.map(\.0) == ["alice", "bob"])
        #expect(decoded[0].1 == [.picked(slot: 0, secret: 3)])
        #expect(decoded[1].1 == [.picked(slot: 0, secret: nil)])
        #expect(picked.memberOperations.map { $0.operations.map(\.sequence) } == [[3], [3]])

        _ = try room.enqueue(SecretInput.pick(5).encodedBytes(), from: "bob")
        let revealed = room.advance().output
        let everyone = revealed.memberOperations.map { $0.operations.map { try? SecretOperation(decoding: $0.payload) } }
        #expect(everyone[0].last == .revealed(["alice": 3, "bob": 5]))
        #expect(everyone[1].last == .revealed(["alice": 3, "bob": 5]))

        // The final operation is for the first player only: bob sees a gap.
        #expect(room.terminate().isEmpty)
        #expect(room.finalMemberOperations.map(\.recipient) == ["alice"])
    }

    @Test("a replay of a Codable logic with views reproduces the whole state's hashes")
    func replayUsesTheWholeState() throws {
        var room = Room(id: "s", logic: SecretLogic(), seed: 3)
        var events: [RecordedEvent] = []
        for member: MemberID in ["alice", "bob"] {
            try room.join(member)
            events.append(.joined(member, metadata: [:]))
        }
        for (index, input) in [SecretInput.pick(2), .move(x: 5, y: 6), .pick(8)].enumerated() {
            let member: MemberID = index == 2 ? "bob" : "alice"
            _ = try room.enqueue(input.encodedBytes(), from: member)
            let advance = room.advance()
            events.append(.tick(RecordedTick(roomID: "s", tick: room.tick, inputs: advance.inputs, stateHash: room.stateHash)))
        }
        let session = RecordedSession(roomID: "s", kind: "secret", logicVersion: 1, seed: 3, config: RoomConfig())
        let replayed = try RoomReplay.replay(events, session: session, logic: SecretLogic())
        #expect(replayed.stateHash == room.stateHash && replayed.state.revealed)
    }

    @Test("a logic without views sends the same snapshot to every joiner and no member operations")
    func builtInsUnchanged() throws {
        var room = Room(id: "w", logic: WhiteboardLogic(), seed: 1)
        try room.join("alice")
        try room.join("bob")
        let output = room.advance().output
        #expect(output.snapshots.count == 2 && output.snapshots[0].snapshot == output.snapshots[1].snapshot)
        try room.join("carol")
        let next = room.advance().output
        #expect(next.memberOperations.isEmpty && !next.operations.isEmpty)
        #expect(room.snapshot(for: "alice") == room.snapshot())
    }
}
