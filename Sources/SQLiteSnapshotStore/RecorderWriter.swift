import Foundation
import GRDB
import Synchronization
import Logging
import RoomEngine
import SnapshotStore

/// The recorder's single writer: drains ``RecorderQueue`` in batches and
/// commits each batch in one transaction.
///
/// Ownership: everything here is touched only by the writer thread (it is
/// created before the thread starts and read again only after the thread
/// ended), hence `@unchecked Sendable`.
final class RecorderWriter: @unchecked Sendable {
    /// A session this writer is recording.
    struct OpenSession {
        var id: Int64
        var slots: [MemberID: Int] = [:]
        var joined: Set<MemberID> = []
        var nextSeq: Int64 = 0
        var startTick: UInt64?
        var lastTick: UInt64 = 0
        var lastTickAt: Int64?
        var tickCount = 0
        var inputCount = 0
        var gapFrom: UInt64?
        var dropped = 0
        var dirty = false
    }

    let database: DatabaseQueue
    private let queue: RecorderQueue
    private let retention: Retention
    private let logger: Logger
    private var sessions: [RoomID: OpenSession] = [:]
    private var previousCommit: (id: Int64, durableAt: Int64)?
    private var orphanEvents = 0
    private(set) var commits = 0
    private(set) var failedCommits = 0

    /// How long each commit took, read by ``SQLiteSessionRecorder/statistics``
    /// (one lock per commit).
    let commitDurations = Mutex(CommitDurations())
    /// Whether the last commit went through (read by ``SQLiteSessionRecorder/isOpen``; one store per commit).
    let lastCommitSucceeded = Atomic(true)

    init(database: DatabaseQueue, queue: RecorderQueue, retention: Retention, logger: Logger) {
        self.database = database
        self.queue = queue
        self.retention = retention
        self.logger = logger
    }

    /// The writer thread's body: batches until the queue closes.
    func run() {
        while let batch = queue.nextBatch(maintenanceDue: retention.nextDue()) {
            if !batch.events.isEmpty { commit(batch.events, depth: batch.depth) }
            retention.step(database) { Set(self.sessions.values.map { $0.id }) }
            queue.committed(flushTicket: batch.flushTicket)
        }
        if let previousCommit {
            try? database.write { db in
                try db.execute(sql: "UPDATE commit_log SET durable_at = ? WHERE id = ?",
                               arguments: [previousCommit.durableAt, previousCommit.id])
            }
        }
        do {
            try database.close()
        } catch {
            logger.warning("the store did not close cleanly", metadata: ["error": "\(error)"])
        }
        if orphanEvents > 0 { logger.warning("events for rooms without a recorded start were ignored", metadata: ["count": "\(orphanEvents)"]) }
        queue.writerStopped()
    }

    private func commit(_ events: [RecorderEvent], depth: Int) {
        let backup = sessions
        let began = WallClock.now()
        do {
            let commitID = try database.write { db in
                if let previousCommit {
                    try db.execute(sql: "UPDATE commit_log SET durable_at = ? WHERE id = ?",
                                   arguments: [previousCommit.durableAt, previousCommit.id])
                }
                let ticks = events.reduce(0) { if case .tick = $1 { $0 + 1 } else { $0 } }
                try db.execute(sql: "INSERT INTO commit_log (began_at, events, ticks, queue_depth) VALUES (?, ?, ?, ?)",
                               arguments: [began, events.count, ticks, depth])
                let commitID = db.lastInsertedRowID
                for event in events { try apply(event, commitID: commitID, db) }
                try saveDirtySessions(db)
                return commitID
            }
            let committed = WallClock.now()
            previousCommit = (commitID, committed)
            commitDurations.withLock { $0.record(microseconds: committed - began) }
            commits += 1
            lastCommitSucceeded.store(true, ordering: .relaxed)
        } catch {
            failedCommits += 1
            lastCommitSucceeded.store(false, ordering: .relaxed)
            sessions = backup
            markFailedBatch(events)
            logger.error("snapshot store commit failed; affected sessions are marked with a gap",
                         metadata: ["error": "\(error)", "events": "\(events.count)"])
        }
    }

