import Foundation
import GRDB
import Logging
public import RoomEngine
public import SnapshotStore
import Synchronization

/// The SQLite ``SessionRecorder``: records every room session into a store
/// file without ever slowing a tick down.
///
/// The ``RoomRunner`` calls the recorder on the room's event loop. Each call
/// only stamps the wall-clock time and appends to a bounded in-memory queue
/// (a lock held for an append, no I/O); one writer thread drains the queue
/// and commits one transaction per batch: when the oldest queued event is
/// ``RecorderOptions/commitInterval`` old (50 ms), or ``RecorderOptions/batchEvents`` events
/// wait, whichever comes first. A tick is therefore durable at most about
/// 50 ms plus one commit after it ran (measured p95 in docs/snapshot-store.md).
///
/// A full queue never blocks a tick: see ``RecorderQueue`` for the
/// drop-and-mark policy (a snapshot is dropped and counted; a lost tick,
/// join or leave marks the session with a gap from that tick, and `verify`
/// reports it).
///
/// Opening a store takes its recorder lock (one recorder per file), marks
/// sessions left without an end by a previous process as incomplete, and
/// applies the retention policy, which the writer re-applies periodically.
///
/// ```swift
/// let recorder = try SQLiteSessionRecorder.open(path: "huddle.sqlite")
/// let runner = RoomRunner(room: room, loop: loop, sink: sink, recorder: recorder, snapshotInterval: 600)
/// // …
/// recorder.close()   // commits what is queued, stops the writer, releases the file
/// ```
public final class SQLiteSessionRecorder: SessionRecorder {
    /// The store file.
    public let path: String
    /// The store file.
    public var location: String { path }
    private let queue: RecorderQueue
    private let writer: RecorderWriter
    private let lock: RecorderLock
    private let stopped = DispatchSemaphore(value: 0)
    private let clock: @Sendable () -> Int64
    private let closed = Mutex(false)

    /// Opens (creating and migrating if needed) the store at `path` and
    /// starts the writer thread.
    ///
    /// - Throws: ``SnapshotStoreError/storeInUse(path:)`` when another
    ///   recorder holds the file, ``SnapshotStoreError/notAStore(path:reason:)``
    ///   for a foreign or non-SQLite file, or an I/O error.
    public static func open(path: String, options: RecorderOptions = RecorderOptions()) throws(SnapshotStoreError) -> SQLiteSessionRecorder {
        let lock = try RecorderLock(store: path)
        do {
            let database = try StoreDatabase.openForWriting(path: path, durability: options.fsyncEveryCommit ? .full : .normal)
            let retention = Retention(policy: options.retention, intervalSeconds: options.retentionInterval.components.seconds,
                                      logger: options.logger, clock: options.clock)
            try StoreDatabase.mapping(path: path) {
                try database.write { db in
                    try db.execute(sql: """
                        UPDATE session SET status = 'incomplete', ended_at = COALESCE(last_tick_at, started_at)
                        WHERE status = 'live'
                        """)
                    if db.changesCount > 0 {
                        options.logger.warning("sessions left open by a previous recorder are marked incomplete",
                                               metadata: ["count": "\(db.changesCount)"])
                    }
                }
                try retention.runToCompletion(database)
            }
            return SQLiteSessionRecorder(path: path, database: database, retention: retention, lock: lock, options: options)
        } catch {
            lock.release()
            throw error
        }
    }

    private init(path: String, database: DatabaseQueue, retention: Retention, lock: RecorderLock, options: RecorderOptions) {
        self.path = path
        self.lock = lock
        self.clock = options.clock
        self.queue = RecorderQueue(limits: RecorderQueue.Limits(options))
        self.writer = RecorderWriter(database: database, queue: queue, retention: retention, logger: options.logger)
        let writer = self.writer
        let stopped = self.stopped
        let thread = Thread {
            writer.run()
            stopped.signal()
        }
        thread.name = "huddle-recorder"
        thread.start()
    }

    deinit {
        close()
    }

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

    // MARK: Control (any thread except a room loop: these wait for the disk)

    /// Blocks until everything queued before the call is committed.
    public func flush() {
        queue.flush()
    }

    /// Commits what is queued, stops the writer and releases the store.
    /// Later events are dropped (and counted). Idempotent.
    public func close() {
        guard markClosed() else { return }
        queue.close()
        stopped.wait()
        lock.release()
    }

    /// The overflow and queue counters.
    public var statistics: RecorderStatistics {
        let counters = queue.statistics
        return RecorderStatistics(accepted: counters.accepted, dropped: counters.dropped, droppedSnapshots: counters.droppedSnapshots,
                          gaps: counters.gaps, maxQueueDepth: counters.maxDepth,
                          commitDurations: writer.commitDurations.withLock { $0 })
    }

    /// False once closed, and while the writer's last commit failed (a full
    /// disk, a store that went read-only): the next commit that goes
    /// through makes it true again.
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

    /// Stops the writer without committing what is queued, like a crash.
    func abandonForTesting() {
        guard markClosed() else { return }
        queue.abandon()
        stopped.wait()
        lock.release()
    }

    /// Holds the writer between batches (makes overflow deterministic).
    func pauseWriterForTesting(_ paused: Bool) {
        queue.setPaused(paused)
    }
}
