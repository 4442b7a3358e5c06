public import RoomEngine

/// Re-simulates stored sessions with ``RoomReplay``: verification of every
/// recorded hash, timelines from the nearest snapshot, states on demand.
///
/// The replayer reads the recording chunk by chunk (a few thousand ticks),
/// hands each chunk to ``RoomReplay`` starting from the previous chunk's
/// room, and so never holds a whole hour-long session in memory. Sessions
/// that are incomplete (crashed) or have a gap are re-run up to their last
/// trustworthy tick.
///
/// ```swift
/// let replayer = SessionReplayer(store: try SQLiteSessionStore.open(path: "huddle.sqlite"), kinds: .builtIn)
/// let report = try replayer.verify(42) { done, total in showProgress(done, total) }
/// print("verified ticks \(report.firstTick)…\(report.lastTick)")
/// ```
public struct SessionReplayer: Sendable {
    /// Where recordings come from.
    public let store: any SessionStore
    /// The kinds replays may use: a recording replays with the entry of its
    /// kind at its logic version.
    public let kinds: RoomKindCatalog
    /// Ticks re-simulated per chunk while verifying or fast-forwarding.
    public var chunkTicks: UInt64

    /// Creates a replayer.
    public init(store: any SessionStore, kinds: RoomKindCatalog, chunkTicks: UInt64 = 4_096) {
        self.store = store
        self.kinds = kinds
        self.chunkTicks = max(chunkTicks, 1)
    }

    /// Re-simulates the whole session and compares every recorded tick
    /// hash, every stored snapshot and the final hash.
    ///
    /// The session is cut at its stored snapshots into segments that run in
    /// parallel (one per core): segment *k* starts from the snapshot that
    /// segment *k − 1* must reproduce exactly at its last tick, so the chain
    /// from the seed to the last tick is checked as a whole, tick by tick.
    ///
    /// - Parameter progress: called after each chunk with ticks done and
    ///   total, from the worker threads, one call at a time.
    /// - Throws: ``SnapshotStoreError/diverged(session:tick:expected:found:)``
    ///   naming the first tick that differs, ``SnapshotStoreError/unsupportedLogic(kind:version:available:)``,
    ///   or a store error.
    public func verify(
        _ id: RecordedSessionID, progress: @Sendable (_ done: UInt64, _ total: UInt64) -> Void = { _, _ in }
    ) throws(SnapshotStoreError) -> VerificationReport {
        let summary = try store.summary(of: id)
        return try verify(summary, logic: try entry(recording: summary).logic, progress: progress)
    }

    private func verify<Logic: RoomLogic>(
        _ summary: SessionSummary, logic: Logic, progress: @Sendable (UInt64, UInt64) -> Void
    ) throws(SnapshotStoreError) -> VerificationReport {
        let snapshots = try store.snapshots(of: summary.id)
        let verification = SegmentedVerification(
            store: store, summary: summary, logic: logic, snapshotTicks: snapshots.map(\.tick), chunkTicks: chunkTicks
        )
        return try verification.run(progress: progress)
    }

    /// Re-simulates ticks `from…through` starting at the nearest stored
    /// snapshot before them, and calls `visit` for every join, leave and
    /// tick in that range, in order, after its chunk's hashes matched.
    ///
    /// If a tick diverges, the entries before it are visited, then the
    /// divergence is thrown. Bounds default to the session's first and last
    /// trustworthy ticks and are clamped to them.
    public func replay(
        _ id: RecordedSessionID, from: UInt64? = nil, through: UInt64? = nil, visitChunkTicks: UInt64 = 64,
        visit: (ReplayStep) -> Void
    ) throws(SnapshotStoreError) -> ReplayReport {
        let summary = try store.summary(of: id)
        let kind = try entry(recording: summary)
        return try replay(summary, kind: kind, logic: kind.logic, from: from, through: through,
                          chunk: max(visitChunkTicks, 1), visit: visit)
    }

