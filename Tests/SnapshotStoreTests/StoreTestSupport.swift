import Foundation
import NIOCore
@testable import PostgresSnapshotStore
import PostgresTestSupport
import RoomEngine
@testable import SQLiteSnapshotStore
import SnapshotStore
import Testing
import WhiteboardRoom

/// The store backends the behaviour tests run against: SQLite always,
/// PostgreSQL when installed (or required by HUDDLE_REQUIRE_POSTGRES=1,
/// which turns a missing server into failures instead of fewer cases).
enum Backend: String, Sendable, CustomTestStringConvertible {
    case sqlite
    case postgres

    static var all: [Backend] { PostgresTestServer.shouldRun ? [.sqlite, .postgres] : [.sqlite] }

    var testDescription: String { rawValue }
}

/// A recorder with the test hooks both backends have.
protocol TestRecorder: SessionRecorder {
    func pauseWriterForTesting(_ paused: Bool)
    func abandonForTesting()
}

extension SQLiteSessionRecorder: TestRecorder {}
extension PostgresSessionRecorder: TestRecorder {}

/// A fresh, empty store of one backend: a temporary SQLite file, or a new
/// database on the tests' PostgreSQL server.
final class TestStore: Sendable {
    let backend: Backend
    /// The path or URL.
    let location: String
    /// The path (SQLite-only tests).
    var path: String { location }
    private let file: TemporaryStore?
    let server: PostgresTestServer?

    init(_ backend: Backend, server: PostgresTestServer? = nil) throws {
        self.backend = backend
        switch backend {
        case .sqlite:
            let file = TemporaryStore()
            self.file = file
            self.server = nil
            location = file.path
        case .postgres:
            let server = try server ?? PostgresTestServer.shared()
            self.server = server
            self.file = nil
            location = try server.createDatabase()
        }
    }

    var storage: any SessionStorage {
        switch backend {
        case .sqlite: SQLiteSessionStorage()
        case .postgres: PostgresSessionStorage()
        }
    }

    /// Opens a recorder (quick commits, no retention unless configured).
    func openRecorder(_ options: RecorderOptions = TemporaryStore.options()) throws -> any TestRecorder {
        switch backend {
        case .sqlite: try SQLiteSessionRecorder.open(path: location, options: options)
        case .postgres: try PostgresSessionRecorder.open(url: location, options: options)
        }
    }

    /// Opens a reader.
    func openStore() throws -> any SessionStore {
        try storage.openStore(at: location)
    }

    /// Row counts.
    func counts() throws -> (sessions: Int, ticks: Int, snapshots: Int) {
        switch backend {
        case .sqlite:
            let info = try SQLiteSessionStore.open(path: location).info()
            return (info.sessions, info.ticks, info.snapshots)
        case .postgres:
            let info = try PostgresSessionStore.open(url: location).info()
            return (info.sessions, info.ticks, info.snapshots)
        }
    }

    /// Runs SQL on the store (to tamper with recordings).
    func execute(_ sql: String) throws {
        switch backend {
        case .sqlite: try StoreDatabase.executeForTesting(path: location, sql: sql)
        case .postgres: try server?.execute(sql, database: location)
        }
    }
}

/// A store path in a fresh temporary directory, removed with its side files.
final class TemporaryStore: Sendable {
    let directory: String
    let path: String

    init() {
        directory = NSTemporaryDirectory() + "huddle-store-\(UUID().uuidString)"
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        path = directory + "/sessions.sqlite"
    }

    deinit {
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Options suited to tests: quick commits, no retention.
    static func options(_ configure: (inout RecorderOptions) -> Void = { _ in }) -> RecorderOptions {
        var options = RecorderOptions()
        options.commitInterval = .milliseconds(5)
        options.fsyncEveryCommit = false
        options.retention = .keepEverything
        configure(&options)
        return options
    }
}

/// Forwards every call to another recorder and keeps a copy in memory, so a
/// test can compare what the store gives back with what the room reported.
final class TeeRecorder: RoomRecorder, @unchecked Sendable {
    private let inner: any RoomRecorder
    private let lock = NSLock()
    private var storedEvents: [RecordedEvent] = []
    private var storedSnapshots: [RoomSnapshot] = []
    private var storedEnd: (tick: UInt64, hash: UInt64)?

    init(_ inner: any RoomRecorder) { self.inner = inner }

    var events: [RecordedEvent] { lock.withLock { storedEvents } }
    var snapshots: [RoomSnapshot] { lock.withLock { storedSnapshots } }
    var end: (tick: UInt64, hash: UInt64)? { lock.withLock { storedEnd } }

