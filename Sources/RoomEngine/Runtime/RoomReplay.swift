/// Re-runs a recording and proves it reproduces the recorded states.
///
/// This is the consumer side of ``RoomRecorder``: it re-creates the room
/// from the session (or a snapshot), applies joins, leaves and each tick's
/// recorded batch in order, and compares every tick's state hash (the one
/// the session's ``RecordedSession/stateHashing`` names) with the recorded
/// one. Recordings made by another logic version are refused, because the
/// same inputs could legitimately produce different states.
///
/// ```swift
/// let room = try RoomReplay.replay(events, session: session, logic: CounterLogic())
/// room.stateHash(session.stateHashing)   // equals the live room's final hash
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
        try apply(events, to: &room, hashing: session.stateHashing)
        return room
    }

    /// Replays the `events` that follow `snapshot` (ticks up to the
    /// snapshot's tick are skipped, so a full event list may be passed),
    /// comparing the tick hashes as `hashing` (the session's) says.
    public static func replay<Logic: RoomLogic>(
        _ events: [RecordedEvent],
        from snapshot: RoomSnapshot,
        logic: Logic,
        hashing: StateHashing = .fingerprint
    ) throws(RoomError) -> Room<Logic> {
        try replay(events, from: snapshot, logic: logic, hashing: hashing) { _ in }
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
        hashing: StateHashing = .fingerprint,
        observe: (RoomAdvance) -> Void
    ) throws(RoomError) -> Room<Logic> {
        var room = try Room(restoring: snapshot, logic: logic)
        var remaining = events[...]
        if let index = events.lastIndex(where: { if case .tick(let tick) = $0 { tick.tick == snapshot.tick } else { false } }) {
            remaining = events[(index + 1)...]
        }
        try apply(Array(remaining), to: &room, hashing: hashing, observe: observe)
        return room
    }

    /// Replays `events` on `room` as it stands (the ticks must follow its
    /// tick): a long recording replayed in chunks without a snapshot of the
    /// room between them, so each chunk costs its inputs, not the state's
    /// size. On a divergence `room` is left at the tick that diverged.
    ///
    /// ```swift
    /// var room = try RoomReplay.replay(firstHalf, session: session, logic: logic)
    /// try RoomReplay.replay(secondHalf, continuing: &room, hashing: session.stateHashing) { _ in }
    /// ```
    public static func replay<Logic: RoomLogic>(
        _ events: [RecordedEvent],
        continuing room: inout Room<Logic>,
        hashing: StateHashing,
        observe: (RoomAdvance) -> Void
    ) throws(RoomError) {
        try apply(events, to: &room, hashing: hashing, observe: observe)
    }

    private static func apply<Logic: RoomLogic>(
        _ events: [RecordedEvent], to room: inout Room<Logic>, hashing: StateHashing,
        observe: (RoomAdvance) -> Void = { _ in }
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
                let hash = room.stateHash(hashing)
                guard hash == recorded.stateHash else {
                    throw .replayDiverged(tick: recorded.tick, expected: recorded.stateHash, found: hash)
                }
                observe(advance)
            }
        }
    }
}
