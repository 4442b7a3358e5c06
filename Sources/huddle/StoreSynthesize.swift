import ArgumentParser
import Foundation
import HuddleRooms
import Logging
import NIOCore
import NIOPosix
import RoomEngine
import SQLiteSnapshotStore
import SnapshotStore

/// `huddle sessions synthesize` (hidden): records synthetic sessions through
/// the real ``SQLiteSessionRecorder``, for benchmarks and end-to-end tests.
///
/// Offline (default): drives `Room`s directly, as fast as they compute,
/// calling the recorder exactly as a ``RoomRunner`` does (the writer is
/// flushed every 2,000 ticks so the bounded queue is not overrun, unless
/// `--no-flush`). `--live`: real ``RoomRunner``s on NIO event loops at the
/// kind's tick rate for `--seconds`, with the bots enqueueing on each
/// room's loop, which is what `huddle serve` does minus the network.
struct StoreSynthesize: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "synthesize",
        abstract: "Record synthetic sessions (benchmarks and tests).",
        shouldDisplay: false
    )

    /// `--db` belongs to `sessions`, the parent command.
    @ParentCommand var sessions: Sessions

    var db: String { sessions.store.db }

    @Option(name: .customLong("room-kind"), help: "Room kind (one with synthetic members: whiteboard, arena).")
    var roomKindName = "whiteboard"

    @Option(help: "Rooms to record.")
    var rooms = 1

    @Option(help: "Members per room.")
    var members = 8

    @Option(help: "Ticks per room (offline).")
    var ticks: UInt64 = 1_200

    @Option(help: "Ticks between snapshots.")
    var snapshotInterval: UInt64 = 600

    @Option(help: "Bot seed.")
    var seed: UInt64 = 1

    @Flag(help: "Run rooms in real time on event loops instead of offline.")
    var live = false

    @Option(help: "Seconds to run (live).")
    var seconds: Double = 10

    @Option(help: "Recorder queue capacity in events.")
    var queueCapacity = 65_536

    @Option(help: "Recorder commit interval in milliseconds.")
    var commitIntervalMs = 50

    @Flag(help: "Offline: never wait for the writer (lets the queue overflow).")
    var noFlush = false

    @Option(help: "full: fsync every commit (the recorder's default); normal: survive a crash, not a power loss.")
    var durability = "full"

    func validate() throws {
        guard RoomKindCatalog.builtIn.entry(for: roomKind)?.syntheticMembers != nil else {
            throw ValidationError("--room-kind is a kind with synthetic members")
        }
        guard durability == "full" || durability == "normal" else { throw ValidationError("--durability is full or normal") }
        guard rooms > 0, members >= 0, ticks > 0, snapshotInterval > 0, queueCapacity > 0, commitIntervalMs > 0 else {
            throw ValidationError("counts must be positive")
        }
    }

    func run() async throws {
        try await CLIExit.run {
            var options = RecorderOptions()
            options.queueCapacity = queueCapacity
            options.commitInterval = .milliseconds(commitIntervalMs)
            options.fsyncEveryCommit = durability == "full"
            options.retention = .keepEverything
            var logger = Logger(label: "huddle.synthesize")
            logger.logLevel = .warning
            options.logger = logger
            let recorder = try SQLiteSessionRecorder.open(path: db, options: options)
            if live {
                try await runLive(recorder)
            } else {
                let entry = try kindEntry()
                for index in 0..<rooms { offline(entry, entry.logic, room: index, recorder) }
            }
            recorder.close()
            let stats = recorder.statistics
            print("recorder: \(stats.accepted) events queued, \(stats.dropped) dropped, \(stats.gaps) gaps, max queue depth \(stats.maxQueueDepth)")
        }
    }

    var roomKind: RoomKind { RoomKind(roomKindName) }

    func memberIDs(_ room: Int) -> [MemberID] {
        (0..<members).map { MemberID("bot-\(room)-\($0)") }
    }

    /// The catalog entry of `--room-kind` and its synthetic members.
    func kindEntry() throws -> RoomKindEntry {
        guard let entry = RoomKindCatalog.builtIn.entry(for: roomKind), entry.syntheticMembers != nil else {
            throw ValidationError("--room-kind is a kind with synthetic members")
        }
        return entry
    }

    /// The synthetic members of room `index`.
    func bots(_ entry: RoomKindEntry, room index: Int) -> any SyntheticMembers {
        guard let make = entry.syntheticMembers else { preconditionFailure("checked by kindEntry()") }
        return make(memberIDs(index), seed &+ UInt64(index))
    }

    private func offline<Logic: RoomLogic>(_ entry: RoomKindEntry, _ logic: Logic, room index: Int, _ recorder: SQLiteSessionRecorder) {
        var room = Room(id: RoomID("synthetic-\(index)"), logic: logic, config: entry.config, seed: seed &+ UInt64(index))
        recorder.sessionStarted(RecordedSession(roomID: room.id, kind: room.logic.kind, logicVersion: room.logic.logicVersion,
                                                seed: room.seed, config: room.config))
        var bots = bots(entry, room: index)
        let ids = bots.members
        for member in ids where (try? room.join(member)) != nil {
            recorder.memberJoined(member, metadata: ["bot": "true"], room: room.id, afterTick: room.tick)
        }
        for _ in 0..<ticks {
            for (member, bytes) in bots.inputs(forTick: room.tick + 1) { _ = try? room.enqueue(bytes, from: member) }
            let advance = room.advance()
            recorder.tickCompleted(RecordedTick(roomID: room.id, tick: room.tick, inputs: advance.inputs, stateHash: room.stateHash))
            if room.tick % snapshotInterval == 0 { recorder.snapshotTaken(room.snapshot()) }
            if !noFlush, room.tick % 2_000 == 0 { recorder.flush() }
        }
        if let leaver = ids.last, (try? room.leave(leaver)) != nil {
            recorder.memberLeft(leaver, room: room.id, afterTick: room.tick)
        }
        _ = room.terminate()
        recorder.sessionEnded(room: room.id, finalTick: room.tick, finalStateHash: room.stateHash)
    }
}
