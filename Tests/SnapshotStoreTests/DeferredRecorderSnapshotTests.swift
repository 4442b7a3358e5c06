import Foundation
import HuddleRooms
import RoomEngine
import SnapshotStore
import Synchronization
import Testing
import WhiteboardRoom

/// The runner's periodic snapshot of a large state is encoded by the
/// recorder (the SQLite writer's thread), not on the room's loop.
@Suite("Periodic snapshots of large states, encoded off the room's loop")
struct DeferredRecorderSnapshotTests {
    /// Forwards everything; counts which way each periodic snapshot came.
    final class CountingRecorder: RoomRecorder {
        let inner: any RoomRecorder
        let counts = Mutex((direct: 0, deferred: 0))

        init(_ inner: any RoomRecorder) { self.inner = inner }

        func sessionStarted(_ session: RecordedSession) { inner.sessionStarted(session) }
        func memberJoined(_ member: MemberID, metadata: [String: String], room: RoomID, afterTick: UInt64) {
            inner.memberJoined(member, metadata: metadata, room: room, afterTick: afterTick)
        }
        func memberLeft(_ member: MemberID, room: RoomID, afterTick: UInt64) { inner.memberLeft(member, room: room, afterTick: afterTick) }
        func tickCompleted(_ tick: RecordedTick) { inner.tickCompleted(tick) }
        func snapshotTaken(_ snapshot: RoomSnapshot) {
            counts.withLock { $0.direct += 1 }
            inner.snapshotTaken(snapshot)
        }
        func snapshotTaken(encoding snapshot: DeferredSnapshot) {
            counts.withLock { $0.deferred += 1 }
            inner.snapshotTaken(encoding: snapshot)
        }
        func sessionEnded(room: RoomID, finalTick: UInt64, finalStateHash: UInt64) {
            inner.sessionEnded(room: room, finalTick: finalTick, finalStateHash: finalStateHash)
        }
    }

    private func record(_ backend: Backend, offloadBytes: Int?) async throws -> (store: TestStore, counts: (direct: Int, deferred: Int), live: UInt64) {
        let store = try TestStore(backend)
        let sqlite = try store.openRecorder(TemporaryStore.options())
        let recorder = CountingRecorder(sqlite)
        var room = ScriptedWhiteboard(recorder: recorder, snapshotInterval: 50, snapshotOffloadBytes: offloadBytes)
        try await room.run(ticks: 200)
        let live = await room.stateHash()
        await room.stop()
        sqlite.close()
        return (store, recorder.counts.withLock { $0 }, live)
    }

    @Test("past the offload size the recorder gets the state to encode, and stores the same snapshots; below it, encoded snapshots as before", arguments: Backend.all)
    func largeStatesAreEncodedByTheRecorder(backend: Backend) async throws {
        let deferred = try await record(backend, offloadBytes: 1)
        #expect(deferred.counts.deferred == 4 && deferred.counts.direct == 0)
        let direct = try await record(backend, offloadBytes: nil)
        #expect(direct.counts.direct == 4 && direct.counts.deferred == 0)

        for recording in [deferred, direct] {
            let reader = try recording.store.openStore()
            let session = try #require(try reader.sessions().first)
            let snapshots = try reader.snapshots(of: session.id)
            #expect(snapshots.map(\.tick) == [50, 100, 150, 200])
            let last = try #require(try reader.snapshot(of: session.id, atOrBefore: 200))
            #expect(last.stateHash == recording.live && last.stateHash == StateHash.fnv1a64(last.state))
            let report = try SessionReplayer(store: reader, kinds: .builtIn).verify(session.id)
            #expect(report.snapshotsChecked == 4)
        }
    }
}
