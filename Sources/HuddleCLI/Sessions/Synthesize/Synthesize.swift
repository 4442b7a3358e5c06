import ArgumentParser
import Foundation
import Logging
import RoomEngine
import SnapshotStore

/// `huddle sessions synthesize` (hidden): records synthetic sessions through
/// the program's real recorder, for benchmarks and end-to-end tests, with
/// the synthetic members of a kind of the catalog (``RoomKindEntry/syntheticMembers``).
///
/// Offline (default): drives `Room`s directly, as fast as they compute,
/// calling the recorder exactly as a ``RoomRunner`` does (the writer is
/// flushed every 2,000 ticks so the bounded queue is not overrun, unless
/// `--no-flush`). `--live`: real rooms started by the kind's entry on NIO
/// event loops at the kind's tick rate for `--seconds`, with the bots
/// enqueueing on each room's loop, which is what `huddle serve` does minus
/// the network.
struct StoreSynthesize: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "synthesize",
        abstract: "Record synthetic sessions (benchmarks and tests).",
        shouldDisplay: false
    )

    /// `--db` and `--store` belong to `sessions`, the parent command.
    @ParentCommand var sessions: Sessions

    var db: String { sessions.store.db }

    @Option(
        name: .customLong("room-kind"),
        help: "A room kind with synthetic members (this program has: \(kindList(Self.synthesizableKinds)); default: the first)."
    )
    var roomKind: KindArgument?

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
    var durability: DurabilityArgument = .full

    /// The catalog's kinds that offer synthetic members.
    static var synthesizableKinds: [RoomKind] {
        CLIContext.current.kinds.servedEntries.filter { $0.syntheticMembers != nil }.map(\.kind)
    }

    func validate() throws {
        _ = try kindEntry()
        guard rooms > 0, members >= 0, ticks > 0, snapshotInterval > 0, queueCapacity > 0, commitIntervalMs > 0 else {
            throw ValidationError("counts must be positive")
        }
    }

    func run() async throws {
        try await CLIExit.run {
            let entry = try kindEntry()
            var options = RecorderOptions()
            options.queueCapacity = queueCapacity
            options.commitInterval = .milliseconds(commitIntervalMs)
            options.fsyncEveryCommit = durability == .full
            options.retention = .keepEverything
            var logger = Logger(label: "huddle.synthesize")
            logger.logLevel = .warning
            options.logger = logger
            let recorder = try sessions.store.storage.openRecorder(at: db, options: options)
            if live {
                try await runLive(entry, recorder)
            } else {
                for index in 0..<rooms { offline(entry, entry.logic, room: index, recorder) }
            }
            recorder.close()
            let stats = recorder.statistics
            CLIContext.current.output.result(
                "recorder: \(stats.accepted) events queued, \(stats.dropped) dropped, \(stats.gaps) gaps, max queue depth \(stats.maxQueueDepth)"
            )
        }
    }

    /// The catalog entry of `--room-kind` (default: the first kind with
    /// synthetic members), refused as a usage error when it has none.
    func kindEntry() throws -> RoomKindEntry {
        let available = Self.synthesizableKinds
        guard let kind = roomKind?.kind ?? available.first else {
            throw ValidationError("no room kind of this program has synthetic members")
        }
        guard let entry = CLIContext.current.kinds.entry(for: kind), entry.syntheticMembers != nil else {
            throw ValidationError("--room-kind is one of \(kindList(available)), not '\(kind)'")
        }
        return entry
    }

    /// The synthetic members of room `index`.
    func bots(_ entry: RoomKindEntry, room index: Int) -> any SyntheticMembers {
        guard let make = entry.syntheticMembers else { preconditionFailure("checked by kindEntry()") }
        return make((0..<members).map { MemberID("bot-\(index)-\($0)") }, seed &+ UInt64(index))
    }

    private func offline<Logic: RoomLogic>(_ entry: RoomKindEntry, _ logic: Logic, room index: Int, _ recorder: any SessionRecorder) {
        var room = Room(id: RoomID("synthetic-\(index)"), logic: logic, config: entry.config, seed: seed &+ UInt64(index))
        recorder.sessionStarted(RecordedSession(roomID: room.id, kind: room.logic.kind, logicVersion: room.logic.logicVersion,
                                                seed: room.seed, config: room.config, stateHashing: .fingerprint))
        var bots = bots(entry, room: index)
        let ids = bots.members
        for member in ids where (try? room.join(member)) != nil {
            recorder.memberJoined(member, metadata: ["bot": "true"], room: room.id, afterTick: room.tick)
        }
        for _ in 0..<ticks {
            for (member, bytes) in bots.inputs(forTick: room.tick + 1) { _ = try? room.enqueue(bytes, from: member) }
            let advance = room.advance()
            recorder.tickCompleted(RecordedTick(roomID: room.id, tick: room.tick, inputs: advance.inputs, stateHash: room.stateHash(.fingerprint)))
            if room.tick % snapshotInterval == 0 { recorder.snapshotTaken(room.snapshot()) }
            if !noFlush, room.tick % 2_000 == 0 { recorder.flush() }
        }
        if let leaver = ids.last, (try? room.leave(leaver)) != nil {
            recorder.memberLeft(leaver, room: room.id, afterTick: room.tick)
        }
        _ = room.terminate()
        recorder.sessionEnded(room: room.id, finalTick: room.tick, finalStateHash: room.stateHash(.fingerprint))
    }
}
