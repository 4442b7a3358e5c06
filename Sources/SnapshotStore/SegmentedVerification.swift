import Dispatch
import RoomEngine
import Synchronization

/// ``SessionReplayer/verify(_:progress:)`` in segments between stored
/// snapshots, re-simulated in parallel.
///
/// Segments are `[start, s₁], [s₁, s₂], …, [sₖ, end]` for the stored
/// snapshot ticks `sᵢ`. The first starts from the seed (or the session's
/// start snapshot), every other one from the stored snapshot at its first
/// tick; each must reproduce, at its last tick, the stored snapshot there
/// byte for byte, which is what chains the segments into one proof. Every
/// tick's hash is checked by ``RoomReplay`` inside each segment. The first
/// failing segment (lowest ticks) decides the error, so the reported tick
/// is the first divergence whatever order the workers finish in.
///
/// Ownership: the segments' shared results and progress live in one
/// `Mutex`; everything else is immutable.
struct SegmentedVerification<Logic: RoomLogic>: Sendable {
    let store: any SessionStore
    let summary: SessionSummary
    let logic: Logic
    let chunkTicks: UInt64
    /// Each segment: first tick (exclusive), last tick, whether a stored snapshot ends it.
    private let segments: [(from: UInt64, to: UInt64, endsOnSnapshot: Bool)]

    init(store: any SessionStore, summary: SessionSummary, logic: Logic, snapshotTicks: [UInt64], chunkTicks: UInt64) {
        self.store = store
        self.summary = summary
        self.logic = logic
        self.chunkTicks = chunkTicks
        let start = summary.startTick
        let end = summary.verifiableEnd
        let inside = snapshotTicks.filter { $0 > start && $0 <= end }
        var segments: [(UInt64, UInt64, Bool)] = []
        var from = start
        for tick in inside {
            segments.append((from, tick, true))
            from = tick
        }
        if from < end || segments.isEmpty { segments.append((from, end, false)) }
        self.segments = segments
    }

    private struct Shared {
        var done: UInt64 = 0
        var failures: [Int: SnapshotStoreError] = [:]
        var firstFailure = Int.max
        var finalHash: UInt64 = 0
        var finalChecked = false
    }

    func run(progress: @Sendable (UInt64, UInt64) -> Void) throws(SnapshotStoreError) -> VerificationReport {
        let total = summary.verifiableEnd - summary.startTick
        progress(0, total)
        let shared = Mutex(Shared())
        DispatchQueue.concurrentPerform(iterations: segments.count) { index in
            guard shared.withLock({ $0.firstFailure > index }) else { return }
            do throws(SnapshotStoreError) {
                let last = index == segments.count - 1
                let outcome = try verify(segment: index, isLast: last) { ticks in
                    shared.withLock { state in
                        state.done += ticks
                        progress(state.done, total)
                    }
                }
                if last {
                    shared.withLock { state in
                        state.finalHash = outcome.hash
                        state.finalChecked = outcome.finalChecked
                    }
                }
            } catch {
                shared.withLock { state in
                    state.failures[index] = error
                    state.firstFailure = min(state.firstFailure, index)
                }
            }
        }
        let result = shared.withLock { state in (state.failures[state.firstFailure], state.finalHash, state.finalChecked) }
        if let failure = result.0 { throw failure }
        return VerificationReport(
            session: summary, firstTick: summary.startTick + 1, lastTick: summary.verifiableEnd, verifiedTicks: total,
            snapshotsChecked: segments.count(where: \.endsOnSnapshot), finalHashChecked: result.2, finalStateHash: result.1
        )
    }

    /// Re-simulates one segment; returns the hash after its last tick.
    private func verify(
        segment index: Int, isLast: Bool, advanced: (UInt64) -> Void
    ) throws(SnapshotStoreError) -> (hash: UInt64, finalChecked: Bool) {
        let (from, to, endsOnSnapshot) = segments[index]
        var base: RoomSnapshot?
        if from > 0 {
            base = try store.snapshot(of: summary.id, atOrBefore: from)
            guard base?.tick == from else {
                throw .corruptRecord(session: summary.id, detail: "the snapshot at tick \(from) is missing")
            }
        }
        var simulation = try Simulation(store: store, summary: summary, logic: logic, base: base)
        while simulation.tick < to {
            let before = simulation.tick
            _ = try simulation.advance(through: min(before + chunkTicks, to))
            advanced(simulation.tick - before)
        }
        let hash = simulation.room.stateHash(summary.stateHashing)
        if endsOnSnapshot {
            guard let stored = try store.snapshot(of: summary.id, atOrBefore: to), stored.tick == to else {
                throw .corruptRecord(session: summary.id, detail: "the snapshot at tick \(to) is missing")
            }
            // A snapshot's hash is over its state bytes (canonical), whatever
            // the ticks hold.
            let replayed = simulation.room.snapshot()
            guard stored.stateHash == replayed.stateHash else {
                throw .diverged(session: summary.id, tick: to, expected: stored.stateHash, found: replayed.stateHash)
            }
            guard stored == replayed else {
                throw .corruptRecord(session: summary.id, detail: "the snapshot at tick \(to) has other members or operations than the replay")
            }
        }
        guard isLast, let final = summary.final, final.tick == to, summary.gapFromTick == nil else { return (hash, false) }
        // Joins and leaves after the last tick count, and the runner reports
        // the hash after the logic's terminate step.
        _ = try simulation.advance(through: to, includeTrailing: true)
        var stopped = simulation.room
        _ = stopped.terminate()
        let stoppedHash = stopped.stateHash(summary.stateHashing)
        guard stoppedHash == final.stateHash else {
            throw .diverged(session: summary.id, tick: final.tick, expected: final.stateHash, found: stoppedHash)
        }
        return (hash, true)
    }
}
