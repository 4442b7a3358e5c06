import GRDB
import Logging
import SnapshotStore

/// Applies a ``RetentionPolicy`` on the writer's connection, in small steps.
///
/// Selecting victims is one quick transaction (their session, member,
/// membership, presence and snapshot rows go at once, so they vanish from listings);
/// their ticks are deleted afterwards in chunks of `chunk` rows per writer
/// cycle, so a large deletion never holds a commit back for long.
///
/// Ownership: used only by the writer thread (and by `open` before it starts).
final class Retention: @unchecked Sendable {
    private let policy: RetentionPolicy
    private let chunk: Int
    private let logger: Logger
    private let clock: @Sendable () -> Int64
    private var schedule: RetentionSchedule
    /// Keeps the commit log to its last hour.
    private let commitLogHorizon: Int64 = 3_600_000_000

    init(policy: RetentionPolicy, intervalSeconds: Int64, chunk: Int = 5_000, logger: Logger,
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
    func step(_ database: DatabaseQueue, openSessions: () -> Set<Int64>) {
        schedule.step(
            logger: logger,
            select: { let open = openSessions(); try database.write { db in try select(db, openSessions: open) } },
            deleteChunk: { try database.write { db in try deleteChunk(db) } }
        )
    }

    /// Startup: select and delete everything due, synchronously.
    func runToCompletion(_ database: DatabaseQueue) throws {
        try schedule.runToCompletion(
            select: { () throws(any Error) in try database.write { db in try select(db, openSessions: []) } },
            deleteChunk: { () throws(any Error) in try database.write { db in try deleteChunk(db) } }
        )
    }

    private func select(_ db: Database, openSessions: Set<Int64>) throws {
        let now = clock()
        try db.execute(sql: "DELETE FROM commit_log WHERE began_at < ?", arguments: [now - commitLogHorizon])
        var conditions: [String] = []
        var arguments: StatementArguments = []
        if let days = policy.maxAgeDays {
            conditions.append("COALESCE(ended_at, last_tick_at, started_at) < ?")
            arguments += [now - Int64(days) * 86_400_000_000]
        }
        if let count = policy.maxSessions {
            conditions.append("id NOT IN (SELECT id FROM session ORDER BY id DESC LIMIT ?)")
            arguments += [max(count, 0)]
        }
        guard !conditions.isEmpty else { return }
        let candidates = try Row.fetchAll(db, sql: """
            SELECT id FROM session WHERE status != 'live' AND (\(conditions.joined(separator: " OR ")))
            """, arguments: arguments).map { try $0.decode(Int64.self, atIndex: 0) }
        let victims = candidates.filter { !openSessions.contains($0) }
        guard !victims.isEmpty else { return }
        for id in victims {
            try db.execute(sql: "INSERT OR IGNORE INTO pending_deletion (session_id) VALUES (?)", arguments: [id])
            for table in ["member", "membership", "presence", "snapshot"] {
                try db.execute(sql: "DELETE FROM \(table) WHERE session_id = ?", arguments: [id])
            }
            try db.execute(sql: "DELETE FROM session WHERE id = ?", arguments: [id])
        }
        logger.info("retention removed sessions", metadata: ["count": "\(victims.count)"])
    }

    /// Deletes up to `chunk` ticks of a removed session; false when none remain.
    private func deleteChunk(_ db: Database) throws -> Bool {
        guard let row = try Row.fetchOne(db, sql: "SELECT session_id FROM pending_deletion LIMIT 1") else { return false }
        let id: Int64 = try row.decode(atIndex: 0)
        try db.execute(sql: """
            DELETE FROM tick WHERE session_id = ? AND tick IN
                (SELECT tick FROM tick WHERE session_id = ? ORDER BY tick LIMIT ?)
            """, arguments: [id, id, chunk])
        if db.changesCount < chunk {
            try db.execute(sql: "DELETE FROM pending_deletion WHERE session_id = ?", arguments: [id])
        }
        return true
    }
}
