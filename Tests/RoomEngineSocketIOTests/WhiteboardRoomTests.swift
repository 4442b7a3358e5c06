import NIOCore
import RoomEngine
import Testing
import WhiteboardRoom

@Suite("Whiteboard rooms over Socket.IO")
struct WhiteboardRoomTests {
    @Test("members see each other's cursors and streamed strokes")
    func cursorsAndStrokes() async throws {
        try await TestServer.with { server in
            let alice = try await server.member(of: "whiteboard")
            let bob = try await server.member(of: "whiteboard")
            let carol = try await server.member(of: "whiteboard")
            #expect(alice.view.room == bob.view.room && bob.view.room == carol.view.room)
            let aliceSlot = try #require(alice.view.slot)
            let bobSlot = try #require(bob.view.slot)

            alice.input(Board.cursor(100, 200))
            bob.input(Board.cursor(3000, 4000))
            for client in [alice, bob, carol] {
                try await client.waitUntil("both cursors") { view in
                    view.point(of: aliceSlot) == CanvasPoint(x: 100, y: 200)
                        && view.point(of: bobSlot) == CanvasPoint(x: 3000, y: 4000)
                }
            }

            // A stroke streams as binary chunks and is relayed before it ends.
            let begun = try await alice.inputWithAck(Board.begin(7, color: 0xFF0000, width: 4))
            #expect(begun.errorCode == nil && begun["receipt"] != nil && begun["tick"] != nil)
            alice.input(Board.append(7, Board.points(40, from: 10)))
            alice.input(Board.append(7, Board.points(40, from: 50)))
            for client in [bob, carol] {
                try await client.waitUntil("the open stroke's 80 points") { view in
                    view.whiteboard?.openStrokes.first { $0.authorSlot == aliceSlot && $0.id == 7 }?.points.count == 80
                }
            }
            #expect(bob.view.whiteboard?.strokes.isEmpty == true)

            let ended = try await alice.inputWithAck(Board.end(7))
            #expect(ended.errorCode == nil)
            for client in [alice, bob, carol] {
                let view = try await client.waitUntil("the committed stroke") { view in
                    view.whiteboard?.strokes.count == 1 && view.whiteboard?.openStrokes.isEmpty == true
                }
                let stroke = try #require(view.whiteboard?.strokes.first)
                #expect(stroke.points == Board.points(40, from: 10) + Board.points(40, from: 50))
                #expect(stroke.color == 0xFF0000 && stroke.width == 4 && stroke.authorSlot == aliceSlot)
                #expect(view.operationFaults.isEmpty && view.deltaFaults.isEmpty && view.errors.isEmpty)
            }
        }
    }

    @Test("a late joiner's snapshot equals the live state, then follows the operations")
    func lateJoinerSnapshot() async throws {
        try await TestServer.with { server in
            let alice = try await server.member(of: "whiteboard")
            let bob = try await server.member(of: "whiteboard")
            alice.input(Board.cursor(11, 22))
            bob.input(Board.cursor(33, 44))
            _ = try await alice.inputWithAck(Board.begin(1))
            _ = try await alice.inputWithAck(Board.append(1, Board.points(30, from: 100)))
            _ = try await alice.inputWithAck(Board.end(1))
            _ = try await bob.inputWithAck(Board.addShape(5, .ellipse, from: (10, 10), to: (200, 100)))
            _ = try await bob.inputWithAck(Board.addShape(6, from: (300, 300), to: (400, 400)))
            _ = try await alice.inputWithAck(Board.moveShape(5, from: (20, 20), to: (220, 120)))
            _ = try await alice.inputWithAck(Board.deleteShape(6))
            // Bob leaves a stroke in progress: the joiner must get it too.
            _ = try await bob.inputWithAck(Board.begin(9, color: 0x00FF00))
            _ = try await bob.inputWithAck(Board.append(9, Board.points(12, from: 700)))
            let expected = try await alice.waitUntil("alice's document") { view in
                view.whiteboard?.strokes.count == 1 && view.whiteboard?.shapes.count == 1
                    && view.whiteboard?.openStrokes.first?.points.count == 12 && view.positions.count == 2
            }

            let carol = try await server.member(of: "whiteboard")
            let joined = carol.view
            let snapshot = try #require(joined.snapshot)
            #expect(joined.document?.strokes == expected.document?.strokes)
            #expect(joined.document?.openStrokes == expected.document?.openStrokes)
            #expect(joined.document?.shapes == expected.document?.shapes)
            #expect(joined.whiteboard?.member(MemberID(try #require(alice.view.member)))?.cursor == CanvasPoint(x: 11, y: 22))
            #expect(joined.whiteboard?.member(MemberID(try #require(bob.view.member)))?.cursor == CanvasPoint(x: 33, y: 44))
            // Nothing moves now, so the server's live state is byte for byte the snapshot's.
            let live = try await server.snapshot(of: joined.room)
            #expect(live.state == snapshot.state)
            #expect(live.operationSequence == snapshot.operationSequence)
            #expect(live.members == snapshot.members)

            // From the snapshot on, the joiner follows the stream like everyone else.
            bob.input(Board.append(9, Board.points(5, from: 900)))
            _ = try await bob.inputWithAck(Board.end(9))
            let documents = try await [alice, bob, carol].asyncMap { client in
                try await client.waitUntil("bob's committed stroke") { $0.whiteboard?.strokes.count == 2 }.document
            }
            #expect(documents[0] == documents[1] && documents[1] == documents[2])
            #expect(carol.view.operationFaults.isEmpty)
        }
    }

