import CoreMetrics
import Prometheus
import Synchronization

// The swift-metrics API's types (Prometheus has types of the same names).
private typealias Counter = CoreMetrics.Counter
private typealias Gauge = CoreMetrics.Gauge
private typealias Recorder = CoreMetrics.Recorder

/// `/metrics` of `huddle serve`: metrics made through the swift-metrics API
/// (``ServeMetricsFactory``) and written out by swift-prometheus in the
/// Prometheus text format.
///
/// Packets are not counted here: each event loop keeps plain counters of
/// its own (no lock, no atomic per packet), and a scrape reads them all
/// (``MetricsReading``) and feeds the registry what changed since the
/// previous reading: gauges are set, counters advanced by the difference,
/// histograms given the observations made in between (see
/// ``HistogramReading/observations``). One lock per scrape, none per packet.
///
/// ```swift
/// let export = PrometheusExport(kinds: ["whiteboard", "arena"], recording: true)
/// export.update(with: reading)
/// print(export.text)   // # HELP huddle_room_members Members in rooms now. ...
/// ```
final class PrometheusExport: Sendable {
    private let registry = PrometheusCollectorRegistry()
    private let state: Mutex<ExportState>

    /// Metrics for `kinds` (each kind's room gauge shown from the start),
    /// with the recorder's when `recording`.
    init(kinds: [String], recording: Bool) {
        state = Mutex(ExportState(factory: ServeMetricsFactory(registry: registry), kinds: kinds, recording: recording))
    }

    /// Feeds one reading into the registry (serialised: concurrent scrapes
    /// take turns).
    func update(with reading: MetricsReading) {
        state.withLock { $0.update(with: reading) }
    }

    /// The exposition text, as of the last update.
    var text: String { registry.emitToString() }
}

/// The swift-metrics handles behind `/metrics` and the values last fed to
/// them. Owned by ``PrometheusExport``'s lock.
private struct ExportState: ~Copyable {
    let factory: ServeMetricsFactory
    let httpConnections: Gauge
    let engineSessions: Gauge
    let engineConnections: [String: Gauge]
    var sockets: [String: Gauge] = [:]
    var rooms: [String: Gauge] = [:]
    let members: Gauge
    let packetsIn: Counter, packetsOut: Counter, bytesIn: Counter, bytesOut: Counter
    let ticks: Counter, deltas: Counter, deltaBytes: Counter, operationBatches: Counter, operationBytes: Counter
    let inputsAccepted: Counter, inputsRefused: Counter
    let tickLateness: Recorder
    let recorder: (events: Counter, dropped: Counter, commits: Recorder)?
    /// What each counter was last advanced to.
    var counted: [ObjectIdentifier: UInt64] = [:]
    /// What each histogram was last given, by its recorder.
    var observed: [ObjectIdentifier: HistogramReading] = [:]

    init(factory: ServeMetricsFactory, kinds: [String], recording: Bool) {
        self.factory = factory
        func gauge(_ name: String, _ dimensions: [(String, String)] = []) -> Gauge {
            Gauge(label: name, dimensions: dimensions, factory: factory)
        }
        func counter(_ name: String, _ dimensions: [(String, String)] = []) -> Counter {
            Counter(label: name, dimensions: dimensions, factory: factory)
        }
        httpConnections = gauge("huddle_http_connections")
        engineSessions = gauge("huddle_engine_sessions")
        engineConnections = Dictionary(uniqueKeysWithValues: ["polling", "websocket"].map {
            ($0, gauge("huddle_engine_connections", [("transport", $0)]))
        })
        for kind in kinds { rooms[kind] = gauge("huddle_rooms", [("kind", kind)]) }
        members = gauge("huddle_room_members")
        packetsIn = counter("huddle_packets_total", [("direction", "in")])
        packetsOut = counter("huddle_packets_total", [("direction", "out")])
        bytesIn = counter("huddle_bytes_total", [("direction", "in")])
        bytesOut = counter("huddle_bytes_total", [("direction", "out")])
        ticks = counter("huddle_ticks_total")
        deltas = counter("huddle_deltas_total")
        deltaBytes = counter("huddle_delta_bytes_total")
        operationBatches = counter("huddle_operation_batches_total")
        operationBytes = counter("huddle_operation_bytes_total")
        inputsAccepted = counter("huddle_inputs_total", [("result", "accepted")])
        inputsRefused = counter("huddle_inputs_total", [("result", "refused")])
        tickLateness = Recorder(label: "huddle_tick_lateness_seconds", aggregate: true, factory: factory)
        recorder = recording ? (
            counter("huddle_recorder_events_total"), counter("huddle_recorder_dropped_total"),
            Recorder(label: "huddle_recorder_commit_seconds", aggregate: true, factory: factory)
        ) : nil
    }

