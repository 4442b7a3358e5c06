import CounterRoom
import NIOCore
import RoomEngine
import Testing
import WhiteboardRoom

/// A large state is encoded and hashed once per tick and copied as little as
/// possible: the bytes and hashes stay exactly what they were.
@Suite("Shared state encoding")
struct SharedEncodingTests {
    private func board(points: Int) throws -> Room<WhiteboardLogic> {
        var room = Room(id: "b", logic: WhiteboardLogic(), seed: 5)
        try room.join("alice")
        _ = try room.enqueue(WhiteboardInput.beginStroke(id: 1, color: 9, width: 2).encodedBytes(), from: "alice")
        let run = (0..<points).map { CanvasPoint(x: UInt16($0 % 4096), y: UInt16(4095 - $0 % 4096)) }
        for start in stride(from: 0, to: points, by: WhiteboardLimits.maxPointsPerAppend) {
            let chunk = Array(run[start..<min(start + WhiteboardLimits.maxPointsPerAppend, points)])
            _ = try room.enqueue(WhiteboardInput.appendPoints(id: 1, points: chunk).encodedBytes(), from: "alice")
        }
        _ = room.advance()
        return room
    }

    @Test("a point run is u16 LE x, u16 LE y pairs, read back as written")
    func pointRunBytes() throws {
        let stroke = Stroke(authorSlot: 0, id: 1, color: 0x0102_0304, width: 2,
                            points: [CanvasPoint(x: 0x0123, y: 0x0FED), CanvasPoint(x: 1, y: 4095)])
        #expect(stroke.encodedBytes() == [0, 1, 4, 3, 2, 1, 2, 2, 0x23, 0x01, 0xED, 0x0F, 1, 0, 0xFF, 0x0F])
        #expect(try Stroke(decoding: stroke.encodedBytes()) == stroke)
        var offCanvas = stroke.encodedBytes()
        offCanvas[offCanvas.count - 2] = 0x00
        offCanvas[offCanvas.count - 1] = 0x10   // y = 4096
        #expect(throws: RoomError.outOfRange("point (1, 4096) off the canvas")) { try Stroke(decoding: offCanvas) }
        #expect(throws: RoomError.truncated) { try Stroke(decoding: Array(stroke.encodedBytes().dropLast())) }
    }

    @Test("a snapshot's ByteBuffer holds exactly its encoded bytes")
    func bufferMatchesBytes() throws {
        let snapshot = try board(points: 200).snapshot()
        let buffer = snapshot.encodedBuffer()
        #expect(Array(buffer.readableBytesView) == snapshot.encodedBytes())
        #expect(try RoomSnapshot(decoding: Array(buffer.readableBytesView)) == snapshot)
    }

    @Test("a known state hash is the hash of the state, and goes when the state changes")
    func knownHash() throws {
        let room = try board(points: 50)
        var snapshot = room.snapshot()
        let decoded = try RoomSnapshot(decoding: snapshot.encodedBytes())
        #expect(decoded == snapshot)
        #expect(decoded.stateHash == StateHash.fnv1a64(snapshot.state))
        snapshot.state = try board(points: 51).state.encodeState()
        #expect(snapshot.stateHash == StateHash.fnv1a64(snapshot.state))
        #expect(snapshot != decoded)
    }

    @Test("a joiner's tick encodes the state once: the room's hash and snapshot reuse it until the state changes")
    func oneEncodingPerTick() throws {
        var room = try board(points: 300)
        try room.join("bob")
        let output = room.advance().output
        let picture = try #require(output.snapshots.first?.snapshot)
        #expect(picture.state == room.state.encodeState())
        #expect(room.stateHash == StateHash.fnv1a64(room.state.encodeState()))
        #expect(room.snapshot() == picture)
        #expect(room.snapshot().encodedBytes() == picture.encodedBytes())

        _ = try room.enqueue(WhiteboardInput.cursor(x: 7, y: 8).encodedBytes(), from: "bob")
        _ = room.advance()
        #expect(room.stateHash == StateHash.fnv1a64(room.state.encodeState()))
        #expect(room.snapshot().state == room.state.encodeState())
        try room.leave("bob")
        #expect(room.stateHash == StateHash.fnv1a64(room.state.encodeState()))
    }
}

/// The state hash computed while writing equals the hash of the written bytes.
@Suite("Hashing while writing")
struct HashingWriterTests {
    @Test("stateHash is FNV-1a-64 of encodeState(), for boards of every size and other kinds")
    func sameHash() throws {
        for points in [0, 1, 255, 256, 1_000] {
            var room = Room(id: "b", logic: WhiteboardLogic(), seed: UInt64(points))
            try room.join("alice")
            try room.join("bob")
            _ = try room.enqueue(WhiteboardInput.beginStroke(id: 1, color: 9, width: 2).encodedBytes(), from: "alice")
            for start in stride(from: 0, to: points, by: 200) {
                let run = (start..<min(start + 200, points)).map { CanvasPoint(x: UInt16($0 % 4096), y: 7) }
                _ = try room.enqueue(WhiteboardInput.appendPoints(id: 1, points: run).encodedBytes(), from: "alice")
            }
            _ = try room.enqueue(WhiteboardInput.endStroke(id: 1).encodedBytes(), from: "alice")
            _ = try room.enqueue(WhiteboardInput.cursor(x: 3, y: 4).encodedBytes(), from: "bob")
            _ = room.advance()
            #expect(room.state.stateHash == StateHash.fnv1a64(room.state.encodeState()))
            #expect(room.state.encodeState() == room.state.encodedBytes(), "the size hint changes no byte")
        }
        var counter = Room(id: "c", logic: CounterLogic(), seed: 1)
        try counter.join("alice")
        _ = try counter.enqueue(CounterInput.add(2).encodedBytes(), from: "alice")
        _ = counter.advance()
        #expect(counter.state.stateHash == StateHash.fnv1a64(counter.state.encodeState()))
        #expect(StateHash.fnv1a64(Array("a".utf8)) == 0xaf63_dc4c_8601_ec8c)
    }
}
