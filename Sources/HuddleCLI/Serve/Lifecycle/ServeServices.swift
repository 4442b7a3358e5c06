#if canImport(Glibc)
import Glibc
#endif
import Logging
import NIOPosix
import RoomEngineSocketIO
import ServiceLifecycle
import SnapshotStore

/// `huddle serve` as a swift-service-lifecycle `ServiceGroup`: each part a
/// service, started in this order and, on SIGTERM or SIGINT, shut down one
/// at a time in the reverse order, so that
///
/// 1. `/readyz` answers 503 `draining` at once (``ReadinessService``), and
///    the metrics stop being fed between scrapes (``MetricsRefreshService``);
/// 2. every room closes and tells its members `room-closed` (reason
///    `shutdown`) while their connections are still open (``RoomsService``);
///    a cluster node with a shared store hands its rooms with members over
///    instead (they stop ticking, their members are told to resync, the
///    recorder flushes, the rooms are left ownerless for another node to
///    resume: docs/room-cluster.md);
/// 3. the listener stops and every connection closes, behind those packets
///    (``HTTPService``);
/// 4. the recorder commits what it holds, the rooms' ends included, and
///    releases the store (``RecorderService``);
///
/// then the group returns and the process exits 0.
///
/// ```swift
/// let group = ServeServices.group(http: http, rooms: rooms, recorder: recorder, readiness: readiness,
///                                 metrics: metrics, announce: { print("listening") }, logger: logger)
/// try await group.run()
/// ```
enum ServeServices {
    /// The longest the drain may take before what is left is cancelled.
    static let maximumDrain: Duration = .seconds(30)

    /// The group of `huddle serve`'s parts (the recorder's only when recording).
    static func group(
        http: ServeHTTPServer,
        rooms: RoomService,
        recorder: (any SessionRecorder)?,
        readiness: ServeReadiness,
        metrics: ServeMetrics,
        announce: @escaping @Sendable () -> Void,
        logger: Logger
    ) -> ServiceGroup {
        var services: [any Service] = []
        if let recorder { services.append(RecorderService(recorder: recorder)) }
        services.append(HTTPService(http: http, readiness: readiness, announce: announce))
        services.append(RoomsService(rooms: rooms))
        services.append(MetricsRefreshService(metrics: metrics, loop: http.http.channel.eventLoop))
        services.append(ReadinessService(readiness: readiness, logger: logger))
        var configuration = ServiceGroupConfiguration(
            services: services.map { .init(service: $0, successTerminationBehavior: .gracefullyShutdownGroup) },
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger
        )
        configuration.maximumGracefulShutdownDuration = maximumDrain
        ignoreShutdownSignalsDefaultAction()
        return ServiceGroup(configuration: configuration)
    }

    /// SIGTERM and SIGINT no longer end the process: the group's signal
    /// sources see them instead. On Linux a dispatch signal source does not
    /// replace the default action (swift-service-lifecycle sets SIG_IGN on
    /// Darwin only), so without this a SIGTERM kills the process (exit 143)
    /// before anything drains.
    private static func ignoreShutdownSignalsDefaultAction() {
        signal(SIGTERM, SIG_IGN)
        signal(SIGINT, SIG_IGN)
    }
}

/// Flips `/readyz` to draining as soon as shutdown begins.
struct ReadinessService: Service {
    let readiness: ServeReadiness
    let logger: Logger

    func run() async throws {
        try? await gracefulShutdown()
        logger.info("shutting down")
        readiness.beginDraining()
    }
}

/// The room service's queues, until shutdown; then every room closes
/// (`room-closed` to its members, its end to the recorder).
struct RoomsService: Service {
    let rooms: RoomService

    func run() async throws {
        let rooms = rooms
        await cancelWhenGracefulShutdown { await rooms.run() }
    }
}

/// The listener, bound before the group starts: announced once the group
/// catches the signals (a SIGTERM right after the announcement still
/// drains), closed with every connection on shutdown.
struct HTTPService: Service {
    let http: ServeHTTPServer
    let readiness: ServeReadiness
    let announce: @Sendable () -> Void

    func run() async throws {
        readiness.listening()
        announce()
        try? await gracefulShutdown()
        await http.shutdown()
    }
}

/// The session recorder: on shutdown, after the rooms recorded their ends,
/// commits what is queued and releases the store (on a thread of the pool:
/// closing waits for the disk).
struct RecorderService: Service {
    let recorder: any SessionRecorder

    func run() async throws {
        try? await gracefulShutdown()
        let recorder = recorder
        try await NIOThreadPool.singleton.runIfActive { recorder.close() }
    }
}
