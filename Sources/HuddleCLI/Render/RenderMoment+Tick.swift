import SnapshotStore

extension RenderMoment {
    /// The tick this moment names in `summary`: an offset counts ticks at
    /// `ticksPerSecond` from the first tick; a wall-clock time is the last
    /// tick recorded at or before it (a binary search over the stored
    /// ticks; before the first tick, the session start).
    func tick(in summary: SessionSummary, store: any SessionStore, ticksPerSecond: Int) throws(SnapshotStoreError) -> UInt64 {
        switch self {
        case .offset(let seconds):
            let ticks = (seconds * Double(max(ticksPerSecond, 1))).rounded()
            return summary.startTick + (ticks >= Double(UInt64.max / 2) ? UInt64.max / 2 : UInt64(ticks))
        case .wallClock(let microseconds):
            var low = summary.startTick
            var high = summary.verifiableEnd
            // Invariant: `low` ran at or before the moment (or is the start); ticks after `high` ran after it.
            while low < high {
                let middle = low + (high - low + 1) / 2
                let recordedAt = try store.ticks(of: summary.id, in: middle...middle).first?.recordedAt ?? Int64.max
                if recordedAt <= microseconds { low = middle } else { high = middle - 1 }
            }
            return low
        }
    }
}
