import HuddleTestSupport
import RoomClient
import RoomEngine
import Testing
import WhiteboardRoom

/// Seat resume over the wire, against ``SeatServer`` (a stand-in written
/// from the protocol text on wt-seats, until `huddle serve` gives seats):
/// the connection is cut by a relay, the client comes back with
/// `rejoin {seat, sequence}`.
@Suite("RoomClient: seat resume (protocol stand-in)", .serialized, .timeLimit(.minutes(2)))
struct SeatLoopbackTests {
    @Test("resumed with the operations missed: the same member, the missed operations as updates, the state kept")
    func resumedWithOperations() async throws {
        try await withSeatServer(answering: .operations) { server, proxy in
            let bob = try RoomClient(url: proxy.url, options: fastReconnection())
            let alice = try RoomClient(url: server.url, options: fastReconnection())
            defer { bob.close(); alice.close() }
            let board = try await bob.joinOrCreate(WhiteboardLogic(), applying: applyBoard)
            let before = board.membership
            #expect(before.seat?.grace == .seconds(10))
            var updates = UpdateReader(board)
            try await board.send(.addShape(shape(1)))
            _ = try await updates.operations(1)

            proxy.dropAll(refusingNew: true)
            _ = try await updates.first("the interruption") { update -> Bool? in
                if case .interrupted = update { return true }
                return nil
            }
            // While bob is away: alice joins and draws.
            let other = try await alice.joinOrCreate(WhiteboardLogic(), applying: applyBoard)
            try await other.send(.addShape(shape(2)))
            proxy.resume()

            let back = try await updates.next("the return")
            guard case .resumed(let membership) = back else {
                Issue.record("expected resumed, got \(back)")
                return
            }
            #expect(membership.member == before.member && membership.room == before.room)
            let missed = try await updates.operations(2).map(\.operation)
            guard case .memberJoined(_, let joiner, _) = missed.first else {
                Issue.record("expected alice's join first, got \(missed)")
                return
            }
            #expect(joiner == other.member)
            #expect(missed.last == .shapeAdded(shape(2)))
            #expect(board.state.shapes.map(\.id) == [1, 2])
            #expect(BoardDocument(board.state) == BoardDocument(other.state))
            #expect(board.statistics.resumes == 1 && board.statistics.rejoins == 0)
            #expect(board.member == before.member)
            try await board.send(.deleteShape(id: 1))
            #expect(board.state.shapes.map(\.id) == [2])
        }
    }

    @Test("resumed with a snapshot: the same member, the state replaced (rejoined)")
    func resumedWithSnapshot() async throws {
        try await withSeatServer(answering: .snapshot) { server, proxy in
            let bob = try RoomClient(url: proxy.url, options: fastReconnection())
            defer { bob.close() }
            let board = try await bob.joinOrCreate(WhiteboardLogic(), applying: applyBoard)
            var updates = UpdateReader(board)
            proxy.dropAll(refusingNew: true)
            try server.act(as: board.member, .addShape(shape(5)))   // the room goes on meanwhile
            proxy.resume()
            let membership = try await updates.first("the return") { update -> RoomMembership? in
                if case .rejoined(let membership) = update { return membership }
                return nil
            }
            #expect(membership.member == board.member)
            #expect(board.state.shapes.map(\.id) == [5])
            #expect(board.statistics.resumes == 1)
        }
    }

    @Test("a seat the server no longer holds: unknownSeat, then a fresh join")
    func unknownSeat() async throws {
        try await withSeatServer(answering: .unknownSeat) { _, proxy in
            let bob = try RoomClient(url: proxy.url, options: fastReconnection())
            defer { bob.close() }
            let board = try await bob.joinOrCreate(WhiteboardLogic(), applying: applyBoard)
            let before = board.membership
            var updates = UpdateReader(board)
            proxy.dropAll()
            let membership = try await updates.first("the fresh join") { update -> RoomMembership? in
                if case .rejoined(let membership) = update { return membership }
                return nil
            }
            #expect(membership.member != before.member)
            #expect(board.statistics.rejoins == 1 && board.statistics.resumes == 0)
            #expect(board.membership.seat != nil, "the fresh join's seat")
        }
    }
}

/// Runs `body` with a ``SeatServer`` and a relay in front of it, then stops both.
private func withSeatServer(
    answering answer: SeatServer.RejoinAnswer,
    _ body: (SeatServer, DroppingProxy) async throws -> Void
) async throws {
    let server = try await SeatServer.start(answering: answer)
    let proxy = try await DroppingProxy.start(forwardingTo: server.port)
    do {
        try await body(server, proxy)
    } catch {
        proxy.close()
        await server.stop()
        throw error
    }
    proxy.close()
    await server.stop()
}

private func shape(_ id: UInt32) -> Shape {
    Shape(id: id, kind: .rectangle, bounds: ShapeBounds(from: CanvasPoint(x: 1, y: 2), to: CanvasPoint(x: 30, y: 40)), color: 0x4488CC)
}
