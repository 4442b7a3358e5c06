import ArenaRoom
import Foundation
import Logging
import NIOCore
import NIOPosix
import RoomEngine
import SnapshotStore
import WhiteboardRoom

extension StoreSynthesize {
    /// Runs `rooms` RoomRunners in real time for `seconds`, bots enqueueing
    /// on each room's loop, all recorded by `recorder`.
    func runLive(_ recorder: SnapshotRecorder) async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: System.coreCount)
        var handles: [any LiveRoom] = []
        for index in 0..<rooms {
            let loop = group.next()
            let id = RoomID("live-\(index)")
            let bots = SyntheticBots(kind: roomKind, members: memberIDs(index), seed: seed &+ UInt64(index))
            if roomKind == .arena {
                handles.append(try await LiveRunner.start(Room(id: id, logic: ArenaLogic(), seed: seed &+ UInt64(index)),
                                                          loop: loop, bots: bots, recorder: recorder, snapshotInterval: snapshotInterval))
            } else {
                handles.append(try await LiveRunner.start(Room(id: id, logic: WhiteboardLogic(), seed: seed &+ UInt64(index)),
                                                          loop: loop, bots: bots, recorder: recorder, snapshotInterval: snapshotInterval))
            }
        }
        recorder.flush()   // the sessions are in the store when the line below appears
        print("recording \(rooms) rooms into \(db) (pid \(getpid()))")
        fflush(nil)
        try await Task.sleep(for: .milliseconds(Int64(seconds * 1_000)))
        var ticks: UInt64 = 0
        var worst = TimeAmount.zero
        var skipped = 0
        for handle in handles {
            let (tick, jitter) = await handle.stop()
            ticks += tick
            worst = max(worst, jitter.maximumLateness)
            skipped += jitter.skippedTicks
        }
        print("ran \(ticks) ticks in \(rooms) rooms; worst tick lateness \(Double(worst.nanoseconds) / 1e6) ms; \(skipped) ticks skipped")
        try await group.shutdownGracefully()
    }
}

/// A running synthetic room, whatever its logic.
protocol LiveRoom: Sendable {
    /// Stops the bots and the room; returns its last tick and its jitter.
    func stop() async -> (UInt64, TickJitter)
}

/// A RoomRunner plus the bots that feed it on its loop.
struct LiveRunner<Logic: RoomLogic>: LiveRoom {
    let runner: RoomRunner<Logic>
    let task: RepeatedTask

    static func start(
        _ room: Room<Logic>, loop: any EventLoop, bots: SyntheticBots, recorder: SnapshotRecorder, snapshotInterval: UInt64
    ) async throws -> LiveRunner {
        var logger = Logger(label: "huddle.room-runner")
        logger.logLevel = .error   // skipped ticks are counted and printed at the end instead
        let runner = RoomRunner(room: room, loop: EventLoopRoomLoop(loop), sink: ClosureRoomOutputSink { _ in },
                                recorder: recorder, snapshotInterval: snapshotInterval, logger: logger)
        runner.start()
        for member in bots.members { try await runner.join(member, metadata: ["bot": "true"]) }
        let state = LoopBound(bots)
        let interval = TimeAmount.nanoseconds(room.logic.rules.tickIntervalNanoseconds)
        let task = loop.scheduleRepeatedTask(initialDelay: interval, delay: interval) { _ in
            state.tick += 1
            for (member, bytes) in state.bots.inputs(forTick: state.tick) {
                runner.enqueue(bytes, from: member) { _ in }
            }
        }
        return LiveRunner(runner: runner, task: task)
    }

    func stop() async -> (UInt64, TickJitter) {
        task.cancel()
        await runner.close()
        return await withCheckedContinuation { continuation in
            runner.inspect({ room, jitter in (room.tick, jitter) }) { continuation.resume(returning: $0) }
        }
    }
}

/// The bots' state; touched only on the room's loop (its single owner).
final class LoopBound: @unchecked Sendable {
    var bots: SyntheticBots
    var tick: UInt64 = 0

    init(_ bots: SyntheticBots) { self.bots = bots }
}
