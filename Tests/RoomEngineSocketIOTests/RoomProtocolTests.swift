import ArenaRoom
import NIOCore
import RoomEngine
import SocketIOCore
import Testing
import WhiteboardRoom

@Suite("The room protocol: arena, listing, leaving, slow clients")
struct RoomProtocolTests {
    @Test("an arena player moves by its inputs; others see it through deltas")
    func arenaMoves() async throws {
        try await TestServer.with { server in
            let runner = try await server.member(of: "arena")
            let watcher = try await server.member(of: "arena")
            #expect(runner.view.kind == "arena" && runner.view.arena != nil)
            let slot = UInt32(try #require(runner.view.slot))
            let start = try #require(watcher.view.positions[slot] ?? runner.view.positions[slot])
            // Move along an axis whose line is clear of every wall, towards the far side.
            let horizontal = Self.isClearOfWalls(unitsAcross: Int(start.y) / 16)
            let along = horizontal ? start.x : start.y
            let step: Int8 = along < 32_768 ? 1 : -1
            let move = horizontal ? ArenaInput.move(dx: step, dy: 0, buttons: 0) : ArenaInput.move(dx: 0, dy: step, buttons: 0)
            runner.input(move.encodedBytes())
            try await watcher.waitUntil("the runner to move 400 grid units") { view in
                guard let now = view.positions[slot] else { return false }
                return abs(Int(horizontal ? now.x : now.y) - Int(along)) >= 400
            }
            let emote = try await runner.inputWithAck(ArenaInput.emote(code: 7).encodedBytes())
            #expect(emote.errorCode == nil)
            try await watcher.waitUntil("the emote") { view in
                view.arenaOperations.contains(.emoted(slot: UInt16(slot), code: 7))
            }
            #expect(try await runner.inputWithAck([0x01, 0x05, 0x00, 0x00]).errorCode == "outOfRange")
            #expect(try await runner.inputWithAck(Array(repeating: 1, count: 17)).errorCode == "inputTooLarge")
        }
    }

    /// Whether a player (radius 24) moving along the line at `units` on the
    /// other axis touches no wall band (the walls are symmetric in x and y,
    /// and either a pillar pair or the bar spans each band).
    static func isClearOfWalls(unitsAcross value: Int) -> Bool {
        let bands = [876...1224, 1824...2272, 2872...3220]
        return !bands.contains { $0.contains(value) }
    }

    @Test("list, leave, and what a left member may no longer do")
    func listAndLeave() async throws {
        try await TestServer.with { server in
            let alice = try await server.member(of: "whiteboard")
            let bob = try await server.member(of: "whiteboard")
            let room = try #require(alice.view.room)
            let listing = try await bob.request("list")
            let entry = try #require(listing["rooms"]?.arrayValue?.first { $0["id"]?.stringValue == room })
            #expect(entry["members"]?.int64Value == 2 && entry["kind"]?.stringValue == "whiteboard")
            #expect(entry["capacity"]?.int64Value == 32)
            #expect(try await bob.request("list", .object(["kind": "arena"]))["rooms"]?.arrayValue?.isEmpty == true)

            let slot = try #require(bob.view.slot)
            let left = try await bob.request("leave")
            #expect(left["ok"] == .bool(true) && left["room"]?.stringValue == room)
            try await alice.waitUntil("bob's departure") { $0.whiteboard?.members.contains { $0.slot == slot } == false }
            #expect(try await bob.inputWithAck(Board.cursor(1, 1)).errorCode == "notInRoom")
            #expect(try await bob.request("leave").errorCode == "notInRoom")
            let relisted = try await alice.request("list", .object(["kind": "whiteboard"]))
            #expect(relisted["rooms"]?.arrayValue?.first?["members"]?.int64Value == 1)

            // Rejoining lands in the same room with a fresh snapshot.
            let again = try await bob.join("whiteboard")
            #expect(again["room"]?.stringValue == room)
            #expect(bob.view.whiteboard?.members.count == 2)
        }
    }

    @Test("a client that never acknowledges operations is told it is too slow and disconnected")
    func slowClient() async throws {
        try await TestServer.with(configure: { $0.maxUnacknowledgedOperationBatches = 3 }) { server in
            let slow = try await server.client()
            slow.acknowledgesOperations.withLockedValue { $0 = false }
            #expect(try await slow.join("whiteboard").errorCode == nil)
            let busy = try await server.member(of: "whiteboard")
            for id in 1...5 as ClosedRange<UInt32> {
                _ = try await busy.inputWithAck(Board.addShape(id, from: (1, 1), to: (5, 5)))
                try await busy.waitUntil("shape \(id)") { $0.whiteboard?.shapes.count == Int(id) }
            }
            let view = try await slow.waitUntil("tooSlow and the disconnect") { $0.errorCodes.contains("tooSlow") && $0.disconnected }
            #expect(view.operationBatches >= 3)
            try await busy.waitUntil("the slow member to leave") { $0.whiteboard?.members.count == 1 }
        }
    }

    @Test("disconnecting frees the seat; the document keeps what was committed")
    func disconnectFreesSeat() async throws {
        try await TestServer.with { server in
            let alice = try await server.member(of: "whiteboard")
            let bob = try await server.member(of: "whiteboard")
            _ = try await bob.inputWithAck(Board.begin(4))
            _ = try await bob.inputWithAck(Board.append(4, Board.points(3, from: 9)))
            try await alice.waitUntil("bob's open stroke") { $0.whiteboard?.openStrokes.count == 1 }
            await bob.close()
            let view = try await alice.waitUntil("bob gone, his open stroke abandoned") { view in
                view.whiteboard?.members.count == 1 && view.whiteboard?.openStrokes.isEmpty == true
            }
            #expect(view.operationFaults.isEmpty)
        }
    }
}
