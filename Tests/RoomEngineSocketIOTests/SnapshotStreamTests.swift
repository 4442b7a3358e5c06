import NIOCore
import RoomEngine
@testable import RoomEngineSocketIO
import SocketIOCore
import Testing
import WhiteboardRoom

/// A joiner's snapshot sent in chunks with backpressure (docs/room-protocol.md,
/// "Large snapshots"), with 1 KiB chunks, two in flight, so that a board of
/// a few KiB streams. Every wait is for a delivery, never for time.
@Suite("Snapshots streamed in chunks")
struct SnapshotStreamTests {
    static func smallChunks(_ configuration: inout RoomServiceConfiguration) {
        configuration.snapshotChunkBytes = 1024
        configuration.snapshotChunksInFlight = 2
    }

    /// Draws `strokes` committed strokes of 256 points (1 KiB of points each).
    static func draw(_ strokes: Int, by client: RoomTestClient, from first: UInt32 = 1) async throws {
        for id in first..<first + UInt32(strokes) {
            _ = try await client.inputWithAck(Board.begin(id))
            _ = try await client.inputWithAck(Board.append(id, Board.points(256, from: UInt16(id))))
            _ = try await client.inputWithAck(Board.end(id))
        }
    }

    /// Waits until the service's statistics satisfy `condition`: they are
    /// read on the loops, so this asks again until they do (a guard against
    /// a hang, no time asserted).
    static func stats(
        of server: TestServer, _ what: String, _ condition: (RoomServiceStats) -> Bool
    ) async throws -> RoomServiceStats {
        for _ in 0..<3000 {
            let stats = await server.rooms.stats()
            if condition(stats) { return stats }
            try await Task.sleep(for: .milliseconds(10))
        }
        throw RoomTestClient.Timeout(what: what)
    }

    @Test("a joiner that reads its snapshot slowly stalls only its own stream; its operations follow the snapshot, in order")
    func slowJoiner() async throws {
        try await TestServer.with(configure: {
            Self.smallChunks(&$0)
            $0.roomCapacity = 2
        }) { server in
            // Another room, whose members must keep getting their deltas.
            let carol = try await server.member(of: "whiteboard")
            let dave = try await server.member(of: "whiteboard")
            let alice = try await server.member(of: "whiteboard")
            try await Self.draw(8, by: alice)

            let bob = try await server.client()
            bob.acknowledgesChunks.withLockedValue { $0 = false }
            let answer = try await bob.join("whiteboard")
            #expect(answer["room"]?.stringValue == alice.view.room)
            #expect(answer["snapshot"] == nil)
            let length = try #require(answer["snapshotStream"]?["length"]?.int64Value)
            let chunks = try #require(answer["snapshotStream"]?["chunks"]?.int64Value)
            #expect(length > 8 * 1024)
            #expect(chunks == (length + 1023) / 1024)
            try await bob.waitUntil("the first window of chunks") { $0.snapshotChunks == 2 }

            // While bob's stream waits for him, alice's room goes on...
            try await Self.draw(2, by: alice, from: 100)
            _ = try await alice.inputWithAck(Board.addShape(7, from: (1, 1), to: (50, 50)))
            // ...and carol's cursor reaches dave, tick after tick.
            let carolSlot = try #require(carol.view.slot)
            for step in UInt16(1)...20 {
                carol.input(Board.cursor(step, step * 2))
                try await dave.waitUntil("carol's cursor at step \(step)") { $0.point(of: carolSlot) == CanvasPoint(x: step, y: step * 2) }
            }
            let stalled = bob.view
            #expect(stalled.snapshotChunks == 2)
            #expect(stalled.snapshot == nil)
            #expect(stalled.operationBatches == 0)
            #expect(stalled.deltasApplied == 0)
            #expect(try await Self.stats(of: server, "one stream in progress") { $0.snapshotStreams == 1 }.snapshotStreams == 1)

            bob.resumeChunks()
            let live = try await server.snapshot(of: alice.view.room)
            let caughtUp = try await bob.waitUntil("bob's document at the room's sequence") {
                $0.snapshot != nil && $0.operationSequence >= live.operationSequence
            }
            #expect(caughtUp.snapshotChunks == Int(chunks))
            #expect(caughtUp.operationFaults.isEmpty)
            let expected = try await alice.waitUntil("alice at the same sequence") { $0.operationSequence >= live.operationSequence }
            #expect(caughtUp.document == expected.document)
            #expect(caughtUp.whiteboard?.strokes.count == 10)
            #expect(caughtUp.whiteboard?.shapes.count == 1)
            // The held operations came as one batch after the last chunk.
            #expect(caughtUp.operationBatches >= 1)
            #expect(try await Self.stats(of: server, "no stream in progress") { $0.snapshotStreams == 0 }.snapshotChunks >= UInt64(chunks))

            // From then on bob follows the room like everyone else.
            _ = try await alice.inputWithAck(Board.deleteShape(7))
            let after = try await bob.waitUntil("the shape deleted") { $0.whiteboard?.shapes.isEmpty == true }
            #expect(after.operationFaults.isEmpty)
        }
    }

