import NIOCore
import RoomEngineSocketIO
import SnapshotStore

/// `/metrics` of `huddle serve` in the Prometheus text format (version
/// 0.0.4). Nothing is counted for it: every figure is read when the page is
/// scraped from counters the server keeps anyway (each loop's room
/// statistics, read on that loop; the connection counters; the recorder's
/// queue counters), so serving traffic costs no lock or atomic per packet
/// for metrics. A pure function of those readings, tested without a server.
///
/// ```text
/// curl -s http://127.0.0.1:3000/metrics | grep huddle_room_members
/// huddle_room_members 6
/// ```
struct MetricsReading: Sendable {
    var rooms: RoomServiceStats
    /// TCP connections open now.
    var connections: Int
    /// Engine.IO sessions open now.
    var sessions: Int
    /// The recorder's counters; nil when not recording.
    var recorder: RecorderStatistics?
    /// Engine.IO sessions by transport (`polling`, `websocket`).
    var sessionsByTransport: [String: Int] = [:]
    /// Socket.IO sockets by namespace.
    var socketsByNamespace: [String: Int] = [:]

    /// The upper edges of the tick-lateness buckets, in seconds.
    static let latenessBuckets: [Double] = [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2]

    /// The exposition text.
    var text: String {
        var out = ""
        func metric(_ name: String, _ type: String, _ help: String, _ samples: [(labels: String, value: String)]) {
            out += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n"
            for sample in samples { out += "\(name)\(sample.labels) \(sample.value)\n" }
        }
        metric("huddle_http_connections", "gauge", "TCP connections open now.", [("", "\(connections)")])
        metric("huddle_engine_sessions", "gauge", "Engine.IO sessions open now.", [("", "\(sessions)")])
        metric("huddle_engine_connections", "gauge", "Engine.IO sessions open now, by transport.",
               ["polling", "websocket"].map { (#"{transport="\#($0)"}"#, "\(sessionsByTransport[$0, default: 0])") })
        metric("huddle_sockets", "gauge", "Socket.IO sockets connected now, by namespace.",
               socketsByNamespace.sorted { $0.key < $1.key }.map { (#"{namespace="\#(Self.escaped($0.key))"}"#, "\($0.value)") })
        metric("huddle_rooms", "gauge", "Rooms running now, by kind.",
               rooms.roomsByKind.sorted { $0.key < $1.key }.map { (#"{kind="\#(Self.escaped($0.key))"}"#, "\($0.value)") })
        metric("huddle_room_members", "gauge", "Members in rooms now.", [("", "\(rooms.members)")])
        metric("huddle_ticks_total", "counter", "Room ticks run.", [("", "\(rooms.ticks)")])
        let lateness = rooms.tickLateness
        var buckets: [(labels: String, value: String)] = Self.latenessBuckets.map { edge in
            (#"{le="\#(edge)"}"#, "\(lateness.count(atMost: .nanoseconds(Int64(edge * 1e9))))")
        }
        buckets.append((#"{le="+Inf"}"#, "\(lateness.count)"))
        out += "# HELP huddle_tick_lateness_seconds How late each tick started against its schedule.\n"
        out += "# TYPE huddle_tick_lateness_seconds histogram\n"
        for bucket in buckets { out += "huddle_tick_lateness_seconds_bucket\(bucket.labels) \(bucket.value)\n" }
        out += "huddle_tick_lateness_seconds_sum \(Double(lateness.totalNanoseconds) / 1e9)\n"
        out += "huddle_tick_lateness_seconds_count \(lateness.count)\n"
        metric("huddle_deltas_total", "counter", "Position deltas sent to members.", [("", "\(rooms.deltas)")])
        metric("huddle_delta_bytes_total", "counter", "Bytes of position deltas sent.", [("", "\(rooms.deltaBytes)")])
        metric("huddle_operation_batches_total", "counter", "Operation batches (ops) sent.", [("", "\(rooms.operationBatches)")])
        metric("huddle_operation_bytes_total", "counter", "Bytes of operation batches sent.", [("", "\(rooms.operationBytes)")])
        metric("huddle_inputs_total", "counter", "Room inputs, by what became of them.", [
            (#"{result="accepted"}"#, "\(rooms.inputsAccepted)"), (#"{result="refused"}"#, "\(rooms.inputsRefused)"),
        ])
        if let recorder {
            metric("huddle_recorder_events_total", "counter", "Events handed to the session recorder.", [("", "\(recorder.accepted)")])
            metric("huddle_recorder_dropped_total", "counter", "Recorder events dropped on overflow (the recording gets a gap).",
                   [("", "\(recorder.dropped)")])
            if let commits = recorder.commitDurations {
                out += "# HELP huddle_recorder_commit_seconds How long each commit of recorded events took to be durable.\n"
                out += "# TYPE huddle_recorder_commit_seconds histogram\n"
                for edge in CommitDurations.edges {
                    out += "huddle_recorder_commit_seconds_bucket{le=\"\(edge)\"} \(commits.count(atMostSeconds: edge))\n"
                }
                out += "huddle_recorder_commit_seconds_bucket{le=\"+Inf\"} \(commits.count)\n"
                out += "huddle_recorder_commit_seconds_sum \(Double(commits.totalMicroseconds) / 1e6)\n"
                out += "huddle_recorder_commit_seconds_count \(commits.count)\n"
            }
        }
        return out
    }

    /// A label value as the text format wants it (backslash, quote, newline escaped).
    static func escaped(_ value: String) -> String {
        value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"").replacingOccurrences(of: "\n", with: "\\n")
    }
}
