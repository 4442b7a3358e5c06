import RoomEngine
import SnapshotStore

/// What `huddle show ID --timeline FILE.svg` plots: inputs per second by
/// member, members present, snapshot points, the recording's gap and a
/// divergence found by `--verify`. Collected from the store in chunks
/// (never the whole session at once); drawn by ``TimelineChart``.
struct TimelineData: Equatable {
    /// The session's first and last ticks (the x axis).
    var firstTick: UInt64
    var lastTick: UInt64
    /// Ticks per second of the session's kind (one bucket a second).
    var ticksPerSecond: Int
    /// Inputs each member sent in each second, in order of first input.
    var inputs: [(member: MemberID, perSecond: [Int])]
    /// Operations the ticks produced in each second (re-simulated), when
    /// this program has the session's kind.
    var operations: [Int]?
    /// How many members were present from each tick on (a step line).
    var present: [(tick: UInt64, count: Int)]
    /// The stored snapshots' ticks.
    var snapshots: [UInt64]
    /// The first tick the recording lost, if any.
    var gapFromTick: UInt64?
    /// The first diverging tick, if verification found one.
    var divergence: UInt64?
    /// The chart's title.
    var title: String

    /// Seconds of game time on the x axis (one bucket each).
    var seconds: Int { Int((lastTick - firstTick + UInt64(ticksPerSecond) - 1) / UInt64(max(ticksPerSecond, 1))) }

    static func == (lhs: TimelineData, rhs: TimelineData) -> Bool {
        lhs.firstTick == rhs.firstTick && lhs.lastTick == rhs.lastTick && lhs.ticksPerSecond == rhs.ticksPerSecond
            && lhs.inputs.map(\.member) == rhs.inputs.map(\.member) && lhs.inputs.map(\.perSecond) == rhs.inputs.map(\.perSecond)
            && lhs.operations == rhs.operations && lhs.present.map(\.tick) == rhs.present.map(\.tick) && lhs.present.map(\.count) == rhs.present.map(\.count)
            && lhs.snapshots == rhs.snapshots && lhs.gapFromTick == rhs.gapFromTick && lhs.divergence == rhs.divergence
            && lhs.title == rhs.title
    }

    /// Reads `summary`'s ticks (10,000 at a time), joins and leaves, and
    /// snapshots; with a `replayer`, re-simulates the session up to
    /// `divergence` (or its end) to count operations.
    static func collect(
        _ store: any SessionStore, _ summary: SessionSummary, ticksPerSecond: Int, divergence: UInt64?,
        replayer: SessionReplayer? = nil
    ) throws(SnapshotStoreError) -> TimelineData {
        let rate = UInt64(max(ticksPerSecond, 1))
        let buckets = Int((summary.lastTick - summary.startTick + rate - 1) / rate)
        var order: [MemberID] = []
        var perMember: [MemberID: [Int]] = [:]
        var low = summary.startTick + 1
        while low <= summary.lastTick {
            let high = min(low + 9_999, summary.lastTick)
            for stored in try store.ticks(of: summary.id, in: low...high) {
                let bucket = min(Int((stored.tick.tick - summary.startTick - 1) / rate), max(buckets - 1, 0))
                for input in stored.tick.inputs {
                    if perMember[input.member] == nil {
                        order.append(input.member)
                        perMember[input.member] = Array(repeating: 0, count: max(buckets, 1))
                    }
                    perMember[input.member]?[bucket] += 1
                }
            }
            low = high + 1
        }
        var present: [(tick: UInt64, count: Int)] = [(summary.startTick, 0)]
        var here: Set<MemberID> = []
        for event in try store.membership(of: summary.id) {
            switch event.change {
            case .joined: here.insert(event.member)
            case .left: here.remove(event.member)
            case .away, .back: continue
            }
            let tick = min(max(event.afterTick, summary.startTick), summary.lastTick)
            if present.last?.tick == tick { present.removeLast() }
            present.append((tick, here.count))
        }
        var operations: [Int]?
        if let replayer, divergence == nil {
            var counts = Array(repeating: 0, count: max(buckets, 1))
            try replayer.operations(of: summary.id) { tick, count in
                counts[min(Int((tick - summary.startTick - 1) / rate), counts.count - 1)] += count
            }
            operations = counts
        }
        return TimelineData(
            firstTick: summary.startTick, lastTick: summary.lastTick, ticksPerSecond: Int(rate),
            inputs: order.map { ($0, perMember[$0] ?? []) }, operations: operations, present: present,
            snapshots: try store.snapshots(of: summary.id).map(\.tick), gapFromTick: summary.gapFromTick,
            divergence: divergence, title: "session \(summary.id): \(summary.kind) room \(summary.roomID)"
        )
    }
}
