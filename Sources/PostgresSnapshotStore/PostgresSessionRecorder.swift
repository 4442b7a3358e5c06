import Foundation
import Logging
public import RoomEngine
public import SnapshotStore
import Synchronization

/// The PostgreSQL ``SessionRecorder``: records every room session into a
/// database without ever slowing a tick down, exactly as the SQLite
/// recorder does into a file.
///
/// The ``RoomRunner`` calls the recorder on the room's event loop. Each call
/// only stamps the wall-clock time and appends to the same bounded queue the
/// SQLite recorder uses (a lock held for an append, no I/O). One writer
/// thread drains it and commits one transaction per batch: when the oldest
/// queued event is ``RecorderOptions/commitInterval`` old (50 ms), or
/// ``RecorderOptions/batchEvents`` events wait, whichever comes first. Each
/// commit writes its ticks (and joins, members, sessions) with multi-row
/// statements, a few round trips per commit whatever the number of rooms.
/// Deferred snapshots of large states are encoded and compressed there.
///
/// Overflow policy (the queue's, shared with SQLite; drop-and-mark, never
/// silent): a full queue never blocks a tick. `started` and `ended` are
/// always accepted. A snapshot or a presence change that does not fit is
/// dropped and counted (the recording stays complete). A tick, join or
/// leave that does not fit marks its session with a gap from that tick:
/// every later event of that room except its end is dropped and counted,
/// and `verify` reports the recording trustworthy up to the gap only. A
/// commit that fails (the server went away) marks its rooms the same way;
/// the writer reconnects for the next batch.
///
/// Several recorders may write into one database at once (several nodes,
/// each recording its own rooms): each gets an id from the
/// `recorder_id_seq` sequence, stamps its sessions and commits with it and
/// holds the advisory lock (`'HdlS'`, id) while it runs. Readers and other
/// recorders tell a session whose recorder died (the lock is free: the
/// server released it with the connection) from a live one; opening a
/// recorder marks such sessions incomplete.
///
/// `fsyncEveryCommit == false` sets `synchronous_commit = off` on the
/// writer's connection (a crash of the server may lose the last commits).
/// `flush` and `close` wait for the server: never call them on a room loop.
///
/// ```swift
/// let recorder = try PostgresSessionRecorder.open(url: "postgres://huddle@/huddle?host=/run/postgresql")
/// let runner = RoomRunner(room: room, loop: loop, sink: sink, recorder: recorder, snapshotInterval: 600)
/// // …
/// recorder.close()   // commits what is queued, stops the writer, releases the lock
/// ```
public final class PostgresSessionRecorder: SessionRecorder {
    /// The database (its URL without the password).
    public let databaseLocation: PostgresLocation
    /// This recorder's id in the database (`session.recorder_id`).
    public let recorderID: Int64
    private let queue: RecorderQueue
    private let writer: PostgresRecorderWriter
    private let stopped = DispatchSemaphore(value: 0)
    private let clock: @Sendable () -> Int64
    private let closed = Mutex(false)

    /// Connects to the database at `url`, creates or migrates its schema,
    /// marks sessions of recorders that died as incomplete, applies the
    /// retention policy and starts the writer thread.
    ///
    /// - Throws: ``SnapshotStoreError/io(_:)`` for a bad URL or a server
    ///   that cannot be reached, ``SnapshotStoreError/storeMissing(path:)``
    ///   when the database does not exist, ``SnapshotStoreError/notAStore(path:reason:)``
    ///   for another program's database, ``SnapshotStoreError/incompatibleSchema(path:reason:)``
    ///   for one written by a newer Huddle.
    public static func open(url: String, options: RecorderOptions = RecorderOptions()) throws(SnapshotStoreError) -> PostgresSessionRecorder {
        let location = try PostgresLocation(parsing: url)
        let connection = try StoreConnection.connect(location, logger: options.logger)
        do {
            try PostgresSchema.migrate(connection)
            let next = try connection.query("SELECT nextval('recorder_id_seq')")
            let recorderID = try PostgresSchema.decode(next.rows.first, as: Int64.self, location: location)
            try PostgresRecorderWriter.prepare(connection, recorderID: recorderID, synchronousCommit: options.fsyncEveryCommit)
            let marked = try connection.query("""
                UPDATE session SET status = 'incomplete', ended_at = COALESCE(last_tick_at, started_at)
                WHERE status = 'live' AND recorder_id NOT IN (\(unescaped: PostgresSchema.liveRecordersQuery))
                """)
            if let count = marked.metadata.rows, count > 0 {
                options.logger.warning("sessions left open by recorders that died are marked incomplete", metadata: ["count": "\(count)"])
            }
            let retention = PostgresRetention(policy: options.retention, intervalSeconds: options.retentionInterval.components.seconds,
                                              logger: options.logger, clock: options.clock)
            try retention.runToCompletion(connection)
            return PostgresSessionRecorder(connection: connection, recorderID: recorderID, retention: retention, options: options)
        } catch {
            connection.close()
            throw error
        }
    }

    private init(connection: StoreConnection, recorderID: Int64, retention: PostgresRetention, options: RecorderOptions) {
        self.databaseLocation = connection.location
        self.recorderID = recorderID
        self.clock = options.clock
        self.queue = RecorderQueue(limits: RecorderQueue.Limits(options))
        self.writer = PostgresRecorderWriter(connection: connection, recorderID: recorderID, queue: queue, retention: retention,
                                             synchronousCommit: options.fsyncEveryCommit, logger: options.logger)
        let writer = self.writer
        let stopped = self.stopped
        let thread = Thread {
            writer.run()
            stopped.signal()
        }
        thread.name = "huddle-recorder-pg"
        thread.start()
    }

