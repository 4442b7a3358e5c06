import EngineIO
import NIOCore
import NIOHTTP1
import RoomEngineSocketIO
import SocketIO
import SnapshotStore
import Synchronization

/// Where `/metrics` reads its figures (see ``MetricsReading``): the room
/// service's per-loop statistics, the Engine.IO sessions, the listener's
/// open connections (known once it listens) and the recorder.
final class ServeMetrics: Sendable {
    private let rooms: RoomService
    private let io: SocketIOServer
    private let recorder: (any SessionRecorder)?
    private let listener = Mutex<HTTPServer?>(nil)

    init(rooms: RoomService, io: SocketIOServer, recorder: (any SessionRecorder)?) {
        self.rooms = rooms
        self.io = io
        self.recorder = recorder
    }

    /// The listener whose connections are counted.
    func listening(on http: HTTPServer) { listener.withLock { $0 = http } }

    /// The `/metrics` answer, read now.
    func response(on loop: any EventLoop) -> EventLoopFuture<HTTPResponse> {
        let recorder = recorder
        let connections = listener.withLock { $0?.connectionCount ?? 0 }
        let sockets = io.socketCountsByNamespace
        return rooms.stats(on: loop).and(io.engine.sessionCountsByTransport().hop(to: loop)).map { stats, transports in
            var reading = MetricsReading(
                rooms: stats, connections: connections, sessions: transports.values.reduce(0, +), recorder: recorder?.statistics
            )
            reading.sessionsByTransport = Dictionary(uniqueKeysWithValues: transports.map { ($0.key.rawValue, $0.value) })
            reading.socketsByNamespace = sockets
            var response = HTTPResponse(status: .ok, body: ByteBuffer(string: reading.text))
            response.headers.replaceOrAdd(name: "content-type", value: "text/plain; version=0.0.4; charset=utf-8")
            response.headers.replaceOrAdd(name: "cache-control", value: "no-store")
            return response
        }
    }
}
