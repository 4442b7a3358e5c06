import Foundation
import HuddleRooms
import RoomEngine
import SnapshotStore
import Testing
import WhiteboardRoom

/// A room whose owner died and that another node resumed: the first
/// session's recording stops, the second starts from the store's resume
/// point and names the first (``SessionSummary/resumedFrom``), on both
/// backends; resume points, the link's verification and old stores.
@Suite("Resumed sessions: the link to the session they continue")
struct SessionLinkTests {
    static let room: RoomID = "board"

    /// Records the first session by hand: alice joins and draws a stroke,
    /// one point a tick, snapshots every 20 ticks; the recorder then closes
    /// without an end (its node died). Returns the session.
    private func recordFirst(_ store: TestStore, ticks: UInt64 = 60) throws -> SessionSummary {
        let recorder = try store.openRecorder()
        var room = Room(id: Self.room, logic: WhiteboardLogic(), seed: 5)
        recorder.sessionStarted(RecordedSession(roomID: Self.room, kind: .whiteboard, logicVersion: 1, seed: 5, config: RoomConfig()))
        try room.join("alice")
        recorder.memberJoined("alice", metadata: [:], room: Self.room, afterTick: 0)
        _ = try room.enqueue(WhiteboardInput.beginStroke(id: 1, color: 9, width: 2).encodedBytes(), from: "alice")
        try run(&room, to: ticks, recorder)
        recorder.close()
        return try store.openStore().onlySession()
    }

    /// Ticks `room` up to `target`, alice adding a point and moving her
    /// cursor each tick; records every tick and a snapshot every 20.
    private func run(_ room: inout Room<WhiteboardLogic>, to target: UInt64, _ recorder: any RoomRecorder) throws {
        while room.tick < target {
            let x = UInt16(room.tick)
            _ = try room.enqueue(WhiteboardInput.appendPoints(id: 1, points: [CanvasPoint(x: x, y: 2 * x)]).encodedBytes(), from: "alice")
            _ = try room.enqueue(WhiteboardInput.cursor(x: x, y: 1).encodedBytes(), from: "alice")
            let advance = room.advance()
            recorder.tickCompleted(RecordedTick(roomID: Self.room, tick: room.tick, inputs: advance.inputs,
                                                stateHash: room.stateHash(.fingerprint)))
            if room.tick % 20 == 0 { recorder.snapshotTaken(room.snapshot()) }
        }
    }

    /// Resumes the room from the store's resume point (as a node taking
    /// over does; of `previous` when given) and records the next session
    /// through the recorder API, linked to it, up to `target`. With
    /// `stray`, a member joins before the starting snapshot without being
    /// recorded: the new session no longer starts where the old one was.
    private func recordResumed(
        _ store: TestStore, from previous: SessionSummary? = nil, to target: UInt64 = 90, stray: Bool = false
    ) throws -> SessionSummary {
        let reader = try store.openStore()
        let point: RoomResumePoint
        if let previous {
            let catchUp = try reader.catchUp(session: previous.id)
            point = RoomResumePoint(session: catchUp.session.recordedSession, snapshot: catchUp.snapshot, tail: catchUp.tail,
                                    tick: catchUp.tick, previousSession: previous.id.rawValue)
        } else {
            point = try #require(try reader.resumePoint(of: Self.room))
        }
        let snapshot = try #require(point.snapshot)
        var room = try RoomReplay.replay(point.tail, from: snapshot, logic: WhiteboardLogic(), hashing: point.session.stateHashing)
        #expect(room.tick == point.tick)
        if stray { try room.join("mallory") }
        let recorder = try store.openRecorder()
        var session = point.session
        session.resumedFrom = SessionLink(session: point.previousSession, tick: point.tick)
        recorder.sessionStarted(session)
        recorder.snapshotTaken(room.snapshot())
        try run(&room, to: target, recorder)
        try room.leave("alice")
        recorder.memberLeft("alice", room: Self.room, afterTick: room.tick)
        _ = room.terminate()
        recorder.sessionEnded(room: Self.room, finalTick: room.tick, finalStateHash: room.stateHash(.fingerprint))
        recorder.close()
        return try #require(try store.openStore().latestSession(of: Self.room))
    }

