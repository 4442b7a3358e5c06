import Logging
import PostgresNIO
import RoomEngine
import SnapshotStore
import Synchronization

/// The Postgres recorder's single writer: drains ``RecorderQueue`` in
/// batches and commits each batch in one transaction, with multi-row
/// statements (one `INSERT … VALUES` per table and per 60,000 parameters,
/// one `UPDATE … FROM (VALUES …)` for every session touched), so a commit
/// costs a handful of round trips whatever the number of rooms.
///
/// It owns its connection, which holds the recorder's advisory lock. When
/// the server goes away, the batch fails (its rooms get a gap, as in
/// SQLite), ``lastCommitSucceeded`` turns false, and the next batch
/// reconnects (at most once a second) and takes the lock again.
///
/// Ownership: everything here is touched only by the writer thread (it is
/// created before the thread starts and read again only after the thread
/// ended), hence `@unchecked Sendable`; the two counters read from outside
/// are a `Mutex` and an `Atomic`.
final class PostgresRecorderWriter: @unchecked Sendable {
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

    /// The rows one commit writes, gathered before the statements run.
    private struct Rows {
        var members = RowBatch(
            prefix: "INSERT INTO member (session_id, slot, member_id) VALUES ",
            suffix: " ON CONFLICT (session_id, slot) DO UPDATE SET member_id = EXCLUDED.member_id", columns: 3)
        var membership = RowBatch(
            prefix: "INSERT INTO membership (session_id, seq, after_tick, member_id, joined, metadata, at) VALUES ",
            suffix: " ON CONFLICT DO NOTHING", columns: 7)
        var presence = RowBatch(
            prefix: "INSERT INTO presence (session_id, seq, after_tick, member_id, away, at) VALUES ",
            suffix: " ON CONFLICT DO NOTHING", columns: 6)
        var ticks = RowBatch(
            prefix: "INSERT INTO tick (session_id, tick, state_hash, input_count, inputs, recorded_at, commit_id) VALUES ",
            suffix: " ON CONFLICT DO NOTHING", columns: 7)
        var saves = RowBatch(
            prefix: """
                UPDATE session AS s SET start_tick = v.start_tick, last_tick = v.last_tick, last_tick_at = v.last_tick_at,
                    tick_count = v.tick_count, input_count = v.input_count, member_count = v.member_count,
                    gap_from_tick = v.gap_from_tick, dropped_events = v.dropped_events
                FROM (VALUES 
                """,
            suffix: """
                ) AS v(id, start_tick, last_tick, last_tick_at, tick_count, input_count, member_count, gap_from_tick, dropped_events)
                WHERE s.id = v.id
                """,
            casts: Array(repeating: "::bigint", count: 9))
        var ends = RowBatch(
            prefix: "UPDATE session AS s SET status = 'ended', ended_at = v.ended_at, final_tick = v.final_tick, final_hash = v.final_hash FROM (VALUES ",
            suffix: ") AS v(id, ended_at, final_tick, final_hash) WHERE s.id = v.id",
            casts: Array(repeating: "::bigint", count: 4))
        var snapshots: [PostgresQuery] = []
    }

    let location: PostgresLocation
    let recorderID: Int64
    private let queue: RecorderQueue
    private let retention: PostgresRetention
    private let logger: Logger
    private let synchronousCommit: Bool
    private var connection: StoreConnection?
    private var lastConnectAttempt: Int64 = 0
    private var sessions: [RoomID: OpenSession] = [:]
    private var previousCommit: (id: Int64, durableAt: Int64)?
    private var orphanEvents = 0

    /// How long each commit took, read by ``PostgresSessionRecorder/statistics``.
    let commitDurations = Mutex(CommitDurations())
    /// Whether the last commit went through (read by ``PostgresSessionRecorder/isOpen``).
    let lastCommitSucceeded = Atomic(true)

    init(connection: StoreConnection, recorderID: Int64, queue: RecorderQueue, retention: PostgresRetention,
         synchronousCommit: Bool, logger: Logger) {
        self.connection = connection
        self.location = connection.location
        self.recorderID = recorderID
        self.queue = queue
        self.retention = retention
        self.synchronousCommit = synchronousCommit
        self.logger = logger
    }

    /// The writer thread's body: batches until the queue closes.
    func run() {
        while let batch = queue.nextBatch(maintenanceDue: retention.nextDue()) {
            if !batch.events.isEmpty { commit(batch.events, depth: batch.depth) }
            if let connection = try? liveConnection() {
                retention.step(connection) { Set(self.sessions.values.map { $0.id }) }
            }
            queue.committed(flushTicket: batch.flushTicket)
        }
        if let connection, !connection.isClosed {
            if let previousCommit {
                _ = try? connection.query("UPDATE commit_log SET durable_at = \(previousCommit.durableAt) WHERE id = \(previousCommit.id)")
            }
            // Released explicitly: the server frees a closed connection's locks
            // a moment later, and readers must not see a closed recorder as live.
            _ = try? connection.query("SELECT pg_advisory_unlock(\(PostgresSchema.lockClass), \(Int32(truncatingIfNeeded: recorderID)))")
        }
        connection?.closeAndWait()
        connection = nil
        if orphanEvents > 0 { logger.warning("events for rooms without a recorded start were ignored", metadata: ["count": "\(orphanEvents)"]) }
        queue.writerStopped()
    }

