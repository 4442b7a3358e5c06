import RoomClient
import RoomEngine
import Testing
import WhiteboardRoom

/// The client against a real `huddle serve` (the executable, port 0), with
/// the built-in whiteboard: join-or-create, inputs, the mirror and its
/// acknowledgements, operations in order, a late joiner, leaving.
@Suite("RoomClient against huddle serve: whiteboard", .serialized, .timeLimit(.minutes(2)))
struct WhiteboardLoopbackTests {
    @Test("join-or-create: the first client creates a room, the second joins it; each sees the other; the listing counts both")
    func joinOrCreate() async throws {
        let server = try await HuddleServer.start()
        defer { server.stop() }
        let alice = try makeClient(server)
        let bob = try makeClient(server)
        defer { alice.close(); bob.close() }

        let board = try await alice.joinOrCreate(WhiteboardLogic(), applying: applyBoard)
        #expect(board.member.rawValue == alice.socket.id)
        #expect(board.membership.kind == .whiteboard && board.membership.tickRate == 20)
        #expect(board.snapshot.members == [board.member])
        #expect(board.state.members.map(\.id) == [board.member])
        var aliceUpdates = UpdateReader(board)

        let bobsBoard = try await bob.joinOrCreate(WhiteboardLogic(), applying: applyBoard)
        #expect(bobsBoard.id == board.id)
        #expect(bobsBoard.snapshot.members == [board.member, bobsBoard.member])
        #expect(bobsBoard.state.members.map(\.id) == [board.member, bobsBoard.member])

        let joined = try await aliceUpdates.operations(1)
        guard case .memberJoined(let slot, let member, _) = joined[0].operation else {
            Issue.record("expected memberJoined, got \(joined)")
            return
        }
        #expect(slot == 1 && member == bobsBoard.member)
        #expect(joined[0].sequence == board.snapshot.operationSequence + 1)
        #expect(board.state.members.count == 2)

        let listing = try await alice.rooms(of: .whiteboard)
        #expect(listing.map(\.id) == [board.id])
        #expect(listing.first?.members == 2 && listing.first?.capacity == 32)
        #expect(try await alice.rooms(of: "arena").isEmpty)

        // A client made inline lives as long as its room: the room keeps it.
        let carols = try await RoomClient(url: server.url, options: fastReconnection()).joinOrCreate(WhiteboardLogic())
        try await carols.send(.clear)
        #expect(carols.status == .joined && carols.id == board.id)
        try await carols.leave()
    }

    @Test("over long-polling too (the default transports, then polling alone): answers, operations and positions")
    func overPolling() async throws {
        let server = try await HuddleServer.start()
        defer { server.stop() }
        let alice = try makeClient(server, transports: [.polling, .websocket])
        let bob = try makeClient(server, transports: [.polling])
        defer { alice.close(); bob.close() }
        let board = try await alice.joinOrCreate(WhiteboardLogic(), applying: applyBoard)
        let watcher = try await bob.joinOrCreate(WhiteboardLogic(), applying: applyBoard)
        var bobUpdates = UpdateReader(watcher)
        let aliceSlot = try slot(of: board.member, in: watcher)

        // Acknowledged, so that neither transport may drop it (a volatile
        // post is dropped while a polling request is in flight).
        try await board.send(.cursor(x: 1234, y: 567))
        try await positions(of: watcher, "alice's cursor over polling") { $0[aliceSlot]?.x == 1234 }
        try await board.send(.beginStroke(id: 3, color: 0x00AA00, width: 5))
        let began = try await bobUpdates.operations(1)
        #expect(began.map(\.operation) == [.strokeBegan(slot: UInt16(aliceSlot), id: 3, color: 0x00AA00, width: 5)])
        try await watcher.send(.cursor(x: 10, y: 20))
        let bobSlot = UInt32(try #require(watcher.state.member(watcher.member)?.slot))
        try await positions(of: board, "bob's cursor over polling") { $0[bobSlot]?.y == 20 }
    }

    @Test("inputs: posted cursors reach the other member's mirror; its acknowledgements move the server's baseline; acknowledged strokes answer with receipts")
    func inputsAndMirror() async throws {
        let server = try await HuddleServer.start()
        defer { server.stop() }
        let alice = try makeClient(server)
        let bob = try makeClient(server)
        defer { alice.close(); bob.close() }
        let board = try await alice.joinOrCreate(WhiteboardLogic(), applying: applyBoard)
        let watcher = try await bob.joinOrCreate(WhiteboardLogic(), applying: applyBoard)
        let aliceSlot = try slot(of: board.member, in: watcher)

        for step: UInt16 in 1...16 {
            try board.post(.cursor(x: 200 * step, y: 50 + step))
            try await positions(of: watcher, "alice's cursor at step \(step)") { table in
                table[aliceSlot].map { $0.x == 200 * step && $0.y == 50 + step } ?? false
            }
        }
        let stats = watcher.statistics
        #expect(stats.deltasApplied >= 16)
        #expect(stats.acknowledgementsSent >= 1, "bob acknowledged with delta-ack (he sent no input)")
        #expect(stats.newestBaseline > watcher.snapshot.tick, "the server encoded against bob's acknowledgements")
        #expect(stats.fullTables == 0, "the snapshot's tick was bob's first baseline")
        #expect(watcher.positions[aliceSlot] == PositionEntry(id: aliceSlot, x: 3200, y: 66))

        let began = try await board.send(.beginStroke(id: 1, color: 0x3366FF, width: 4))
        let appended = try await board.send(.appendPoints(id: 1, points: [CanvasPoint(x: 1, y: 2), CanvasPoint(x: 3, y: 4)]))
        let ended = try await board.send(.endStroke(id: 1))
        #expect(began.receipt < appended.receipt && appended.receipt < ended.receipt)
        #expect(began.tick <= appended.tick && appended.tick <= ended.tick)
        #expect(board.statistics.acknowledgementsSent >= 1, "alice's own deltas are acknowledged too (with her inputs or delta-ack)")
    }

    @Test("operations arrive in order, each once; a late joiner's snapshot holds the document; all replicas agree")
    func operationsAndLateJoiner() async throws {
        let server = try await HuddleServer.start()
        defer { server.stop() }
        let alice = try makeClient(server)
        let bob = try makeClient(server)
        let carol = try makeClient(server)
        defer { alice.close(); bob.close(); carol.close() }
        let board = try await alice.joinOrCreate(WhiteboardLogic(), applying: applyBoard)
        let bobsBoard = try await bob.joinOrCreate(WhiteboardLogic(), applying: applyBoard)
        var bobUpdates = UpdateReader(bobsBoard)

        try await board.send(.beginStroke(id: 7, color: 0xFF8800, width: 3))
        for chunk: UInt16 in 0..<3 {
            try board.post(.appendPoints(id: 7, points: (0..<10).map { CanvasPoint(x: chunk * 10 + $0, y: 100) }))
        }
        try await board.send(.endStroke(id: 7))
        let rectangle = Shape(id: 1, kind: .rectangle,
                              bounds: ShapeBounds(from: CanvasPoint(x: 10, y: 10), to: CanvasPoint(x: 90, y: 60)), color: 0x22AA22)
        try await bobsBoard.send(.addShape(rectangle))

        let seen = try await bobUpdates.operations(6)
        #expect(seen.map(\.sequence) == Array((bobsBoard.snapshot.operationSequence + 1)...(bobsBoard.snapshot.operationSequence + 6)))
        let aliceSlot = UInt16(try slot(of: board.member, in: bobsBoard))
        #expect(seen.map(\.operation) == [
            .strokeBegan(slot: aliceSlot, id: 7, color: 0xFF8800, width: 3),
            .pointsAppended(slot: aliceSlot, id: 7, points: (0..<10).map { CanvasPoint(x: $0, y: 100) }),
            .pointsAppended(slot: aliceSlot, id: 7, points: (0..<10).map { CanvasPoint(x: 10 + $0, y: 100) }),
            .pointsAppended(slot: aliceSlot, id: 7, points: (0..<10).map { CanvasPoint(x: 20 + $0, y: 100) }),
            .strokeCommitted(slot: aliceSlot, id: 7),
            .shapeAdded(rectangle),
        ])

