import RoomEngine
import Testing
import WhiteboardRoom

@Suite("Whiteboard rooms")
struct WhiteboardTests {
    private func send(_ input: WhiteboardInput, from member: MemberID, to room: inout Room<WhiteboardLogic>) throws {
        _ = try room.enqueue(input.encodedBytes(), from: member)
    }

    private func operations(_ output: RoomTickOutput) throws -> [WhiteboardOperation] {
        try output.operations.map { try WhiteboardOperation(decoding: $0.payload) }
    }

    private let box = ShapeBounds(from: CanvasPoint(x: 10, y: 10), to: CanvasPoint(x: 100, y: 50))

    @Test("members get the lowest free slot and the first unused palette colour")
    func slotsAndColours() throws {
        var room = Room(id: "b", logic: WhiteboardLogic(), seed: 3)
        try room.join("a")
        try room.join("b")
        try room.join("c")
        #expect(room.state.members.map(\.slot) == [0, 1, 2])
        #expect(room.state.members.map(\.color) == Array(WhiteboardLimits.palette.prefix(3)))
        try room.leave("b")
        try room.join("d")
        #expect(room.state.member("d")?.slot == 1)
        #expect(room.state.member("d")?.color == WhiteboardLimits.palette[1])
        #expect(throws: RoomError.alreadyAMember("d")) { try room.join("d") }
        #expect(throws: RoomError.notAMember("zed")) { try room.leave("zed") }
    }

    @Test("once the palette is used up, colours come from the room's PRNG, reproducibly")
    func paletteExhaustion() throws {
        func colours(seed: UInt64) throws -> [UInt32] {
            var room = Room(id: "b", logic: WhiteboardLogic(), seed: seed)
            for index in 0..<20 { try room.join(MemberID("m\(index)")) }
            return room.state.members.map(\.color)
        }
        let first = try colours(seed: 11)
        #expect(first == (try colours(seed: 11)))
        #expect(Array(first.prefix(12)) == WhiteboardLimits.palette)
        #expect(first.dropFirst(12).allSatisfy { WhiteboardLimits.palette.contains($0) })
    }

