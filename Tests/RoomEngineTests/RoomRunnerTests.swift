import ArenaRoom
import Dispatch
import NIOCore
import RoomEngine
import Testing
import WhiteboardRoom

/// Wraps a manual loop and makes the next clock reading late by `lag`, to
/// simulate an overloaded loop without sleeping.
final class LaggingLoop: RoomLoop, @unchecked Sendable {
    let inner = ManualRoomLoop()
    var pendingLag: TimeAmount = .zero

    var inLoop: Bool { inner.inLoop }
    func execute(_ task: @escaping @Sendable () -> Void) { inner.execute(task) }
    func schedule(at deadline: NIODeadline, _ task: @escaping @Sendable () -> Void) -> any RoomLoopTimer {
        inner.schedule(at: deadline, task)
    }
    func now() -> NIODeadline {
        defer { pendingLag = .zero }
        return inner.now() + pendingLag
    }
}

/// A real multi-threaded loop: a serial dispatch queue with real time.
final class DispatchRoomLoop: RoomLoop, @unchecked Sendable {
    private let queue = DispatchQueue(label: "room-loop")
    private let key = DispatchSpecificKey<Bool>()

    init() { queue.setSpecific(key: key, value: true) }

    var inLoop: Bool { DispatchQueue.getSpecific(key: key) == true }
    func execute(_ task: @escaping @Sendable () -> Void) { queue.async(execute: task) }
    func now() -> NIODeadline { .now() }
    func schedule(at deadline: NIODeadline, _ task: @escaping @Sendable () -> Void) -> any RoomLoopTimer {
        let item = DispatchWorkItem(block: task)
        let delay = max(deadline - .now(), .zero)
        queue.asyncAfter(deadline: .now() + .nanoseconds(Int(delay.nanoseconds)), execute: item)
        return Timer(item: item)
    }

    private struct Timer: RoomLoopTimer, @unchecked Sendable {
        let item: DispatchWorkItem
        func cancel() { item.cancel() }
    }
}

@Suite("Room runner")
struct RoomRunnerTests {
    @Test("ticks at the kind's fixed rate on an injected loop, with no jitter when punctual")
    func fixedRate() async throws {
        let loop = ManualRoomLoop()
        let sink = CollectingSink()
        let board = RoomRunner(room: Room(id: "b", logic: WhiteboardLogic(), seed: 1), loop: loop, sink: sink)
        let arenaSink = CollectingSink()
        let arena = RoomRunner(room: Room(id: "a", logic: ArenaLogic(), seed: 1), loop: loop, sink: arenaSink)
        board.start()
        arena.start()
        loop.advance(by: .seconds(1))
        #expect(sink.outputs.map(\.tick) == Array(1...20))
        #expect(arenaSink.outputs.count == 30)

        let jitter = await withCheckedContinuation { continuation in
            board.inspect({ _, jitter in jitter }) { continuation.resume(returning: $0) }
        }
        #expect(jitter.ticks == 20)
        #expect(jitter.maximumLateness == .zero)
        #expect(jitter.skippedTicks == 0)
    }

    @Test("a late tick is measured as jitter and missed slots are skipped, not burst")
    func lateTicksAreSkipped() async {
        let loop = LaggingLoop()
        let sink = CollectingSink()
        let runner = RoomRunner(room: Room(id: "b", logic: WhiteboardLogic(), seed: 1), loop: loop, sink: sink)
        runner.start()
        loop.inner.advance(by: .milliseconds(100))      // ticks 1 and 2, on time
        loop.pendingLag = .milliseconds(130)           // tick 3 reads the clock 130 ms late
        loop.inner.advance(by: .milliseconds(50))
        loop.inner.advance(by: .milliseconds(150))     // slots 4 and 5 were skipped
        let jitter = await withCheckedContinuation { continuation in
            runner.inspect({ _, jitter in jitter }) { continuation.resume(returning: $0) }
        }
        #expect(jitter.maximumLateness == .milliseconds(130))
        #expect(jitter.skippedTicks == 2)
        #expect(jitter.meanLateness == .nanoseconds(TimeAmount.milliseconds(130).nanoseconds / 4))
        #expect(sink.outputs.map(\.tick) == [1, 2, 3, 4])
    }

