public import RoomEngine

/// The rules of a collaborative whiteboard room.
///
/// Members get the lowest free slot and a palette colour on join; cursors
/// stream as position deltas; strokes are begun, streamed point by point and
/// committed; shapes are added, moved and deleted; `clear` empties the
/// committed document. Every reliable input becomes one
/// ``WhiteboardOperation`` that is applied to the state and broadcast, or a
/// rejection sent back to its author (the state is then untouched).
///
/// ```swift
/// var room = Room(id: "board-1", logic: WhiteboardLogic(), seed: 1)
/// try room.join("alice")
/// _ = try room.enqueue(WhiteboardInput.beginStroke(id: 1, color: 0x00FF00, width: 4).encodedBytes(),
///                      from: "alice")
/// let operations = room.advance().output.operations   // [strokeBegan]
/// ```
public struct WhiteboardLogic: RoomLogic {
    /// Creates the logic.
    public init() {}

    /// ``RoomKind/whiteboard``.
    public var kind: RoomKind { .whiteboard }
    /// Version 1 of the whiteboard rules.
    public var logicVersion: UInt32 { 1 }
    /// ``WhiteboardLimits/rules``.
    public var rules: RoomRules { WhiteboardLimits.rules }

    /// An empty board with its PRNG seeded from `seed`.
    public func create(config: RoomConfig, seed: UInt64) -> WhiteboardState {
        WhiteboardState(seed: seed)
    }

    /// Refuses only when every slot is taken (capacity is checked by the room).
    public func joinAttempt(state: borrowing WhiteboardState, member: MemberID, metadata: [String: String]) -> JoinDecision {
        state.members.count < WhiteboardLimits.capacity ? .allow : .refuse(reason: "board is full")
    }

    /// Gives the member the lowest free slot and the first unused palette
    /// colour (or a PRNG-drawn one once all are in use).
    public func join(state: consuming WhiteboardState, member: MemberID) -> RoomStep<WhiteboardState, WhiteboardOperation> {
        var slot: UInt16 = 0
        for existing in state.members where existing.slot == slot { slot += 1 }
        let used = Set(state.members.map(\.color))
        let palette = WhiteboardLimits.palette
        let color = palette.first { !used.contains($0) }
            ?? palette[Int(state.draw(below: UInt64(palette.count)))]
        let operation = WhiteboardOperation.memberJoined(slot: slot, member: member, color: color)
        do {
            try state.apply(operation)
        } catch {
            preconditionFailure("join of a new member cannot fail: \(error)")
        }
        return RoomStep(state: state, operations: [operation])
    }

    /// Abandons the member's open strokes, then removes the member.
    public func leave(state: consuming WhiteboardState, member: MemberID) -> RoomStep<WhiteboardState, WhiteboardOperation> {
        guard let slot = state.member(member)?.slot else { return RoomStep(state: state) }
        var operations = state.openStrokes.filter { $0.authorSlot == slot }.map {
            WhiteboardOperation.strokeAbandoned(slot: slot, id: $0.id)
        }
        operations.append(.memberLeft(slot: slot))
        for operation in operations {
            try? state.apply(operation)
        }
        return RoomStep(state: state, operations: operations)
    }

    /// Applies the inputs in order: cursors move, every other input becomes
    /// one operation or one rejection.
    public func tick(
        state: consuming WhiteboardState,
        inputs: [RoomInputEnvelope<WhiteboardInput>],
        tick: UInt64,
        context: TickContext
    ) -> RoomStep<WhiteboardState, WhiteboardOperation> {
        var operations: [WhiteboardOperation] = []
        var rejections: [InputRejection] = []
        for envelope in inputs {
            guard let slot = state.member(envelope.member)?.slot else {
                rejections.append(InputRejection(member: envelope.member, sequence: envelope.sequence,
                                                 error: .notAMember(envelope.member)))
                continue
            }
            if case .cursor(let x, let y) = envelope.input {
                state.moveCursor(of: slot, to: CanvasPoint(x: x, y: y))
                continue
            }
            let operation = Self.operation(for: envelope.input, slot: slot)
            do {
                try state.apply(operation)
                operations.append(operation)
            } catch {
                rejections.append(InputRejection(member: envelope.member, sequence: envelope.sequence, error: error))
            }
        }
        return RoomStep(state: state, operations: operations, rejections: rejections)
    }

    /// Abandons every open stroke so the final document holds only committed work.
    public func terminate(state: consuming WhiteboardState) -> RoomStep<WhiteboardState, WhiteboardOperation> {
        let operations = state.openStrokes.map { WhiteboardOperation.strokeAbandoned(slot: $0.authorSlot, id: $0.id) }
        for operation in operations {
            try? state.apply(operation)
        }
        return RoomStep(state: state, operations: operations)
    }

    /// The operation a reliable input asks for, attributed to `slot`.
    static func operation(for input: WhiteboardInput, slot: UInt16) -> WhiteboardOperation {
        switch input {
        case .cursor:
            preconditionFailure("cursors are not operations")
        case .beginStroke(let id, let color, let width):
            .strokeBegan(slot: slot, id: id, color: color, width: width)
        case .appendPoints(let id, let points):
            .pointsAppended(slot: slot, id: id, points: points)
        case .endStroke(let id):
            .strokeCommitted(slot: slot, id: id)
        case .addShape(let shape):
            .shapeAdded(shape)
        case .moveShape(let id, let bounds):
            .shapeMoved(id: id, bounds: bounds)
        case .deleteShape(let id):
            .shapeDeleted(id: id)
        case .clear:
            .cleared
        }
    }
}
