import CoreMetrics
import Prometheus

/// The swift-metrics factory behind `/metrics`: every counter, gauge and
/// histogram made through it lives in `registry` (swift-prometheus), with
/// the help text and buckets this table gives its name.
///
/// swift-prometheus's own `PrometheusMetricsFactory` registers every metric
/// without help text and with one default set of buckets; this one is the
/// same mapping (counter to counter, recorder to gauge or value histogram,
/// timer to duration histogram) with `# HELP` lines and Huddle's buckets.
///
/// ```swift
/// let factory = ServeMetricsFactory(registry: PrometheusCollectorRegistry())
/// CoreMetrics.Counter(label: "huddle_deltas_total", factory: factory).increment(by: 3)
/// ```
struct ServeMetricsFactory: MetricsFactory {
    /// Where the metrics live and are written out from.
    let registry: PrometheusCollectorRegistry

    /// The help text of each metric (empty for a name not listed).
    static let help: [String: String] = [
        "huddle_http_connections": "TCP connections open now.",
        "huddle_engine_sessions": "Engine.IO sessions open now.",
        "huddle_engine_connections": "Engine.IO sessions open now, by transport.",
        "huddle_sockets": "Socket.IO sockets connected now, by namespace.",
        "huddle_packets_total": "Engine.IO packets received (in) and sent (out).",
        "huddle_bytes_total": "Bytes of the Engine.IO packets received (in) and sent (out), before compression and transport framing.",
        "huddle_rooms": "Rooms running now, by kind.",
        "huddle_room_members": "Members in rooms now.",
        "huddle_ticks_total": "Room ticks run.",
        "huddle_tick_lateness_seconds": "How late each tick started against its schedule.",
        "huddle_deltas_total": "Position deltas sent to members.",
        "huddle_delta_bytes_total": "Bytes of position deltas sent.",
        "huddle_operation_batches_total": "Operation batches (ops) sent.",
        "huddle_operation_bytes_total": "Bytes of operation batches sent.",
        "huddle_inputs_total": "Room inputs, by what became of them.",
        "huddle_recorder_events_total": "Events handed to the session recorder.",
        "huddle_recorder_dropped_total": "Recorder events dropped on overflow (the recording gets a gap).",
        "huddle_recorder_commit_seconds": "How long each commit of recorded events took to be durable.",
    ]

    /// The upper bucket edges of each histogram, in seconds.
    static let buckets: [String: [Double]] = [
        "huddle_tick_lateness_seconds": [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2],
        "huddle_recorder_commit_seconds": [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
    ]

    private static let defaultBuckets: [Double] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

    /// The name and help text of `label`.
    private func describe(_ label: String) -> MetricNameDescriptor {
        MetricNameDescriptor(metricName: label, unitName: "", helpText: Self.help[label] ?? "")
    }

    func makeCounter(label: String, dimensions: [(String, String)]) -> any CounterHandler {
        registry.makeCounter(descriptor: describe(label), labels: dimensions)
    }

    func makeFloatingPointCounter(label: String, dimensions: [(String, String)]) -> any FloatingPointCounterHandler {
        registry.makeCounter(descriptor: describe(label), labels: dimensions)
    }

    func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> any RecorderHandler {
        guard aggregate else { return registry.makeGauge(descriptor: describe(label), labels: dimensions) }
        return registry.makeValueHistogram(
            descriptor: describe(label), labels: dimensions, buckets: Self.buckets[label] ?? Self.defaultBuckets
        )
    }

    func makeMeter(label: String, dimensions: [(String, String)]) -> any MeterHandler {
        registry.makeGauge(descriptor: describe(label), labels: dimensions)
    }

    func makeTimer(label: String, dimensions: [(String, String)]) -> any TimerHandler {
        let buckets = (Self.buckets[label] ?? Self.defaultBuckets).map { Duration.nanoseconds(Int64($0 * 1e9)) }
        return registry.makeDurationHistogram(descriptor: describe(label), labels: dimensions, buckets: buckets)
    }

    func destroyCounter(_ handler: any CounterHandler) {
        if let counter = handler as? Prometheus.Counter { registry.unregisterCounter(counter) }
    }

    func destroyFloatingPointCounter(_ handler: any FloatingPointCounterHandler) {
        if let counter = handler as? Prometheus.Counter { registry.unregisterCounter(counter) }
    }

    func destroyRecorder(_ handler: any RecorderHandler) {
        switch handler {
        case let gauge as Prometheus.Gauge: registry.unregisterGauge(gauge)
        case let histogram as ValueHistogram: registry.unregisterValueHistogram(histogram)
        default: break
        }
    }

    func destroyMeter(_ handler: any MeterHandler) {
        if let gauge = handler as? Prometheus.Gauge { registry.unregisterGauge(gauge) }
    }

    func destroyTimer(_ handler: any TimerHandler) {
        if let histogram = handler as? DurationHistogram { registry.unregisterDurationHistogram(histogram) }
    }
}
