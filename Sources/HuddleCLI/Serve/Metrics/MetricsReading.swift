import EngineIO
import RoomEngineSocketIO
import SnapshotStore

/// What `/metrics` reports, read at one scrape from counters the server
/// keeps anyway: each loop's room statistics and Engine.IO traffic (read on
/// that loop), the sessions by transport, the sockets by namespace, the
/// listener's connections and the recorder's counters. Nothing is counted
/// for metrics per packet beyond each loop's own plain counters.
///
/// ``PrometheusExport`` feeds readings into the Prometheus registry.
///
/// ```text
/// curl -s http://127.0.0.1:3000/metrics | grep huddle_room_members
/// huddle_room_members 6.0
/// ```
struct MetricsReading: Sendable {
    var rooms: RoomServiceStats
    /// TCP connections open now.
    var connections: Int
    /// Engine.IO sessions by transport (`polling`, `websocket`).
    var sessionsByTransport: [String: Int] = [:]
    /// Socket.IO sockets by namespace.
    var socketsByNamespace: [String: Int] = [:]
    /// Engine.IO packets and bytes in and out since the server started.
    var traffic = EngineIOTraffic()
    /// The recorder's counters; nil when not recording.
    var recorder: RecorderStatistics?

    /// Engine.IO sessions open now.
    var sessions: Int { sessionsByTransport.values.reduce(0, +) }

    /// The upper edges of the tick-lateness buckets, in seconds.
    static var latenessBuckets: [Double] { ServeMetricsFactory.buckets["huddle_tick_lateness_seconds"] ?? [] }

    /// The tick lateness on the exported edges.
    var tickLateness: HistogramReading { HistogramReading(lateness: rooms.tickLateness, edges: Self.latenessBuckets) }

    /// The recorder's commit durations, when it measures them.
    var commitDurations: HistogramReading? { recorder?.commitDurations.map { HistogramReading(commits: $0) } }
}
