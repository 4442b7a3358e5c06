import Foundation
import HuddleRooms
import RoomEngine
@testable import SQLiteSnapshotStore
import SnapshotStore
import Testing
import WhiteboardRoom

/// Which hash a session's ticks hold: recordings made before fingerprints
/// (canonical bytes) and since (the kind's fingerprint) both verify, each by
/// its own hash, in stores old and new.
@Suite("State hashing of recordings: canonical bytes and fingerprints")
struct StateHashingStoreTests {
    /// Records one whiteboard session by hand with `hashing`: alice draws a
    /// stroke over `ticks` ticks (so the two hashes differ), with snapshots
    /// every 20 ticks, then leaves.
    private func record(_ recorder: any RoomRecorder, room id: RoomID, hashing: StateHashing, ticks: Int = 60) throws {
        var room = Room(id: id, logic: WhiteboardLogic(), seed: 5)
        recorder.sessionStarted(RecordedSession(roomID: id, kind: .whiteboard, logicVersion: 1, seed: 5,
                                                config: RoomConfig(), stateHashing: hashing))
        try room.join("alice")
        recorder.memberJoined("alice", metadata: [:], room: id, afterTick: 0)
        for index in 0..<ticks {
            let input: WhiteboardInput = switch index {
            case 0: .beginStroke(id: 1, color: 9, width: 2)
            case ticks - 1: .endStroke(id: 1)
            default: .appendPoints(id: 1, points: [CanvasPoint(x: UInt16(index), y: UInt16(2 * index))])
            }
            _ = try room.enqueue(input.encodedBytes(), from: "alice")
            _ = try room.enqueue(WhiteboardInput.cursor(x: UInt16(index), y: 1).encodedBytes(), from: "alice")
            let advance = room.advance()
            recorder.tickCompleted(RecordedTick(roomID: id, tick: room.tick, inputs: advance.inputs, stateHash: room.stateHash(hashing)))
            if room.tick % 20 == 0 { recorder.snapshotTaken(room.snapshot()) }
        }
        #expect(room.stateHash(.fingerprint) != room.stateHash(.canonicalBytes))
        try room.leave("alice")
        recorder.memberLeft("alice", room: id, afterTick: room.tick)
        _ = room.terminate()
        recorder.sessionEnded(room: id, finalTick: room.tick, finalStateHash: room.stateHash(hashing))
    }

    private func verifyAndReplay(_ reader: SQLiteSessionStore, _ id: RecordedSessionID) throws {
        let replayer = SessionReplayer(store: reader, kinds: .builtIn, chunkTicks: 16)
        let report = try replayer.verify(id)
        #expect(report.lastTick == 60 && report.finalHashChecked && report.snapshotsChecked == 3)
        let replay = try replayer.replay(id, from: 25, through: 50) { _ in }
        #expect(replay.visitedTicks == 26)
        let restored = try reader.catchUp(session: id).restore(logic: WhiteboardLogic())
        #expect(restored.tick == 60)
    }

    @Test("both kinds of session verify, replay and catch up by their own hash; a session read with the other hash diverges at its first tick; an unknown value is a corrupt record")
    func bothHashingsVerify() throws {
        let store = TemporaryStore()
        let recorder = try SQLiteSessionRecorder.open(path: store.path, options: TemporaryStore.options())
        try record(recorder, room: "old-style", hashing: .canonicalBytes)
        try record(recorder, room: "fingerprinted", hashing: .fingerprint)
        recorder.close()

        let reader = try SQLiteSessionStore.open(path: store.path)
        let sessions = try reader.sessions().sorted { $0.id.rawValue < $1.id.rawValue }
        #expect(sessions.map(\.stateHashing) == [.canonicalBytes, .fingerprint])
        for session in sessions { try verifyAndReplay(reader, session.id) }

        try StoreDatabase.executeForTesting(path: store.path, sql: "UPDATE session SET state_hashing = 1 - state_hashing")
        for session in sessions {
            #expect {
                _ = try SessionReplayer(store: reader, kinds: .builtIn).verify(session.id)
            } throws: { error in
                guard case SnapshotStoreError.diverged(_, let tick, _, _) = error else { return false }
                return tick == 1
            }
        }
        try StoreDatabase.executeForTesting(path: store.path, sql: "UPDATE session SET state_hashing = 7 WHERE id = \(sessions[0].id.rawValue)")
        #expect(throws: SnapshotStoreError.corruptRecord(session: sessions[0].id, detail: "state hashing 7")) {
            _ = try reader.summary(of: sessions[0].id)
        }
    }

    @Test("a store of the previous schema is refused by readers until a recorder migrates it; its sessions then read as canonical-bytes recordings and verify")
    func previousSchemaMigrates() throws {
        let store = TemporaryStore()
        let recorder = try SQLiteSessionRecorder.open(path: store.path, options: TemporaryStore.options())
        try record(recorder, room: "before", hashing: .canonicalBytes)
        recorder.close()
        // What a store written before the v3 migration looks like (and so
        // before the later ones).
        try StoreDatabase.executeForTesting(path: store.path, sql: """
            ALTER TABLE session DROP COLUMN state_hashing;
            ALTER TABLE session DROP COLUMN resumed_from_session;
            ALTER TABLE session DROP COLUMN resumed_from_tick;
            DELETE FROM grdb_migrations WHERE identifier IN ('v3-state-hashing', 'v4-resumed-from');
            """)
        #expect(throws: SnapshotStoreError.incompatibleSchema(path: store.path, reason: "older schema: open it once with `huddle serve --db` to migrate")) {
            try SQLiteSessionStore.open(path: store.path)
        }

        try SQLiteSessionRecorder.open(path: store.path, options: TemporaryStore.options()).close()
        let reader = try SQLiteSessionStore.open(path: store.path)
        #expect(try reader.info().migrations == StoreSchema.migrationIdentifiers)
        let session = try #require(try reader.sessions().first)
        #expect(session.stateHashing == .canonicalBytes)
        try verifyAndReplay(reader, session.id)
    }
}
