@testable import RoomClient
import RoomEngine
import WhiteboardRoom

/// A whiteboard room of the engine, in memory: the bytes a server would
/// send, without a network, for the replica's unit tests.
struct EngineRoom {
    var room = Room(id: "whiteboard-1", logic: WhiteboardLogic(), seed: 42)
    /// The `ops` attachments of every tick, in order (what every member receives).
    var batches: [[UInt8]] = []
    /// The deltas of every tick, by recipient.
    var deltas: [MemberID: [[UInt8]]] = [:]
    /// The snapshots joiners received, by joiner.
    var snapshots: [MemberID: RoomSnapshot] = [:]

    /// Joins `member`; its snapshot comes with the next tick.
    mutating func join(_ member: MemberID) throws {
        try room.join(member)
    }

    /// Queues an input of `member`.
    mutating func input(_ input: WhiteboardInput, from member: MemberID) throws {
        _ = try room.enqueue(input.encodedBytes(), from: member)
    }

    /// Runs one tick and keeps what it sent; returns the tick's `ops` attachment, if any.
    @discardableResult
    mutating func tick() -> [UInt8]? {
        let output = room.advance().output
        for snapshot in output.snapshots { snapshots[snapshot.recipient] = snapshot.snapshot }
        for delta in output.deltas { deltas[delta.recipient, default: []].append(delta.bytes) }
        guard !output.operations.isEmpty else { return nil }
        var writer = BinaryWriter()
        for operation in output.operations { operation.encode(into: &writer) }
        batches.append(writer.bytes)
        return writer.bytes
    }

    /// Runs one tick that must produce operations; returns their `ops` attachment.
    mutating func tickWithOperations() throws -> [UInt8] {
        guard let batch = tick() else { throw EngineRoomError.noOperations(tick: room.tick) }
        return batch
    }

    /// The join answer `member` got (after the tick following its join).
    func answer(for member: MemberID) throws -> JoinAnswer {
        guard let snapshot = snapshots[member] else { throw EngineRoomError.noSnapshot(member) }
        return JoinAnswer(
            room: room.id, kind: snapshot.kind, member: member, tickRate: 20, snapshot: snapshot.encodedBytes()
        )
    }

    /// A replica of `member`'s join, applying operations with `WhiteboardState.apply`.
    func replica(for member: MemberID) throws -> RoomReplica<WhiteboardLogic> {
        try RoomReplica(logic: WhiteboardLogic(), answer: answer(for: member), applying: { try $0.apply($1) })
    }
}

enum EngineRoomError: Error {
    case noSnapshot(MemberID)
    case noOperations(tick: UInt64)
}

/// The document part of a whiteboard (what operations carry): members
/// without their cursors, strokes, open strokes, shapes.
struct BoardDocument: Equatable {
    struct Member: Equatable {
        var id: MemberID
        var slot: UInt16
        var color: UInt32
    }

    var members: [Member]
    var strokes: [Stroke]
    var openStrokes: [Stroke]
    var shapes: [Shape]

    init(_ state: WhiteboardState) {
        members = state.members.map { Member(id: $0.id, slot: $0.slot, color: $0.color) }
        strokes = state.strokes
        openStrokes = state.openStrokes
        shapes = state.shapes
    }
}

/// `count` points along a diagonal from `start`.
func points(_ count: Int, from start: UInt16) -> [CanvasPoint] {
    (0..<count).map { CanvasPoint(x: start + UInt16($0), y: start + UInt16($0) * 2) }
}
