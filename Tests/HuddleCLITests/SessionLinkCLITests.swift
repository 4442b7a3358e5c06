import Foundation
import HuddleRooms
import RoomEngine
import SnapshotStore
@testable import SQLiteSnapshotStore
import Testing
import WhiteboardRoom

/// `sessions`, `show` and `verify` on a room resumed after its owner died:
/// the resumed session names the session it continues, and verify checks
/// the two agree at the link's tick.
@Suite("huddle on resumed sessions: the link shown and verified")
struct SessionLinkCLITests {
    /// Resumes session 1's room from the store (as a node taking over does)
    /// and records session 2 from its resume point, 20 quiet ticks long.
    private func recordResumed(_ db: String, room id: RoomID) throws {
        let point = try #require(try SQLiteSessionStore.open(path: db).resumePoint(of: id))
        var room = if let snapshot = point.snapshot {
            try RoomReplay.replay(point.tail, from: snapshot, logic: WhiteboardLogic(), hashing: point.session.stateHashing)
        } else {
            try RoomReplay.replay(point.tail, session: point.session, logic: WhiteboardLogic())
        }
        let recorder = try SQLiteSessionRecorder.open(path: db)
        var session = point.session
        session.resumedFrom = SessionLink(session: point.previousSession, tick: point.tick)
        recorder.sessionStarted(session)
        recorder.snapshotTaken(room.snapshot())
        for _ in 0..<20 {
            let advance = room.advance()
            recorder.tickCompleted(RecordedTick(roomID: room.id, tick: room.tick, inputs: advance.inputs,
                                                stateHash: room.stateHash(session.stateHashing)))
        }
        _ = room.terminate()
        recorder.sessionEnded(room: room.id, finalTick: room.tick, finalStateHash: room.stateHash(session.stateHashing))
        recorder.close()
    }

    @Test("sessions marks it, show prints the link, verify checks it and fails a broken one")
    func linkShownAndVerified() async throws {
        let directory = try TemporaryDirectory()
        let db = directory.path("resumed.sqlite")
        let synthesized = await CLIRun.huddle(["sessions", "synthesize", "--room-kind", "whiteboard", "--members", "2",
                                               "--ticks", "100", "--snapshot-interval", "50", "--db", db])
        #expect(synthesized.code == 0, "\(synthesized.diagnostics)")
        let first = try SQLiteSessionStore.open(path: db).sessions()
        try #require(first.count == 1 && first[0].lastTick == 100)
        try recordResumed(db, room: first[0].roomID)

        let listed = await CLIRun.huddle(["sessions", "--db", db])
        #expect(listed.code == 0 && listed.results.contains("ended (resumes 1)"), "\(listed.results)")
        let shown = await CLIRun.huddle(["show", "2", "--db", db])
        #expect(shown.code == 0 && shown.results.contains("resumed from session 1 at tick 100"), "\(shown.results)")
        #expect(!(await CLIRun.huddle(["show", "1", "--db", db])).results.contains("resumed from"))

        let verified = await CLIRun.huddle(["verify", "2", "--quiet", "--db", db])
        #expect(verified.code == 0, "\(verified.diagnostics)")
        #expect(verified.results.contains("session 2: verified ticks 101…120"), "\(verified.results)")
        #expect(verified.lines.last == "session 2: link to session 1 at tick 100: ok", "\(verified.results)")
        let all = await CLIRun.huddle(["verify", "--all", "--quiet", "--db", db])
        #expect(all.code == 0 && all.results.contains("session 2: link to session 1 at tick 100: ok"), "\(all.results)")

        try StoreDatabase.executeForTesting(path: db, sql: "UPDATE tick SET state_hash = state_hash + 1 WHERE session_id = 1 AND tick = 100")
        let mismatch = await CLIRun.huddle(["verify", "2", "--quiet", "--db", db])
        #expect(mismatch.code == 1)
        #expect(mismatch.results.contains("session 2: link to session 1 at tick 100: BROKEN: session 1 does not replay to tick 100: session 1 diverges at tick 100"), "\(mismatch.results)")

        try StoreDatabase.executeForTesting(path: db, sql: "DELETE FROM session WHERE id = 1")
        let orphan = await CLIRun.huddle(["verify", "--all", "--quiet", "--db", db])
        #expect(orphan.code == 1)
        #expect(orphan.results.contains("session 2: link to session 1 at tick 100: BROKEN: session 1 is not in the store"), "\(orphan.results)")
    }
}
