import ArgumentParser
import EngineIO
import Logging
import NIOCore
import NIOPosix
import RoomEngine
import RoomEngineSocketIO
import SnapshotStore
import SocketIO

/// `huddle serve` (the default command): the Socket.IO server with the
/// program's room kinds in namespace `/rooms`, the demo page from
/// `Assets/`, and session recording.
///
/// ```text
/// huddle serve --port 0 --no-record
/// listening on http://127.0.0.1:41523
/// ```
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the room server (every room kind of this program) and the demo page."
    )

    @Option(help: "Address to bind.") var host = "127.0.0.1"
    @Option(help: "Port to bind (0: any free port; the 'listening on' line tells which).") var port = 3000
    @Option(help: "The page directory (default: the program's own pages, else ./Assets, else Assets in the package root).") var assets: String?
    @OptionGroup var recording: RecordingOptions
    @OptionGroup var connections: ConnectionLimitOptions
    @OptionGroup var origins: OriginOptions
    @OptionGroup var tls: TLSOptions
    @OptionGroup var auth: AuthOptions
    @OptionGroup var admin: AdminOptions
    @OptionGroup var cluster: ClusterOptions
    @Option(help: "Members per room at most (default: each kind's own capacity).") var roomCapacity: Int?
    @Option(help: "Seconds an empty room is kept before it is closed.") var emptyGracePeriod = 30
    @Option(help: "Seconds a member whose connection dropped keeps its seat (default: each kind's own, 10 for the built-in ones).")
    var seatGracePeriod: Double?
    @Option(help: "Largest message or POST body in bytes.") var maxPayload = 1_000_000
    @Option(help: "A snapshot larger than this many bytes is sent in chunks of this size, two unacknowledged at most (1024 to --max-payload).")
    var snapshotChunkBytes = 256 * 1024
    @Option(help: "A joiner's snapshot of a state of at least this many bytes is encoded and hashed on a worker thread, not on the room's loop (0: always on the room's loop).")
    var snapshotOffloadBytes = 1 << 20
    @Flag(help: "Disable WebSocket permessage-deflate (large operations and snapshots are compressed otherwise).")
    var noCompression = false
    @Option(help: "Log level.") var logLevel: LogLevelArgument = .info

    func validate() throws {
        if let roomCapacity, roomCapacity < 1 { throw ValidationError("--room-capacity must be at least 1") }
        // Two chunks in flight stay within the session's backlog bound (twice --max-payload at least).
        if snapshotChunkBytes < 1024 || snapshotChunkBytes > maxPayload {
            throw ValidationError("--snapshot-chunk-bytes must be between 1024 and --max-payload (\(maxPayload))")
        }
        if snapshotOffloadBytes < 0 { throw ValidationError("--snapshot-offload-bytes must not be negative") }
        if emptyGracePeriod < 0 { throw ValidationError("--empty-grace-period must not be negative") }
        if let seatGracePeriod, !(0...3600).contains(seatGracePeriod) {
            throw ValidationError("--seat-grace-period must be between 0 and 3600 seconds")
        }
    }

    func run() async throws {
        let context = CLIContext.current
        let logger = {
            var logger = Logger(label: "huddle")
            logger.logLevel = logLevel.level
            return logger
        }()
        let group = MultiThreadedEventLoopGroup.singleton

        // The TLS files load before anything opens: a bad file is a usage error.
        let prepareConnection = try tls.connectionPreparation()
        let identify = try auth.identifier()
        let recorder = try openRecorder(logger: logger)
        let assets = try loadAssets(logger: logger)
        let io = SocketIOServer(configuration: socketIOConfiguration(), group: group, logger: logger)
        try admin.instrument(io, logger: logger)
        var options = RoomServiceConfiguration()
        options.roomCapacity = roomCapacity
        options.emptyGracePeriod = .seconds(Int64(emptyGracePeriod))
        options.seatGracePeriod = seatGracePeriod.map { .milliseconds(Int64(($0 * 1000).rounded())) }
        options.identify = identify
        options.snapshotChunkBytes = snapshotChunkBytes
        options.snapshotOffloadBytes = snapshotOffloadBytes == 0 ? nil : snapshotOffloadBytes
        let clustering = try cluster.clustering(group: group, logger: logger)
        options.cluster = clustering?.0
        if options.cluster != nil {
            // With a store every node reads, rooms of a node that dies are resumed (failover).
            options.cluster?.states = try recording.sharedRoomStates()
            if options.cluster?.states == nil {
                logger.notice("no shared store (--store postgres://…): a room whose node dies is closed, not resumed")
            }
        }
        let rooms = RoomService(
            server: io, group: group, kinds: context.kinds, configuration: options, recorder: recorder, logger: logger
        )
        // A cluster node listens to the other nodes before it accepts members.
        try await rooms.startClusterRelay()

        let readiness = ServeReadiness(checks: readinessChecks(recorder: recorder) + (clustering.map { [$0.1] } ?? []))
        let metrics = ServeMetrics(rooms: rooms, io: io, recorder: recorder, kinds: context.kinds.kinds.map(\.name))
        let http = try await ServeHTTPServer.start(
            host: host, port: port, io: io, assets: assets, rooms: rooms, readiness: readiness, metrics: metrics,
            group: group, limits: connections.limits,
            prepareConnection: prepareConnection
        )
        let boundPort = http.port ?? port
        let (host, scheme, kinds) = (host, tls.scheme, kindList(context.kinds.kinds))
        // Until the group has caught SIGTERM and SIGINT nothing is announced:
        // a signal sent right after the announcement still drains.
        let services = ServeServices.group(
            http: http, rooms: rooms, recorder: recorder, readiness: readiness, metrics: metrics,
            announce: {
                logger.info("listening", metadata: ["host": "\(host)", "port": "\(boundPort)", "kinds": "\(kinds)"])
                // The one line scripts wait for.
                context.output.result("listening on \(scheme)://\(host):\(boundPort)")
            },
            logger: logger
        )
        try await services.run()
        logger.info("stopped")
    }

    /// What `/readyz` asks besides listening: the store, when recording (and
    /// the room cluster's Redis, with `--redis`: added by the caller).
    private func readinessChecks(recorder: (any SessionRecorder)?) -> [ReadinessCheck] {
        guard let recorder else { return [] }
        return [ReadinessCheck(name: "store") { recorder.isOpen }]
    }

    private func socketIOConfiguration() -> SocketIOConfiguration {
        var configuration = SocketIOConfiguration()
        configuration.engine.maxHttpBufferSize = maxPayload
        origins.apply(to: &configuration.engine)
        if !noCompression {
            configuration.engine.perMessageDeflate = PerMessageDeflateOptions(threshold: 1024)
        }
        return configuration
    }

    private func openRecorder(logger: Logger) throws -> (any SessionRecorder)? {
        guard let recorder = try recording.open(logger: logger, failover: cluster.redis != nil) else { return nil }
        logger.info("recording sessions", metadata: ["db": "\(recorder.location)"])
        return recorder
    }

    private func loadAssets(logger: Logger) throws -> ServeAssets? {
        guard let directory = ServeAssets.locate(explicit: assets) else {
            logger.warning("no Assets directory found; the demo page is not served (use --assets PATH)")
            return nil
        }
        let loaded = try ServeAssets(directory: directory)
        if loaded.clientBundle == nil {
            logger.notice("no \(ServeAssets.bundlePath) under the assets; the page loads the client from the CDN (Tools/browser-setup fetches it)")
        }
        logger.info("serving the demo page", metadata: ["assets": "\(directory.path)"])
        return loaded
    }
}