    deinit {
        close()
    }

    /// The database URL, without its password.
    public var location: String { databaseLocation.description }

    // MARK: RoomRecorder (called on room loops; never blocks)

    /// Queues the session start.
    public func sessionStarted(_ session: RecordedSession) {
        queue.offer(.started(session, at: clock()), room: session.roomID)
    }

    /// Queues a join.
    public func memberJoined(_ member: MemberID, metadata: [String: String], room: RoomID, afterTick: UInt64) {
        queue.offer(.joined(room, member, metadata: metadata, afterTick: afterTick, at: clock()), room: room)
    }

    /// Queues a leave.
    public func memberLeft(_ member: MemberID, room: RoomID, afterTick: UInt64) {
        queue.offer(.left(room, member, afterTick: afterTick, at: clock()), room: room)
    }

    /// Queues a member's connection dropping (its seat held).
    public func memberAway(_ member: MemberID, room: RoomID, afterTick: UInt64) {
        queue.offer(.presence(room, member, away: true, afterTick: afterTick, at: clock()), room: room)
    }

    /// Queues a member's return on a new connection.
    public func memberBack(_ member: MemberID, room: RoomID, afterTick: UInt64) {
        queue.offer(.presence(room, member, away: false, afterTick: afterTick, at: clock()), room: room)
    }

    /// Queues a tick's batch and hash.
    public func tickCompleted(_ tick: RecordedTick) {
        queue.offer(.tick(tick, at: clock()), room: tick.roomID)
    }

    /// Queues a snapshot (compressed later, on the writer thread).
    public func snapshotTaken(_ snapshot: RoomSnapshot) {
        queue.offer(.snapshot(snapshot, at: clock()), room: snapshot.roomID)
    }

    /// Queues a large state's snapshot to be encoded, then compressed, on
    /// the writer thread (the room's loop only copied the state, O(1)).
    public func snapshotTaken(encoding snapshot: DeferredSnapshot) {
        queue.offer(.deferredSnapshot(snapshot, at: clock()), room: snapshot.roomID)
    }

    /// Queues the session end.
    public func sessionEnded(room: RoomID, finalTick: UInt64, finalStateHash: UInt64) {
        queue.offer(.ended(room, finalTick: finalTick, finalHash: finalStateHash, dropped: 0, at: clock()), room: room)
    }

    // MARK: Control (any thread except a room loop or an event loop: these wait for the server)

    /// Blocks until everything queued before the call is committed (or its commit failed).
    public func flush() {
        queue.flush()
    }

    /// Commits what is queued, stops the writer and closes the connection
    /// (which releases the recorder's lock). Later events are dropped (and
    /// counted). Idempotent. With the server gone, the remaining batches
    /// fail quickly (their rooms get a gap) and `close` still returns.
    public func close() {
        guard markClosed() else { return }
        queue.close()
        stopped.wait()
    }

    /// The overflow and queue counters.
    public var statistics: RecorderStatistics {
        let counters = queue.statistics
        return RecorderStatistics(accepted: counters.accepted, dropped: counters.dropped, droppedSnapshots: counters.droppedSnapshots,
                                  gaps: counters.gaps, maxQueueDepth: counters.maxDepth,
                                  commitDurations: writer.commitDurations.withLock { $0 })
    }

    /// False once closed, and while the writer's last commit failed (the
    /// server went away): the next commit that goes through makes it true again.
    public var isOpen: Bool {
        !closed.withLock { $0 } && writer.lastCommitSucceeded.load(ordering: .relaxed)
    }

    private func markClosed() -> Bool {
        closed.withLock { isClosed in
            defer { isClosed = true }
            return !isClosed
        }
    }

    // MARK: Test hooks

    /// Stops the writer without committing what is queued, and drops the
    /// connection (releasing the lock), like a crash.
    func abandonForTesting() {
        guard markClosed() else { return }
        queue.abandon()
        stopped.wait()
    }

    /// Holds the writer between batches (makes overflow deterministic).
    func pauseWriterForTesting(_ paused: Bool) {
        queue.setPaused(paused)
    }
}

/// PostgreSQL databases as a ``SessionStorage``: `--store postgres://…`
/// names a database, read with ``PostgresSessionStore`` and recorded into
/// with ``PostgresSessionRecorder`` (several recorders may share it).
///
/// ```swift
/// let storage: any SessionStorage = .postgres
/// let store = try storage.openStore(at: "postgres://huddle@db.internal/huddle")
/// ```
public struct PostgresSessionStorage: SessionStorage {
    /// The storage; it holds no state (each call opens its own connection).
    public init() {}

    /// ``PostgresSessionStore/open(url:logger:)``.
    public func openStore(at location: String) throws(SnapshotStoreError) -> any SessionStore {
        try PostgresSessionStore.open(url: location)
    }

    /// ``PostgresSessionRecorder/open(url:options:)``.
    public func openRecorder(at location: String, options: RecorderOptions) throws(SnapshotStoreError) -> any SessionRecorder {
        try PostgresSessionRecorder.open(url: location, options: options)
    }
}

extension SessionStorage where Self == PostgresSessionStorage {
    /// PostgreSQL databases: `storage: .postgres`.
    public static var postgres: PostgresSessionStorage { PostgresSessionStorage() }
}
