@testable import RoomClient
import RoomEngine
import Testing
import WhiteboardRoom
import ArenaRoom

/// The replica on the bytes of the engine's own room, without a network:
/// the snapshot adopted, operations in sequence, a late joiner rebuilding
/// the document, and the refusals.
@Suite("Room replica (no network)")
struct ReplicaTests {
    @Test("a join answer's snapshot becomes the state, the operation sequence and the mirror's first table")
    func adoptsTheSnapshot() throws {
        var engine = EngineRoom()
        try engine.join("alice")
        try engine.input(.cursor(x: 10, y: 20), from: "alice")
        engine.tick()
        try engine.input(.cursor(x: 30, y: 40), from: "alice")
        engine.tick()
        try engine.join("bob")
        engine.tick()
        let replica = try engine.replica(for: "bob")
        let snapshot = try #require(engine.snapshots["bob"])
        #expect(replica.membership.member == "bob" && replica.membership.room == "whiteboard-1")
        #expect(replica.membership.snapshot == snapshot)
        #expect(replica.operationSequence == snapshot.operationSequence)
        #expect(replica.state == engine.room.state)
        #expect(replica.positions.tick == snapshot.tick)
        #expect(replica.positions.table[0] == PositionEntry(id: 0, x: 30, y: 40))
    }

    @Test("operations apply in sequence, once: a late joiner's replica rebuilds the server's document")
    func operationsInSequence() throws {
        var engine = EngineRoom()
        try engine.join("alice")
        try engine.input(.beginStroke(id: 1, color: 0x3366FF, width: 3), from: "alice")
        try engine.input(.appendPoints(id: 1, points: points(5, from: 10)), from: "alice")
        engine.tick()
        try engine.join("bob")
        let joinTick = try engine.tickWithOperations()     // bob's snapshot, and his join operation
        var bob = try engine.replica(for: "bob")
        var applied = bob.receiveOperations(joinTick)
        for step in 0..<5 {
            try engine.input(.appendPoints(id: 1, points: points(3, from: UInt16(100 + step * 10))), from: "alice")
            try engine.input(.addShape(Shape(id: UInt32(step), kind: .rectangle,
                                             bounds: ShapeBounds(from: CanvasPoint(x: 1, y: 1), to: CanvasPoint(x: 9, y: 9)),
                                             color: 0x22AA22)), from: "bob")
            if let batch = engine.tick() {
                applied += bob.receiveOperations(batch)
                #expect(bob.receiveOperations(batch).isEmpty, "a batch received twice applies nothing")
            }
        }
        try engine.input(.endStroke(id: 1), from: "alice")
        applied += bob.receiveOperations(try engine.tickWithOperations())

        #expect(bob.failure == nil)
        #expect(applied.map(\.sequence) == Array((bob.membership.snapshot.operationSequence + 1)...engine.room.operationSequence))
        #expect(bob.operationSequence == engine.room.operationSequence)
        #expect(BoardDocument(bob.state) == BoardDocument(engine.room.state))
        #expect(bob.state.strokes.first?.points.count == 20)
        #expect(bob.snapshotState.strokes.isEmpty, "the snapshot's state stays as it came")
        #expect(bob.statistics.operationsIgnored > 0)
    }

    @Test("a gap in the sequence stops the replica with protocolViolation; what came before it is applied")
    func gapStopsTheReplica() throws {
        var engine = EngineRoom()
        try engine.join("alice")
        engine.tick()
        var alice = try engine.replica(for: "alice")
        var batches: [[UInt8]] = []
        for id in 1...3 {
            try engine.input(.deleteShape(id: 99), from: "alice")  // refused: no operation
            try engine.input(.addShape(Shape(id: UInt32(id), kind: .ellipse,
                                             bounds: ShapeBounds(from: CanvasPoint(x: 0, y: 0), to: CanvasPoint(x: 5, y: 5)),
                                             color: 1)), from: "alice")
            batches.append(try engine.tickWithOperations())
        }
        #expect(alice.receiveOperations(batches[0]).count == 1)
        #expect(alice.receiveOperations(batches[2]).isEmpty)
        #expect(alice.failure?.code == .protocolViolation)
        #expect(alice.receiveOperations(batches[1]).isEmpty, "a stopped replica applies nothing more")
        #expect(alice.state.shapes.map(\.id) == [1])
    }

