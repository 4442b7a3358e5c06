import EngineIO
import NIOCore
import NIOPosix
import RoomClient
import RoomEngine
import RoomEngineSocketIO
import SocketIO
import Testing
import WhiteboardRoom

/// A snapshot larger than the Engine.IO backlog bound of a session
/// (`maxBufferedBytesPerSession`, raised to twice `maxHttpBufferSize`): over
/// long-polling, one packet that passes it closes the session ("transport
/// error"), which is what a large snapshot sent whole did to every polling
/// joiner. Streamed in chunks, the same board reaches a polling joiner.
/// A server in process with a small bound (40 KB) and a board of about 60 KB.
@Suite("A snapshot over the session's backlog bound, over polling", .serialized, .timeLimit(.minutes(2)))
struct PollingBacklogTests {
    /// Runs `body` with the URL of a rooms server whose sessions may hold
    /// 40 KB not taken by their client, and snapshots cut at `chunkBytes`.
    static func withServer(chunkBytes: Int, _ body: (String) async throws -> Void) async throws {
        let group = MultiThreadedEventLoopGroup.singleton
        var engine = SocketIOConfiguration()
        engine.engine.maxHttpBufferSize = 20_000
        engine.engine.maxBufferedBytesPerSession = 16 * 1024
        #expect(engine.engine.effectiveMaxBufferedBytes == 40_000)
        var options = RoomServiceConfiguration()
        options.snapshotChunkBytes = chunkBytes
        let io = SocketIOServer(configuration: engine, group: group)
        let rooms = RoomService(server: io, group: group, kinds: [.whiteboard], configuration: options)
        let http = try await HTTPServer.start(host: "127.0.0.1", port: 0, endpoints: [io.engine], group: group)
        let port = try #require(http.localAddress?.port)
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { await rooms.run() }
            defer { tasks.cancelAll() }
            do {
                try await body("http://127.0.0.1:\(port)")
            } catch {
                try? await http.shutdown()
                throw error
            }
            try await http.shutdown()
        }
    }

    /// Fifteen strokes of 1024 points: a board of about 60 KB.
    static func draw(on board: RemoteRoom<WhiteboardLogic>) async throws {
        for id in UInt32(1)...15 {
            try board.post(.beginStroke(id: id, color: 0x3366FF, width: 2))
            for run in 0..<4 {
                try board.post(.appendPoints(id: id, points: (0..<256).map { CanvasPoint(x: UInt16(run * 256 + $0), y: UInt16(id)) }))
            }
            try await board.send(.endStroke(id: id))
        }
    }

    @Test("streamed in 8 KiB chunks, a 60 KB board reaches a polling joiner whole")
    func streamedOverPolling() async throws {
        try await Self.withServer(chunkBytes: 8 * 1024) { url in
            let alice = try RoomClient(url: url, options: fastReconnection())
            let bob = try RoomClient(url: url, options: fastReconnection(transports: [.polling]))
            defer { alice.close(); bob.close() }
            let board = try await alice.joinOrCreate(WhiteboardLogic(), applying: applyBoard)
            try await Self.draw(on: board)
            let joined = try await bob.joinOrCreate(WhiteboardLogic(), applying: applyBoard)
            #expect(joined.snapshot.state.count > 60_000)
            #expect(joined.state.strokes.count == 15)
            #expect(joined.status == .joined)
        }
    }

    @Test("sent whole (no chunks), the same board closes the polling joiner's session: its join never completes")
    func wholeOverPolling() async throws {
        try await Self.withServer(chunkBytes: .max) { url in
            let alice = try RoomClient(url: url, options: fastReconnection())
            var options = fastReconnection(transports: [.polling])
            options.reconnection = false
            let bob = try RoomClient(url: url, options: options)
            defer { alice.close(); bob.close() }
            let board = try await alice.joinOrCreate(WhiteboardLogic(), applying: applyBoard)
            try await Self.draw(on: board)
            do {
                _ = try await bob.joinOrCreate(WhiteboardLogic(), applying: applyBoard)
                Issue.record("a snapshot over the backlog bound reached a polling joiner")
            } catch let error as RoomClientError {
                #expect(error.code == .connectionLost)
            }
        }
    }
}
