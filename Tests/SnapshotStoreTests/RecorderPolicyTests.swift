import Foundation
import HuddleRooms
import RoomEngine
@testable import SQLiteSnapshotStore
import SnapshotStore
import Testing
import WhiteboardRoom

@Suite("Recorder policies (SQLite, PostgreSQL): overflow, crashes, retention, one writer, concurrent readers")
struct RecorderPolicyTests {
    /// A room advanced by hand, reporting to `recorder` like a runner does.
    private struct HandRoom {
        var room = Room(id: "hand", logic: WhiteboardLogic(), seed: 3)
        let recorder: any RoomRecorder

        init(_ recorder: any RoomRecorder, id: RoomID = "hand") {
            self.recorder = recorder
            room = Room(id: id, logic: WhiteboardLogic(), seed: 3)
            recorder.sessionStarted(RecordedSession(roomID: id, kind: .whiteboard, logicVersion: 1, seed: 3, config: RoomConfig()))
            try? room.join("alice")
            recorder.memberJoined("alice", metadata: [:], room: id, afterTick: 0)
        }

        mutating func tick(_ count: Int = 1) {
            for _ in 0..<count {
                _ = try? room.enqueue(WhiteboardInput.cursor(x: UInt16(room.tick % 4000), y: 5).encodedBytes(), from: "alice")
                let advance = room.advance()
                recorder.tickCompleted(RecordedTick(roomID: room.id, tick: room.tick, inputs: advance.inputs, stateHash: room.stateHash(.fingerprint)))
            }
        }

        mutating func end() {
            _ = room.terminate()
            recorder.sessionEnded(room: room.id, finalTick: room.tick, finalStateHash: room.stateHash(.fingerprint))
        }
    }

    @Test("a full queue never blocks: a lost tick marks the session with a gap that verify reports", arguments: Backend.all)
    func overflowMarksGap(backend: Backend) throws {
        let store = try TestStore(backend)
        let recorder = try store.openRecorder(TemporaryStore.options { $0.queueCapacity = 20 })
        recorder.pauseWriterForTesting(true)
        var hand = HandRoom(recorder)   // started + joined: 2 events
        hand.tick(50)                   // ticks 1…18 fit, 19 overflows, 20…50 are dropped
        hand.end()                      // always accepted
        let stats = recorder.statistics
        #expect(stats.dropped == 32 && stats.gaps == 1 && stats.maxQueueDepth == 22)
        recorder.pauseWriterForTesting(false)
        recorder.close()

        let reader = try store.openStore()
        let summary = try reader.onlySession()
        #expect(summary.gapFromTick == 19 && summary.lastTick == 18 && summary.droppedEvents == 32)
        #expect(summary.status == .ended && summary.final?.tick == 50)
        let report = try SessionReplayer(store: reader, kinds: .builtIn).verify(summary.id)
        #expect(report.lastTick == 18 && report.verifiedTicks == 18 && !report.isComplete && !report.finalHashChecked)
    }

    @Test("commits are timed for /metrics", arguments: Backend.all)
    func commitsAreTimed(backend: Backend) throws {
        let store = try TestStore(backend)
        let recorder = try store.openRecorder(TemporaryStore.options { _ in })
        #expect(recorder.statistics.commitDurations?.count == 0)
        var hand = HandRoom(recorder)
        hand.tick(5)
        hand.end()
        recorder.close()
        let commits = try #require(recorder.statistics.commitDurations)
        #expect(commits.count >= 1 && commits.buckets.reduce(0, +) == commits.count)
    }

    @Test("a snapshot that does not fit is dropped and counted without a gap", arguments: Backend.all)
    func overflowDropsSnapshot(backend: Backend) throws {
        let store = try TestStore(backend)
        let recorder = try store.openRecorder(TemporaryStore.options { $0.queueCapacity = 4 })
        recorder.pauseWriterForTesting(true)
        var hand = HandRoom(recorder)
        hand.tick(2)
        recorder.snapshotTaken(hand.room.snapshot())
        #expect(recorder.statistics.droppedSnapshots == 1)
        recorder.pauseWriterForTesting(false)
        recorder.flush()
        hand.tick(3)
        hand.end()
        recorder.close()
        let droppedBefore = recorder.statistics.dropped
        recorder.tickCompleted(RecordedTick(roomID: "hand", tick: 6, inputs: [], stateHash: 0))   // after close: counted
        #expect(recorder.statistics.dropped == droppedBefore + 1)
        let reader = try store.openStore()
        let summary = try reader.onlySession()
        #expect(summary.gapFromTick == nil && summary.lastTick == 5 && summary.droppedEvents == 0)
        #expect(try reader.snapshots(of: summary.id).isEmpty)
        #expect(try SessionReplayer(store: reader, kinds: .builtIn).verify(summary.id).isComplete)
    }

