import RoomClient
import RoomEngine
import Testing
import WhiteboardRoom

/// The client follows the Socket.IO client's reconnection, then joins a
/// room of its kind again.
@Suite("RoomClient against huddle serve: reconnection", .serialized, .timeLimit(.minutes(2)))
struct ReconnectionTests {
    @Test("the server goes away and comes back on its port: interrupted, then rejoined (a new room), and inputs go again")
    func serverRestart() async throws {
        let first = try await HuddleServer.start()
        let alice = try makeClient(first)
        defer { alice.close() }
        let board = try await alice.joinOrCreate(WhiteboardLogic(), applying: applyBoard)
        var updates = UpdateReader(board)
        let before = board.membership
        try await board.send(.addShape(Shape(id: 1, kind: .line,
                                             bounds: ShapeBounds(from: CanvasPoint(x: 0, y: 0), to: CanvasPoint(x: 9, y: 9)),
                                             color: 0)))
        #expect(board.state.shapes.count == 1)

        first.stop()    // the connections close with the process
        let interruption = try await updates.first("the interruption") { update -> RoomClientError? in
            if case .interrupted(let error) = update { return error }
            return nil
        }
        #expect([RoomClientError.Code.connectionLost, .roomClosed].contains(interruption.code))
        #expect(board.status == .rejoining)
        await expectCode(.notInRoom) { try await board.send(.clear) }

        let second = try await HuddleServer.start(port: first.port)
        defer { second.stop() }
        let membership = try await updates.first("the rejoin") { update -> RoomMembership? in
            if case .rejoined(let membership) = update { return membership }
            return nil
        }
        #expect(board.status == .joined)
        #expect(membership.member != before.member, "a new connection, a new member id")
        #expect(membership == board.membership)
        #expect(board.state.shapes.isEmpty, "a new server: a new, empty board")
        #expect(board.statistics.rejoins == 1)

        try await board.send(.beginStroke(id: 2, color: 0xABCDEF, width: 2))
        let began = try await updates.operations(1)
        #expect(began.first?.sequence == membership.snapshot.operationSequence + 1)
        #expect(board.state.openStrokes.map(\.id) == [2])
        try board.post(.cursor(x: 640, y: 480))
        let mine = UInt32(try #require(board.state.member(board.member)?.slot))
        try await positions(of: board, "my own cursor after the rejoin") { $0[mine]?.x == 640 }
    }

    @Test("without rejoin, a lost connection ends the room with connectionLost")
    func withoutRejoin() async throws {
        let server = try await HuddleServer.start()
        let alice = try makeClient(server) { $0.rejoin = false }
        defer { alice.close() }
        let board = try await alice.joinOrCreate(WhiteboardLogic())
        var updates = UpdateReader(board)
        server.stop()
        do {
            while true { _ = try await updates.next("the end") }
        } catch let error as RoomClientError {
            #expect([RoomClientError.Code.connectionLost, .roomClosed].contains(error.code))
        }
        guard case .failed = board.status else {
            Issue.record("status \(board.status)")
            return
        }
    }

    @Test("closing the client ends its room with status closed; the updates finish")
    func close() async throws {
        let server = try await HuddleServer.start()
        defer { server.stop() }
        let alice = try makeClient(server)
        let board = try await alice.joinOrCreate(WhiteboardLogic())
        var updates = UpdateReader(board)
        alice.close()
        #expect(try await updates.ends())
        #expect(board.status == .closed)
    }
}
