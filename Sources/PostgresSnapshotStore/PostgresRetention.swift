import Logging
import PostgresNIO
import SnapshotStore

/// Applies a ``RetentionPolicy`` on the writer's connection, in small
/// steps, as the SQLite store does: selecting victims is one quick
/// transaction (their session, member, membership, presence and snapshot
/// rows go at once, so they vanish from listings); their ticks are deleted
/// afterwards in chunks of `chunk` rows per writer cycle.
///
/// With several recorders on one database each runs it; live sessions
/// (anyone's) are never victims, and the deletions are idempotent.
///
/// Ownership: used only by the writer thread (and by `open` before it starts).
final class PostgresRetention: @unchecked Sendable {
    private let policy: RetentionPolicy
    private let chunk: Int64
    private let logger: Logger
    private let clock: @Sendable () -> Int64
    private var schedule: RetentionSchedule
    /// Keeps the commit log to its last hour.
    private let commitLogHorizon: Int64 = 3_600_000_000

    init(policy: RetentionPolicy, intervalSeconds: Int64, chunk: Int64 = 5_000, logger: Logger,
         clock: @escaping @Sendable () -> Int64) {
        self.policy = policy
        self.chunk = chunk
        self.logger = logger
        self.clock = clock
        self.schedule = RetentionSchedule(intervalSeconds: intervalSeconds, clock: clock)
    }

    /// When the writer should wake up for retention work even if idle.
    func nextDue() -> Int64? { schedule.nextDue() }

    /// Runs a selection when due, then deletes one chunk of ticks.
    func step(_ connection: StoreConnection, openSessions: () -> Set<Int64>) {
        schedule.step(
            logger: logger,
            select: {
                let open = openSessions()
                try connection.transaction { () throws(SnapshotStoreError) in try select(connection, openSessions: open) }
            },
            deleteChunk: { try deleteChunk(connection) }
        )
    }

    /// Startup: select and delete everything due, synchronously.
    func runToCompletion(_ connection: StoreConnection) throws(SnapshotStoreError) {
        try schedule.runToCompletion(
            select: { () throws(SnapshotStoreError) in
                try connection.transaction { () throws(SnapshotStoreError) in try select(connection, openSessions: []) }
            },
            deleteChunk: { () throws(SnapshotStoreError) in try deleteChunk(connection) }
        )
    }

    private func select(_ connection: StoreConnection, openSessions: Set<Int64>) throws(SnapshotStoreError) {
        let now = clock()
        try connection.query("DELETE FROM commit_log WHERE began_at < \(now - commitLogHorizon)")
        var conditions: [String] = []
        var binds = PostgresBindings()
        if let days = policy.maxAgeDays {
            binds.append(now - Int64(days) * 86_400_000_000)
            conditions.append("COALESCE(ended_at, last_tick_at, started_at) < $\(binds.count)")
        }
        if let count = policy.maxSessions {
            binds.append(Int64(max(count, 0)))
            conditions.append("id NOT IN (SELECT id FROM session ORDER BY id DESC LIMIT $\(binds.count))")
        }
        guard !conditions.isEmpty else { return }
        let candidates = try connection.query(PostgresQuery(unsafeSQL: """
            SELECT id FROM session WHERE status <> 'live' AND (\(conditions.joined(separator: " OR ")))
            """, binds: binds))
        var victims: [Int64] = []
        for row in candidates.rows {
            let id = try Cells(row, location: connection.location).int(0)
            if !openSessions.contains(id) { victims.append(id) }
        }
        guard !victims.isEmpty else { return }
        var pending = RowBatch(prefix: "INSERT INTO pending_deletion (session_id) VALUES ", suffix: " ON CONFLICT DO NOTHING", columns: 1)
        for id in victims { pending.append([.int(id)]) }
        try pending.run(on: connection)
        for table in ["member", "membership", "presence", "snapshot"] {
            try connection.query(PostgresQuery(
                unsafeSQL: "DELETE FROM \(table) WHERE session_id IN (SELECT session_id FROM pending_deletion)"))
        }
        try connection.query("DELETE FROM session WHERE id IN (SELECT session_id FROM pending_deletion)")
        logger.info("retention removed sessions", metadata: ["count": "\(victims.count)"])
    }

    /// Deletes up to `chunk` ticks of a removed session; false when none remain.
    private func deleteChunk(_ connection: StoreConnection) throws(SnapshotStoreError) -> Bool {
        let next = try connection.query("SELECT session_id FROM pending_deletion LIMIT 1")
        guard let row = next.rows.first else { return false }
        let id = try Cells(row, location: connection.location).int(0)
        let deleted = try connection.query("""
            DELETE FROM tick WHERE session_id = \(id) AND tick IN
                (SELECT tick FROM tick WHERE session_id = \(id) ORDER BY tick LIMIT \(chunk))
            """)
        if (deleted.metadata.rows ?? 0) < Int(chunk) {
            try connection.query("DELETE FROM pending_deletion WHERE session_id = \(id)")
        }
        return true
    }
}
