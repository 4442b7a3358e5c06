public import NIOCore
import RoomEngine
public import SocketIOCore

/// What the rooms of a ``RoomService`` did since it started: tick
/// punctuality and the volume of what was delivered. `/stats` in
/// `huddle serve` and `Tools/bench-rooms` read it.
///
/// ```swift
/// let stats = await service.stats()
/// print(stats.tickLateness.p99, stats.deltaBytes / max(stats.deltaChanges, 1))
/// ```
public struct RoomServiceStats: Equatable, Sendable {
    /// Rooms alive now.
    public var rooms = 0
    /// Of those, how many of each kind (by the kind's name).
    public var roomsByKind: [String: Int] = [:]
    /// Members in them now.
    public var members = 0
    /// Ticks run.
    public var ticks: UInt64 = 0
    /// How late ticks fired against their fixed-rate deadlines.
    public var tickLateness = LatenessHistogram()
    /// Position deltas handed to sockets.
    public var deltas: UInt64 = 0
    /// Their payload bytes (the binary attachment, without Socket.IO framing).
    public var deltaBytes: UInt64 = 0
    /// Changed entries they carried.
    public var deltaChanges: UInt64 = 0
    /// Deltas that were full tables (no usable acknowledged baseline).
    public var fullDeltas: UInt64 = 0
    /// `ops` packets handed to sockets.
    public var operationBatches: UInt64 = 0
    /// Their payload bytes.
    public var operationBytes: UInt64 = 0
    /// Inputs accepted into a room queue.
    public var inputsAccepted: UInt64 = 0
    /// Inputs refused (at enqueue or by the tick).
    public var inputsRefused: UInt64 = 0
    /// Snapshots being streamed to joiners in chunks now.
    public var snapshotStreams = 0
    /// `snapshot-chunk` packets handed to sockets.
    public var snapshotChunks: UInt64 = 0
    /// A cluster node's relayed deliveries: from the owner's flush to their
    /// arrival here, one sample per relay message (between nodes of one
    /// machine only: the nodes' monotonic clocks are compared).
    public var relayLatency = LatenessHistogram()
    /// Relay messages from other nodes known to be lost on the way (gaps in
    /// their sequence numbers; each gap resyncs the members concerned).
    public var relayLostMessages: UInt64 = 0

    /// Creates empty statistics.
    public init() {}

    /// Adds another loop's counters.
    mutating func merge(_ other: RoomServiceStats) {
        rooms += other.rooms
        roomsByKind.merge(other.roomsByKind, uniquingKeysWith: +)
        members += other.members
        ticks += other.ticks
        tickLateness.merge(other.tickLateness)
        deltas += other.deltas
        deltaBytes += other.deltaBytes
        deltaChanges += other.deltaChanges
        fullDeltas += other.fullDeltas
        operationBatches += other.operationBatches
        operationBytes += other.operationBytes
        inputsAccepted += other.inputsAccepted
        inputsRefused += other.inputsRefused
    }

    /// The statistics as JSON (lateness in microseconds).
    public var json: JSONValue {
        .object([
            "rooms": .int(Int64(rooms)),
            "roomsByKind": .object(JSONObject(roomsByKind.sorted { $0.key < $1.key }.map { ($0.key, JSONValue.int(Int64($0.value))) })),
            "members": .int(Int64(members)),
            "ticks": .int(Int64(clamping: ticks)),
            "tickLatenessMicroseconds": .object([
                "p50": .int(tickLateness.percentile(50).nanoseconds / 1000),
                "p99": .int(tickLateness.percentile(99).nanoseconds / 1000),
                "p999": .int(tickLateness.percentile(99.9).nanoseconds / 1000),
                "max": .int(tickLateness.maximum.nanoseconds / 1000),
            ]),
            "tickLatenessBuckets": tickLateness.json,
            "deltas": .int(Int64(clamping: deltas)),
            "deltaBytes": .int(Int64(clamping: deltaBytes)),
            "deltaChanges": .int(Int64(clamping: deltaChanges)),
            "fullDeltas": .int(Int64(clamping: fullDeltas)),
            "operationBatches": .int(Int64(clamping: operationBatches)),
            "operationBytes": .int(Int64(clamping: operationBytes)),
            "inputsAccepted": .int(Int64(clamping: inputsAccepted)),
            "inputsRefused": .int(Int64(clamping: inputsRefused)),
            "snapshotStreams": .int(Int64(snapshotStreams)),
            "snapshotChunks": .int(Int64(clamping: snapshotChunks)),
            "relayMessages": .int(Int64(clamping: relayLatency.count)),
            "relayLostMessages": .int(Int64(clamping: relayLostMessages)),
            "relayLatencyMicroseconds": .object([
                "p50": .int(relayLatency.percentile(50).nanoseconds / 1000),
                "p99": .int(relayLatency.percentile(99).nanoseconds / 1000),
                "max": .int(relayLatency.maximum.nanoseconds / 1000),
            ]),
            "relayLatencyBuckets": relayLatency.json,
        ])
    }
}