    @Test("a joiner that disconnects mid-stream lets go of its stream; the next joiner gets the whole board")
    func disconnectMidStream() async throws {
        try await TestServer.with(configure: Self.smallChunks) { server in
            let alice = try await server.member(of: "whiteboard")
            try await Self.draw(6, by: alice)

            let bob = try await server.client()
            bob.acknowledgesChunks.withLockedValue { $0 = false }
            let answer = try await bob.join("whiteboard")
            #expect(answer["snapshotStream"] != nil)
            try await bob.waitUntil("the first window of chunks") { $0.snapshotChunks == 2 }
            _ = try await Self.stats(of: server, "bob's stream in progress") { $0.snapshotStreams == 1 }
            await bob.cut()
            _ = try await Self.stats(of: server, "bob's stream released") { $0.snapshotStreams == 0 }

            // The room goes on; a new joiner streams the board to its end.
            try await Self.draw(1, by: alice, from: 50)
            let erin = try await server.client()
            #expect(try await erin.join("whiteboard")["snapshotStream"] != nil)
            let live = try await server.snapshot(of: alice.view.room)
            let joined = try await erin.waitUntil("erin's snapshot") { $0.snapshot != nil && $0.operationSequence >= live.operationSequence }
            let expected = try await alice.waitUntil("alice at the same sequence") { $0.operationSequence >= live.operationSequence }
            #expect(joined.document == expected.document)
            #expect(joined.operationFaults.isEmpty)
            _ = try await Self.stats(of: server, "erin's stream done") { $0.snapshotStreams == 0 }
        }
    }

    @Test("a rejoin answered with a large snapshot streams it too; the member carries on from it")
    func rejoinStreams() async throws {
        try await TestServer.with(configure: Self.smallChunks) { server in
            let alice = try await server.member(of: "whiteboard")
            let bob = try await server.member(of: "whiteboard")
            try await Self.draw(4, by: alice)
            let before = try await bob.waitUntil("bob's board") { $0.whiteboard?.strokes.count == 4 }
            await bob.cut()
            _ = try await alice.inputWithAck(Board.addShape(2, from: (5, 5), to: (60, 60)))
            let back = try await server.client()
            let answer = try await back.rejoin(as: before, sequence: .some(nil))  // the document lost: a snapshot
            #expect(answer["member"]?.stringValue == before.member)
            #expect(answer["tick"] != nil && answer["snapshot"] == nil && answer["operations"] == nil)
            let chunks = try #require(answer["snapshotStream"]?["chunks"]?.int64Value)
            #expect(chunks > 4)
            let live = try await server.snapshot(of: before.room)
            let view = try await back.waitUntil("the streamed snapshot adopted") {
                $0.snapshotChunks == before.snapshotChunks + Int(chunks) && $0.streamingAnswer == nil
                    && $0.operationSequence >= live.operationSequence
            }
            #expect(view.whiteboard?.shapes.map(\.id) == [2])
            #expect(view.document == BoardDocument(try WhiteboardState.decodeState(live.state)))
            #expect(view.operationFaults.isEmpty)
        }
    }

    @Test("a leave mid-stream ends the stream: no further chunk, the leave answered")
    func leaveMidStream() async throws {
        try await TestServer.with(configure: Self.smallChunks) { server in
            let alice = try await server.member(of: "whiteboard")
            try await Self.draw(4, by: alice)
            let bob = try await server.client()
            bob.acknowledgesChunks.withLockedValue { $0 = false }
            #expect(try await bob.join("whiteboard")["snapshotStream"] != nil)
            try await bob.waitUntil("the first window of chunks") { $0.snapshotChunks == 2 }
            let left = try await bob.request("leave")
            #expect(left["ok"] == .bool(true))
            _ = try await Self.stats(of: server, "bob's stream stopped") { $0.snapshotStreams == 0 }
            bob.resumeChunks()
            // Alice sees bob go; bob got no chunk after the first window.
            let gone = try await alice.waitUntil("bob gone") { $0.whiteboard?.members.count == 1 }
            #expect(gone.operationFaults.isEmpty)
            #expect(bob.view.snapshotChunks == 2)
        }
    }

    @Test("a snapshot of at most one chunk keeps the single-packet form")
    func smallSnapshotWhole() async throws {
        try await TestServer.with(configure: Self.smallChunks) { server in
            _ = try await server.member(of: "whiteboard")
            let bob = try await server.client()
            let joined = try await bob.join("whiteboard")
            #expect(joined["snapshotStream"] == nil)
            #expect(joined["snapshot"] != nil)
            #expect(bob.view.snapshotChunks == 0)
            #expect(await server.rooms.stats().snapshotChunks == 0)
        }
    }

    @Test("operations held past the bound while the snapshot streams: tooSlow, disconnected")
    func heldOperationsOverflow() async throws {
        try await TestServer.with(configure: {
            Self.smallChunks(&$0)
            $0.snapshotStreamHeldBytes = 2048
        }) { server in
            let alice = try await server.member(of: "whiteboard")
            try await Self.draw(4, by: alice)
            let bob = try await server.client()
            bob.acknowledgesChunks.withLockedValue { $0 = false }
            #expect(try await bob.join("whiteboard")["snapshotStream"] != nil)
            try await bob.waitUntil("the first window of chunks") { $0.snapshotChunks == 2 }
            try await Self.draw(3, by: alice, from: 20)  // 3 KiB of operations for bob to hold
            let cut = try await bob.waitUntil("bob disconnected") { $0.disconnected }
            #expect(cut.errorCodes.contains("tooSlow"))
            _ = try await Self.stats(of: server, "bob's stream released") { $0.snapshotStreams == 0 }
        }
    }
}