    @Test("joins, inputs and rejections flow through the runner to the sink")
    func requestsFlowToSink() async throws {
        let loop = ManualRoomLoop()
        let sink = CollectingSink()
        let runner = RoomRunner(room: Room(id: "b", logic: WhiteboardLogic(), seed: 1), loop: loop, sink: sink)
        runner.start()
        try await runner.join("alice", metadata: [:])
        await #expect(throws: RoomError.alreadyAMember("alice")) { try await runner.join("alice", metadata: [:]) }
        loop.advance(by: .milliseconds(50))
        #expect(sink.outputs.last?.snapshots.map(\.recipient) == ["alice"])

        // Inputs wait for the next tick; their completions run when it takes them.
        let results = Collected<Result<UInt64, RoomError>>()
        runner.enqueue(WhiteboardInput.endStroke(id: 5).encodedBytes(), from: "alice") { results.append($0) }
        runner.enqueue([0xEE], from: "alice") { results.append($0) }
        #expect(results.values.isEmpty, "answered by the tick, not before")
        loop.advance(by: .milliseconds(50))
        let answers = results.values
        try #require(answers.count == 2)
        let receipt = answers[0]
        #expect(answers[1] == .failure(.malformed("unknown whiteboard input tag 238")))
        let rejection = try #require(sink.outputs.last?.rejections.first)
        #expect(rejection.sequence == (try receipt.get()))
        #expect(rejection.error == .unknownElement("stroke 5"))
    }

    @Test("stopping terminates the logic, notifies the sink, cancels the timer and refuses later requests")
    func stop() async throws {
        let loop = ManualRoomLoop()
        let sink = CollectingSink()
        let recorder = MemoryRecorder()
        let runner = RoomRunner(room: Room(id: "b", logic: WhiteboardLogic(), seed: 1), loop: loop, sink: sink, recorder: recorder)
        runner.start()
        try await runner.join("alice", metadata: [:])
        runner.enqueue(WhiteboardInput.beginStroke(id: 1, color: 1, width: 1).encodedBytes(), from: "alice") { _ in }
        loop.advance(by: .milliseconds(50))
        let late = Collected<Result<UInt64, RoomError>>()
        runner.enqueue(WhiteboardInput.endStroke(id: 1).encodedBytes(), from: "alice") { late.append($0) }
        await runner.close()
        #expect(late.values == [.failure(.roomClosed)], "an input waiting for a tick that never comes is refused")
        #expect(loop.scheduledTaskCount == 0)
        let stops = sink.stops
        #expect(stops.count == 1)
        #expect(try stops.first?.1.map { try WhiteboardOperation(decoding: $0.payload) } == [.strokeAbandoned(slot: 0, id: 1)])
        #expect(recorder.end?.tick == 1)
        await #expect(throws: RoomError.roomClosed) { try await runner.join("bob", metadata: [:]) }
        loop.advance(by: .seconds(1))
        #expect(sink.outputs.count == 1, "no tick after stop")
    }

    @Test("a leave takes the inputs the member posted since the last tick with it")
    func leaveDiscardsPostedInputs() async throws {
        let loop = ManualRoomLoop()
        let sink = CollectingSink()
        let runner = RoomRunner(room: Room(id: "b", logic: WhiteboardLogic(), seed: 1), loop: loop, sink: sink)
        runner.start()
        try await runner.join("alice", metadata: [:])
        loop.advance(by: .milliseconds(50))
        let answers = Collected<Result<UInt64, RoomError>>()
        runner.enqueue(WhiteboardInput.clear.encodedBytes(), from: "alice") { answers.append($0) }
        try await runner.leave("alice")
        #expect(answers.values == [.failure(.notAMember("alice"))])
        try await runner.join("alice", metadata: [:])  // back before the tick: the old input stays gone
        loop.advance(by: .milliseconds(50))
        let operations = try sink.outputs.flatMap(\.operations).map { try WhiteboardOperation(decoding: $0.payload) }
        #expect(!operations.contains(.cleared))
        #expect(answers.values.count == 1)
    }