        let carolsBoard = try await carol.joinOrCreate(WhiteboardLogic(), applying: applyBoard)
        #expect(carolsBoard.id == board.id)
        #expect(carolsBoard.snapshotState.strokes.map(\.points.count) == [30])
        #expect(carolsBoard.snapshotState.shapes == [rectangle])
        var carolUpdates = UpdateReader(carolsBoard)

        try await board.send(.deleteShape(id: 1))
        let deleted = try await carolUpdates.operations(1)
        #expect(deleted.map(\.operation) == [.shapeDeleted(id: 1)])
        _ = try await bobUpdates.first("bob's shapeDeleted") { update -> Bool? in
            if case .operation(let op) = update, op.operation == .shapeDeleted(id: 1) { return true }
            return nil
        }
        // alice's replica has it too once her own answer came back after the tick.
        #expect(carolsBoard.operationSequence == bobsBoard.operationSequence)
        #expect(BoardDocument(carolsBoard.state) == BoardDocument(bobsBoard.state))
        #expect(BoardDocument(board.state) == BoardDocument(bobsBoard.state))
        #expect(bobsBoard.state.shapes.isEmpty && bobsBoard.state.strokes.count == 1)
    }

    @Test("leave: the room answers, the updates finish, inputs are refused; the other member sees it; the client joins again")
    func leave() async throws {
        let server = try await HuddleServer.start()
        defer { server.stop() }
        let alice = try makeClient(server)
        let bob = try makeClient(server)
        defer { alice.close(); bob.close() }
        let board = try await alice.joinOrCreate(WhiteboardLogic(), applying: applyBoard)
        var aliceUpdates = UpdateReader(board)
        let bobsBoard = try await bob.joinOrCreate(WhiteboardLogic(), applying: applyBoard)
        _ = try await aliceUpdates.operations(1)    // bob joined
        let bobSlot = UInt16(try slot(of: bobsBoard.member, in: board))

        try await bobsBoard.leave()
        #expect(bobsBoard.status == .left)
        var bobUpdates = UpdateReader(bobsBoard)
        #expect(try await bobUpdates.ends())
        await #expect(throws: RoomClientError.self) { try await bobsBoard.send(.clear) }
        #expect(throws: RoomClientError.self) { try bobsBoard.post(.cursor(x: 1, y: 1)) }
        try await bobsBoard.leave()   // again: nothing to do

        let left = try await aliceUpdates.operations(1)
        #expect(left.map(\.operation) == [.memberLeft(slot: bobSlot)])

        let again = try await bob.joinOrCreate(WhiteboardLogic(), applying: applyBoard)
        #expect(again.id == board.id)
        #expect(again.member == bobsBoard.member, "the same socket, so the same member id")
        #expect(again.status == .joined)
    }
}
