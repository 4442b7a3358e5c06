import Foundation
import HuddleRooms
@testable import PostgresSnapshotStore
import PostgresTestSupport
import RoomEngine
import SnapshotStore
import Testing
import WhiteboardRoom

/// What only the PostgreSQL backend has: URLs, migrations under an
/// advisory lock, several recorders on one database, a server that goes away.
@Suite("PostgreSQL store: URLs, migrations, several recorders, a server that goes away")
struct PostgresStoreTests {
    @Test("URLs: TCP and Unix-socket forms, percent-decoding, the password never shown")
    func urls() throws {
        let tcp = try PostgresLocation(parsing: "postgresql://hud%40dle:s%3Acret@db.internal:6432/sessions")
        #expect(tcp.endpoint == .tcp(host: "db.internal", port: 6432))
        #expect(tcp.username == "hud@dle" && tcp.password == "s:cret" && tcp.database == "sessions")
        #expect(tcp.description == "postgres://hud@dle@db.internal:6432/sessions")
        let plain = try PostgresLocation(parsing: "postgres://huddle@localhost/huddle")
        #expect(plain.endpoint == .tcp(host: "localhost", port: 5432) && plain.password == nil)
        let socket = try PostgresLocation(parsing: "postgres://huddle@/huddle?host=/run/postgresql")
        #expect(socket.endpoint == .socket(directory: "/run/postgresql", port: 5432))
        #expect(socket.configuration.unixSocketPath == "/run/postgresql/.s.PGSQL.5432")
        #expect(socket.description == "postgres://huddle@/huddle?host=/run/postgresql")
        let socketPort = try PostgresLocation(parsing: "postgres://huddle@:5433/huddle?host=/tmp/pg")
        #expect(socketPort.configuration.unixSocketPath == "/tmp/pg/.s.PGSQL.5433")
        let v6 = try PostgresLocation(parsing: "postgres://u:p@[::1]:5432/d")
        #expect(v6.endpoint == .tcp(host: "::1", port: 5432) && v6.description == "postgres://u@[::1]:5432/d")
    }

