import ArenaRoom
import NIOCore
import RoomEngine
@testable import RoomEngineSocketIO
import SocketIOCore
import Testing
import WhiteboardRoom

@Suite("Bad input gets the documented error and disturbs nobody")
struct BadInputTests {
    @Test("requests outside a room, unknown kinds and malformed requests")
    func refusedRequests() async throws {
        try await TestServer.with { server in
            let stranger = try await server.client()
            #expect(try await stranger.join("chess").errorCode == "unknownRoomKind")
            #expect(try await stranger.request("join", .object([:])).errorCode == "badRequest")
            #expect(try await stranger.request("join", .int(3)).errorCode == "badRequest")
            #expect(try await stranger.inputWithAck(Board.cursor(1, 1)).errorCode == "notInRoom")
            #expect(try await stranger.request("leave").errorCode == "notInRoom")
            #expect(try await stranger.request("list", .int(3)).errorCode == "badRequest")
            // One documented shape: {kind}. A bare string is refused, and so is a kind the server does not run.
            #expect(try await stranger.request("join", .string("whiteboard")).errorCode == "badRequest")
            #expect(try await stranger.request("list", .string("nope")).errorCode == "badRequest")
            #expect(try await stranger.request("list", .object(["kind": .string("nope")])).errorCode == "unknownRoomKind")
            #expect(try await stranger.request("list", .object(["kind": .string("whiteboard")]))["rooms"] != nil)
            stranger.emit("delta-ack", .int(5))
            try await stranger.waitUntil("notInRoom for the ack") { $0.errorCodes == ["notInRoom"] }
            #expect(try await stranger.join("whiteboard").errorCode == nil)
            #expect(try await stranger.join("whiteboard").errorCode == "alreadyInRoom")
        }
    }

    @Test("malformed, oversized and out-of-range inputs, chunks for strokes never begun, bogus acks")
    func refusedInputs() async throws {
        try await TestServer.with { server in
            let alice = try await server.member(of: "whiteboard")
            let bob = try await server.member(of: "whiteboard")
            _ = try await bob.inputWithAck(Board.begin(1))
            _ = try await bob.inputWithAck(Board.append(1, Board.points(8, from: 40)))
            _ = try await bob.inputWithAck(Board.end(1))
            bob.input(Board.cursor(500, 600))
            let before = try await bob.waitUntil("bob's stroke and cursor") { $0.whiteboard?.strokes.count == 1 && $0.positions.count == 1 }

            #expect(try await alice.inputWithAck([0x77]).errorCode == "malformed")
            #expect(try await alice.inputWithAck([0x02]).errorCode == "truncated")
            #expect(try await alice.inputWithAck(Board.cursor(5000, 1)).errorCode == "outOfRange")
            #expect(try await alice.inputWithAck(Board.begin(2, width: 0)).errorCode == "outOfRange")
            #expect(try await alice.inputWithAck(Board.cursor(1, 1) + [0]).errorCode == "malformed")
            #expect(try await alice.inputWithAck([0x03] + Array(repeating: 1, count: 2000)).errorCode == "inputTooLarge")
            #expect(try await alice.request("input", .string("not binary")).errorCode == "badRequest")
            #expect(try await alice.request("input").errorCode == "badRequest")

            // Points for a stroke never begun: refused by the tick, with the receipt.
            let orphan = try await alice.inputWithAck(Board.append(99, Board.points(4, from: 1)))
            #expect(orphan.errorCode == "unknownElement")
            #expect(orphan["receipt"]?.int64Value != nil)
            // Without an ack the refusal comes as a room-error event.
            alice.input(Board.append(98, Board.points(4, from: 1)))
            alice.input([0x77])
            let errors = try await alice.waitUntil("two room-error events") { $0.errors.count == 2 }.errors
            #expect(Set(errors.compactMap { $0["code"]?.stringValue }) == ["unknownElement", "malformed"])
            #expect(errors.allSatisfy { $0["event"]?.stringValue == "input" })
            #expect(errors.contains { $0["code"]?.stringValue == "unknownElement" && $0["receipt"] != nil })

            alice.emit("delta-ack", .int(1_000_000_000))
            alice.emit("delta-ack", .string("soon"))
            let codes = try await alice.waitUntil("the ack errors") { $0.errors.count == 4 }.errorCodes
            #expect(codes.suffix(2).sorted() == ["acknowledgementFromTheFuture", "badRequest"])
            // The same in an input: the whole input is refused.
            let future = try await alice.request("input", .binary(ByteBuffer(bytes: Board.cursor(7, 7))), .int(1_000_000_000))
            #expect(future.errorCode == "acknowledgementFromTheFuture")

            // The room goes on, untouched by any of it.
            _ = try await alice.inputWithAck(Board.addShape(3, from: (1, 1), to: (9, 9)))
            let after = try await bob.waitUntil("alice's shape") { $0.whiteboard?.shapes.count == 1 }
            #expect(after.document?.strokes == before.document?.strokes)
            #expect(after.positions[UInt32(try #require(bob.view.slot))] == before.positions[UInt32(try #require(bob.view.slot))])
            #expect(after.errors.isEmpty && after.operationFaults.isEmpty && after.deltaFaults.isEmpty)
            #expect(alice.view.operationFaults.isEmpty)
            // A refused acknowledgement changes nothing: the genuine ones that
            // follow still move alice's baseline on.
            let refusedAt = alice.view.mirror.tick ?? 0
            var moved = false
            for step in 0..<20 where !moved {
                bob.input(Board.cursor(UInt16(100 + step), 100))
                _ = try await alice.waitUntil("bob's cursor, step \(step)") {
                    $0.positions[UInt32(bob.view.slot ?? 0)]?.x == UInt16(100 + step)
                }
                moved = alice.view.newestBaseline > refusedAt
            }
            #expect(moved, "alice's acknowledgements after the refused one were taken")
        }
    }

