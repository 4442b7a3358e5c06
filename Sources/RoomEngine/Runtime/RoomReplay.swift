/// Re-runs a recording and proves it reproduces the recorded states.
///
/// This is the consumer side of ``RoomRecorder``: it re-creates the room
/// from the session (or a snapshot), applies joins, leaves and each tick's
/// recorded batch in order, and compares every tick's state hash with the
/// recorded one. Recordings made by another logic version are refused,
/// because the same inputs could legitimately produce different states.
///
/// ```swift
/// let room = try RoomReplay.replay(events, session: session, logic: CounterLogic())
/// room.stateHash   // equals the live room's final hash
/// ```
public enum RoomReplay {
    /// Replays `events` from the start of `session`.
    public static func replay<Logic: RoomLogic>(
        _ events: [RecordedEvent],
        session: RecordedSession,
        logic: Logic
    ) throws(RoomError) -> Room<Logic> {
        guard session.kind == logic.kind else { throw .kindMismatch(expected: logic.kind, found: session.kind) }
        guard session.logicVersion == logic.logicVersion else {
            throw .unsupportedLogicVersion(kind: session.kind, version: session.logicVersion)
        }
        var room = Room(id: session.roomID, logic: logic, config: session.config, seed: session.seed)
        try apply(events, to: &room)
        return room
    }

    /// Replays the `events` that follow `snapshot` (ticks up to the
    /// snapshot's tick are skipped, so a full event list may be passed).
    public static func replay<Logic: RoomLogic>(
        _ events: [RecordedEvent],
        from snapshot: RoomSnapshot,
        logic: Logic
    ) throws(RoomError) -> Room<Logic> {
        try replay(events, from: snapshot, logic: logic) { _ in }
    }

    /// ``replay(_:from:logic:)``, handing `observe` what each replayed tick
    /// produced (its operations, deltas, rejections) after its hash matched:
    /// what `huddle show --timeline` counts operations with.
    ///
    /// ```swift
    /// var operations = 0
    /// _ = try RoomReplay.replay(events, from: snapshot, logic: logic) { operations += $0.output.operations.count }
    /// ```
    public static func replay<Logic: RoomLogic>(
        _ events: [RecordedEvent],
        from snapshot: RoomSnapshot,
        logic: Logic,
        observe: (RoomAdvance) -> Void
    ) throws(RoomError) -> Room<Logic> {
        var room = try Room(restoring: snapshot, logic: logic)
        var remaining = events[...]
        if let index = events.lastIndex(where: { if case .tick(let tick) = $0 { tick.tick == snapshot.tick } else { false } }) {
            remaining = events[(index + 1)...]
        }
        try apply(Array(remaining), to: &room, observe: observe)
        return room
    }

    private static func apply<Logic: RoomLogic>(
        _ events: [RecordedEvent], to room: inout Room<Logic>, observe: (RoomAdvance) -> Void = { _ in }
    ) throws(RoomError) {
        for event in events {
            switch event {
            case .joined(let member, let metadata):
                try room.join(member, metadata: metadata)
            case .left(let member):
                try room.leave(member)
            case .away, .back:
                break  // the logic never sees a member's connection: nothing to re-run
            case .tick(let recorded):
                guard recorded.tick == room.tick + 1 else {
                    throw .malformed("recording jumps from tick \(room.tick) to \(recorded.tick)")
                }
                let advance = try room.advance(replaying: recorded.inputs)
                let hash = room.stateHash
                guard hash == recorded.stateHash else {
                    throw .replayDiverged(tick: recorded.tick, expected: recorded.stateHash, found: hash)
                }
                observe(advance)
            }
        }
    }
}