    /// The connection, reconnected (and the recorder's lock taken again) if
    /// the server dropped it; at most one attempt a second.
    private func liveConnection() throws(SnapshotStoreError) -> StoreConnection {
        if let connection, !connection.isClosed { return connection }
        connection = nil
        let now = WallClock.now()
        guard now - lastConnectAttempt >= 1_000_000 else { throw .io("\(location): not connected (reconnecting)") }
        lastConnectAttempt = now
        let fresh = try StoreConnection.connect(location, logger: logger)
        do {
            try Self.prepare(fresh, recorderID: recorderID, synchronousCommit: synchronousCommit)
        } catch {
            fresh.close()
            throw error
        }
        logger.info("reconnected to the session store", metadata: ["store": "\(location)"])
        connection = fresh
        return fresh
    }

    /// Takes the recorder's advisory lock on `connection` and sets its durability.
    static func prepare(_ connection: StoreConnection, recorderID: Int64, synchronousCommit: Bool) throws(SnapshotStoreError) {
        let locked = try connection.query(
            "SELECT pg_try_advisory_lock(\(PostgresSchema.lockClass), \(Int32(truncatingIfNeeded: recorderID)))")
        guard try PostgresSchema.decode(locked.rows.first, as: Bool.self, location: connection.location) else {
            throw .storeInUse(path: connection.location.description)
        }
        if !synchronousCommit { try connection.query("SET synchronous_commit = off") }
    }