    private func replay<Logic: RoomLogic>(
        _ summary: SessionSummary, kind: RoomKindEntry, logic: Logic, from: UInt64?, through: UInt64?, chunk: UInt64,
        visit: (ReplayStep) -> Void
    ) throws(SnapshotStoreError) -> ReplayReport {
        let end = summary.verifiableEnd
        let first = max(from ?? summary.startTick + 1, summary.startTick + 1)
        let last = min(through ?? end, end)
        let base = try store.snapshot(of: summary.id, atOrBefore: max(first, 1) - 1)
        var simulation = try Simulation(store: store, summary: summary, logic: logic, base: base)
        let baseTick = simulation.tick
        while simulation.tick + 1 < first, simulation.tick < last {
            _ = try simulation.advance(through: min(simulation.tick + chunkTicks, first - 1))
        }
        var visited: UInt64 = 0
        while simulation.tick < last {
            let target = min(simulation.tick + chunk, last)
            let trailing = target == summary.lastTick && summary.status == .ended && summary.gapFromTick == nil
            do {
                let entries = try simulation.advance(through: target, includeTrailing: trailing)
                for entry in entries { visit(ReplayStep(entry, kind: kind)) }
                visited += UInt64(entries.count(where: { if case .tick = $0 { true } else { false } }))
            } catch {
                if case .diverged(_, let tick, _, _) = error {
                    for entry in simulation.lastEntries {
                        if case .tick(let stored) = entry, stored.tick.tick >= tick { break }
                        visit(ReplayStep(entry, kind: kind))
                    }
                }
                throw error
            }
        }
        return ReplayReport(session: summary, baseTick: baseTick, firstTick: first, lastTick: last,
                            visitedTicks: visited, finalStateHash: simulation.room.stateHash(summary.stateHashing))
    }

    /// Re-simulates the session from its start and hands over the room's
    /// snapshot every `every` ticks and at the last trustworthy tick.
    public func states(
        _ id: RecordedSessionID, every: UInt64, visit: (RoomSnapshot) -> Void
    ) throws(SnapshotStoreError) {
        let summary = try store.summary(of: id)
        try states(summary, logic: try entry(recording: summary).logic, every: max(every, 1), visit: visit)
    }

    private func states<Logic: RoomLogic>(
        _ summary: SessionSummary, logic: Logic, every: UInt64, visit: (RoomSnapshot) -> Void
    ) throws(SnapshotStoreError) {
        let end = summary.verifiableEnd
        let base = summary.startTick > 0 ? try store.snapshot(of: summary.id, atOrBefore: summary.startTick) : nil
        var simulation = try Simulation(store: store, summary: summary, logic: logic, base: base)
        while simulation.tick < end {
            let nextMultiple = (simulation.tick / every + 1) * every
            _ = try simulation.advance(through: min(nextMultiple, end))
            visit(simulation.room.snapshot())
        }
    }

    /// The entry `summary` was recorded with, or
    /// ``SnapshotStoreError/unsupportedLogic(kind:version:available:)``.
    public func entry(recording summary: SessionSummary) throws(SnapshotStoreError) -> RoomKindEntry {
        guard let entry = kinds.entry(for: summary.kind, version: summary.logicVersion) else {
            throw .unsupportedLogic(kind: summary.kind, version: summary.logicVersion, available: kinds.versions(of: summary.kind))
        }
        return entry
    }

    /// The one mapping from replay errors to store errors.
    static func map(_ error: RoomError, session: RecordedSessionID, fallbackTick: UInt64) -> SnapshotStoreError {
        switch error {
        case .replayDiverged(let tick, let expected, let found):
            .diverged(session: session, tick: tick, expected: expected, found: found)
        case .unsupportedLogicVersion(let kind, let version):
            .unsupportedLogic(kind: kind, version: version, available: [])
        case .kindMismatch(_, let found):
            .corruptRecord(session: session, detail: "snapshot of another kind (\(found))")
        default:
            .replayFailed(session: session, tick: fallbackTick, error: error)
        }
    }
}
