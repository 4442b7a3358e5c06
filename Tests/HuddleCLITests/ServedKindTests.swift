import CounterRoom
import HuddleRooms
import NIOPosix
import RoomEngine
import RoomEngineSocketIO
import SnapshotStore
import SocketIO
import SQLiteSnapshotStore
import Testing

/// The same catalog entry serves the custom kind over Socket.IO, and what
/// the server recorded verifies with the replayer.
@Suite("A custom room kind served and recorded")
struct ServedKindTests {
    @Test("RoomService creates rooms of every kind in the catalog; their recordings verify")
    func servedAndRecorded() async throws {
        let directory = try TemporaryDirectory()
        let db = directory.path("served.sqlite")
        let kinds: RoomKindCatalog = .builtIn + [.counter]
        let group = MultiThreadedEventLoopGroup.singleton
        let recorder = try SQLiteSessionRecorder.open(path: db)
        let rooms = RoomService(server: SocketIOServer(group: group), group: group, kinds: kinds, recorder: recorder)

        let counter = try await rooms.directory.joinOrCreate(kind: .counter, member: "alice")
        #expect(counter.kind == .counter && counter.capacity == 8)
        let board = try await rooms.directory.joinOrCreate(kind: "whiteboard", member: "bob")
        #expect(board.kind == "whiteboard")
        await #expect(throws: RoomError.unknownRoomKind("chess")) {
            try await rooms.directory.joinOrCreate(kind: "chess", member: "carol")
        }
        try await Task.sleep(for: .milliseconds(350))   // a few ticks of each
        for listing in await rooms.directory.rooms() { await rooms.directory.room(listing.id)?.close() }
        recorder.close()

        let store = try SQLiteSessionStore.open(path: db)
        let replayer = SessionReplayer(store: store, kinds: kinds)
        let sessions = try store.sessions()
        #expect(Set(sessions.map(\.kind)) == [.counter, "whiteboard"])
        for session in sessions {
            let report = try replayer.verify(session.id)
            #expect(report.isComplete && report.lastTick > 0, "\(session.kind)")
        }
    }
}
