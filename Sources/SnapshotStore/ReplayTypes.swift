import RoomEngine

/// A room being re-simulated chunk by chunk from a stored recording.
///
/// Each chunk goes through ``RoomReplay`` from the previous chunk's
/// snapshot, so hashes are checked by the engine itself.
struct Simulation<Logic: RoomLogic> {
    let store: SessionStore
    let summary: SessionSummary
    let logic: Logic
    private(set) var room: Room<Logic>
    /// The entries of the last chunk (kept to report a divergence precisely).
    private(set) var lastEntries: [TimelineEntry] = []

    /// Starts from `base`, or from the session's seed when `base` is nil.
    init(store: SessionStore, summary: SessionSummary, logic: Logic, base: RoomSnapshot?) throws(SnapshotStoreError) {
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
    mutating func advance(through target: UInt64, includeTrailing: Bool = false) throws(SnapshotStoreError) -> [TimelineEntry] {
        let entries = try store.timeline(of: summary.id, after: room.tick, through: target, includeTrailing: includeTrailing)
        lastEntries = entries
        do {
            room = try RoomReplay.replay(entries.map(\.recordedEvent), from: room.snapshot(), logic: logic)
        } catch {
            throw SessionReplayer.map(error, session: summary.id, fallbackTick: room.tick + 1)
        }
        guard room.tick == target else {
            throw .corruptRecord(session: summary.id, detail: "tick \(room.tick + 1) is missing from the store")
        }
        return entries
    }
}

extension SessionSummary {
    /// The last tick a replay can trust: the last stored tick, or the tick
    /// before the gap.
    public var verifiableEnd: UInt64 {
        guard let gap = gapFromTick else { return lastTick }
        return min(lastTick, max(gap, 1) - 1)
    }
}

/// What ``SessionReplayer/verify(_:progress:)`` proved.
public struct VerificationReport: Equatable, Sendable {
    /// The session, as it was when verification started.
    public var session: SessionSummary
    /// The first tick re-simulated.
    public var firstTick: UInt64
    /// The last tick re-simulated (before a gap, or the last committed one).
    public var lastTick: UInt64
    /// Ticks whose hashes matched.
    public var verifiedTicks: UInt64
    /// Stored snapshots whose hashes matched.
    public var snapshotsChecked: Int
    /// Whether the room's reported final hash was compared too.
    public var finalHashChecked: Bool
    /// The hash after the last tick.
    public var finalStateHash: UInt64

    /// True when the recording is whole: ended, no gap.
    public var isComplete: Bool { session.status == .ended && session.gapFromTick == nil }
}

/// What ``SessionReplayer/replay(_:from:through:visitChunkTicks:visit:)`` did.
public struct ReplayReport: Equatable, Sendable {
    /// The session.
    public var session: SessionSummary
    /// The tick of the snapshot the replay started from (the session's start tick without one).
    public var baseTick: UInt64
    /// The first tick visited.
    public var firstTick: UInt64
    /// The last tick visited.
    public var lastTick: UInt64
    /// How many ticks were visited.
    public var visitedTicks: UInt64
    /// The state hash after the last visited tick.
    public var finalStateHash: UInt64
}

/// One visited entry of a replay, with its inputs decoded for people.
public struct ReplayStep: Sendable {
    /// The join, leave or tick.
    public var entry: TimelineEntry
    /// For a tick: each input decoded by the session's logic, in batch order
    /// (long values are cut at 120 characters).
    public var inputDescriptions: [String]

    init(_ entry: TimelineEntry, kind: RoomKindEntry) {
        self.entry = entry
        if case .tick(let stored) = entry {
            inputDescriptions = stored.tick.inputs.map { kind.describeInput($0.bytes) }
        } else {
            inputDescriptions = []
        }
    }
}
