import RoomEngine
import Testing
import WhiteboardRoom

/// The board-size limit (``WhiteboardLimits/maxDocumentBytes``): the
/// document's encoded size kept incrementally, refused byte-exactly.
@Suite("Whiteboard document size")
struct WhiteboardDocumentSizeTests {
    private static let full = (0..<WhiteboardLimits.maxPointsPerStroke).map { CanvasPoint(x: UInt16($0 % 4096), y: 7) }

    /// What the strokes and shapes of `state` really encode to.
    private func encodedDocumentSize(_ state: WhiteboardState) -> Int {
        (state.strokes + state.openStrokes).reduce(0) { $0 + $1.encodedBytes().count }
            + state.shapes.reduce(0) { $0 + $1.encodedBytes().count }
    }

    private func shape(_ id: UInt32) -> Shape {
        Shape(id: id, kind: .rectangle, bounds: ShapeBounds(from: CanvasPoint(x: 1, y: 2), to: CanvasPoint(x: 3, y: 4)), color: 5)
    }

    /// Fills an empty board (one member, alice in slot 0) with committed
    /// strokes and shapes until exactly `left` bytes remain; returns the next
    /// free stroke id. Shapes with ids below 128 take 14 bytes, from 128 on 15.
    private func fill(_ state: inout WhiteboardState, leaving left: Int) throws -> UInt32 {
        try state.apply(.memberJoined(slot: 0, member: "alice", color: 1))
        var id: UInt32 = 1
        func stroke(_ count: Int) throws {
            try state.apply(.strokeBegan(slot: 0, id: id, color: 1, width: 1))
            try state.apply(.pointsAppended(slot: 0, id: id, points: Array(Self.full.prefix(count))))
            try state.apply(.strokeCommitted(slot: 0, id: id))
            id += 1
        }
        // Strokes of 4000 points (16,010 bytes or so) while more than that and a margin remain…
        while WhiteboardLimits.maxDocumentBytes - state.documentBytes - left > 16_800 { try stroke(4_000) }
        // …one that leaves 504…508 bytes (at most 4096 points), 9 of them its header…
        try stroke((WhiteboardLimits.maxDocumentBytes - state.documentBytes - left - 9 - 505) / 4)
        // …and shapes of 14 and 15 bytes for exactly the rest (ids below 100 and from 1000).
        let rest = WhiteboardLimits.maxDocumentBytes - state.documentBytes - left
        guard let fifteens = (0..<14).first(where: { (rest - 15 * $0) % 14 == 0 }) else {
            preconditionFailure("\(rest) bytes are not 14a + 15b")
        }
        for index in 0..<(rest - 15 * fifteens) / 14 { try state.apply(.shapeAdded(shape(UInt32(index)))) }
        for index in 0..<fifteens { try state.apply(.shapeAdded(shape(UInt32(1_000 + index)))) }
        #expect(WhiteboardLimits.maxDocumentBytes - state.documentBytes == left)
        return id
    }

    @Test("element sizes match their encodings across varint boundaries")
    func elementSizes() {
        for slot: UInt16 in [0, 127, 128, 16_384] {
            for id: UInt32 in [0, 127, 128, 16_383, 16_384, UInt32.max] {
                for count in [0, 1, 127, 128, 4096] {
                    let stroke = Stroke(authorSlot: slot, id: id, color: 1, width: 1, points: Array(Self.full.prefix(count)))
                    #expect(stroke.encodedSize == stroke.encodedBytes().count)
                }
                #expect(shape(id).encodedSize == shape(id).encodedBytes().count)
            }
        }
    }

    @Test("documentBytes follows every operation and survives decoding")
    func keptIncrementally() throws {
        var state = WhiteboardState(seed: 1)
        let points = Array(Self.full.prefix(100))
        let steps: [WhiteboardOperation] = [
            .memberJoined(slot: 0, member: "alice", color: 1),
            .memberJoined(slot: 1, member: "bob", color: 2),
            .strokeBegan(slot: 0, id: 1, color: 1, width: 1),
            .pointsAppended(slot: 0, id: 1, points: points),
            .pointsAppended(slot: 0, id: 1, points: points),   // the count's varint grows to 2 bytes
            .strokeBegan(slot: 0, id: 200, color: 1, width: 1),
            .strokeBegan(slot: 1, id: 1, color: 1, width: 1),
            .pointsAppended(slot: 1, id: 1, points: points),
            .strokeCommitted(slot: 0, id: 1),
            .shapeAdded(shape(3)),
            .shapeAdded(shape(300)),
            .shapeMoved(id: 3, bounds: ShapeBounds(from: CanvasPoint(x: 0, y: 0), to: CanvasPoint(x: 9, y: 9))),
            .strokeAbandoned(slot: 0, id: 200),
            .shapeDeleted(id: 300),
            .strokeBegan(slot: 0, id: 5, color: 1, width: 1),
            .cleared,
            .memberLeft(slot: 1),
        ]
        for step in steps {
            try state.apply(step)
            #expect(state.documentBytes == encodedDocumentSize(state), "after \(step)")
            #expect(try WhiteboardState(decoding: state.encodedBytes()).documentBytes == state.documentBytes)
        }
        #expect(state.documentBytes == Stroke(authorSlot: 0, id: 5, color: 1, width: 1).encodedSize)
    }

