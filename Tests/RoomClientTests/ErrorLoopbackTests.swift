import CounterRoom
import RoomClient
import RoomEngine
import Testing
import WhiteboardRoom

/// Refusals as the client reports them, against a real `huddle serve`.
@Suite("RoomClient against huddle serve: errors", .serialized, .timeLimit(.minutes(2)))
struct ErrorLoopbackTests {
    @Test("refusals: unknown kind, a document error with its receipt, a refusal without ack as an update, too large, already in a room")
    func refusals() async throws {
        let server = try await HuddleServer.start()
        defer { server.stop() }
        let alice = try makeClient(server)
        defer { alice.close() }

        await expectCode(.unknownRoomKind) { _ = try await alice.joinOrCreate(CounterLogic()) }   // plain huddle has no counter
        let board = try await alice.joinOrCreate(WhiteboardLogic(), applying: applyBoard)
        var updates = UpdateReader(board)

        do {
            try await board.send(.endStroke(id: 77))
            Issue.record("ending a stroke never begun was accepted")
        } catch let error as RoomClientError {
            #expect(error.code == .unknownElement)
            #expect(error.receipt != nil, "a refusal in the tick names the input's receipt")
        }

        try board.post(.deleteShape(id: 5))
        let refused = try await updates.first("the room-error of the posted input") { update -> RoomClientError? in
            if case .refused(let error) = update { return error }
            return nil
        }
        #expect(refused.code == .unknownElement && refused.event == "input")

        let tooMany = (0..<300).map { CanvasPoint(x: UInt16($0), y: 0) }
        await expectCode(.inputTooLarge) { try await board.send(.appendPoints(id: 1, points: tooMany)) }
        await expectCode(.alreadyInRoom) { _ = try await alice.joinOrCreate(WhiteboardLogic()) }
        #expect(board.status == .joined, "a refused second join leaves the first room alone")
        try await board.send(.clear)
    }

    @Test("a room of another logic version is refused as kindMismatch, and left: the client can join right after")
    func kindMismatch() async throws {
        let server = try await HuddleServer.start()
        defer { server.stop() }
        let bob = try makeClient(server)
        defer { bob.close() }
        await expectCode(.kindMismatch) { _ = try await bob.joinOrCreate(WhiteboardVersion2()) }
        let board = try await bob.joinOrCreate(WhiteboardLogic())
        #expect(board.status == .joined)
        #expect(try await bob.rooms(of: .whiteboard).map(\.members) == [1])
    }

    @Test("a server that is not there: connectionFailed")
    func noServer() async throws {
        let server = try await HuddleServer.start()
        let url = server.url
        server.stop()
        var options = ClientOptions()
        options.transports = [.websocket]
        options.reconnection = false
        let client = try RoomClient(url: url, options: options)
        defer { client.close() }
        await expectCode(.connectionFailed) { _ = try await client.joinOrCreate(WhiteboardLogic()) }
    }
}

/// Expects `body` to throw a ``RoomClientError`` with `code`.
func expectCode(_ code: RoomClientError.Code, sourceLocation: SourceLocation = #_sourceLocation,
                _ body: () async throws -> Void) async {
    do {
        try await body()
        Issue.record("expected \(code), nothing was thrown", sourceLocation: sourceLocation)
    } catch let error as RoomClientError {
        #expect(error.code == code, "\(error)", sourceLocation: sourceLocation)
    } catch {
        Issue.record("expected \(code), got \(error)", sourceLocation: sourceLocation)
    }
}
