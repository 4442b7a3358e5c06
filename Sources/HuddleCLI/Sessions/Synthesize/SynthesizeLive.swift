import Foundation
import Logging
import NIOCore
import NIOPosix
import RoomEngine
import SnapshotStore

extension StoreSynthesize {
    /// Runs `rooms` rooms in real time for `seconds`, bots enqueueing on
    /// each room's loop, all recorded by `recorder`.
    func runLive(_ entry: RoomKindEntry, _ recorder: any SessionRecorder) async throws {
        let output = CLIContext.current.output
        let group = MultiThreadedEventLoopGroup(numberOfThreads: System.coreCount)
        var handles: [LiveRoom] = []
        for index in 0..<rooms {
            handles.append(try await LiveRoom.start(
                entry, id: RoomID("live-\(index)"), seed: seed &+ UInt64(index), loop: group.next(),
                bots: bots(entry, room: index), recorder: recorder, snapshotInterval: snapshotInterval
            ))
        }
        recorder.flush()   // the sessions are in the store when the line below appears
        output.result("recording \(rooms) rooms into \(StoreSelection.display(db)) (pid \(getpid()))")
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
        output.result("ran \(ticks) ticks in \(rooms) rooms; worst tick lateness \(Double(worst.nanoseconds) / 1e6) ms; \(skipped) ticks skipped")
        try await group.shutdownGracefully()
    }
}

/// A running synthetic room of any kind, plus the bots that feed it on its loop.
struct LiveRoom: Sendable {
    let room: any RunningRoom
    let task: RepeatedTask

    static func start(
        _ entry: RoomKindEntry, id: RoomID, seed: UInt64, loop: any EventLoop, bots: any SyntheticMembers,
        recorder: any SessionRecorder, snapshotInterval: UInt64
    ) async throws -> LiveRoom {
        var logger = Logger(label: "huddle.room-runner")
        logger.logLevel = .error   // skipped ticks are counted and printed at the end instead
        let room = entry.startRoom(id: id, seed: seed, loop: EventLoopRoomLoop(loop), sink: ClosureRoomOutputSink { _ in },
                                   recorder: recorder, snapshotInterval: snapshotInterval, logger: logger)
        for member in bots.members { try await room.join(member, metadata: ["bot": "true"]) }
        let state = LoopBound(bots)
        let interval = TimeAmount.nanoseconds(entry.rules.tickIntervalNanoseconds)
        let task = loop.scheduleRepeatedTask(initialDelay: interval, delay: interval) { _ in
            state.tick += 1
            for (member, bytes) in state.bots.inputs(forTick: state.tick) {
                room.enqueue(bytes, from: member, acknowledging: nil) { _ in }
            }
        }
        return LiveRoom(room: room, task: task)
    }

    /// Stops the bots and the room; returns its last tick and its jitter.
    func stop() async -> (UInt64, TickJitter) {
        task.cancel()
        await room.close()
        return await withCheckedContinuation { continuation in
            room.inspectSnapshot { snapshot, jitter in continuation.resume(returning: (snapshot.tick, jitter)) }
        }
    }
}

/// The bots' state; touched only on the room's loop (its single owner).
final class LoopBound: @unchecked Sendable {
    var bots: any SyntheticMembers
    var tick: UInt64 = 0

    init(_ bots: any SyntheticMembers) { self.bots = bots }
}