    @Test("a stroke is streamed while drawn and committed by endStroke")
    func strokeLifecycle() throws {
        var room = Room(id: "b", logic: WhiteboardLogic(), seed: 1)
        try room.join("alice")
        _ = room.advance()
        try send(.beginStroke(id: 7, color: 0xFF0000, width: 3), from: "alice", to: &room)
        try send(.appendPoints(id: 7, points: [CanvasPoint(x: 1, y: 2), CanvasPoint(x: 3, y: 4)]), from: "alice", to: &room)
        let streamed = room.advance().output
        #expect(try operations(streamed) == [
            .strokeBegan(slot: 0, id: 7, color: 0xFF0000, width: 3),
            .pointsAppended(slot: 0, id: 7, points: [CanvasPoint(x: 1, y: 2), CanvasPoint(x: 3, y: 4)]),
        ])
        #expect(room.state.openStrokes.count == 1)
        #expect(room.state.strokes.isEmpty)

        try send(.appendPoints(id: 7, points: [CanvasPoint(x: 5, y: 6)]), from: "alice", to: &room)
        try send(.endStroke(id: 7), from: "alice", to: &room)
        _ = room.advance()
        #expect(room.state.openStrokes.isEmpty)
        #expect(room.state.strokes == [
            Stroke(authorSlot: 0, id: 7, color: 0xFF0000, width: 3,
                   points: [CanvasPoint(x: 1, y: 2), CanvasPoint(x: 3, y: 4), CanvasPoint(x: 5, y: 6)]),
        ])
    }

    @Test("points for a stroke never begun are rejected to the author and change nothing")
    func pointsWithoutStroke() throws {
        var room = Room(id: "b", logic: WhiteboardLogic(), seed: 1)
        try room.join("alice")
        try room.join("bob")
        _ = room.advance()
        try send(.beginStroke(id: 1, color: 1, width: 1), from: "bob", to: &room)
        _ = room.advance()
        let before = room.state

        // Alice may not append to Bob's stroke 1, nor to a stroke 2 nobody began.
        let first = try room.enqueue(WhiteboardInput.appendPoints(id: 1, points: [CanvasPoint(x: 1, y: 1)]).encodedBytes(), from: "alice")
        let second = try room.enqueue(WhiteboardInput.endStroke(id: 2).encodedBytes(), from: "alice")
        let output = room.advance().output
        #expect(output.rejections == [
            InputRejection(member: "alice", sequence: first, error: .unknownElement("stroke 1")),
            InputRejection(member: "alice", sequence: second, error: .unknownElement("stroke 2")),
        ])
        #expect(output.operations.isEmpty)
        #expect(room.state == before)
    }

    @Test("an author who leaves abandons its open strokes")
    func leaveAbandonsStrokes() throws {
        var room = Room(id: "b", logic: WhiteboardLogic(), seed: 1)
        try room.join("alice")
        try room.join("bob")
        try send(.beginStroke(id: 1, color: 1, width: 1), from: "alice", to: &room)
        try send(.beginStroke(id: 2, color: 1, width: 1), from: "alice", to: &room)
        try send(.beginStroke(id: 1, color: 1, width: 1), from: "bob", to: &room)
        _ = room.advance()
        try room.leave("alice")
        let output = room.advance().output
        #expect(try operations(output) == [
            .strokeAbandoned(slot: 0, id: 1), .strokeAbandoned(slot: 0, id: 2), .memberLeft(slot: 0),
        ])
        #expect(room.state.openStrokes.map(\.authorSlot) == [1])
    }

    @Test("shapes are added, moved and deleted; duplicates and unknown ids are refused")
    func shapes() throws {
        var room = Room(id: "b", logic: WhiteboardLogic(), seed: 1)
        try room.join("alice")
        let moved = ShapeBounds(from: CanvasPoint(x: 0, y: 0), to: CanvasPoint(x: 4095, y: 4095))
        try send(.addShape(Shape(id: 9, kind: .ellipse, bounds: box, color: 5)), from: "alice", to: &room)
        try send(.addShape(Shape(id: 4, kind: .rectangle, bounds: box, color: 5)), from: "alice", to: &room)
        try send(.addShape(Shape(id: 9, kind: .line, bounds: box, color: 5)), from: "alice", to: &room)
        try send(.moveShape(id: 4, bounds: moved), from: "alice", to: &room)
        try send(.deleteShape(id: 9), from: "alice", to: &room)
        try send(.deleteShape(id: 9), from: "alice", to: &room)
        let output = room.advance().output
        #expect(output.rejections.map(\.error) == [.duplicateElement("shape 9"), .unknownElement("shape 9")])
        #expect(room.state.shapes == [Shape(id: 4, kind: .rectangle, bounds: moved, color: 5)])
    }

    @Test("clear empties committed strokes and shapes but keeps strokes in progress")
    func clear() throws {
        var room = Room(id: "b", logic: WhiteboardLogic(), seed: 1)
        try room.join("alice")
        try send(.beginStroke(id: 1, color: 1, width: 1), from: "alice", to: &room)
        try send(.endStroke(id: 1), from: "alice", to: &room)
        try send(.beginStroke(id: 2, color: 1, width: 1), from: "alice", to: &room)
        try send(.addShape(Shape(id: 1, kind: .rectangle, bounds: box, color: 1)), from: "alice", to: &room)
        _ = room.advance()
        try send(.clear, from: "alice", to: &room)
        _ = room.advance()
        #expect(room.state.strokes.isEmpty)
        #expect(room.state.shapes.isEmpty)
        #expect(room.state.openStrokes.map(\.id) == [2])
    }

    @Test("document limits: points per stroke, open strokes per member, shapes per board")
    func documentLimits() throws {
        var room = Room(id: "b", logic: WhiteboardLogic(), seed: 1)
        try room.join("alice")
        try send(.beginStroke(id: 1, color: 1, width: 1), from: "alice", to: &room)
        let run = Array(repeating: CanvasPoint(x: 1, y: 1), count: WhiteboardLimits.maxPointsPerAppend)
        for _ in 0..<(WhiteboardLimits.maxPointsPerStroke / run.count) {
            try send(.appendPoints(id: 1, points: run), from: "alice", to: &room)
        }
        try send(.appendPoints(id: 1, points: [CanvasPoint(x: 2, y: 2)]), from: "alice", to: &room)
        var output = room.advance().output
        #expect(output.rejections.map(\.error) == [.limitReached("4096 points per stroke")])
        #expect(room.state.openStrokes[0].points.count == WhiteboardLimits.maxPointsPerStroke)

        for id in 2...5 as ClosedRange<UInt32> { try send(.beginStroke(id: id, color: 1, width: 1), from: "alice", to: &room) }
        output = room.advance().output
        #expect(output.rejections.map(\.error) == [.limitReached("4 open strokes per member")])

        var added = 0
        while added < WhiteboardLimits.maxShapes {
            for _ in 0..<WhiteboardLimits.rules.memberReliableQueueLimit where added < WhiteboardLimits.maxShapes {
                try send(.addShape(Shape(id: UInt32(added), kind: .rectangle, bounds: box, color: 1)), from: "alice", to: &room)
                added += 1
            }
            _ = room.advance()
        }
        try send(.addShape(Shape(id: 100_000, kind: .rectangle, bounds: box, color: 1)), from: "alice", to: &room)
        output = room.advance().output
        #expect(output.rejections.map(\.error) == [.limitReached("500 shapes per board")])
        #expect(room.state.shapes.count == WhiteboardLimits.maxShapes)
    }

    @Test("a late joiner's snapshot plus the broadcast operations rebuild the server's document")
    func snapshotPlusOperationsConverge() throws {
        var room = Room(id: "b", logic: WhiteboardLogic(), seed: 8)
        var mirror: WhiteboardState?
        var mirrorSequence: UInt64 = 0
        var cursors = PositionDeltaMirror()
        try room.join("host")
        runScripted(&room, ticks: 400, clientSeed: 77, members: ["host", "a", "b"],
                    makeInput: { clients, _, _ in clients.whiteboardInput().encodedBytes() }) { room, advance in
            let output = advance.output
            if advance.output.tick == 100 { try? room.join("late") }
            if let snapshot = output.snapshots.first(where: { $0.recipient == "late" })?.snapshot {
                mirror = try? WhiteboardState.decodeState(snapshot.state)
                mirrorSequence = snapshot.operationSequence
                cursors.adopt(table: mirror?.positions ?? PositionTable(), at: snapshot.tick)
            } else if mirror != nil {
                for operation in output.operations where operation.sequence > mirrorSequence {
                    #expect(operation.sequence == mirrorSequence + 1, "no gaps in the operation stream")
                    let decoded = try? WhiteboardOperation(decoding: operation.payload)
                    #expect(decoded != nil)
                    if let decoded { try? mirror?.apply(decoded) }
                    mirrorSequence = operation.sequence
                }
                if let delta = output.deltas.first(where: { $0.recipient == "late" }),
                   let tick = try? cursors.receive(delta.bytes) {
                    try? room.acknowledge(tick: tick, by: "late")
                }
            }
        }
        let live = room.state
        #expect(mirror != nil)
        #expect(mirror?.strokes == live.strokes)
        #expect(mirror?.openStrokes == live.openStrokes)
        #expect(mirror?.shapes == live.shapes)
        #expect(mirror?.members.map(\.id) == live.members.map(\.id))
        #expect(cursors.table == live.positions)
        #expect(live.strokes.count + live.shapes.count > 0, "the script produced a document")
    }
}
