import ArgumentParser
import EngineIO
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import RoomEngine
import SnapshotStore
import SocketIO
import SocketIOCore

/// `huddle replay ID --serve`: streams a recorded session into the
/// Socket.IO namespace `/replay` at the chosen speed, for viewers on the
/// demo page (`/replay.html`), with seeking, speed changes and pause.
///
/// The replay's clock (a ``ReplayServeDriver``) lives on one event loop of
/// the group, its track on a ``ReplayServeWorker`` thread; socket handlers
/// parse the request on their own loop, hop to the replay's loop with
/// `loop.execute`, and hop back to answer the ack.
/// Events and payloads are in `docs/snapshot-store.md`.
struct ReplayServe {
    /// The namespace viewers connect to.
    static let namespace = "/replay"

    var store: any SessionStore
    var kinds: RoomKindCatalog
    var session: RecordedSessionID
    var host: String
    var port: Int
    var speed: Double
    var from: UInt64?
    var to: UInt64?
    var assets: String?
    /// The member whose view the frames carry (nil: the whole state).
    var viewer: MemberID?

    /// Serves until SIGINT or SIGTERM.
    func run() async throws {
        let logger = Logger(label: "huddle.replay")
        let summary = try store.summary(of: session)
        let output = CLIContext.current.output
        let logic = try SessionReplayer(store: store, kinds: kinds).entry(recording: summary).logic
        let first = summary.startTick + 1
        let last = min(to ?? summary.verifiableEnd, summary.verifiableEnd)
        guard last >= first else {
            throw ValidationError("session \(summary.id) has no replayable ticks")
        }
        let start = from ?? first
        guard start >= first, start <= last else {
            throw ValidationError("--from \(start) is outside the replayable ticks \(first)…\(last) of session \(summary.id)")
        }
        let rate = logic.rules.ticksPerSecond

        let group = MultiThreadedEventLoopGroup.singleton
        let loop = group.next()
        let io = SocketIOServer(configuration: Self.socketIOConfiguration(), group: group, logger: logger)
        let viewers = io.of(Self.namespace)
        let speed = self.speed
        // The track (SQLite reads, re-simulation) lives on the worker's thread.
        let worker = ReplayServeWorker(track: ReplayServeTracks.make(store: store, summary: summary, logic: logic, viewer: viewer))
        let (outcome, frame) = try await worker.run(on: loop) { track throws(ReplayServeFailure) in
            try track.seek(to: start)
        }.get()
        try outcome.get()
        let driver = try await loop.submit {
            NIOLoopBound(ReplayServeDriver(
                loop: loop, summary: summary, tickRate: rate, firstTick: first, lastTick: last,
                worker: worker, at: frame, namespace: viewers, speed: speed, output: output
            ), eventLoop: loop)
        }.get()
        ReplayServeControls.install(on: viewers, driver: driver)

        let files = try ServeAssets.locate(explicit: assets).map { try ServeAssets(directory: $0) }
        if files == nil { logger.warning("no Assets directory found; replay.html is not served (use --assets PATH)") }
        let host = self.host
        let port = self.port
        // Catch SIGINT/SIGTERM before announcing the port, so a signal sent
        // right after the line stops the replay cleanly.
        let shutdown = ShutdownSignal()
        let http = try await HTTPServer.start(
            host: host, port: port, endpoints: [io.engine],
            asyncFallback: { request, _, loop in
                loop.makeSucceededFuture(files?.respond(to: request) ?? HTTPResponse(status: .notFound, body: ByteBuffer(string: "No assets")))
            },
            group: group
        )
        let boundPort = http.localAddress?.port ?? port
        output.result("listening on http://\(host):\(boundPort)")
        await shutdown.wait()
        try? await loop.submit { driver.value.stop() }.get()
        try await http.shutdown()
        await worker.shutdown()
    }

    private static func socketIOConfiguration() -> SocketIOConfiguration {
        var configuration = SocketIOConfiguration()
        // Its own replay page only: a recording is not for other sites to read.
        OriginRule.apply(origins: [], to: &configuration.engine)
        configuration.engine.perMessageDeflate = PerMessageDeflateOptions(threshold: 1024)
        return configuration
    }
}
