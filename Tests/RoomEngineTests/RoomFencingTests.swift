import NIOCore
import RoomEngine
import Synchronization
import Testing
import WhiteboardRoom

/// An ownership that holds until a deadline the test moves.
final class TestOwnership: RoomOwnership {
    private let validUntil: Mutex<NIODeadline>

    init(until deadline: NIODeadline) { validUntil = Mutex(deadline) }

    func extend(until deadline: NIODeadline) { validUntil.withLock { $0 = deadline } }
    func holds(at now: NIODeadline) -> Bool { validUntil.withLock { now < $0 } }
}

/// A sink that also counts fencing notices.
final class FencingSink: RoomOutputSink {
    let ticks = Mutex<[UInt64]>([])
    let stops = Mutex<Int>(0)
    let lost = Mutex<[RoomID]>([])

    func roomDidTick(_ output: RoomTickOutput) { ticks.withLock { $0.append(output.tick) } }
    func roomDidStop(_ room: RoomID, finalOperations: [SequencedOperation]) { stops.withLock { $0 += 1 } }
    func roomDidLoseOwnership(_ room: RoomID) { lost.withLock { $0.append(room) } }
}

@Suite("Room fencing")
struct RoomFencingTests {
    @Test("a room ticks only while its ownership holds, then stops for good without ending its session")
    func ticksOnlyWhileOwned() async throws {
        let loop = ManualRoomLoop()
        let ownership = TestOwnership(until: loop.now() + .milliseconds(120))
        let sink = FencingSink()
        let recorder = MemoryRecorder()
        let runner = RoomRunner(
            room: Room(id: "b", logic: WhiteboardLogic(), seed: 1), loop: loop, sink: sink,
            recorder: recorder, ownership: ownership
        )
        runner.start()
        try await joinOnLoop(runner, loop: loop)
        loop.advance(by: .milliseconds(100))            // ticks 1 and 2 (at 50 and 100 ms)
        #expect(sink.ticks.withLock { $0 } == [1, 2])
        loop.advance(by: .milliseconds(50))             // 150 ms: the ownership ended at 120 ms
        #expect(sink.ticks.withLock { $0 } == [1, 2])
        #expect(sink.lost.withLock { $0 } == ["b"])
        #expect(sink.stops.withLock { $0 } == 0)

        // Regaining the ownership later does not restart a fenced room.
        ownership.extend(until: loop.now() + .seconds(10))
        loop.advance(by: .seconds(1))
        #expect(sink.ticks.withLock { $0 } == [1, 2])

        // Requests are refused as for a closed room; stopping it ends nothing.
        let refusal = Collected<Result<UInt64, RoomError>>()
        runner.enqueue([0], from: "alice") { refusal.append($0) }
        loop.advance(by: .zero)
        #expect(refusal.values.count == 1)
        if case .failure(let error) = refusal.values.first { #expect(error == .roomClosed) } else { Issue.record("not refused") }
        runner.stop()
        loop.advance(by: .zero)
        #expect(recorder.end == nil)
        #expect(sink.stops.withLock { $0 } == 0)
        #expect(sink.lost.withLock { $0 } == ["b"])
    }

    @Test("an ownership extended in time keeps the room ticking")
    func renewedOwnershipKeepsTicking() {
        let loop = ManualRoomLoop()
        let ownership = TestOwnership(until: loop.now() + .milliseconds(60))
        let sink = FencingSink()
        let runner = RoomRunner(room: Room(id: "b", logic: WhiteboardLogic(), seed: 1), loop: loop, sink: sink, ownership: ownership)
        runner.start()
        for _ in 0..<10 {
            ownership.extend(until: loop.now() + .milliseconds(60))
            loop.advance(by: .milliseconds(50))
        }
        #expect(sink.ticks.withLock { $0 } == Array(1...10))
        #expect(sink.lost.withLock { $0 }.isEmpty)
    }

    @Test("a sink that knows nothing of ownership hears of a fenced room as a stopped one")
    func defaultSinkHearsAStop() {
        let loop = ManualRoomLoop()
        let sink = CollectingSink()
        let runner = RoomRunner(
            room: Room(id: "b", logic: WhiteboardLogic(), seed: 1), loop: loop, sink: sink,
            ownership: TestOwnership(until: loop.now())
        )
        runner.start()
        loop.advance(by: .milliseconds(100))
        #expect(sink.outputs.isEmpty)
        #expect(sink.stops.map(\.0) == ["b"])
        #expect(sink.stops.first?.1.isEmpty == true)
    }

    private func joinOnLoop(_ runner: RoomRunner<WhiteboardLogic>, loop: ManualRoomLoop) async throws {
        let joined = Collected<Result<Void, RoomError>>()
        runner.join("alice", metadata: [:]) { joined.append($0) }
        loop.advance(by: .zero)
        try #require(joined.values.count == 1)
        try joined.values[0].get()
    }
}
