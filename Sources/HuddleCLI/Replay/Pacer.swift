import Foundation
import SnapshotStore

/// Sleeps between ticks so the timeline runs at the requested speed.
final class Pacer {
    private let tickSeconds: Double?
    private var start: ContinuousClock.Instant?
    private var ticks = 0

    init(tickSeconds: Double?) {
        self.tickSeconds = tickSeconds
    }

    func wait(for entry: TimelineEntry) {
        guard let tickSeconds, case .tick = entry else { return }
        let start = self.start ?? ContinuousClock.now
        self.start = start
        let due = start + .microseconds(Int64(Double(ticks) * tickSeconds * 1_000_000))
        ticks += 1
        let now = ContinuousClock.now
        if due > now {
            let gap = due - now
            let micros = gap.components.seconds * 1_000_000 + gap.components.attoseconds / 1_000_000_000_000
            usleep(UInt32(clamping: micros))
        }
    }
}
