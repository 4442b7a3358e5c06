import Foundation
import HuddleRooms
import RoomEngine
@testable import SQLiteSnapshotStore
import SnapshotStore
import Testing
import WhiteboardRoom

/// A member whose connection dropped while it kept its seat: the store
/// records the gap (away, back) in order with the joins and leaves, and the
/// recording still verifies (the gap changes no state).
@Suite("Recording members away and back")
struct PresenceRecordingTests {
    @Test("away and back are stored in order, read back, and ignored by verification", arguments: Backend.all)
    func presenceRoundTrip(backend: Backend) async throws {
        let store = try TestStore(backend)
        let recorder = try store.openRecorder(TemporaryStore.options())
        let loop = ManualRoomLoop()
        let runner = RoomRunner(room: Room(id: "seats", logic: WhiteboardLogic(), seed: 3), loop: loop,
                                sink: ClosureRoomOutputSink { _ in }, recorder: recorder)
        runner.start()
        try await runner.join("alice", metadata: [:])
        try await runner.join("bob", metadata: [:])
        runner.enqueue(WhiteboardInput.beginStroke(id: 1, color: 0x123456, width: 2).encodedBytes(), from: "alice") { _ in }
        loop.advance(by: .milliseconds(150))  // ticks 1…3
        loop.execute { try? runner.memberAway("alice") }
        runner.enqueue(WhiteboardInput.cursor(x: 9, y: 9).encodedBytes(), from: "bob") { _ in }
        loop.advance(by: .milliseconds(100))  // ticks 4, 5
        loop.execute { _ = try? runner.memberReturned("alice", withSnapshot: false, wasAway: true) }
        loop.advance(by: .milliseconds(50))  // tick 6
        loop.execute { try? runner.memberAway("bob") }
        loop.advance(by: .milliseconds(50))  // tick 7
        try await runner.leave("bob")        // bob's grace ended
        loop.advance(by: .milliseconds(50))  // tick 8
        await runner.close()
        recorder.close()

        let reader = try store.openStore()
        let summary = try #require(try reader.sessions().first)
        let membership = try reader.membership(of: summary.id)
        #expect(membership.map { "\($0.change) \($0.member) \($0.afterTick)" } == [
            "joined alice 0", "joined bob 0", "away alice 3", "back alice 5", "away bob 6", "left bob 7",
        ])
        let events = try reader.events(of: summary.id, after: 0, through: 8, includeTrailing: true)
        #expect(events.contains(.away("alice")) && events.contains(.back("alice")))
        let report = try SessionReplayer(store: reader, kinds: .builtIn).verify(summary.id)
        #expect(report.isComplete)
    }
}