    @Test("past the inbox's bound an input is refused at once; the tick answers the rest")
    func fullInboxRefusesAtOnce() async throws {
        let loop = ManualRoomLoop()
        let sink = CollectingSink()
        let logic = WhiteboardLogic()
        let runner = RoomRunner(room: Room(id: "b", logic: logic, seed: 1), loop: loop, sink: sink)
        runner.start()
        try await runner.join("alice", metadata: [:])
        let limit = logic.rules.roomReliableQueueLimit + 2 * logic.rules.capacity
        let answers = Collected<Result<UInt64, RoomError>>()
        for _ in 0...limit {
            runner.enqueue(WhiteboardInput.clear.encodedBytes(), from: "alice") { answers.append($0) }
        }
        #expect(answers.values == [.failure(.roomInputQueueFull(limit: limit))])
        loop.advance(by: .milliseconds(50))
        let all = answers.values
        #expect(all.count == limit + 1, "every input answered exactly once")
        let applied = all.filter { (try? $0.get()) != nil }.count
        #expect(applied == logic.rules.memberReliableQueueLimit, "the room's own per-member bound applies at the tick")
    }

    @Test("cursors count against the inbox's bound: past it a cursor is refused too; the tick coalesces those it took")
    func fullInboxRefusesCursors() async throws {
        let loop = ManualRoomLoop()
        let logic = WhiteboardLogic()
        let runner = RoomRunner(room: Room(id: "b", logic: logic, seed: 1), loop: loop, sink: CollectingSink())
        runner.start()
        try await runner.join("alice", metadata: [:])
        let limit = logic.rules.roomReliableQueueLimit + 2 * logic.rules.capacity
        let answers = Collected<Result<UInt64, RoomError>>()
        for index in 0...limit {
            runner.enqueue(WhiteboardInput.cursor(x: UInt16(index), y: 1).encodedBytes(), from: "alice") { answers.append($0) }
        }
        #expect(answers.values == [.failure(.roomInputQueueFull(limit: limit))])
        loop.advance(by: .milliseconds(50))
        let all = answers.values
        #expect(all.count == limit + 1, "every input answered exactly once")
        #expect(all.filter { (try? $0.get()) != nil }.count == limit, "the room's own queue refuses no cursor")
        let cursor = await withCheckedContinuation { continuation in
            runner.inspect({ room, _ in room.state.member("alice")?.cursor }) { continuation.resume(returning: $0) }
        }
        #expect(cursor == CanvasPoint(x: UInt16(limit - 1), y: 1), "the newest cursor the inbox took")
    }

    @Test("inputs sent from many threads are each applied once, in receipt order")
    func inputsFromManyThreads() async throws {
        let loop = DispatchRoomLoop()
        let ticked = AsyncStream.makeStream(of: RoomTickOutput.self)
        let sink = CollectingSink { ticked.continuation.yield($0) }
        let runner = RoomRunner(room: Room(id: "b", logic: WhiteboardLogic(), seed: 1), loop: loop, sink: sink)
        let members = (0..<8).map { MemberID("m\($0)") }
        for member in members { try await runner.join(member, metadata: [:]) }

        runner.start()
        // Each member adds 40 shapes concurrently, from its own task; the
        // answers come from the ticks that take them.
        let answered = AsyncStream.makeStream(of: (UInt64, UInt32)?.self)
        await withTaskGroup(of: Void.self) { group in
            for (index, member) in members.enumerated() {
                group.addTask {
                    for shapeNumber in 0..<40 {
                        let id = UInt32(index * 1000 + shapeNumber)
                        let bounds = ShapeBounds(from: CanvasPoint(x: 0, y: 0), to: CanvasPoint(x: 1, y: 1))
                        let bytes = WhiteboardInput.addShape(Shape(id: id, kind: .line, bounds: bounds, color: 0)).encodedBytes()
                        runner.enqueue(bytes, from: member) { result in
                            answered.continuation.yield(try? (result.get(), id))
                        }
                    }
                }
            }
        }
        var receipts: [(UInt64, UInt32)] = []
        var answers = 0
        for await answer in answered.stream {
            if let answer { receipts.append(answer) }
            answers += 1
            if answers == 8 * 40 { break }
        }
        #expect(receipts.count == 8 * 40)

        var applied: [UInt32] = []
        for await output in ticked.stream {
            for operation in output.operations {
                if case .shapeAdded(let shape) = try WhiteboardOperation(decoding: operation.payload) { applied.append(shape.id) }
            }
            if applied.count >= receipts.count { break }
        }
        await runner.close()
        #expect(applied == receipts.sorted { $0.0 < $1.0 }.map(\.1))
        #expect(Set(applied).count == receipts.count)
    }
}