    @Test("a flood is refused by the rate limit and the room queue bound, others unaffected")
    func floods() async throws {
        try await TestServer.with(configure: { $0.eventsPerSecond = 1; $0.eventBurst = 100 }) { server in
            let flooder = try await server.member(of: "arena")
            let calm = try await server.member(of: "arena")
            // 60 emotes in one write, so they reach the room between the
            // same two ticks: the arena keeps 8 per member per tick.
            let emotes = flooder.together {
                (0..<60).map { _ in flooder.post("input", [.binary(ByteBuffer(bytes: ArenaInput.emote(code: 1).encodedBytes()))]) }
            }
            let answers = try await emotes.asyncMap { try await flooder.answer(to: $0) }
            let codes = answers.map { $0.errorCode ?? "applied" }
            #expect(codes.contains("memberInputQueueFull"))
            #expect(codes.contains("applied"))
            #expect(codes.allSatisfy { ["applied", "memberInputQueueFull"].contains($0) }, "answers: \(codes)")
            // Past the burst, events are refused before they reach the room.
            // The 200 moves outnumber what the burst has left (100 − 61)
            // plus what two minutes refill at 1/s; the emote comes in the
            // same write, right after them, so no second passes in between
            // to refill a token for it.
            let late = flooder.together {
                for _ in 0..<200 { flooder.input(ArenaInput.move(dx: 0, dy: 0, buttons: 0).encodedBytes()) }
                return flooder.post("input", [.binary(ByteBuffer(bytes: ArenaInput.emote(code: 2).encodedBytes()))])
            }
            try await flooder.waitUntil("a rateLimited event") { $0.errorCodes.contains("rateLimited") }
            #expect(try await flooder.answer(to: late).errorCode == "rateLimited")

            let applied = codes.filter { $0 == "applied" }.count
            let view = try await calm.waitUntil("the flooder's applied emotes") { view in
                view.arenaOperations.filter { if case .emoted = $0 { true } else { false } }.count == applied
            }
            #expect(view.errors.isEmpty && view.operationFaults.isEmpty)
            #expect(try await calm.inputWithAck(ArenaInput.emote(code: 3).encodedBytes()).errorCode == nil)
        }
    }

    @Test("a socket that keeps sending into a closed bucket is disconnected; the others go on")
    func flooderIsDisconnected() async throws {
        try await TestServer.with(configure: {
            $0.eventsPerSecond = 1; $0.eventBurst = 10; $0.floodDisconnectAfter = 50
        }) { server in
            let flooder = try await server.member(of: "arena")
            let calm = try await server.member(of: "arena")
            // 10 admitted (the burst), then 50 refusals in a row: disconnected.
            flooder.together {
                for _ in 0..<100 { flooder.input(ArenaInput.move(dx: 1, dy: 0, buttons: 0).encodedBytes()) }
            }
            let view = try await flooder.waitUntil("the disconnection") { $0.disconnected }
            #expect(view.errors.contains { $0["code"]?.stringValue == "rateLimited"
                && $0["message"]?.stringValue?.hasPrefix("disconnected") == true }, "\(view.errors)")
            #expect(try await calm.inputWithAck(ArenaInput.emote(code: 3).encodedBytes()).errorCode == nil)
        }
    }

    @Test("refusals in a row: an admitted event starts the count again")
    func refusalsInARow() {
        let start = NIODeadline.uptimeNanoseconds(0)
        var limiter = EventRateLimiter(perSecond: 1, burst: 2, now: start)
        let taken = (0..<4).map { _ in limiter.take(now: start) }
        #expect(taken == [true, true, false, false])
        #expect(limiter.refusalsInARow == 2)
        // A second later one token is back: admitted, and the count restarts.
        let later = (0..<2).map { _ in limiter.take(now: start + .seconds(1)) }
        #expect(later == [true, false])
        #expect(limiter.refusalsInARow == 1)
    }
}
