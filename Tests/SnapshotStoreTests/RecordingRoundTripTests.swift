import Foundation
import HuddleRooms
import RoomEngine
@testable import SQLiteSnapshotStore
import SnapshotStore
import Synchronization
import Testing
import WhiteboardRoom

@Suite("Recording a room into a store (SQLite, PostgreSQL) and reading it back")
struct RecordingRoundTripTests {
    /// Records a scripted whiteboard for `ticks` ticks and returns the memory copy.
    private func record(
        _ store: TestStore, ticks: Int, snapshotInterval: UInt64 = 100, stop: Bool = true
    ) async throws -> (tee: TeeRecorder, hash: UInt64) {
        let recorder = try store.openRecorder(TemporaryStore.options())
        let tee = TeeRecorder(recorder)
        var room = ScriptedWhiteboard(recorder: tee, snapshotInterval: snapshotInterval)
        try await room.run(ticks: ticks)
        let hash = await room.fingerprint()
        if stop { await room.stop() }
        recorder.close()
        return (tee, hash)
    }

    @Test("a new store is SQLite in WAL mode with the current migrations")
    func schema() async throws {
        let store = TemporaryStore()
        try SQLiteSessionRecorder.open(path: store.path, options: TemporaryStore.options()).close()
        let info = try SQLiteSessionStore.open(path: store.path).info()
        #expect(info.journalMode == "wal")
        #expect(info.migrations == StoreSchema.migrationIdentifiers)
        #expect(info.sessions == 0)
    }

    @Test("the store gives back exactly the events, hashes and snapshots the room reported", arguments: Backend.all)
    func roundTrip(backend: Backend) async throws {
        let store = try TestStore(backend)
        let (tee, hash) = try await record(store, ticks: 450)
        let reader = try store.openStore()
        let summary = try reader.onlySession()
        #expect(summary.status == .ended)
        #expect(summary.kind == .whiteboard && summary.logicVersion == 1 && summary.seed == 7)
        #expect(summary.lastTick == 450 && summary.tickCount == 450 && summary.startTick == 0)
        #expect(summary.final?.tick == 450 && summary.final?.stateHash == tee.end?.hash)
        #expect(summary.memberCount == 3)
        #expect(summary.gapFromTick == nil)

        let stored = try reader.events(of: summary.id, after: 0, through: 450, includeTrailing: true)
        #expect(stored == tee.events)
        let ticks = stored.compactMap { if case .tick(let tick) = $0 { tick } else { nil } }
        #expect(ticks.last?.stateHash == hash)
        #expect(summary.inputCount == ticks.reduce(0) { $0 + $1.inputs.count })

        #expect(try reader.snapshots(of: summary.id).map(\.tick) == [100, 200, 300, 400])
        for expected in tee.snapshots {
            #expect(try reader.snapshot(of: summary.id, atOrBefore: expected.tick) == expected)
        }
        #expect(try reader.snapshot(of: summary.id, atOrBefore: 99) == nil)
        #expect(try reader.snapshot(of: summary.id, atOrBefore: 250)?.tick == 200)
    }

    @Test("verify re-simulates every tick, snapshot and the final hash", arguments: Backend.all)
    func verifies(backend: Backend) async throws {
        let store = try TestStore(backend)
        _ = try await record(store, ticks: 700, snapshotInterval: 150)
        let replayer = SessionReplayer(store: try store.openStore(), kinds: .builtIn, chunkTicks: 97)
        let calls = Mutex<[UInt64]>([])
        let report = try replayer.verify(1) { done, total in
            #expect(total == 700)
            calls.withLock { $0.append(done) }
        }
        let progress = calls.withLock { $0 }
        #expect(report.firstTick == 1 && report.lastTick == 700 && report.verifiedTicks == 700)
        #expect(report.snapshotsChecked == 4)
        #expect(report.finalHashChecked && report.isComplete)
        #expect(progress.first == 0 && progress.last == 700 && progress == progress.sorted())
    }

    @Test("a session ending on a snapshot tick, with leaves after its last tick, verifies including its final hash", arguments: Backend.all)
    func endsOnSnapshotTick(backend: Backend) async throws {
        let store = try TestStore(backend)
        let recorder = try store.openRecorder(TemporaryStore.options())
        let tee = TeeRecorder(recorder)
        var room = ScriptedWhiteboard(recorder: tee, snapshotInterval: 100)
        try await room.run(ticks: 300)
        try await room.leaveEveryone()
        await room.stop()
        recorder.close()
        let reader = try store.openStore()
        let summary = try reader.onlySession()
        #expect(try reader.snapshots(of: summary.id).last?.tick == 300)
        #expect(try reader.events(of: summary.id, after: 0, through: 300, includeTrailing: true) == tee.events)
        #expect(tee.events.last.map { if case .left = $0 { true } else { false } } == true)
        let report = try SessionReplayer(store: reader, kinds: .builtIn).verify(summary.id)
        #expect(report.finalHashChecked && report.snapshotsChecked == 3 && report.lastTick == 300)
    }

