import RoomEngine

/// A room being re-simulated chunk by chunk from a stored recording.
///
/// Each chunk goes through ``RoomReplay`` on the room the previous chunk
/// left (never through a snapshot of it: a chunk costs its inputs, not the
/// state's size), so hashes are checked by the engine itself, as the
/// session's ``SessionSummary/stateHashing`` says.
struct Simulation<Logic: RoomLogic> {
    let store: any SessionStore
    let summary: SessionSummary
    let logic: Logic
    private(set) var room: Room<Logic>
    /// The entries of the last chunk (kept to report a divergence precisely).
    private(set) var lastEntries: [TimelineEntry] = []

    /// Starts from `base`, or from the session's seed when `base` is nil.
    init(store: any SessionStore, summary: SessionSummary, logic: Logic, base: RoomSnapshot?) throws(SnapshotStoreError) {
        self.store = store
        self.summary = summary
        self.logic = logic
        if let base {
            do {
                room = try Room(restoring: base, logic: logic)
            } catch {
                throw SessionReplayer.map(error, session: summary.id, fallbackTick: base.tick)
            }
        } else {
            guard summary.startTick == 0 else {
                throw .corruptRecord(session: summary.id, detail: "starts at tick \(summary.startTick) without a snapshot")
            }
            let session = summary.recordedSession
            room = Room(id: session.roomID, logic: logic, config: session.config, seed: session.seed)
        }
    }

    var tick: UInt64 { room.tick }

    /// Replays the recording up to `target`, returning what was applied.
    /// `observe` sees each replayed tick's outputs.
    mutating func advance(
        through target: UInt64, includeTrailing: Bool = false, observe: (RoomAdvance) -> Void = { _ in }
    ) throws(SnapshotStoreError) -> [TimelineEntry] {
        let entries = try store.timeline(of: summary.id, after: room.tick, through: target, includeTrailing: includeTrailing)
        lastEntries = entries
        let first = room.tick + 1
        do {
            try RoomReplay.replay(entries.map(\.recordedEvent), continuing: &room, hashing: summary.stateHashing, observe: observe)
        } catch {
            throw SessionReplayer.map(error, session: summary.id, fallbackTick: first)
        }
        guard room.tick == target else {
            throw .corruptRecord(session: summary.id, detail: "tick \(room.tick + 1) is missing from the store")
        }
        return entries
    }
}