    @Test("a kind with member views leaves out what is not meant for a member: a skipped sequence is taken in order")
    func memberViewsSkipSequences() throws {
        var engine = EngineRoom()
        try engine.join("alice")
        engine.tick()
        var alice = try RoomReplica(logic: WhiteboardVariant(version: 1, hasMemberViews: true),
                                    answer: engine.answer(for: "alice"), applying: { try $0.apply($1) })
        var batches: [[UInt8]] = []
        for id in 1...3 {
            try engine.input(.addShape(Shape(id: UInt32(id), kind: .ellipse,
                                             bounds: ShapeBounds(from: CanvasPoint(x: 0, y: 0), to: CanvasPoint(x: 5, y: 5)),
                                             color: 1)), from: "alice")
            batches.append(try engine.tickWithOperations())
        }
        #expect(alice.receiveOperations(batches[0]).count == 1)
        #expect(alice.receiveOperations(batches[2]).count == 1, "the second was not meant for alice")
        #expect(alice.failure == nil)
        #expect(alice.receiveOperations(batches[1]).isEmpty, "an older sequence is a repeat")
        #expect(alice.state.shapes.map(\.id) == [1, 3])
        #expect(alice.operationSequence == engine.room.operationSequence)
    }

    @Test("an operation the applier refuses stops the replica too")
    func applierRefusal() throws {
        var engine = EngineRoom()
        try engine.join("alice")
        engine.tick()
        var alice = try RoomReplica(logic: WhiteboardLogic(), answer: engine.answer(for: "alice"),
                                    applying: { _, _ in throw RoomError.unknownElement("test") })
        try engine.input(.clear, from: "alice")
        _ = alice.receiveOperations(try engine.tickWithOperations())
        #expect(alice.failure?.code == .protocolViolation)
        #expect(alice.operationSequence == alice.membership.snapshot.operationSequence)
    }

    @Test("without an applier, the state stays the snapshot's and the operations still come, decoded")
    func withoutApplier() throws {
        var engine = EngineRoom()
        try engine.join("alice")
        engine.tick()
        var alice = try RoomReplica(logic: WhiteboardLogic(), answer: engine.answer(for: "alice"), applying: nil)
        try engine.input(.beginStroke(id: 4, color: 0xFF0000, width: 2), from: "alice")
        let applied = alice.receiveOperations(try engine.tickWithOperations())
        #expect(applied.map(\.operation) == [.strokeBegan(slot: 0, id: 4, color: 0xFF0000, width: 2)])
        #expect(alice.state.openStrokes.isEmpty)
    }

    @Test("a room of another kind, or another logic version, is refused: kindMismatch")
    func kindMismatch() throws {
        var engine = EngineRoom()
        try engine.join("alice")
        engine.tick()
        let answer = try engine.answer(for: "alice")
        #expect(throws: RoomClientError.self) {
            _ = try RoomReplica(logic: ArenaLogic(), answer: answer, applying: nil)
        }
        do throws(RoomClientError) {
            _ = try RoomReplica(logic: WhiteboardVersion2(), answer: answer, applying: nil)
            Issue.record("a version 1 room accepted by a version 2 client")
        } catch {
            #expect(error.code == .kindMismatch)
        }
        var garbage = answer
        garbage.snapshot = [0x01, 0x02]
        do throws(RoomClientError) {
            _ = try RoomReplica(logic: WhiteboardLogic(), answer: garbage, applying: nil)
        } catch {
            #expect(error.code == .protocolViolation)
        }
    }
}

/// The whiteboard under another logic version (2 by default), or claiming member views.
typealias WhiteboardVersion2 = WhiteboardVariant

/// The whiteboard's rules under another version number (a client built
/// for rules the server does not run), or claiming member views.
struct WhiteboardVariant: RoomLogic {
    let base = WhiteboardLogic()
    var version: UInt32 = 2
    /// Claims member views (each member's view is the whole board).
    var hasMemberViews = false
    var kind: RoomKind { base.kind }
    var logicVersion: UInt32 { version }
    var rules: RoomRules { base.rules }
    func create(config: RoomConfig, seed: UInt64) -> WhiteboardState { base.create(config: config, seed: seed) }
    func joinAttempt(state: borrowing WhiteboardState, member: MemberID, metadata: [String: String]) -> JoinDecision {
        base.joinAttempt(state: state, member: member, metadata: metadata)
    }
    func join(state: consuming WhiteboardState, member: MemberID) -> RoomStep<WhiteboardState, WhiteboardOperation> {
        base.join(state: state, member: member)
    }
    func leave(state: consuming WhiteboardState, member: MemberID) -> RoomStep<WhiteboardState, WhiteboardOperation> {
        base.leave(state: state, member: member)
    }
    func tick(state: consuming WhiteboardState, inputs: [RoomInputEnvelope<WhiteboardInput>], tick: UInt64,
              context: TickContext) -> RoomStep<WhiteboardState, WhiteboardOperation> {
        base.tick(state: state, inputs: inputs, tick: tick, context: context)
    }
    func terminate(state: consuming WhiteboardState) -> RoomStep<WhiteboardState, WhiteboardOperation> {
        base.terminate(state: state)
    }
}