    func sessionStarted(_ session: RecordedSession) { inner.sessionStarted(session) }
    func memberJoined(_ member: MemberID, metadata: [String: String], room: RoomID, afterTick: UInt64) {
        lock.withLock { storedEvents.append(.joined(member, metadata: metadata)) }
        inner.memberJoined(member, metadata: metadata, room: room, afterTick: afterTick)
    }
    func memberLeft(_ member: MemberID, room: RoomID, afterTick: UInt64) {
        lock.withLock { storedEvents.append(.left(member)) }
        inner.memberLeft(member, room: room, afterTick: afterTick)
    }
    func tickCompleted(_ tick: RecordedTick) {
        lock.withLock { storedEvents.append(.tick(tick)) }
        inner.tickCompleted(tick)
    }
    func snapshotTaken(_ snapshot: RoomSnapshot) {
        lock.withLock { storedSnapshots.append(snapshot) }
        inner.snapshotTaken(snapshot)
    }
    func sessionEnded(room: RoomID, finalTick: UInt64, finalStateHash: UInt64) {
        lock.withLock { storedEnd = (finalTick, finalStateHash) }
        inner.sessionEnded(room: room, finalTick: finalTick, finalStateHash: finalStateHash)
    }
}

/// A whiteboard room on a manual loop with three scripted members who join,
/// draw, move their cursors, leave and come back.
struct ScriptedWhiteboard {
    let loop = ManualRoomLoop()
    let runner: RoomRunner<WhiteboardLogic>
    private var random: UInt64
    private var present: Set<MemberID> = []
    private var strokes: [MemberID: UInt32] = [:]
    private static let members: [MemberID] = ["alice", "bob", "carol"]

    init(recorder: any RoomRecorder, roomID: RoomID = "board", seed: UInt64 = 7, snapshotInterval: UInt64 = 100,
         snapshotOffloadBytes: Int? = nil) {
        var room = Room(id: roomID, logic: WhiteboardLogic(), seed: seed)
        room.snapshotOffloadBytes = snapshotOffloadBytes
        runner = RoomRunner(room: room, loop: loop,
                            sink: ClosureRoomOutputSink { _ in }, recorder: recorder, snapshotInterval: snapshotInterval)
        random = seed
        runner.start()
    }

    private mutating func next(_ bound: UInt64) -> UInt64 {
        random = random &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return (random >> 33) % bound
    }

    /// Runs `count` ticks of scripted activity.
    mutating func run(ticks count: Int) async throws {
        for _ in 0..<count {
            for member in Self.members {
                if !present.contains(member) {
                    if next(10) == 0 {
                        try await runner.join(member, metadata: ["client": "test"])
                        present.insert(member)
                    }
                    continue
                }
                if next(200) == 0 {
                    try await runner.leave(member)
                    present.remove(member)
                    strokes[member] = nil
                    continue
                }
                send(WhiteboardInput.cursor(x: UInt16(next(4096)), y: UInt16(next(4096))), from: member)
                let stroke = strokes[member, default: 0]
                switch next(12) {
                case 0: send(.beginStroke(id: stroke + 1, color: 0x3366FF, width: 2), from: member); strokes[member] = stroke + 1
                case 1: send(.appendPoints(id: stroke, points: [CanvasPoint(x: UInt16(next(4096)), y: 9)]), from: member)
                case 2: send(.endStroke(id: stroke), from: member)
                default: break
                }
            }
            loop.advance(by: .milliseconds(50))
        }
    }

    private func send(_ input: WhiteboardInput, from member: MemberID) {
        runner.enqueue(input.encodedBytes(), from: member) { _ in }
    }

    /// Every present member leaves (after the current tick).
    mutating func leaveEveryone() async throws {
        for member in Self.members where present.contains(member) {
            try await runner.leave(member)
            present.remove(member)
        }
    }

    /// The room's current state hash (canonical bytes: what snapshots hold).
    func stateHash() async -> UInt64 {
        await withCheckedContinuation { continuation in
            runner.inspect({ room, _ in room.stateHash }) { continuation.resume(returning: $0) }
        }
    }

    /// The room's current fingerprint (what the recorded ticks hold).
    func fingerprint() async -> UInt64 {
        await withCheckedContinuation { continuation in
            runner.inspect({ room, _ in room.stateHash(.fingerprint) }) { continuation.resume(returning: $0) }
        }
    }

    /// Stops the room (its end is recorded).
    func stop() async { await runner.close() }
}

extension SessionStore {
    /// The only session in the store.
    func onlySession() throws -> SessionSummary {
        let sessions = try sessions()
        try #require(sessions.count == 1)
        return sessions[0]
    }
}
