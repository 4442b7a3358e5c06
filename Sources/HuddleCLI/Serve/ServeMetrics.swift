import EngineIO
import NIOCore
import NIOHTTP1
import RoomEngineSocketIO
import SnapshotStore
import Synchronization

/// Where `/metrics` reads its figures (see ``MetricsReading``): the room
/// service's per-loop statistics, the Engine.IO sessions, the listener's
/// open connections (known once it listens) and the recorder.
final class ServeMetrics: Sendable {
    private let rooms: RoomService
    private let engine: EngineIOServer
    private let recorder: (any SessionRecorder)?
    private let listener = Mutex<HTTPServer?>(nil)

    init(rooms: RoomService, engine: EngineIOServer, recorder: (any SessionRecorder)?) {
        self.rooms = rooms
        self.engine = engine
        self.recorder = recorder
    }

    /// The listener whose connections are counted.
    func listening(on http: HTTPServer) { listener.withLock { $0 = http } }

    /// The `/metrics` answer, read now.
    func response(on loop: any EventLoop) -> EventLoopFuture<HTTPResponse> {
        let recorder = recorder
        let connections = listener.withLock { $0?.connectionCount ?? 0 }
        return rooms.stats(on: loop).and(engine.sessionCount().hop(to: loop)).map { stats, sessions in
            let reading = MetricsReading(rooms: stats, connections: connections, sessions: sessions, recorder: recorder?.statistics)
            var response = HTTPResponse(status: .ok, body: ByteBuffer(string: reading.text))
            response.headers.replaceOrAdd(name: "content-type", value: "text/plain; version=0.0.4; charset=utf-8")
            response.headers.replaceOrAdd(name: "cache-control", value: "no-store")
            return response
        }
    }
}
