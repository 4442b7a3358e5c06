import EngineIO
import HuddleRooms
import NIOCore
import NIOPosix
import RoomEngine
@testable import RoomEngineSocketIO
import SocketIO
import Testing

/// A rooms server in process on 127.0.0.1, port 0, whose service runs in a
/// child task of the test; ``with(_:_:)`` tears everything down after the body.
struct TestServer {
    let port: Int
    let rooms: RoomService
    let group: any EventLoopGroup

    static func with(
        kinds: RoomKindCatalog = .builtIn,
        configure: (inout RoomServiceConfiguration) -> Void = { _ in },
        recorder: (any RoomRecorder)? = nil,
        _ body: (TestServer) async throws -> Void
    ) async throws {
        let group = MultiThreadedEventLoopGroup.singleton
        var engine = SocketIOConfiguration()
        engine.engine.pingInterval = .seconds(60)
        engine.engine.pingTimeout = .seconds(60)
        var options = RoomServiceConfiguration()
        options.emptyGracePeriod = .milliseconds(200)
        options.disposalInterval = .milliseconds(100)
        configure(&options)
        let io = SocketIOServer(configuration: engine, group: group)
        let rooms = RoomService(server: io, group: group, kinds: kinds, configuration: options, recorder: recorder)
        try await rooms.startClusterRelay()
        let http = try await HTTPServer.start(host: "127.0.0.1", port: 0, endpoints: [io.engine], group: group)
        let server = TestServer(port: try #require(http.localAddress?.port), rooms: rooms, group: group)
        // Torn down as `huddle serve` is: the rooms stop (or are handed over)
        // while the connections are open, then the listener and connections go.
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { await rooms.run() }
            do {
                try await body(server)
            } catch {
                tasks.cancelAll()
                try? await tasks.waitForAll()
                try? await http.shutdown()
                throw error
            }
            tasks.cancelAll()
            try await tasks.waitForAll()
            try await http.shutdown()
        }
    }

    /// A connected client (deltas applied and acked unless a policy says otherwise).
    func client(deltaPolicy: @escaping @Sendable (UInt64) -> DeltaFate = { _ in .applyAndAck }) async throws -> RoomTestClient {
        try await RoomTestClient.connect(port: port, group: group, deltaPolicy: deltaPolicy)
    }

    /// A client that joined a room of `kind`.
    func member(of kind: String, deltaPolicy: @escaping @Sendable (UInt64) -> DeltaFate = { _ in .applyAndAck }) async throws -> RoomTestClient {
        let client = try await client(deltaPolicy: deltaPolicy)
        let answer = try await client.join(kind)
        #expect(answer["error"] == nil, "join failed: \(answer)")
        return client
    }

    /// The server's picture of room `id` now.
    func snapshot(of id: String?) async throws -> RoomSnapshot {
        let room = RoomID(try #require(id))
        return try #require(await rooms.snapshot(of: room))
    }
}