    @Test("a client that loses deltas and acks converges on the server's table")
    func lossyClientConverges() async throws {
        try await TestServer.with { server in
            let mover = try await server.member(of: "whiteboard")
            // Loses 30 % of deltas and drops the ack of another 30 %, by tick.
            let lossy = try await server.member(of: "whiteboard") { tick in
                switch (tick &* 2_654_435_761) % 10 {
                case 0..<3: .lose
                case 3..<6: .applyWithoutAck
                default: .applyAndAck
                }
            }
            let slot = try #require(mover.view.slot)
            let lossySlot = try #require(lossy.view.slot)
            var last = CanvasPoint(x: 0, y: 0)
            for step in 0..<40 {
                let x = UInt16((step * 97) % 4000), y = UInt16((step * 31) % 4000)
                mover.input(Board.cursor(x, y))
                lossy.input(Board.cursor(y, x))
                last = CanvasPoint(x: y, y: x)
                try await mover.waitUntil("the mover's own cursor at step \(step)") { view in
                    view.point(of: slot) == CanvasPoint(x: x, y: y)
                }
            }
            // The lossy client's last input may reach the room after the
            // mover's: the table is final only once both are in.
            try await mover.waitUntil("the lossy client's last cursor") { [last] view in
                view.point(of: lossySlot) == last
            }
            let truth = try await server.snapshot(of: mover.view.room)
            let table = try WhiteboardState.decodeState(truth.state).positions
            let converged = try await lossy.waitUntil("the lossy table to match the server") { $0.positions == table }
            #expect(converged.deltasLost > 0)
            #expect(converged.deltasAgainstOlderBaselines > 0)
            #expect(converged.deltaFaults.isEmpty)
            try await mover.waitUntil("the mover's table to match the server") { $0.positions == table }
        }
    }

    @Test("concurrent joins fill rooms up to the configured capacity")
    func concurrentJoins() async throws {
        try await TestServer.with(configure: { $0.roomCapacity = 4 }) { server in
            let clients = try await (0..<12).asyncMap { _ in try await server.client() }
            let answers = try await withThrowingTaskGroup(of: JSONValueBox.self) { group in
                for client in clients { group.addTask { JSONValueBox(value: try await client.join("whiteboard")) } }
                return try await group.reduce(into: []) { $0.append($1.value) }
            }
            let rooms = Dictionary(grouping: answers.compactMap { $0["room"]?.stringValue }, by: { $0 })
            #expect(rooms.count == 3)
            #expect(rooms.values.allSatisfy { $0.count == 4 })
            let listing = try await clients[0].request("list", .object(["kind": "whiteboard"]))
            #expect(listing["rooms"]?.arrayValue?.count == 3)
            for client in clients { await client.close() }
        }
    }
}