    mutating func update(with reading: MetricsReading) {
        httpConnections.record(reading.connections)
        engineSessions.record(reading.sessions)
        for (transport, gauge) in engineConnections { gauge.record(reading.sessionsByTransport[transport, default: 0]) }
        Self.set(&sockets, "huddle_sockets", "namespace", to: reading.socketsByNamespace, keepAbsent: false, factory: factory)
        Self.set(&rooms, "huddle_rooms", "kind", to: reading.rooms.roomsByKind, keepAbsent: true, factory: factory)
        members.record(reading.rooms.members)

        advance(packetsIn, to: reading.traffic.packetsIn)
        advance(packetsOut, to: reading.traffic.packetsOut)
        advance(bytesIn, to: reading.traffic.bytesIn)
        advance(bytesOut, to: reading.traffic.bytesOut)
        let rooms = reading.rooms
        advance(ticks, to: rooms.ticks)
        advance(deltas, to: rooms.deltas)
        advance(deltaBytes, to: rooms.deltaBytes)
        advance(operationBatches, to: rooms.operationBatches)
        advance(operationBytes, to: rooms.operationBytes)
        advance(inputsAccepted, to: rooms.inputsAccepted)
        advance(inputsRefused, to: rooms.inputsRefused)
        observe(tickLateness, reading.tickLateness)

        if let recorder, let statistics = reading.recorder {
            advance(recorder.events, to: UInt64(max(statistics.accepted, 0)))
            advance(recorder.dropped, to: UInt64(max(statistics.dropped, 0)))
            if let commits = reading.commitDurations { observe(recorder.commits, commits) }
        }
    }

    /// Sets one gauge per label value; a value no longer read drops to zero
    /// (`keepAbsent`: a room kind) or leaves the output (a namespace).
    private static func set(
        _ gauges: inout [String: Gauge], _ name: String, _ label: String, to values: [String: Int], keepAbsent: Bool,
        factory: ServeMetricsFactory
    ) {
        for (value, count) in values {
            let gauge = gauges[value] ?? Gauge(label: name, dimensions: [(label, value)], factory: factory)
            gauges[value] = gauge
            gauge.record(count)
        }
        for (value, gauge) in gauges where values[value] == nil {
            if keepAbsent {
                gauge.record(0)
            } else {
                gauge.destroy()
                gauges[value] = nil
            }
        }
    }

    /// Advances `counter` to `value` (never back: an out-of-order reading adds nothing).
    private mutating func advance(_ counter: Counter, to value: UInt64) {
        let key = ObjectIdentifier(counter)
        let before = counted[key, default: 0]
        guard value > before else { return }
        counter.increment(by: Int64(clamping: value - before))
        counted[key] = value
    }

    /// Records into `histogram` what `reading` holds beyond what it was last given.
    private mutating func observe(_ histogram: Recorder, _ reading: HistogramReading) {
        let key = ObjectIdentifier(histogram)
        let before = observed[key] ?? HistogramReading(edges: reading.edges, unit: reading.unit)
        let delta = reading.since(before)
        guard delta.count > 0 else { return }
        for (value, count) in delta.observations {
            for _ in 0..<count { histogram.record(value) }
        }
        var latest = reading
        for index in latest.bins.indices { latest.bins[index] = max(latest.bins[index], before.bins[index]) }
        latest.sumUnits = max(latest.sumUnits, before.sumUnits)
        observed[key] = latest
    }
}
