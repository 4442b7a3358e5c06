@testable import HuddleCLI
import RoomEngineSocketIO
import SnapshotStore
import Testing

/// `/metrics`'s text, from readings made here.
@Suite("Serve: metrics text")
struct MetricsTextTests {
    @Test("every metric is typed and helped; the lateness histogram is cumulative with sum and count")
    func text() {
        var stats = RoomServiceStats()
        stats.rooms = 2
        stats.roomsByKind = ["whiteboard": 1, "arena": 1]
        stats.members = 5
        stats.ticks = 100
        stats.deltas = 40
        stats.inputsAccepted = 7
        stats.inputsRefused = 1
        for microseconds in [100, 300, 1500, 30_000] { stats.tickLateness.record(.microseconds(Int64(microseconds))) }
        var commits = CommitDurations()
        for microseconds in [800, 3_000, 40_000] { commits.record(microseconds: Int64(microseconds)) }
        var reading = MetricsReading(
            rooms: stats, connections: 3, sessions: 2,
            recorder: RecorderStatistics(accepted: 9, dropped: 1, droppedSnapshots: 0, gaps: 1, maxQueueDepth: 4, commitDurations: commits)
        )
        reading.sessionsByTransport = ["websocket": 2]
        reading.socketsByNamespace = ["/": 1, "/rooms": 2, #"/we"ird"#: 0]
        let text = reading.text
        let lines = Set(text.split(separator: "\n").map(String.init))
        for expected in [
            "huddle_http_connections 3", "huddle_engine_sessions 2", #"huddle_rooms{kind="arena"} 1"#, #"huddle_rooms{kind="whiteboard"} 1"#,
            "huddle_room_members 5",
            "huddle_ticks_total 100", "huddle_deltas_total 40",
            #"huddle_inputs_total{result="accepted"} 7"#, #"huddle_inputs_total{result="refused"} 1"#,
            #"huddle_tick_lateness_seconds_bucket{le="0.0005"} 2"#, #"huddle_tick_lateness_seconds_bucket{le="0.002"} 3"#,
            #"huddle_tick_lateness_seconds_bucket{le="0.02"} 3"#, #"huddle_tick_lateness_seconds_bucket{le="0.05"} 4"#,
            #"huddle_tick_lateness_seconds_bucket{le="+Inf"} 4"#, "huddle_tick_lateness_seconds_sum 0.0319",
            "huddle_tick_lateness_seconds_count 4", "huddle_recorder_events_total 9", "huddle_recorder_dropped_total 1",
            "# TYPE huddle_tick_lateness_seconds histogram", "# TYPE huddle_deltas_total counter", "# TYPE huddle_rooms gauge",
            #"huddle_engine_connections{transport="polling"} 0"#, #"huddle_engine_connections{transport="websocket"} 2"#,
            #"huddle_sockets{namespace="/"} 1"#, #"huddle_sockets{namespace="/rooms"} 2"#, #"huddle_sockets{namespace="/we\"ird"} 0"#,
            #"huddle_recorder_commit_seconds_bucket{le="0.001"} 1"#, #"huddle_recorder_commit_seconds_bucket{le="0.005"} 2"#,
            #"huddle_recorder_commit_seconds_bucket{le="0.025"} 2"#, #"huddle_recorder_commit_seconds_bucket{le="0.05"} 3"#,
            #"huddle_recorder_commit_seconds_bucket{le="+Inf"} 3"#, "huddle_recorder_commit_seconds_sum 0.0438",
            "huddle_recorder_commit_seconds_count 3", "# TYPE huddle_recorder_commit_seconds histogram",
        ] {
            #expect(lines.contains(expected), "missing: \(expected)")
        }
        // Every sample line belongs to a metric announced with HELP and TYPE.
        let names = lines.filter { $0.hasPrefix("# TYPE ") }.map { $0.split(separator: " ")[2] }
        for line in lines where !line.hasPrefix("#") {
            let name = line.prefix { $0 != "{" && $0 != " " }
            #expect(names.contains { name == $0 || name.hasPrefix($0 + "_") }, "\(line)")
        }
        #expect(!text.contains("huddle_recorder") || text.contains("# HELP huddle_recorder_dropped_total"))
    }

    @Test("without a recorder, no recorder metrics")
    func noRecorder() {
        let text = MetricsReading(rooms: RoomServiceStats(), connections: 0, sessions: 0, recorder: nil).text
        #expect(!text.contains("huddle_recorder"))
        #expect(text.contains(#"huddle_tick_lateness_seconds_bucket{le="+Inf"} 0"#))
    }
}
