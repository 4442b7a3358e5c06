import EngineIO
import NIOCore
import NIOHTTP1
import NIOPosix
import RoomEngineSocketIO
import SocketIO
import SnapshotStore
import Synchronization

/// Where `/metrics` reads its figures (see ``MetricsReading``): the room
/// service's per-loop statistics, the Engine.IO sessions and traffic (each
/// loop's own counters, read on that loop), the listener's open
/// connections (known once it listens) and the recorder; then
/// ``PrometheusExport`` turns them into the Prometheus text.
final class ServeMetrics: Sendable {
    private let rooms: RoomService
    private let io: SocketIOServer
    private let recorder: (any SessionRecorder)?
    private let listener = Mutex<HTTPServer?>(nil)
    private let export: PrometheusExport

    init(rooms: RoomService, io: SocketIOServer, recorder: (any SessionRecorder)?, kinds: [String]) {
        self.rooms = rooms
        self.io = io
        self.recorder = recorder
        self.export = PrometheusExport(kinds: kinds, recording: recorder != nil)
    }

    /// The listener whose connections are counted.
    func listening(on http: HTTPServer) { listener.withLock { $0 = http } }

    /// Every figure, read now (the loops' counters on their loops).
    func read(on loop: any EventLoop) -> EventLoopFuture<MetricsReading> {
        let recorder = recorder
        let connections = listener.withLock { $0?.connectionCount ?? 0 }
        let sockets = io.socketCountsByNamespace
        let engine = io.engine
        return rooms.stats(on: loop)
            .and(engine.sessionCountsByTransport().hop(to: loop))
            .and(engine.traffic().hop(to: loop))
            .map { statsAndTransports, traffic in
                let (stats, transports) = statsAndTransports
                var reading = MetricsReading(rooms: stats, connections: connections, recorder: recorder?.statistics)
                reading.sessionsByTransport = Dictionary(uniqueKeysWithValues: transports.map { ($0.key.rawValue, $0.value) })
                reading.socketsByNamespace = sockets
                reading.traffic = traffic
                return reading
            }
    }

    /// Reads every figure and feeds them to the registry off the event
    /// loops (a histogram is given the observations made since the last
    /// reading one by one); returns the exposition text.
    func refresh(on loop: any EventLoop) -> EventLoopFuture<String> {
        let export = export
        return read(on: loop).flatMap { reading in
            NIOThreadPool.singleton.runIfActive(eventLoop: loop) {
                export.update(with: reading)
                return export.text
            }
        }
    }

    /// The `/metrics` answer, read now.
    func response(on loop: any EventLoop) -> EventLoopFuture<HTTPResponse> {
        refresh(on: loop).map { text in
            var response = HTTPResponse(status: .ok, body: ByteBuffer(string: text))
            response.headers.replaceOrAdd(name: "content-type", value: "text/plain; version=0.0.4; charset=utf-8")
            response.headers.replaceOrAdd(name: "cache-control", value: "no-store")
            return response
        }
    }
}