    @Test("a resumed session stores its link; the resume point is the newest session's; verify checks the link", arguments: Backend.all)
    func resumedSessionLinks(backend: Backend) throws {
        let store = try TestStore(backend)
        let first = try recordFirst(store)
        #expect(try store.openStore().resumePoint(of: "nobody") == nil)
        #expect(first.resumedFrom == nil && first.status == .incomplete)

        let reader = try store.openStore()
        let point = try #require(try reader.resumePoint(of: Self.room))
        #expect(point.previousSession == first.id.rawValue && point.tick == 60 && point.session == first.recordedSession)
        #expect(point.snapshot?.tick == 60 && point.tail.isEmpty)
        let recorded = try #require(try reader.ticks(of: first.id, in: 60...60).first)
        let replayed = try RoomReplay.replay(point.tail, from: try #require(point.snapshot), logic: WhiteboardLogic(), hashing: .fingerprint)
        #expect(replayed.stateHash(.fingerprint) == recorded.tick.stateHash)

        let second = try recordResumed(store)
        #expect(second.id != first.id)
        #expect(second.resumedFrom == SessionLink(session: first.id.rawValue, tick: 60))
        #expect(second.startTick == 60 && second.lastTick == 90 && second.status == .ended)
        #expect(try reader.summary(of: first.id).resumedFrom == nil)

        let next = try #require(try reader.resumePoint(of: Self.room))
        #expect(next.previousSession == second.id.rawValue && next.tick == 90 && next.session.resumedFrom == second.resumedFrom)

        let replayer = SessionReplayer(store: reader, kinds: .builtIn)
        let report = try replayer.verify(second.id)
        #expect(report.firstTick == 61 && report.lastTick == 90 && report.finalHashChecked)
        #expect(try replayer.verifyLink(of: second) == LinkReport(link: SessionLink(session: first.id.rawValue, tick: 60), problem: nil))
        #expect(try replayer.verifyLink(of: first) == nil)
    }

    @Test("a link verifies only when the old session exists, reaches the tick and recorded the state the new one starts from", arguments: Backend.all)
    func brokenLinks(backend: Backend) throws {
        let store = try TestStore(backend)
        let first = try recordFirst(store)
        let second = try recordResumed(store)
        let reader = try store.openStore()
        let replayer = SessionReplayer(store: reader, kinds: .builtIn)
        func problem() throws -> String {
            try #require(try replayer.verifyLink(of: try reader.summary(of: second.id))).problem ?? "holds"
        }
        #expect(try problem() == "holds")

        try store.execute("UPDATE tick SET state_hash = state_hash + 1 WHERE session_id = \(first.id.rawValue) AND tick = 60")
        #expect(try problem().hasPrefix("session \(first.id) does not replay to tick 60: session \(first.id) diverges at tick 60"))
        try store.execute("UPDATE tick SET state_hash = state_hash - 1 WHERE session_id = \(first.id.rawValue) AND tick = 60")
        #expect(try problem() == "holds")

        let stray = try recordResumed(store, from: first, to: 70, stray: true)
        let strayLink = try #require(try replayer.verifyLink(of: stray))
        #expect(strayLink.problem?.hasPrefix("session \(first.id) leads to state ") == true, "\(strayLink)")
        #expect(strayLink.problem?.contains(" at tick 60, session \(stray.id) starts from ") == true, "\(strayLink)")

        try store.execute("UPDATE session SET resumed_from_tick = 70, start_tick = 70 WHERE id = \(second.id.rawValue)")
        #expect(try problem() == "session \(first.id) records ticks 0…60 only, not tick 70")
        try store.execute("UPDATE session SET resumed_from_tick = 50 WHERE id = \(second.id.rawValue)")
        #expect(try problem() == "session \(second.id) starts at tick 70, not at the link's tick 50")
        try store.execute("UPDATE session SET resumed_from_tick = 60, start_tick = 60, resumed_from_session = 999 WHERE id = \(second.id.rawValue)")
        #expect(try problem() == "session 999 is not in the store")
    }

    @Test("StoredRoomStates reads resume points off the pool and reports store errors as room errors", arguments: Backend.all)
    func storedRoomStates(backend: Backend) async throws {
        let store = try TestStore(backend)
        let first = try recordFirst(store)
        let states = StoredRoomStates(store: try store.openStore())
        #expect(try await states.resumePoint(of: "nobody") == nil)
        let points = try await withThrowingTaskGroup(of: RoomResumePoint?.self) { group in
            for _ in 0..<8 { group.addTask { try await states.resumePoint(of: Self.room) } }
            return try await group.reduce(into: [RoomResumePoint?]()) { $0.append($1) }
        }
        #expect(points.count == 8 && points.allSatisfy { $0?.previousSession == first.id.rawValue && $0?.tick == 60 })

        let second = try recordResumed(store)
        try store.execute("DELETE FROM snapshot WHERE session_id = \(second.id.rawValue)")
        await #expect {
            _ = try await states.resumePoint(of: Self.room)
        } throws: { error in
            guard case RoomError.malformed(let message) = error else { return false }
            return message.contains("room board cannot be resumed: its recording is damaged")
                && message.contains("starts at tick 60 without a snapshot")
        }
    }

    @Test("a store from before the link migrates when a recorder opens it; its sessions read without a link", arguments: Backend.all)
    func previousSchemaMigrates(backend: Backend) throws {
        let store = try TestStore(backend)
        _ = try recordFirst(store)
        let migrations = backend == .sqlite ? "grdb_migrations" : "huddle_migrations"
        try store.execute("ALTER TABLE session DROP COLUMN resumed_from_session")
        try store.execute("ALTER TABLE session DROP COLUMN resumed_from_tick")
        try store.execute("DELETE FROM \(migrations) WHERE identifier = 'v4-resumed-from'")
        #expect(throws: SnapshotStoreError.self) { try store.openStore() }

        try store.openRecorder().close()
        let session = try store.openStore().onlySession()
        #expect(session.resumedFrom == nil && session.lastTick == 60)
        _ = try recordResumed(store)
        #expect(try store.openStore().latestSession(of: Self.room)?.resumedFrom?.tick == 60)
    }
}
