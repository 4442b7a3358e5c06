import EngineIO
import NIOCore
import NIOPosix
import RedisClient
import SocketIO
import SocketIOCore
import SocketIORedisAdapter

/// One Socket.IO server of a test cluster: the Redis adapter on every
/// namespace, HTTP on a kernel-chosen port. Each socket gets `data`
/// `{"node": name}` and answers the events the tests send.
final class ClusterNode: Sendable {
    let name: String
    let io: SocketIOServer
    let cluster: RedisCluster
    private let http: HTTPServer

    var url: String { "http://127.0.0.1:\(http.localAddress?.port ?? 0)" }

    static func start(_ name: String, redis: RedisConfiguration, options: RedisAdapterOptions = RedisAdapterOptions()) async throws -> ClusterNode {
        let group = MultiThreadedEventLoopGroup.singleton
        let cluster = RedisCluster(configuration: redis, options: options, eventLoop: group.next())
        var configuration = SocketIOConfiguration()
        configuration.adapter = cluster.makeAdapter(context:)
        let io = SocketIOServer(configuration: configuration, group: group)
        io.onConnection { socket in
            socket.data = ["node": .string(name)]
            if case .string(let room)? = socket.handshake.auth["room"] { socket.join(room) }
        }
        io.sockets.on("join") { socket, event in
            if let room = event.arguments.first?.stringValue { socket.join(room) }
            event.ack?.send([])
        }
        let http = try await HTTPServer.start(host: "127.0.0.1", port: 0, endpoints: [io.engine], group: group)
        return ClusterNode(name: name, io: io, cluster: cluster, http: http)
    }

    private init(name: String, io: SocketIOServer, cluster: RedisCluster, http: HTTPServer) {
        self.name = name
        self.io = io
        self.cluster = cluster
        self.http = http
    }

    /// Waits (bounded) until Redis counts `count` servers on the main namespace.
    func waitForServerCount(_ count: Int) async throws {
        let deadline = ContinuousClock.now + .seconds(30)
        while (try? await io.sockets.serverCount()) != count {
            guard ContinuousClock.now < deadline else { throw ClusterTestError.timedOut("server count \(count)") }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    func stop() async {
        try? await http.shutdown()
        await cluster.close()
    }
}

enum ClusterTestError: Error { case timedOut(String) }
