import EngineIO
@testable import HuddleCLI
import RoomEngineSocketIO
import SnapshotStore
import Testing

/// `/metrics`'s text: readings fed through swift-metrics into the
/// Prometheus registry, without a server.
@Suite("Serve: metrics export")
struct PrometheusExportTests {
    /// The samples of an exposition text, `name{labels}` to value.
    static func samples(_ text: String) -> [String: Double] {
        var samples: [String: Double] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else { continue }
            samples[String(line[..<space])] = value
        }
        return samples
    }

    static func reading() -> MetricsReading {
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
            rooms: stats, connections: 3,
            recorder: RecorderStatistics(accepted: 9, dropped: 1, droppedSnapshots: 0, gaps: 1, maxQueueDepth: 4, commitDurations: commits)
        )
        reading.sessionsByTransport = ["websocket": 2]
        reading.socketsByNamespace = ["/": 1, "/rooms": 2, #"/we"ird"#: 0]
        reading.traffic.packetsIn = 11
        reading.traffic.packetsOut = 13
        reading.traffic.bytesIn = 170
        reading.traffic.bytesOut = 190
        return reading
    }

    @Test("every metric is typed and helped, with the values read; the histograms are cumulative with sum and count")
    func text() throws {
        let export = PrometheusExport(kinds: ["whiteboard", "arena", "counter"], recording: true)
        export.update(with: Self.reading())
        let text = export.text
        let samples = Self.samples(text)
        let expected: [String: Double] = [
            "huddle_http_connections": 3, "huddle_engine_sessions": 2,
            #"huddle_engine_connections{transport="polling"}"#: 0, #"huddle_engine_connections{transport="websocket"}"#: 2,
            #"huddle_sockets{namespace="/"}"#: 1, #"huddle_sockets{namespace="/rooms"}"#: 2, #"huddle_sockets{namespace="/we\"ird"}"#: 0,
            #"huddle_rooms{kind="arena"}"#: 1, #"huddle_rooms{kind="whiteboard"}"#: 1, #"huddle_rooms{kind="counter"}"#: 0,
            "huddle_room_members": 5, "huddle_ticks_total": 100, "huddle_deltas_total": 40,
            #"huddle_inputs_total{result="accepted"}"#: 7, #"huddle_inputs_total{result="refused"}"#: 1,
            #"huddle_packets_total{direction="in"}"#: 11, #"huddle_packets_total{direction="out"}"#: 13,
            #"huddle_bytes_total{direction="in"}"#: 170, #"huddle_bytes_total{direction="out"}"#: 190,
            #"huddle_tick_lateness_seconds_bucket{le="0.0005"}"#: 2, #"huddle_tick_lateness_seconds_bucket{le="0.002"}"#: 3,
            #"huddle_tick_lateness_seconds_bucket{le="0.02"}"#: 3, #"huddle_tick_lateness_seconds_bucket{le="0.05"}"#: 4,
            #"huddle_tick_lateness_seconds_bucket{le="+Inf"}"#: 4, "huddle_tick_lateness_seconds_count": 4,
            "huddle_recorder_events_total": 9, "huddle_recorder_dropped_total": 1,
            #"huddle_recorder_commit_seconds_bucket{le="0.001"}"#: 1, #"huddle_recorder_commit_seconds_bucket{le="0.005"}"#: 2,
            #"huddle_recorder_commit_seconds_bucket{le="0.025"}"#: 2, #"huddle_recorder_commit_seconds_bucket{le="0.05"}"#: 3,
            #"huddle_recorder_commit_seconds_bucket{le="+Inf"}"#: 3, "huddle_recorder_commit_seconds_count": 3,
        ]
        for (name, value) in expected {
            #expect(samples[name] == value, "\(name): \(samples[name].map(String.init(describing:)) ?? "missing")")
        }
        #expect(abs(try #require(samples["huddle_tick_lateness_seconds_sum"]) - 0.0319) < 1e-9)
        #expect(abs(try #require(samples["huddle_recorder_commit_seconds_sum"]) - 0.0438) < 1e-9)
        let lines = Set(text.split(separator: "\n").map(String.init))
        for type in ["huddle_tick_lateness_seconds histogram", "huddle_deltas_total counter", "huddle_rooms gauge",
                     "huddle_packets_total counter", "huddle_recorder_commit_seconds histogram"] {
            #expect(lines.contains("# TYPE \(type)"), "\(type)")
        }
        // Every sample line belongs to a metric announced with HELP and TYPE.
        let typed = lines.filter { $0.hasPrefix("# TYPE ") }.map { String($0.split(separator: " ")[2]) }
        let helped = Set(lines.filter { $0.hasPrefix("# HELP ") }.map { String($0.split(separator: " ")[2]) })
        for line in lines where !line.hasPrefix("#") {
            let name = line.prefix { $0 != "{" && $0 != " " }
            let family = typed.first { name == $0 || name.hasPrefix($0 + "_") }
            #expect(family != nil && helped.contains(family!), "\(line)")
        }
    }

    @Test("a second reading advances the counters and histograms by what changed; gone namespaces leave, kinds stay at zero")
    func deltas() throws {
        let export = PrometheusExport(kinds: ["whiteboard"], recording: true)
        var reading = Self.reading()
        export.update(with: reading)
        reading.traffic.packetsIn += 5
        reading.traffic.bytesIn += 50
        reading.rooms.ticks += 20
        reading.rooms.roomsByKind = ["arena": 1]
        reading.rooms.tickLateness.record(.milliseconds(300))
        reading.socketsByNamespace = ["/rooms": 1]
        export.update(with: reading)
        var samples = Self.samples(export.text)
        #expect(samples[#"huddle_packets_total{direction="in"}"#] == 16)
        #expect(samples[#"huddle_bytes_total{direction="in"}"#] == 220)
        #expect(samples["huddle_ticks_total"] == 120)
        #expect(samples[#"huddle_rooms{kind="whiteboard"}"#] == 0)
        #expect(samples[#"huddle_rooms{kind="arena"}"#] == 1)
        #expect(samples[#"huddle_sockets{namespace="/"}"#] == nil)
        #expect(samples[#"huddle_sockets{namespace="/rooms"}"#] == 1)
        #expect(samples[#"huddle_tick_lateness_seconds_bucket{le="0.2"}"#] == 4)
        #expect(samples[#"huddle_tick_lateness_seconds_bucket{le="+Inf"}"#] == 5)
        #expect(abs(try #require(samples["huddle_tick_lateness_seconds_sum"]) - 0.3319) < 1e-9)

        // An older reading (scrapes that overlapped) takes no count back.
        export.update(with: Self.reading())
        samples = Self.samples(export.text)
        #expect(samples[#"huddle_packets_total{direction="in"}"#] == 16)
        #expect(samples["huddle_ticks_total"] == 120)
        #expect(samples[#"huddle_tick_lateness_seconds_bucket{le="+Inf"}"#] == 5)
    }

    @Test("without a recorder, no recorder metrics")
    func noRecorder() {
        let export = PrometheusExport(kinds: [], recording: false)
        export.update(with: MetricsReading(rooms: RoomServiceStats(), connections: 0))
        let text = export.text
        #expect(!text.contains("huddle_recorder"))
        #expect(text.contains(#"huddle_tick_lateness_seconds_bucket{le="+Inf"} 0"#))
    }

    @Test("a histogram's observations give back its buckets and its sum", arguments: [
        ([3, 0, 2, 0], 0.0071),     // values near the top of their buckets
        ([3, 0, 2, 0], 0.0041),     // near the bottom
        ([0, 1, 0, 2], 0.5),        // the overflow takes the excess
        ([5, 0, 0, 0], 0.0),        // all zero
    ] as [([UInt64], Double)])
    func replay(bins: [UInt64], sum: Double) {
        var reading = HistogramReading(edges: [0.001, 0.002, 0.003], unit: 1e-9)
        reading.bins = bins
        reading.sumUnits = UInt64((sum * 1e9).rounded())
        var replayed = [UInt64](repeating: 0, count: bins.count)
        var total = 0.0
        for (value, count) in reading.observations {
            let index = reading.edges.firstIndex { value <= $0 } ?? reading.edges.count
            replayed[index] += count
            total += value * Double(count)
            #expect(value >= 0)
        }
        #expect(replayed == bins)
        #expect(abs(total - sum) < 1e-12 * Double(bins.reduce(0, +)))
    }
}
