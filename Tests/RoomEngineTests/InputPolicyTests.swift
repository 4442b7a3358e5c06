import RoomEngine
import Testing
import WhiteboardRoom

@Suite("Input classes, overflow policy and validation")
struct InputPolicyTests {
    private func board(_ members: [MemberID]) throws -> Room<WhiteboardLogic> {
        var room = Room(id: "board", logic: WhiteboardLogic(), seed: 1)
        for member in members { try room.join(member) }
        _ = room.advance()
        return room
    }

    @Test("cursor inputs are coalesced to the latest per member and never overflow")
    func cursorsCoalesce() throws {
        var room = try board(["alice", "bob"])
        for step in 0..<10_000 {
            _ = try room.enqueue(WhiteboardInput.cursor(x: UInt16(step % 4096), y: 7).encodedBytes(), from: "alice")
        }
        _ = try room.enqueue(WhiteboardInput.cursor(x: 1, y: 2).encodedBytes(), from: "bob")
        #expect(room.queuedVolatileInputs == 2)
        let advance = room.advance()
        #expect(advance.inputs.count == 2, "only the latest cursor per member reaches the tick")
        #expect(room.state.member("alice")?.cursor == CanvasPoint(x: UInt16(9999 % 4096), y: 7))
        #expect(room.state.member("bob")?.cursor == CanvasPoint(x: 1, y: 2))
    }

    @Test("reliable inputs beyond the member bound are refused with an error, nothing queued is lost")
    func memberBoundRefuses() throws {
        var room = try board(["alice", "bob"])
        let limit = WhiteboardLimits.rules.memberReliableQueueLimit
        var receipts: [UInt64] = []
        for id in 0..<limit {
            let shape = Shape(id: UInt32(id), kind: .rectangle, bounds: ShapeBounds(from: .init(x: 0, y: 0), to: .init(x: 9, y: 9)), color: 1)
            receipts.append(try room.enqueue(WhiteboardInput.addShape(shape).encodedBytes(), from: "alice"))
        }
        #expect(throws: RoomError.memberInputQueueFull(limit: limit)) {
            try room.enqueue(WhiteboardInput.clear.encodedBytes(), from: "alice")
        }
        // Another member is not starved by the flood.
        _ = try room.enqueue(WhiteboardInput.beginStroke(id: 1, color: 0, width: 2).encodedBytes(), from: "bob")
        #expect(receipts == receipts.sorted())

        let output = room.advance().output
        #expect(output.operations.count == limit + 1)
        #expect(room.state.shapes.count == limit)
        #expect(output.rejections.isEmpty)
        // The queue drained, so the member may send again.
        _ = try room.enqueue(WhiteboardInput.clear.encodedBytes(), from: "alice")
    }

    @Test("reliable inputs beyond the room bound are refused for everyone")
    func roomBoundRefuses() throws {
        let members = (0..<WhiteboardLimits.capacity).map { MemberID("m\($0)") }
        var room = try board(members)
        let roomLimit = WhiteboardLimits.rules.roomReliableQueueLimit
        var accepted = 0
        var refusals: [RoomError] = []
        for round in 0..<40 {
            for member in members {
                let input = WhiteboardInput.deleteShape(id: UInt32(round)).encodedBytes()
                do {
                    _ = try room.enqueue(input, from: member)
                    accepted += 1
                } catch {
                    refusals.append(error)
                }
            }
        }
        #expect(accepted == roomLimit)
        #expect(refusals.count == 40 * members.count - roomLimit)
        #expect(refusals.allSatisfy { $0 == .roomInputQueueFull(limit: roomLimit) })
        #expect(room.queuedReliableInputs == roomLimit)
    }

    @Test("inputs from different members reach the tick in arrival order")
    func arrivalOrder() throws {
        var room = try board(["a", "b", "c"])
        let senders: [MemberID] = ["b", "a", "c", "a", "b"]
        for (index, sender) in senders.enumerated() {
            let shape = Shape(id: UInt32(index), kind: .line, bounds: ShapeBounds(from: .init(x: 1, y: 1), to: .init(x: 2, y: 2)), color: 0)
            _ = try room.enqueue(WhiteboardInput.addShape(shape).encodedBytes(), from: sender)
        }
        let advance = room.advance()
        #expect(advance.inputs.map(\.member) == senders)
        let ids = try advance.output.operations.map { operation -> UInt32 in
            guard case .shapeAdded(let shape) = try WhiteboardOperation(decoding: operation.payload) else { return .max }
            return shape.id
        }
        #expect(ids == [0, 1, 2, 3, 4])
        #expect(advance.output.operations.map(\.sequence) == [4, 5, 6, 7, 8], "three joins came first")
    }

    @Test("malformed, oversized and unknown inputs are refused and leave the room undisturbed")
    func badInputsRefused() throws {
        var room = try board(["alice"])
        let hashBefore = room.stateHash

        #expect(throws: RoomError.malformed("unknown whiteboard input tag 99")) { try room.enqueue([99], from: "alice") }
        #expect(throws: RoomError.truncated) { try room.enqueue([0x01, 0x10], from: "alice") }
        #expect(throws: RoomError.truncated) { try room.enqueue([], from: "alice") }
        #expect(throws: RoomError.outOfRange("point (5000, 1) off the canvas")) {
            try room.enqueue(WhiteboardInput.cursor(x: 5000, y: 1).encodedBytes(), from: "alice")
        }
        #expect(throws: RoomError.outOfRange("stroke width 0")) {
            try room.enqueue(WhiteboardInput.beginStroke(id: 1, color: 0, width: 0).encodedBytes(), from: "alice")
        }
        #expect(throws: RoomError.outOfRange("colour 16777216")) {
            try room.enqueue(WhiteboardInput.beginStroke(id: 1, color: 0x100_0000, width: 1).encodedBytes(), from: "alice")
        }
        let tooMany = (0...WhiteboardLimits.maxPointsPerAppend).map { _ in CanvasPoint(x: 1, y: 1) }
        #expect(throws: RoomError.limitReached("257 points > 256")) {
            try room.enqueue(WhiteboardInput.appendPoints(id: 1, points: tooMany).encodedBytes(), from: "alice")
        }
        let huge = [UInt8](repeating: 0x08, count: WhiteboardLimits.maxInputBytes + 1)
        #expect(throws: RoomError.inputTooLarge(size: huge.count, limit: WhiteboardLimits.maxInputBytes)) {
            try room.enqueue(huge, from: "alice")
        }
        #expect(throws: RoomError.notAMember("mallory")) {
            try room.enqueue(WhiteboardInput.clear.encodedBytes(), from: "mallory")
        }
        #expect(throws: RoomError.malformed("empty point run")) {
            try room.enqueue(WhiteboardInput.appendPoints(id: 1, points: []).encodedBytes(), from: "alice")
        }

        #expect(room.queuedReliableInputs == 0)
        #expect(room.queuedVolatileInputs == 0)
        let output = room.advance().output
        #expect(output.operations.isEmpty)
        #expect(room.stateHash == hashBefore)
    }

    @Test("inputs queued by a member who leaves before the tick are discarded with it")
    func leaverInputsDiscarded() throws {
        var room = try board(["alice", "bob"])
        _ = try room.enqueue(WhiteboardInput.clear.encodedBytes(), from: "alice")
        _ = try room.enqueue(WhiteboardInput.cursor(x: 1, y: 1).encodedBytes(), from: "alice")
        try room.leave("alice")
        #expect(room.queuedReliableInputs == 0)
        #expect(room.queuedVolatileInputs == 0)
    }
}