    private func commit(_ events: [RecorderEvent], depth: Int) {
        let backup = sessions
        let began = WallClock.now()
        do {
            let connection = try liveConnection()
            let commitID = try connection.transaction { () throws(SnapshotStoreError) -> Int64 in
                let ticks = Int64(events.reduce(0) { if case .tick = $1 { $0 + 1 } else { $0 } })
                let inserted: PostgresQueryResult
                if let previousCommit {
                    inserted = try connection.query("""
                        WITH previous AS (UPDATE commit_log SET durable_at = \(previousCommit.durableAt) WHERE id = \(previousCommit.id))
                        INSERT INTO commit_log (recorder_id, began_at, events, ticks, queue_depth)
                        VALUES (\(recorderID), \(began), \(Int64(events.count)), \(ticks), \(Int64(depth))) RETURNING id
                        """)
                } else {
                    inserted = try connection.query("""
                        INSERT INTO commit_log (recorder_id, began_at, events, ticks, queue_depth)
                        VALUES (\(recorderID), \(began), \(Int64(events.count)), \(ticks), \(Int64(depth))) RETURNING id
                        """)
                }
                let commitID = try PostgresSchema.decode(inserted.rows.first, as: Int64.self, location: location)
                var rows = Rows()
                for event in events { try apply(event, commitID: commitID, &rows, connection) }
                for (room, session) in sessions where session.dirty {
                    save(session, &rows)
                    sessions[room]?.dirty = false
                }
                try rows.members.run(on: connection)
                try rows.membership.run(on: connection)
                try rows.presence.run(on: connection)
                try rows.ticks.run(on: connection)
                for snapshot in rows.snapshots { try connection.query(snapshot) }
                try rows.saves.run(on: connection)
                try rows.ends.run(on: connection)
                return commitID
            }
            let committed = WallClock.now()
            previousCommit = (commitID, committed)
            commitDurations.withLock { $0.record(microseconds: committed - began) }
            lastCommitSucceeded.store(true, ordering: .relaxed)
        } catch {
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

    private func apply(_ event: RecorderEvent, commitID: Int64, _ rows: inout Rows, _ connection: StoreConnection) throws(SnapshotStoreError) {
        switch event {
        case .started(let session, let at):
            if let previous = sessions.removeValue(forKey: session.roomID) {
                save(previous, &rows)
                try connection.query("""
                    UPDATE session SET status = 'incomplete', ended_at = COALESCE(\(previous.lastTickAt), started_at) WHERE id = \(previous.id)
                    """)
            }
            let inserted = try connection.query("""
                INSERT INTO session (room_id, kind, logic_version, seed, config, started_at, state_hashing, recorder_id,
                                     resumed_from_session, resumed_from_tick)
                VALUES (\(session.roomID.rawValue), \(session.kind.name), \(Int64(session.logicVersion)),
                        \(Int64(bitPattern: session.seed)), \(ByteBuffer(bytes: session.config.encodedBytes())), \(at),
                        \(Int16(session.stateHashing.rawValue)), \(recorderID), \(session.resumedFrom?.session),
                        \(session.resumedFrom.map { Int64(bitPattern: $0.tick) }))
                RETURNING id
                """)
            sessions[session.roomID] = OpenSession(id: try PostgresSchema.decode(inserted.rows.first, as: Int64.self, location: location))
        case .joined(let room, let member, let metadata, let afterTick, let at):
            membership(room, member, joined: true, metadata: metadata, afterTick: afterTick, at: at, &rows)
        case .left(let room, let member, let afterTick, let at):
            membership(room, member, joined: false, metadata: [:], afterTick: afterTick, at: at, &rows)
        case .presence(let room, let member, let away, let afterTick, let at):
            guard var session = recording(room) else { return }
            session.nextSeq += 1
            sessions[room] = session
            rows.presence.append([.int(session.id), .int(session.nextSeq), .int(Int64(bitPattern: afterTick)),
                                  .text(member.rawValue), .bool(away), .int(at)])
        case .tick(let tick, let at):
            record(tick, at: at, commitID: commitID, &rows)
        case .deferredSnapshot(let deferred, let at):
            try apply(.snapshot(deferred.encode(), at: at), commitID: commitID, &rows, connection)
        case .snapshot(let snapshot, _):
            guard var session = recording(snapshot.roomID) else { return }
            if session.startTick == nil {
                session.startTick = snapshot.tick
                session.dirty = true
                sessions[snapshot.roomID] = session
            }
            let raw = snapshot.encodedBytes()
            rows.snapshots.append("""
                INSERT INTO snapshot (session_id, tick, state_hash, raw_size, data)
                VALUES (\(session.id), \(Int64(bitPattern: snapshot.tick)), \(Int64(bitPattern: snapshot.stateHash)),
                        \(Int64(raw.count)), \(ByteBuffer(bytes: Zlib.compress(raw))))
                ON CONFLICT (session_id, tick) DO UPDATE SET state_hash = EXCLUDED.state_hash, raw_size = EXCLUDED.raw_size, data = EXCLUDED.data
                """)
        case .ended(let room, let finalTick, let finalHash, let dropped, let at):
            guard var session = sessions.removeValue(forKey: room) else { return orphan() }
            session.dropped += dropped
            save(session, &rows)
            rows.ends.append([.int(session.id), .int(at), .int(Int64(bitPattern: finalTick)), .int(Int64(bitPattern: finalHash))])
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
        afterTick: UInt64, at: Int64, _ rows: inout Rows
    ) {
        guard var session = recording(room) else { return }
        session.nextSeq += 1
        if joined { session.joined.insert(member) }
        session.dirty = true
        sessions[room] = session
        rows.membership.append([
            .int(session.id), .int(session.nextSeq), .int(Int64(bitPattern: afterTick)), .text(member.rawValue), .bool(joined),
            .bytes(metadata.isEmpty ? nil : StoreCodec.encodeMetadata(metadata)), .int(at),
        ])
    }

    private func record(_ tick: RecordedTick, at: Int64, commitID: Int64, _ rows: inout Rows) {
        guard var session = recording(tick.roomID) else { return }
        for input in tick.inputs where session.slots[input.member] == nil {
            let slot = session.slots.count
            session.slots[input.member] = slot
            rows.members.append([.int(session.id), .int(Int64(slot)), .text(input.member.rawValue)])
        }
        let slots = session.slots
        let blob = tick.inputs.isEmpty ? nil : StoreCodec.encodeInputs(tick.inputs) { slots[$0] ?? 0 }
        rows.ticks.append([.int(session.id), .int(Int64(bitPattern: tick.tick)), .int(Int64(bitPattern: tick.stateHash)),
                           .int(Int64(tick.inputs.count)), .bytes(blob), .int(at), .int(commitID)])
        if session.startTick == nil { session.startTick = tick.tick > 0 ? tick.tick - 1 : 0 }
        session.lastTick = tick.tick
        session.lastTickAt = at
        session.tickCount += 1
        session.inputCount += tick.inputs.count
        session.dirty = true
        sessions[tick.roomID] = session
    }

    private func save(_ session: OpenSession, _ rows: inout Rows) {
        rows.saves.append([
            .int(session.id), .int(Int64(bitPattern: session.startTick ?? 0)), .int(Int64(bitPattern: session.lastTick)),
            .int(session.lastTickAt), .int(Int64(session.tickCount)), .int(Int64(session.inputCount)),
            .int(Int64(session.joined.count)), .int(session.gapFrom.map { Int64(bitPattern: $0) }), .int(Int64(session.dropped)),
        ])
    }
}