    @Test("bad URLs are refused with a reason, and never echo the password",
          arguments: [
              ("mysql://u@h/d", "scheme"), ("postgres://h/d", "no user"), ("postgres://u@h", "no database"),
              ("postgres://u@h/", "no database"), ("postgres://u:secret@h:99999/d", "port"), ("postgres://u@h:x/d", "port"),
              ("postgres://u@/d", "no host"), ("postgres://u@/d?host=relative", "absolute"), ("postgres://u@h/d?sslmode=require", "unsupported"),
              ("postgres://u@h/d?host=/tmp", "not both"),
          ])
    func badURLs(url: String, reason: String) {
        #expect {
            try PostgresLocation(parsing: url)
        } throws: { error in
            guard case SnapshotStoreError.io(let message) = error else { return false }
            return message.contains(reason) && !message.contains("secret") && message.contains("not a usable PostgreSQL URL")
        }
        #expect(throws: SnapshotStoreError.self) { try PostgresSessionStore.open(url: url) }
        #expect(throws: SnapshotStoreError.self) { try PostgresSessionRecorder.open(url: url) }
    }

    @Test("a server that is not there is a clear I/O error, for readers and recorders")
    func unreachable() {
        let url = "postgres://huddle:secret@/huddle?host=/nonexistent-\(UUID().uuidString)"
        for open in [{ _ = try PostgresSessionStore.open(url: url) }, { _ = try PostgresSessionRecorder.open(url: url) }] as [() throws -> Void] {
            #expect {
                try open()
            } throws: { error in
                guard case SnapshotStoreError.io(let message) = error else { return false }
                return message.contains("cannot connect") && !message.contains("secret")
            }
        }
    }

    @Test("an empty database is migrated from nothing by the first recorder; readers never create", .enabled(if: PostgresTestServer.shouldRun))
    func migrationsFromEmpty() throws {
        let server = try PostgresTestServer.shared()
        let url = try server.createDatabase()
        #expect {
            try PostgresSessionStore.open(url: url)
        } throws: { error in
            guard case SnapshotStoreError.notAStore = error else { return false }
            return true
        }
        #expect(try server.execute("SELECT to_regclass('huddle_migrations') IS NULL", database: url) == "t")
        let missing = server.url(database: "no_such_database")
        #expect(throws: SnapshotStoreError.storeMissing(path: try PostgresLocation(parsing: missing).description)) {
            try PostgresSessionStore.open(url: missing)
        }

        try PostgresSessionRecorder.open(url: url, options: TemporaryStore.options()).close()
        let info = try PostgresSessionStore.open(url: url).info()
        #expect(info.migrations == PostgresSchema.migrationIdentifiers)
        #expect(info.sessions == 0 && info.ticks == 0)
        #expect(try server.execute("SELECT count(*) FROM huddle_migrations", database: url) == "4")
    }

    @Test("re-opening is idempotent, and recorders opening one empty database at once migrate it once", .enabled(if: PostgresTestServer.shouldRun))
    func concurrentMigrations() async throws {
        let server = try PostgresTestServer.shared()
        let url = try server.createDatabase()
        let recorders = try await withThrowingTaskGroup(of: PostgresSessionRecorder.self) { group in
            for _ in 0..<4 {
                group.addTask { try PostgresSessionRecorder.open(url: url, options: TemporaryStore.options()) }
            }
            var opened: [PostgresSessionRecorder] = []
            for try await recorder in group { opened.append(recorder) }
            return opened
        }
        #expect(Set(recorders.map(\.recorderID)).count == 4)
        for recorder in recorders { recorder.close() }
        try PostgresSessionRecorder.open(url: url, options: TemporaryStore.options()).close()
        #expect(try PostgresSessionStore.open(url: url).info().migrations == PostgresSchema.migrationIdentifiers)
        #expect(try server.execute("SELECT count(*) FROM huddle_migrations", database: url) == "4")
    }

    @Test("a database with a migration this build does not know is refused by readers and recorders", .enabled(if: PostgresTestServer.shouldRun))
    func newerSchemaRefused() throws {
        let server = try PostgresTestServer.shared()
        let url = try server.createDatabase()
        try PostgresSessionRecorder.open(url: url, options: TemporaryStore.options()).close()
        try server.execute("INSERT INTO huddle_migrations (identifier) VALUES ('v9-future')", database: url)
        let expected = SnapshotStoreError.incompatibleSchema(
            path: try PostgresLocation(parsing: url).description, reason: "written by a newer Huddle (migrations v9-future)")
        #expect(throws: expected) { try PostgresSessionStore.open(url: url) }
        #expect(throws: expected) { try PostgresSessionRecorder.open(url: url, options: TemporaryStore.options()) }
    }

    @Test("another program's database (a session table, no huddle_migrations) is refused and left alone", .enabled(if: PostgresTestServer.shouldRun))
    func foreignDatabase() throws {
        let server = try PostgresTestServer.shared()
        let url = try server.createDatabase()
        try server.execute("CREATE TABLE session (who TEXT); INSERT INTO session VALUES ('someone')", database: url)
        #expect {
            try PostgresSessionRecorder.open(url: url, options: TemporaryStore.options())
        } throws: { error in
            guard case SnapshotStoreError.notAStore(_, let reason) = error else { return false }
            return reason.contains("another program")
        }
        #expect(try server.execute("SELECT who FROM session", database: url) == "someone")
        #expect(try server.execute("SELECT to_regclass('huddle_migrations') IS NULL", database: url) == "t")
    }

    @Test("two recorders on one database each write their own sessions; a dead one's live session reads incomplete", .enabled(if: PostgresTestServer.shouldRun))
    func twoRecorders() async throws {
        let store = try TestStore(.postgres)
        let first = try PostgresSessionRecorder.open(url: store.location, options: TemporaryStore.options())
        let second = try PostgresSessionRecorder.open(url: store.location, options: TemporaryStore.options())
        #expect(first.recorderID != second.recorderID)
        var boards = [
            ScriptedWhiteboard(recorder: first, roomID: "node-1-a", seed: 1),
            ScriptedWhiteboard(recorder: second, roomID: "node-2-a", seed: 2),
            ScriptedWhiteboard(recorder: first, roomID: "node-1-b", seed: 3),
            ScriptedWhiteboard(recorder: second, roomID: "node-2-b", seed: 4),
        ]
        for round in 0..<3 {
            for index in boards.indices { try await boards[index].run(ticks: 40 + round) }
        }
        for board in boards.prefix(2) { await board.stop() }
        first.flush()
        second.flush()
        let reader = try store.openStore()
        #expect(reader.hasLiveRecorder)
        var byRoom = Dictionary(uniqueKeysWithValues: try reader.sessions().map { ($0.roomID.rawValue, $0) })
        #expect(byRoom.count == 4)
        #expect(byRoom["node-1-a"]?.status == .ended && byRoom["node-2-a"]?.status == .ended)
        #expect(byRoom["node-1-b"]?.status == .live && byRoom["node-2-b"]?.status == .live)
        #expect(byRoom.values.allSatisfy { $0.tickCount == 123 && $0.lastTick == 123 })
        #expect(try server(store).execute("SELECT count(DISTINCT recorder_id) FROM session", database: store.location) == "2")

        first.abandonForTesting()   // node 1 dies with node-1-b live
        await boards[2].stop()
        byRoom = Dictionary(uniqueKeysWithValues: try reader.sessions().map { ($0.roomID.rawValue, $0) })
        #expect(byRoom["node-1-b"]?.status == .incomplete && byRoom["node-2-b"]?.status == .live)
        #expect(reader.hasLiveRecorder)

        await boards[3].stop()
        second.close()
        #expect(!reader.hasLiveRecorder)
        let replayer = SessionReplayer(store: reader, kinds: .builtIn)
        for summary in try reader.sessions() {
            let report = try replayer.verify(summary.id)
            #expect(report.lastTick == 123)
            #expect(report.isComplete == (summary.status == .ended))
        }
        _ = boards
    }

    @Test("the server going away mid-recording: commits fail into gaps, flush and close return, reopening is a clear error", .enabled(if: PostgresTestServer.shouldRun))
    func serverGoesAway() async throws {
        let server = try PostgresTestServer()
        let store = try TestStore(.postgres, server: server)
        let recorder = try PostgresSessionRecorder.open(url: store.location, options: TemporaryStore.options())
        var room = ScriptedWhiteboard(recorder: recorder, roomID: "doomed")
        try await room.run(ticks: 60)
        recorder.flush()
        #expect(recorder.isOpen)
        let reader = try store.openStore()
        #expect(try reader.onlySession().lastTick == 60)

        server.stop()
        try await room.run(ticks: 20)
        recorder.flush()                  // returns: the commit failed
        #expect(!recorder.isOpen)
        #expect(throws: SnapshotStoreError.self) { try reader.sessions() }
        #expect {
            try PostgresSessionRecorder.open(url: store.location, options: TemporaryStore.options())
        } throws: { error in
            guard case SnapshotStoreError.io(let message) = error else { return false }
            return message.contains("cannot connect")
        }
        await room.stop()
        recorder.close()                  // returns too
        #expect(!recorder.isOpen)
    }

    private func server(_ store: TestStore) throws -> PostgresTestServer {
        try #require(store.server)
    }
}
