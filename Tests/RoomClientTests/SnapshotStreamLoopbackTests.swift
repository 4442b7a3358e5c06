import RoomClient
import RoomEngine
import Testing
import WhiteboardRoom

/// The client against `huddle serve --snapshot-chunk-bytes 1024`: a board of
/// a few KiB reaches a joiner in chunks (docs/room-protocol.md, "Large
/// snapshots"), over WebSocket and over long-polling, and a client whose
/// bound is smaller refuses it with a clear error.
@Suite("RoomClient: snapshots in chunks", .serialized, .timeLimit(.minutes(2)))
struct SnapshotStreamLoopbackTests {
    /// Draws `count` committed strokes of 256 points each (about 1 KiB apiece).
    static func draw(_ count: UInt32, on board: RemoteRoom<WhiteboardLogic>) async throws {
        for id in 1...count {
            try await board.send(.beginStroke(id: id, color: 0x3366FF, width: 2))
            try await board.send(.appendPoints(id: id, points: (0..<256).map { CanvasPoint(x: UInt16($0), y: UInt16(id) * 8) }))
            try await board.send(.endStroke(id: id))
        }
    }

    @Test("a multi-chunk snapshot: joiners over WebSocket and over polling get the whole board, then its operations")
    func multiChunkSnapshot() async throws {
        let server = try await HuddleServer.start(arguments: ["--snapshot-chunk-bytes", "1024"])
        defer { server.stop() }
        let alice = try makeClient(server)
        let bob = try makeClient(server)
        let carol = try makeClient(server, transports: [.polling])
        defer { alice.close(); bob.close(); carol.close() }
        let board = try await alice.joinOrCreate(WhiteboardLogic(), applying: applyBoard)
        try await Self.draw(6, on: board)

        let bobsBoard = try await bob.joinOrCreate(WhiteboardLogic(), applying: applyBoard)
        let carolsBoard = try await carol.joinOrCreate(WhiteboardLogic(), applying: applyBoard)
        for joined in [bobsBoard, carolsBoard] {
            #expect(joined.id == board.id)
            #expect(joined.snapshotState.strokes.map(\.points.count) == Array(repeating: 256, count: 6))
            #expect(joined.snapshot.state.count > 6 * 1024)
        }
        var carolUpdates = UpdateReader(carolsBoard)
        try await board.send(.clear)
        let cleared = try await carolUpdates.first("carol's cleared") { update -> Bool? in
            if case .operation(let op) = update, op.operation == .cleared { return true }
            return nil
        }
        #expect(cleared)
        #expect(carolsBoard.state.strokes.isEmpty)
        var bobUpdates = UpdateReader(bobsBoard)
        try await board.send(.addShape(Shape(id: 3, kind: .ellipse, bounds: ShapeBounds(
            from: CanvasPoint(x: 1, y: 1), to: CanvasPoint(x: 9, y: 9)), color: 0x112233)))
        _ = try await bobUpdates.first("bob's shape") { update -> Bool? in
            if case .operation(let op) = update, case .shapeAdded = op.operation { return true }
            return nil
        }
        #expect(BoardDocument(bobsBoard.state).strokes.isEmpty)
        #expect(bobsBoard.state.shapes.map(\.id) == [3])
    }

    @Test("a snapshot over the client's bound: the join fails with protocolViolation naming the limit")
    func overTheBound() async throws {
        let server = try await HuddleServer.start(arguments: ["--snapshot-chunk-bytes", "1024"])
        defer { server.stop() }
        let alice = try makeClient(server)
        let bob = try makeClient(server) { $0.maxSnapshotBytes = 2048 }
        defer { alice.close(); bob.close() }
        let board = try await alice.joinOrCreate(WhiteboardLogic(), applying: applyBoard)
        try await Self.draw(4, on: board)
        do {
            _ = try await bob.joinOrCreate(WhiteboardLogic(), applying: applyBoard)
            Issue.record("a snapshot over the bound was accepted")
        } catch let error as RoomClientError {
            #expect(error.code == .protocolViolation)
            #expect(error.message.contains("limit of 2048"))
        }
        // The refused joiner left again: the room has alice alone.
        let listing = try await alice.rooms(of: .whiteboard)
        #expect(listing.first?.members == 1)
    }
}
