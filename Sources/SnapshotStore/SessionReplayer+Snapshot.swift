public import RoomEngine

extension SessionReplayer {
    /// The room as it was after `tick`: re-simulated from the newest stored
    /// snapshot at or before it (so a frame of an hour-long session costs at
    /// most one snapshot interval of ticks), every hash checked on the way.
    /// `tick` is clamped to the session's trustworthy range (the session
    /// start … ``SessionSummary/verifiableEnd``).
    ///
    /// ```swift
    /// let snapshot = try replayer.snapshot(of: 12, at: 1_200)
    /// let picture = try kinds.entry(for: snapshot.kind)?.render(snapshot)
    /// ```
    public func snapshot(of id: RecordedSessionID, at tick: UInt64) throws(SnapshotStoreError) -> RoomSnapshot {
        let summary = try store.summary(of: id)
        return try snapshot(summary, logic: try entry(recording: summary).logic, at: tick)
    }

    private func snapshot<Logic: RoomLogic>(
        _ summary: SessionSummary, logic: Logic, at tick: UInt64
    ) throws(SnapshotStoreError) -> RoomSnapshot {
        let target = min(max(tick, summary.startTick), summary.verifiableEnd)
        let base = try store.snapshot(of: summary.id, atOrBefore: target)
        var simulation = try Simulation(store: store, summary: summary, logic: logic, base: base)
        while simulation.tick < target {
            _ = try simulation.advance(through: min(simulation.tick + chunkTicks, target))
        }
        return simulation.room.snapshot()
    }

    /// Re-simulates the whole session (every hash checked) and calls
    /// `visit` with each tick and the number of operations it produced.
    ///
    /// ```swift
    /// var total = 0
    /// try replayer.operations(of: 12) { _, count in total += count }
    /// ```
    public func operations(
        of id: RecordedSessionID, visit: (_ tick: UInt64, _ operations: Int) -> Void
    ) throws(SnapshotStoreError) {
        let summary = try store.summary(of: id)
        try operations(summary, logic: try entry(recording: summary).logic, visit: visit)
    }

    private func operations<Logic: RoomLogic>(
        _ summary: SessionSummary, logic: Logic, visit: (UInt64, Int) -> Void
    ) throws(SnapshotStoreError) {
        let end = summary.verifiableEnd
        let base = summary.startTick > 0 ? try store.snapshot(of: summary.id, atOrBefore: summary.startTick) : nil
        var simulation = try Simulation(store: store, summary: summary, logic: logic, base: base)
        while simulation.tick < end {
            _ = try simulation.advance(through: min(simulation.tick + chunkTicks, end)) { advance in
                visit(advance.output.tick, advance.output.operations.count)
            }
        }
    }
}