    @Test("a board fills to exactly maxDocumentBytes; one byte more is refused and changes nothing")
    func byteExactLimit() throws {
        var state = WhiteboardState(seed: 1)
        let id = try fill(&state, leaving: 23)
        try state.apply(.strokeBegan(slot: 0, id: id, color: 1, width: 1))   // 9 bytes: 14 left

        // 15 bytes into 14: refused, untouched.
        let before = state
        #expect(throws: RoomError.limitReached("16711680 bytes per board (16711666 used, 15 more asked)")) {
            try state.apply(.shapeAdded(self.shape(2_000)))
        }
        #expect(state == before)
        // 14 bytes into 14: taken, the board is exactly at the limit.
        try state.apply(.shapeAdded(shape(100)))
        #expect(state.documentBytes == WhiteboardLimits.maxDocumentBytes)
        #expect(encodedDocumentSize(state) == WhiteboardLimits.maxDocumentBytes)

        let full = state
        #expect(throws: RoomError.limitReached("16711680 bytes per board (16711680 used, 4 more asked)")) {
            try state.apply(.pointsAppended(slot: 0, id: id, points: [CanvasPoint(x: 1, y: 1)]))
        }
        #expect(throws: RoomError.limitReached("16711680 bytes per board (16711680 used, 9 more asked)")) {
            try state.apply(.strokeBegan(slot: 0, id: id + 1, color: 1, width: 1))
        }
        #expect(state == full)
        // Committing and moving cost nothing; deleting a shape makes room again.
        try state.apply(.shapeMoved(id: 100, bounds: ShapeBounds(from: CanvasPoint(x: 0, y: 0), to: CanvasPoint(x: 1, y: 1))))
        try state.apply(.shapeDeleted(id: 100))
        try state.apply(.pointsAppended(slot: 0, id: id, points: Array(Self.full.prefix(3))))
        try state.apply(.strokeCommitted(slot: 0, id: id))
        #expect(state.documentBytes == WhiteboardLimits.maxDocumentBytes - 2)
        #expect(encodedDocumentSize(state) == WhiteboardLimits.maxDocumentBytes - 2)
    }

    @Test("through a room, the append that would pass the limit is refused with limitReached to its author")
    func refusedThroughTheRoom() throws {
        var state = WhiteboardState(seed: 1)
        let id = try fill(&state, leaving: 265)
        try state.apply(.strokeBegan(slot: 0, id: id, color: 1, width: 1))   // 9 bytes: 256 left, 64 points
        let snapshot = RoomSnapshot(kind: .whiteboard, logicVersion: 1, roomID: "big", tick: 1, operationSequence: 0,
                                    members: ["alice"], state: state.encodedBytes())
        var room = try Room(restoring: snapshot, logic: WhiteboardLogic())
        #expect(room.state.documentBytes == WhiteboardLimits.maxDocumentBytes - 256)

        let tooMany = WhiteboardInput.appendPoints(id: id, points: Array(Self.full.prefix(65)))
        let receipt = try room.enqueue(tooMany.encodedBytes(), from: "alice")
        let refused = room.advance().output
        #expect(refused.rejections == [
            InputRejection(member: "alice", sequence: receipt,
                           error: .limitReached("16711680 bytes per board (16711424 used, 260 more asked)")),
        ])
        #expect(refused.operations.isEmpty)

        _ = try room.enqueue(WhiteboardInput.appendPoints(id: id, points: Array(Self.full.prefix(64))).encodedBytes(), from: "alice")
        let taken = room.advance().output
        #expect(taken.rejections.isEmpty)
        #expect(taken.operations.count == 1)
        #expect(room.state.documentBytes == WhiteboardLimits.maxDocumentBytes)
    }
}