    @Test("replay starts at the nearest snapshot and visits exactly the asked range in order", arguments: Backend.all)
    func replayRange(backend: Backend) async throws {
        let store = try TestStore(backend)
        let (tee, _) = try await record(store, ticks: 420)
        let replayer = SessionReplayer(store: try store.openStore(), kinds: .builtIn)
        var visited: [RecordedEvent] = []
        let report = try replayer.replay(1, from: 230, through: 260, visitChunkTicks: 7) { step in
            visited.append(step.entry.recordedEvent)
            if case .tick(let stored) = step.entry {
                #expect(step.inputDescriptions.count == stored.tick.inputs.count)
            }
        }
        #expect(report.baseTick == 200)
        #expect(report.firstTick == 230 && report.lastTick == 260 && report.visitedTicks == 31)
        let ticks = visited.compactMap { if case .tick(let tick) = $0 { tick.tick } else { nil } }
        #expect(ticks == Array(230...260))
        // The same slice of the in-memory recording, joins and leaves included.
        let all = tee.events
        let start = try #require(all.firstIndex { if case .tick(let t) = $0 { t.tick == 229 } else { false } }) + 1
        let end = try #require(all.firstIndex { if case .tick(let t) = $0 { t.tick == 260 } else { false } })
        #expect(visited == Array(all[start...end]))
        #expect(report.finalStateHash == {
            if case .tick(let tick) = all[end] { return tick.stateHash }
            return 0
        }())
    }

    @Test("a late joiner is served from the store: latest snapshot plus the input tail", arguments: Backend.all)
    func lateJoinerCatchUp(backend: Backend) async throws {
        let store = try TestStore(backend)
        let recorder = try store.openRecorder(TemporaryStore.options())
        var room = ScriptedWhiteboard(recorder: recorder, roomID: "shared-board", snapshotInterval: 100)
        try await room.run(ticks: 345)
        recorder.flush()
        let liveHash = await room.stateHash()

        // Another process (the store) rebuilds the live room while it still runs.
        let catchUp = try store.openStore().catchUp(room: "shared-board")
        #expect(catchUp.session.status == .live)
        #expect(catchUp.snapshot?.tick == 300)
        #expect(catchUp.tick == 345)
        #expect(catchUp.tail.count(where: { if case .tick = $0 { true } else { false } }) == 45)
        let restored = try catchUp.restore(logic: WhiteboardLogic())
        #expect(restored.tick == 345)
        #expect(restored.stateHash == liveHash)
        let joinerSnapshot = restored.snapshot()
        #expect(joinerSnapshot.tick == 345 && joinerSnapshot.stateHash == liveHash)
        await room.stop()
        recorder.close()
    }

    @Test("blobs: inputs with interned members, metadata and zlib round-trip; damaged zlib is refused")
    func codecs() throws {
        let inputs = [RecordedInput(member: "a", sequence: 1, bytes: [1, 2, 3]),
                      RecordedInput(member: "b", sequence: 300, bytes: []),
                      RecordedInput(member: "a", sequence: 301, bytes: Array(repeating: 7, count: 200))]
        let slots: [MemberID: Int] = ["a": 0, "b": 1]
        let blob = StoreCodec.encodeInputs(inputs) { slots[$0] ?? 99 }
        #expect(try StoreCodec.decodeInputs(blob, members: [0: "a", 1: "b"]) == inputs)
        #expect(throws: RoomError.self) { try StoreCodec.decodeInputs(blob, members: [0: "a"]) }
        #expect(throws: RoomError.self) { try StoreCodec.decodeInputs(blob + [0], members: [0: "a", 1: "b"]) }

        let metadata = ["client": "web", "name": "Zoë"]
        #expect(try StoreCodec.decodeMetadata(StoreCodec.encodeMetadata(metadata)) == metadata)

        let state = (0..<5_000).map { UInt8(truncatingIfNeeded: $0 / 7) }
        let packed = Zlib.compress(state)
        #expect(packed.count < state.count / 4)
        #expect(try Zlib.decompress(packed, expectedSize: state.count) == state)
        #expect(throws: RoomError.self) { try Zlib.decompress(Array(packed.dropLast(3)), expectedSize: state.count) }
        #expect(throws: RoomError.self) { try Zlib.decompress(packed, expectedSize: state.count - 1) }
    }
}
