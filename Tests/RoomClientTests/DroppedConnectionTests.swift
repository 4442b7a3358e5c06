import HuddleTestSupport
import RoomClient
import RoomEngine
import Testing
import WhiteboardRoom

/// A connection cut on the way (a TCP relay between the client and a real
/// `huddle serve`) while the server goes on: the client reconnects and takes
/// its membership up again — its seat when the server has seats (the same
/// member, the operations missed replayed), else a fresh join that finds the
/// same room (the document comes back in the snapshot).
@Suite("RoomClient against huddle serve: a dropped connection", .serialized, .timeLimit(.minutes(2)))
struct DroppedConnectionTests {
    @Test("cut, then reconnected: the same room, and what was drawn meanwhile")
    func droppedConnection() async throws {
        let server = try await HuddleServer.start()
        defer { server.stop() }
        let proxy = try await DroppingProxy.start(forwardingTo: server.port)
        defer { proxy.close() }
        let alice = try makeClient(server) { _ in }
        let bob = try RoomClient(url: proxy.url, options: fastReconnection(), configuration: RoomClientConfiguration())
        defer { alice.close(); bob.close() }

        let board = try await alice.joinOrCreate(WhiteboardLogic(), applying: applyBoard)
        var aliceUpdates = UpdateReader(board)
        let cut = try await bob.joinOrCreate(WhiteboardLogic(), applying: applyBoard)
        var updates = UpdateReader(cut)
        let before = cut.membership
        _ = try await aliceUpdates.operations(1)    // bob joined
        try await cut.send(.addShape(shape(1)))

        proxy.dropAll(refusingNew: true)
        let interruption = try await updates.first("the interruption") { update -> RoomClientError? in
            if case .interrupted(let error) = update { return error }
            return nil
        }
        #expect(interruption.code == .connectionLost)
        // Drawn while bob is away: he gets it back on his return.
        try await board.send(.addShape(shape(2)))
        proxy.resume()

        let back = try await updates.first("the return") { update -> RoomUpdate<WhiteboardLogic>? in
            switch update {
            case .resumed, .rejoined: update
            default: nil
            }
        }
        #expect(cut.status == .joined)
        #expect(cut.id == before.room, "the room outlived the connection")
        #expect(cut.state.shapes.map(\.id) == [1, 2])
        if before.seat != nil {
            // A server with seats: the same member, the missed shape replayed.
            guard case .resumed(let membership) = back else {
                Issue.record("a seat was given, but the return was \(back)")
                return
            }
            #expect(membership.member == before.member)
            #expect(cut.statistics.resumes == 1 && cut.statistics.rejoins == 0)
        } else {
            // No seats: a fresh join, found the same room; the snapshot holds shape 2.
            guard case .rejoined(let membership) = back else {
                Issue.record("expected rejoined, got \(back)")
                return
            }
            #expect(membership.member != before.member)
            #expect(membership.snapshot.members.contains(membership.member))
            #expect(cut.statistics.rejoins == 1)
        }
        // And it goes on: an input, its operation, on both sides.
        try await cut.send(.deleteShape(id: 1))
        _ = try await aliceUpdates.first("bob's deletion") { update -> Bool? in
            if case .operation(let op) = update, op.operation == .shapeDeleted(id: 1) { return true }
            return nil
        }
        #expect(cut.state.shapes.map(\.id) == [2])
        // alice has seen everything bob's return did by now (it came before his deletion).
        #expect(BoardDocument(cut.state) == BoardDocument(board.state))
    }
}

private func shape(_ id: UInt32) -> Shape {
    Shape(id: id, kind: .ellipse, bounds: ShapeBounds(from: CanvasPoint(x: 5, y: 5), to: CanvasPoint(x: 50, y: 40)), color: 0x8844CC)
}
