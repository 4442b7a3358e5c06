import RoomEngine

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