/// Tick lateness in 50 µs buckets up to 200 ms (one overflow bucket past
/// it), so percentiles cost a fixed 32 KB per loop whatever the tick count.
public struct LatenessHistogram: Equatable, Sendable {
    /// The width of one bucket.
    public static let bucketWidth: TimeAmount = .microseconds(50)
    private static let bucketCount = 4001

    private var buckets: [UInt64]
    /// Samples recorded.
    public private(set) var count: UInt64 = 0
    /// The largest sample.
    public private(set) var maximum: TimeAmount = .zero
    /// All recorded lateness added up, in nanoseconds (a histogram's sum).
    public private(set) var totalNanoseconds: UInt64 = 0

    /// Creates an empty histogram.
    public init() { buckets = Array(repeating: 0, count: Self.bucketCount) }

    /// Records one lateness (negative values count as zero).
    public mutating func record(_ lateness: TimeAmount) {
        let clamped = max(lateness, .zero)
        let index = min(Int(clamped.nanoseconds / Self.bucketWidth.nanoseconds), Self.bucketCount - 1)
        buckets[index] += 1
        count += 1
        totalNanoseconds &+= UInt64(clamped.nanoseconds)
        maximum = max(maximum, clamped)
    }

    /// The upper edge of the bucket holding the `percent`-th percentile
    /// (zero when empty; the maximum when it falls in the overflow bucket).
    public func percentile(_ percent: Double) -> TimeAmount {
        guard count > 0 else { return .zero }
        let rank = UInt64((Double(count) * percent / 100).rounded(.up))
        var seen: UInt64 = 0
        for (index, bucketCount) in buckets.enumerated() {
            seen += bucketCount
            if seen >= max(rank, 1) {
                if index == Self.bucketCount - 1 { return maximum }
                return min(.nanoseconds(Int64(index + 1) * Self.bucketWidth.nanoseconds), maximum)
            }
        }
        return maximum
    }

    /// The non-empty buckets, `{"width": µs, "counts": {"index": count}}`, so
    /// that a reader can take two readings and compute percentiles of the
    /// ticks in between (bucket `i` holds lateness in `[i, i+1) × width`).
    public var json: JSONValue {
        var counts = JSONObject()
        for (index, bucketCount) in buckets.enumerated() where bucketCount > 0 {
            counts[String(index)] = .int(Int64(clamping: bucketCount))
        }
        return .object(["width": .int(Self.bucketWidth.nanoseconds / 1000), "counts": .object(counts)])
    }

    /// Ticks at most `bound` late, to the bucket width (a cumulative
    /// histogram bucket, as Prometheus counts them: every bucket whose upper
    /// edge is at most `bound`).
    public func count(atMost bound: TimeAmount) -> UInt64 {
        let edges = Int(max(bound, .zero).nanoseconds / Self.bucketWidth.nanoseconds)
        return buckets.prefix(min(edges, Self.bucketCount - 1)).reduce(0, +)
    }

    mutating func merge(_ other: LatenessHistogram) {
        for index in buckets.indices { buckets[index] += other.buckets[index] }
        count += other.count
        totalNanoseconds &+= other.totalNanoseconds
        maximum = max(maximum, other.maximum)
    }
}

/// The counters of the rooms of one event loop live in a box bound to that
/// loop (only its rooms touch them); ``RoomService/stats()`` merges them.
typealias LoopStatsBox = NIOLoopBoundBox<RoomServiceStats>

extension RoomServiceStats {
    mutating func recordTick(lateness: TimeAmount) {
        ticks += 1
        tickLateness.record(lateness)
    }

    mutating func recordDelta(bytes: Int, changes: Int, isFull: Bool) {
        deltas += 1
        deltaBytes += UInt64(bytes)
        deltaChanges += UInt64(changes)
        if isFull { fullDeltas += 1 }
    }

    mutating func recordOperations(bytes: Int, recipients: Int) {
        operationBatches += UInt64(recipients)
        operationBytes += UInt64(bytes * recipients)
    }
}

/// A ``RoomLoop`` on a SwiftNIO event loop (like `EventLoopRoomLoop`) that
/// also records how late each scheduled tick fires into its loop's
/// statistics, for the percentile of tick jitter that `TickJitter`
/// (mean and maximum only) cannot give.
///
/// The runner schedules nothing but ticks, so every scheduled task is one
/// tick sample.
struct MeasuringRoomLoop: RoomLoop {
    let eventLoop: any EventLoop
    let stats: LoopStatsBox

    var inLoop: Bool { eventLoop.inEventLoop }

    func execute(_ task: @escaping @Sendable () -> Void) {
        eventLoop.execute(task)
    }

    func schedule(at deadline: NIODeadline, _ task: @escaping @Sendable () -> Void) -> any RoomLoopTimer {
        let stats = stats
        let scheduled = eventLoop.scheduleTask(deadline: deadline) {
            stats.value.recordTick(lateness: NIODeadline.now() - deadline)
            task()
        }
        return Timer(scheduled: scheduled)
    }

    func now() -> NIODeadline { .now() }

    private struct Timer: RoomLoopTimer {
        let scheduled: Scheduled<Void>
        func cancel() { scheduled.cancel() }
    }
}
