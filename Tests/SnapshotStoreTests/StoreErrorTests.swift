import Foundation
import HuddleRooms
import RoomEngine
@testable import SQLiteSnapshotStore
import SnapshotStore
import Testing

@Suite("Bad files and bad recordings: clear errors, never a crash")
struct StoreErrorTests {
    /// A store holding one ended, scripted whiteboard session of `ticks` ticks.
    private func recordedStore(_ backend: Backend, ticks: Int = 300) async throws -> TestStore {
        let store = try TestStore(backend)
        let recorder = try store.openRecorder()
        var room = ScriptedWhiteboard(recorder: recorder, snapshotInterval: 100)
        try await room.run(ticks: ticks)
        await room.stop()
        recorder.close()
        return store
    }

    private func write(_ bytes: [UInt8], to path: String) {
        #expect(FileManager.default.createFile(atPath: path, contents: Data(bytes)))
    }

    @Test("a missing file is reported, and readers do not create it")
    func missing() {
        let store = TemporaryStore()
        #expect(throws: SnapshotStoreError.storeMissing(path: store.path)) { try SQLiteSessionStore.open(path: store.path) }
        #expect(!FileManager.default.fileExists(atPath: store.path))
    }

    @Test("random bytes and an empty file are not a store, for readers and for the recorder")
    func notSQLite() throws {
        let store = TemporaryStore()
        var generator = SystemRandomNumberGenerator()
        write((0..<8192).map { _ in UInt8.random(in: 0...255, using: &generator) }, to: store.path)
        #expect(throws: SnapshotStoreError.notAStore(path: store.path, reason: "not an SQLite database")) {
            try SQLiteSessionStore.open(path: store.path)
        }
        #expect(throws: SnapshotStoreError.notAStore(path: store.path, reason: "not an SQLite database")) {
            try SQLiteSessionRecorder.open(path: store.path, options: TemporaryStore.options())
        }
        write([], to: store.path)
        #expect(throws: SnapshotStoreError.notAStore(path: store.path, reason: "an empty database")) {
            try SQLiteSessionStore.open(path: store.path)
        }
    }

    @Test("another program's SQLite database is refused and left untouched")
    func foreignDatabase() throws {
        let store = TemporaryStore()
        try StoreDatabase.executeForTesting(path: store.path, sql: "CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('hi')")
        let before = try Data(contentsOf: URL(fileURLWithPath: store.path))
        #expect(throws: SnapshotStoreError.self) { try SQLiteSessionStore.open(path: store.path) }
        #expect(throws: SnapshotStoreError.notAStore(path: store.path, reason: "an SQLite database without Huddle's marker")) {
            try SQLiteSessionRecorder.open(path: store.path, options: TemporaryStore.options())
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: store.path)) == before)
        try StoreDatabase.executeForTesting(path: store.path, sql: "PRAGMA application_id = 42")
        #expect(throws: SnapshotStoreError.notAStore(path: store.path, reason: "application_id 42 belongs to another program")) {
            try SQLiteSessionStore.open(path: store.path)
        }
    }

    @Test("a store from a newer Huddle is refused with the unknown migration named")
    func newerSchema() async throws {
        let store = try await recordedStore(.sqlite, ticks: 10)
        try StoreDatabase.executeForTesting(path: store.path, sql: "INSERT INTO grdb_migrations VALUES ('v9-future')")
        #expect(throws: SnapshotStoreError.incompatibleSchema(path: store.path, reason: "written by a newer Huddle (migrations v9-future)")) {
            try SQLiteSessionStore.open(path: store.path)
        }
    }

    @Test("a damaged file gives a store error, whichever read meets the damage first")
    func damagedFile() async throws {
        let store = try await recordedStore(.sqlite)
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: store.path)))
        for index in stride(from: 4096, to: bytes.count, by: 1) { bytes[index] = UInt8(truncatingIfNeeded: index &* 31) }
        write(bytes, to: store.path)
        let outcome = Result { () throws(SnapshotStoreError) in
            let reader = try SQLiteSessionStore.open(path: store.path)
            for session in try reader.sessions() { _ = try SessionReplayer(store: reader, kinds: .builtIn).verify(session.id) }
        }
        guard case .failure(let error) = outcome else {
            Issue.record("a damaged file read without error")
            return
        }
        switch error {
        case .corruptStore, .notAStore, .corruptRecord, .io: break
        default: Issue.record("unexpected error \(error)")
        }
    }

    @Test("an unknown session id is reported by every reader", arguments: Backend.all)
    func unknownSession(backend: Backend) async throws {
        let store = try await recordedStore(backend, ticks: 5)
        let reader = try store.openStore()
        #expect(throws: SnapshotStoreError.unknownSession(99)) { try reader.summary(of: 99) }
        #expect(throws: SnapshotStoreError.unknownSession(99)) { try SessionReplayer(store: reader, kinds: .builtIn).verify(99) }
        #expect(throws: SnapshotStoreError.unknownSession(99)) { try reader.catchUp(session: 99) }
    }

    @Test("a logic version or kind this build lacks is refused before replaying", arguments: Backend.all)
    func unsupportedLogic(backend: Backend) throws {
        let store = try TestStore(backend)
        let recorder = try store.openRecorder()
        recorder.sessionStarted(RecordedSession(roomID: "future", kind: .whiteboard, logicVersion: 99, seed: 1, config: RoomConfig()))
        recorder.tickCompleted(RecordedTick(roomID: "future", tick: 1, inputs: [], stateHash: 1))
        recorder.sessionStarted(RecordedSession(roomID: "chess", kind: "chess", logicVersion: 1, seed: 1, config: RoomConfig()))
        recorder.close()
        let replayer = SessionReplayer(store: try store.openStore(), kinds: .builtIn)
        #expect(throws: SnapshotStoreError.unsupportedLogic(kind: .whiteboard, version: 99, available: [1])) {
            try replayer.verify(1)
        }
        #expect(throws: SnapshotStoreError.unsupportedLogic(kind: "chess", version: 1, available: [])) {
            try replayer.replay(2) { _ in }
        }
    }

    @Test("a tampered hash is named as the first diverging tick; replay shows the ticks before it", arguments: Backend.all)
    func divergence(backend: Backend) async throws {
        let store = try await recordedStore(backend)
        try store.execute("UPDATE tick SET state_hash = state_hash + 1 WHERE tick IN (123, 200)")
        let replayer = SessionReplayer(store: try store.openStore(), kinds: .builtIn, chunkTicks: 50)
        #expect {
            try replayer.verify(1)
        } throws: { error in
            guard case SnapshotStoreError.diverged(1, 123, _, _) = error else { return false }
            return true
        }
        var visited: [UInt64] = []
        #expect(throws: SnapshotStoreError.self) {
            try replayer.replay(1, from: 110, through: 150, visitChunkTicks: 16) { step in
                if case .tick(let stored) = step.entry { visited.append(stored.tick.tick) }
            }
        }
        #expect(visited == Array(110...122))
    }

    @Test("a missing tick or an undecodable input is a bad recording, not a crash", arguments: Backend.all)
    func damagedRows(backend: Backend) async throws {
        let store = try await recordedStore(backend)
        try store.execute("DELETE FROM tick WHERE tick = 150")
        let reader = try store.openStore()
        #expect(throws: SnapshotStoreError.self) { try SessionReplayer(store: reader, kinds: .builtIn).verify(1) }
        try store.execute(backend == .sqlite ? "UPDATE tick SET inputs = x'05' WHERE tick = 20" : "UPDATE tick SET inputs = '\\x05'::bytea WHERE tick = 20")
        #expect(throws: SnapshotStoreError.corruptRecord(session: 1, detail: "tick row: truncated")) {
            try reader.ticks(of: 1, in: 1...30)
        }
    }
}