    @Test("a recorder that dies mid-session leaves a session that is incomplete and verifiable to its last commit", arguments: Backend.all)
    func crashLeavesIncompleteSession(backend: Backend) async throws {
        let store = try TestStore(backend)
        let first = try store.openRecorder(TemporaryStore.options())
        var room = ScriptedWhiteboard(recorder: first, snapshotInterval: 100)
        try await room.run(ticks: 250)
        first.flush()
        let committedHash = await room.fingerprint()
        first.pauseWriterForTesting(true)
        try await room.run(ticks: 30)       // queued, never committed
        first.abandonForTesting()           // the process "dies" here

        let reader = try store.openStore()
        var summary = try reader.onlySession()
        #expect(summary.status == .incomplete && summary.endedAt == nil && summary.lastTick == 250)
        #expect(!reader.hasLiveRecorder)

        // The next recorder marks it for good.
        try store.openRecorder(TemporaryStore.options()).close()
        summary = try reader.onlySession()
        #expect(summary.status == .incomplete && summary.endedAt == summary.lastTickAt && summary.final == nil)

        let report = try SessionReplayer(store: reader, kinds: .builtIn).verify(summary.id)
        #expect(report.lastTick == 250 && report.finalStateHash == committedHash && report.snapshotsChecked == 2)
        let catchUp = try reader.catchUp(session: summary.id)
        #expect(try catchUp.restore(logic: WhiteboardLogic()).stateHash(.fingerprint) == committedHash)
    }

    @Test("retention keeps the last N days and the last N sessions, at startup", arguments: Backend.all)
    func retention(backend: Backend) throws {
        let store = try TestStore(backend)
        let day: Int64 = 86_400_000_000
        let now = WallClock.now()
        let old = try store.openRecorder(TemporaryStore.options { $0.clock = { now - 20 * day } })
        for index in 0..<2 {
            var hand = HandRoom(old, id: RoomID("old-\(index)"))
            hand.tick(30)
            hand.end()
        }
        old.close()
        let recent = try store.openRecorder(TemporaryStore.options())
        for index in 0..<3 {
            var hand = HandRoom(recent, id: RoomID("new-\(index)"))
            hand.tick(30)
            hand.end()
        }
        recent.close()
        #expect(try store.counts().sessions == 5)

        try store.openRecorder(TemporaryStore.options {
            $0.retention = RetentionPolicy(maxAgeDays: 14)
        }).close()
        var reader = try store.openStore()
        #expect(try reader.sessions().map(\.roomID.rawValue) == ["new-2", "new-1", "new-0"])
        #expect(try store.counts().ticks == 90)

        try store.openRecorder(TemporaryStore.options {
            $0.retention = RetentionPolicy(maxSessions: 2)
        }).close()
        reader = try store.openStore()
        #expect(try reader.sessions().map(\.roomID.rawValue) == ["new-2", "new-1"])
        #expect(try store.counts().ticks == 60)
        #expect(try SessionReplayer(store: reader, kinds: .builtIn).verify(reader.sessions()[0].id).isComplete)
    }

    @Test("retention also runs periodically while the recorder writes, removing ticks in steps", arguments: Backend.all)
    func periodicRetention(backend: Backend) async throws {
        let store = try TestStore(backend)
        let recorder = try store.openRecorder(TemporaryStore.options {
            $0.retention = RetentionPolicy(maxSessions: 2)
            $0.retentionInterval = .seconds(1)
        })
        for index in 0..<4 {
            var hand = HandRoom(recorder, id: RoomID("room-\(index)"))
            hand.tick(10)
            hand.end()
        }
        recorder.flush()
        let reader = try store.openStore()
        var info = try store.counts()
        for _ in 0..<50 where info.sessions != 2 || info.ticks != 20 {
            try await Task.sleep(for: .milliseconds(100))
            info = try store.counts()
        }
        #expect(try reader.sessions().map(\.roomID.rawValue) == ["room-3", "room-2"])
        #expect(info.ticks == 20)
        recorder.close()
    }

    @Test("one recorder per store; readers can tell it is alive")
    func oneWriter() throws {
        let store = TemporaryStore()
        let recorder = try SQLiteSessionRecorder.open(path: store.path, options: TemporaryStore.options())
        #expect(throws: SnapshotStoreError.storeInUse(path: store.path)) {
            try SQLiteSessionRecorder.open(path: store.path, options: TemporaryStore.options())
        }
        #expect(try SQLiteSessionStore.open(path: store.path).hasLiveRecorder)
        recorder.close()
        #expect(try !SQLiteSessionStore.open(path: store.path).hasLiveRecorder)
    }

    @Test("readers list, verify and catch up while the recorder writes (WAL)", arguments: Backend.all)
    func concurrentReaders(backend: Backend) async throws {
        let store = try TestStore(backend)
        let recorder = try store.openRecorder(TemporaryStore.options())
        var room = ScriptedWhiteboard(recorder: recorder, snapshotInterval: 50)
        try await room.run(ticks: 20)
        recorder.flush()
        let reading = Task.detached { () throws -> [UInt64] in
            var seen: [UInt64] = []
            for _ in 0..<25 {
                let reader = try store.openStore()
                let summary = try reader.onlySession()
                #expect(summary.status == .live)
                let report = try SessionReplayer(store: reader, kinds: .builtIn).verify(summary.id)
                #expect(report.lastTick >= summary.lastTick)
                _ = try reader.catchUp(session: summary.id).restore(logic: WhiteboardLogic())
                seen.append(summary.lastTick)
                try await Task.sleep(for: .milliseconds(5))
            }
            return seen
        }
        for _ in 0..<30 {
            try await room.run(ticks: 20)
            await Task.yield()
        }
        let seen = try await reading.value
        #expect(seen == seen.sorted() && seen.first ?? 0 >= 20)
        await room.stop()
        recorder.close()
        #expect(try SessionReplayer(store: store.openStore(), kinds: .builtIn).verify(1).isComplete)
    }
}
