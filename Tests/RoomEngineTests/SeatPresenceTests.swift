import RoomEngine
import Testing
import WhiteboardRoom

/// A member whose connection drops keeps its seat: the engine records the
/// gap (away, back) without the logic seeing it, and restarts the member's
/// deltas from a baseline its new connection holds.
@Suite("Seats: presence and restarted deltas")
struct SeatPresenceTests {
    @Test("restartDeltas: a full table next, or a delta against the snapshot's tick")
    func restartDeltas() throws {
        var room = Room(id: "r", logic: WhiteboardLogic(), seed: 1)
        try room.join("a")
        try room.join("b")
        _ = room.advance()
        _ = try room.enqueue(WhiteboardInput.cursor(x: 10, y: 10).encodedBytes(), from: "a")
        _ = room.advance()
        try room.acknowledge(tick: 2, by: "b")
        _ = try room.enqueue(WhiteboardInput.cursor(x: 12, y: 10).encodedBytes(), from: "a")
        var output = room.advance().output
        #expect(output.deltas.first { $0.recipient == "b" }?.isFull == false)

        try room.restartDeltas(for: "b")
        _ = try room.enqueue(WhiteboardInput.cursor(x: 14, y: 10).encodedBytes(), from: "a")
        output = room.advance().output
        #expect(output.deltas.first { $0.recipient == "b" }?.isFull == true)

        let picture = room.snapshot()
        try room.restartDeltas(for: "b", from: picture.tick)
        _ = try room.enqueue(WhiteboardInput.cursor(x: 15, y: 10).encodedBytes(), from: "a")
        output = room.advance().output
        let delta = try #require(output.deltas.first { $0.recipient == "b" })
        #expect(!delta.isFull)
        #expect(try PositionDelta(decoding: delta.bytes).baselineTick == picture.tick)

        #expect(throws: RoomError.notAMember("c")) { try room.restartDeltas(for: "c") }
    }

    @Test("the runner records away and back between ticks; the state never changes for it")
    func runnerRecordsPresence() async throws {
        let loop = ManualRoomLoop()
        let recorder = MemoryRecorder()
        let runner = RoomRunner(room: Room(id: "p", logic: WhiteboardLogic(), seed: 5), loop: loop,
                                sink: CollectingSink(), recorder: recorder)
        runner.start()
        try await runner.join("a", metadata: [:])
        try await runner.join("b", metadata: [:])
        loop.advance(by: .milliseconds(50))
        let before = await hash(of: runner)
        let snapshot = Collected<RoomSnapshot?>()
        loop.execute {
            try? runner.memberAway("a")
            #expect(throws: RoomError.notAMember("z")) { try runner.memberAway("z") }
        }
        loop.advance(by: .milliseconds(50))
        loop.execute {
            snapshot.append(try? runner.memberReturned("a", withSnapshot: true, wasAway: true))
        }
        loop.advance(by: .milliseconds(50))
        #expect(await hash(of: runner) == before)
        let picture = try #require(snapshot.values.first ?? nil)
        #expect(picture.members == ["a", "b"] && picture.tick == 2)
        let presence = recorder.events.compactMap { event -> String? in
            switch event {
            case .away(let member): "away \(member)"
            case .back(let member): "back \(member)"
            case .tick(let tick): "tick \(tick.tick)"
            case .joined, .left: nil
            }
        }
        #expect(presence == ["tick 1", "away a", "tick 2", "back a", "tick 3"])

        // A replay of the recording ignores the gap and reproduces every hash.
        let session = try #require(recorder.session)
        let replayed = try RoomReplay.replay(recorder.events, session: session, logic: WhiteboardLogic())
        #expect(replayed.stateHash == before)
        await runner.close()
    }

    @Test("a stopped room holds no seats")
    func stoppedRoom() async throws {
        let loop = ManualRoomLoop()
        let runner = RoomRunner(room: Room(id: "s", logic: WhiteboardLogic(), seed: 5), loop: loop, sink: CollectingSink())
        runner.start()
        try await runner.join("a", metadata: [:])
        await runner.close()
        let refused = Collected<Bool>()
        loop.execute {
            refused.append((try? runner.memberAway("a")) == nil)
            refused.append((try? runner.memberReturned("a", withSnapshot: false, wasAway: true)) == nil)
        }
        loop.advance(by: .milliseconds(1))
        #expect(refused.values == [true, true])
    }

    @Test("the default seat grace period is 10 s, and a kind may choose its own")
    func gracePeriodRule() {
        #expect(WhiteboardLogic().rules.seatGracePeriod == .seconds(10))
        #expect(RoomRules(capacity: 2, ticksPerSecond: 10, seatGracePeriod: .zero).seatGracePeriod == .zero)
    }

    private func hash(of runner: RoomRunner<WhiteboardLogic>) async -> UInt64 {
        await withCheckedContinuation { continuation in
            runner.inspect({ room, _ in room.stateHash }) { continuation.resume(returning: $0) }
        }
    }
}