    /// After a failed commit: each room whose ticks were lost gets a gap.
    private func markFailedBatch(_ events: [RecorderEvent]) {
        for event in events {
            let room: RoomID, from: UInt64
            switch event {
            case .tick(let tick, _): (room, from) = (tick.roomID, tick.tick)
            case .joined(let id, _, _, let after, _), .left(let id, _, let after, _): (room, from) = (id, after + 1)
            default: continue
            }
            if sessions[room]?.gapFrom == nil {
                sessions[room]?.gapFrom = from
                sessions[room]?.dirty = true
            }
        }
    }

    private func apply(_ event: RecorderEvent, commitID: Int64, _ db: Database) throws {
        switch event {
        case .started(let session, let at):
            if let previous = sessions.removeValue(forKey: session.roomID) {
                try db.execute(sql: "UPDATE session SET status = 'incomplete', ended_at = COALESCE(?, started_at) WHERE id = ?",
                               arguments: [previous.lastTickAt, previous.id])
            }
            try db.execute(sql: """
                INSERT INTO session (room_id, kind, logic_version, seed, config, started_at, state_hashing,
                                     resumed_from_session, resumed_from_tick)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [session.roomID.rawValue, session.kind.name, Int64(session.logicVersion),
                                 Int64(bitPattern: session.seed), Data(session.config.encodedBytes()), at,
                                 Int64(session.stateHashing.rawValue), session.resumedFrom?.session,
                                 session.resumedFrom.map { Int64(bitPattern: $0.tick) }])
            sessions[session.roomID] = OpenSession(id: db.lastInsertedRowID)
        case .joined(let room, let member, let metadata, let afterTick, let at):
            try membership(room, member, joined: true, metadata: metadata, afterTick: afterTick, at: at, db)
        case .left(let room, let member, let afterTick, let at):
            try membership(room, member, joined: false, metadata: [:], afterTick: afterTick, at: at, db)
        case .presence(let room, let member, let away, let afterTick, let at):
            try presence(room, member, away: away, afterTick: afterTick, at: at, db)
        case .tick(let tick, let at):
            try record(tick, at: at, commitID: commitID, db)
        case .deferredSnapshot(let deferred, let at):
            try apply(.snapshot(deferred.encode(), at: at), commitID: commitID, db)
        case .snapshot(let snapshot, _):
            guard var session = recording(snapshot.roomID) else { return }
            if session.startTick == nil {
                session.startTick = snapshot.tick
                session.dirty = true
                sessions[snapshot.roomID] = session
            }
            let raw = snapshot.encodedBytes()
            try db.execute(sql: """
                INSERT OR REPLACE INTO snapshot (session_id, tick, state_hash, raw_size, data) VALUES (?, ?, ?, ?, ?)
                """, arguments: [session.id, Int64(bitPattern: snapshot.tick), Int64(bitPattern: snapshot.stateHash),
                                 raw.count, Data(Zlib.compress(raw))])
        case .ended(let room, let finalTick, let finalHash, let dropped, let at):
            guard var session = sessions.removeValue(forKey: room) else { return orphan() }
            session.dropped += dropped
            try save(session, db)
            try db.execute(sql: """
                UPDATE session SET status = 'ended', ended_at = ?, final_tick = ?, final_hash = ? WHERE id = ?
                """, arguments: [at, Int64(bitPattern: finalTick), Int64(bitPattern: finalHash), session.id])
        case .gap(let room, let fromTick):
            guard var session = sessions[room] else { return orphan() }
            if session.gapFrom == nil { session.gapFrom = fromTick }
            session.dirty = true
            sessions[room] = session
        }
    }

    /// The open session of `room` if it is still recording (no gap).
    private func recording(_ room: RoomID) -> OpenSession? {
        guard let session = sessions[room] else {
            orphan()
            return nil
        }
        guard session.gapFrom == nil else {
            sessions[room]?.dropped += 1
            sessions[room]?.dirty = true
            return nil
        }
        return session
    }

    private func orphan() { orphanEvents += 1 }

    private func membership(
        _ room: RoomID, _ member: MemberID, joined: Bool, metadata: [String: String],
        afterTick: UInt64, at: Int64, _ db: Database
    ) throws {
        guard var session = recording(room) else { return }
        session.nextSeq += 1
        if joined { session.joined.insert(member) }
        session.dirty = true
        sessions[room] = session
        try db.execute(sql: """
            INSERT INTO membership (session_id, seq, after_tick, member_id, joined, metadata, at) VALUES (?, ?, ?, ?, ?, ?, ?)
            """, arguments: [session.id, session.nextSeq, Int64(bitPattern: afterTick), member.rawValue, joined,
                             metadata.isEmpty ? nil : Data(StoreCodec.encodeMetadata(metadata)), at])
    }

    /// A member away or back: a `presence` row in the same sequence as the
    /// joins and leaves (so a reader merges them in the order they happened).
    private func presence(_ room: RoomID, _ member: MemberID, away: Bool, afterTick: UInt64, at: Int64, _ db: Database) throws {
        guard var session = recording(room) else { return }
        session.nextSeq += 1
        sessions[room] = session
        try db.execute(sql: """
            INSERT INTO presence (session_id, seq, after_tick, member_id, away, at) VALUES (?, ?, ?, ?, ?, ?)
            """, arguments: [session.id, session.nextSeq, Int64(bitPattern: afterTick), member.rawValue, away, at])
    }

    private func record(_ tick: RecordedTick, at: Int64, commitID: Int64, _ db: Database) throws {
        guard var session = recording(tick.roomID) else { return }
        for input in tick.inputs where session.slots[input.member] == nil {
            let slot = session.slots.count
            session.slots[input.member] = slot
            try db.execute(sql: "INSERT OR REPLACE INTO member (session_id, slot, member_id) VALUES (?, ?, ?)",
                           arguments: [session.id, slot, input.member.rawValue])
        }
        let slots = session.slots
        let blob = tick.inputs.isEmpty ? nil : Data(StoreCodec.encodeInputs(tick.inputs) { slots[$0] ?? 0 })
        let statement = try db.cachedStatement(sql: """
            INSERT OR IGNORE INTO tick (session_id, tick, state_hash, input_count, inputs, recorded_at, commit_id)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """)
        try statement.execute(arguments: [session.id, Int64(bitPattern: tick.tick), Int64(bitPattern: tick.stateHash),
                                          tick.inputs.count, blob, at, commitID])
        if session.startTick == nil { session.startTick = tick.tick > 0 ? tick.tick - 1 : 0 }
        session.lastTick = tick.tick
        session.lastTickAt = at
        session.tickCount += 1
        session.inputCount += tick.inputs.count
        session.dirty = true
        sessions[tick.roomID] = session
    }

    private func saveDirtySessions(_ db: Database) throws {
        for (room, session) in sessions where session.dirty {
            try save(session, db)
            sessions[room]?.dirty = false
        }
    }

    private func save(_ session: OpenSession, _ db: Database) throws {
        let statement = try db.cachedStatement(sql: """
            UPDATE session SET start_tick = ?, last_tick = ?, last_tick_at = ?, tick_count = ?, input_count = ?,
                member_count = ?, gap_from_tick = ?, dropped_events = ? WHERE id = ?
            """)
        try statement.execute(arguments: [
            Int64(bitPattern: session.startTick ?? 0), Int64(bitPattern: session.lastTick), session.lastTickAt,
            session.tickCount, session.inputCount, session.joined.count,
            session.gapFrom.map { Int64(bitPattern: $0) }, session.dropped, session.id,
        ])
    }
}
