import Foundation
import GRDB
public import RoomEngine
public import SnapshotStore

/// The ``SessionStore`` of an SQLite file: the listing, one session's
/// summary, members, snapshots, ticks and events, for the CLI and for late
/// joiners.
///
/// It never writes. It opens the file read-only, so it can run next to a
/// live recorder (WAL: readers see the last committed transaction and never
/// block the writer), and it refuses missing, foreign, damaged or newer
/// files with a ``SnapshotStoreError``.
///
/// A session whose recorder is gone without writing its end (a crash) is
/// reported ``SessionStatus/incomplete`` even before a new recorder marks it.
///
/// ```swift
/// let store = try SQLiteSessionStore.open(path: "huddle.sqlite")
/// for session in try store.sessions(matching: SessionFilter(kind: "counter")) {
///     print(session.id, session.roomID, session.tickCount)
/// }
/// ```
public final class SQLiteSessionStore: SessionStore {
    /// The store file.
    public let path: String
    let database: DatabaseQueue

    private init(path: String, database: DatabaseQueue) {
        self.path = path
        self.database = database
    }

    /// Opens an existing store read-only.
    public static func open(path: String) throws(SnapshotStoreError) -> SQLiteSessionStore {
        SQLiteSessionStore(path: path, database: try StoreDatabase.openForReading(path: path))
    }

    /// The store file.
    public var location: String { path }

    /// Whether a recorder process holds the store right now.
    public var hasLiveRecorder: Bool { RecorderLock.isHeld(store: path) }

    /// Sessions matching `filter`, newest first.
    public func sessions(matching filter: SessionFilter) throws(SnapshotStoreError) -> [SessionSummary] {
        var conditions: [String] = []
        var arguments: StatementArguments = []
        if let kind = filter.kind {
            conditions.append("kind = ?")
            arguments += [kind.name]
        }
        if let room = filter.roomID {
            conditions.append("room_id = ?")
            arguments += [room.rawValue]
        }
        if let from = filter.startedFrom {
            conditions.append("started_at >= ?")
            arguments += [from]
        }
        if let before = filter.startedBefore {
            conditions.append("started_at < ?")
            arguments += [before]
        }
        let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        let live = hasLiveRecorder
        let sql = "SELECT \(Self.summaryColumns) FROM session \(whereClause) ORDER BY id DESC"
        var result = try read { db in
            try Row.fetchAll(db, sql: sql, arguments: arguments).map { try Self.summary($0, recorderAlive: live) }
        }
        if let status = filter.status { result = result.filter { $0.status == status } }
        if let limit = filter.limit { result = Array(result.prefix(max(limit, 0))) }
        return result
    }

    /// One session's summary.
    public func summary(of id: RecordedSessionID) throws(SnapshotStoreError) -> SessionSummary {
        let live = hasLiveRecorder
        let summary = try read { db in
            try Row.fetchOne(db, sql: "SELECT \(Self.summaryColumns) FROM session WHERE id = ?", arguments: [id.rawValue])
                .map { try Self.summary($0, recorderAlive: live) }
        }
        guard let summary else { throw .unknownSession(id) }
        return summary
    }

    /// Stored snapshots, by tick.
    public func snapshots(of id: RecordedSessionID) throws(SnapshotStoreError) -> [SnapshotInfo] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT tick, state_hash, raw_size, length(data) FROM snapshot WHERE session_id = ? ORDER BY tick
                """, arguments: [id.rawValue]).map { row in
                SnapshotInfo(tick: try Self.unsigned(row, 0), stateHash: try Self.unsigned(row, 1),
                             rawBytes: try row.decode(atIndex: 2), storedBytes: try row.decode(atIndex: 3))
            }
        }
    }

    /// The newest snapshot at or before `tick`, decompressed and checked.
    public func snapshot(of id: RecordedSessionID, atOrBefore tick: UInt64) throws(SnapshotStoreError) -> RoomSnapshot? {
        let row = try read { db in
            try Row.fetchOne(db, sql: """
                SELECT tick, raw_size, data FROM snapshot WHERE session_id = ? AND tick <= ? ORDER BY tick DESC LIMIT 1
                """, arguments: [id.rawValue, Int64(bitPattern: tick)])
        }
        guard let row else { return nil }
        do {
            let size: Int = try row.decode(atIndex: 1)
            let data: Data = try row.decode(atIndex: 2)
            let raw = try Zlib.decompress([UInt8](data), expectedSize: size)
            return try RoomSnapshot(decoding: raw)
        } catch {
            throw .corruptRecord(session: id, detail: "snapshot: \(error)")
        }
    }

    /// Summary, table sizes and file facts (for diagnostics and tests).
    public func info() throws(SnapshotStoreError) -> StoreInfo {
        try read { db in
            func count(_ sql: String) throws -> Int { try Row.fetchOne(db, sql: sql)?.decode(atIndex: 0) ?? 0 }
            let mode = try Row.fetchOne(db, sql: "PRAGMA journal_mode")?.decode(String.self, atIndex: 0) ?? "?"
            let migrations = try Row.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations ORDER BY rowid")
                .map { try $0.decode(String.self, atIndex: 0) }
            return StoreInfo(journalMode: mode, migrations: migrations, sessions: try count("SELECT count(*) FROM session"),
                             ticks: try count("SELECT count(*) FROM tick"),
                             snapshots: try count("SELECT count(*) FROM snapshot"))
        }
    }

    // MARK: Internals shared with the event reader

    func read<T>(_ body: (Database) throws -> T) throws(SnapshotStoreError) -> T {
        let path = self.path
        return try StoreDatabase.mapping(path: path) { try database.read(body) }
    }

    /// Joins, leaves, and members away and back, after ticks `low ..< high`,
    /// in the order they happened.
    public func membership(
        of id: RecordedSessionID, afterTickFrom low: UInt64, below high: UInt64?
    ) throws(SnapshotStoreError) -> [MembershipEvent] {
        let rows = try read { db in
            try Row.fetchAll(db, sql: """
                SELECT member_id, joined, after_tick, metadata, at, seq FROM membership
                WHERE session_id = ?1 AND after_tick >= ?2 AND after_tick < ?3
                UNION ALL
                SELECT member_id, CASE away WHEN 0 THEN 3 ELSE 2 END, after_tick, NULL, at, seq FROM presence
                WHERE session_id = ?1 AND after_tick >= ?2 AND after_tick < ?3
                ORDER BY seq
                """, arguments: [id.rawValue, Int64(bitPattern: low), high.map { Int64(bitPattern: $0) } ?? Int64.max])
        }
        do {
            return try rows.map { row in
                let metadata: Data? = try row.decode(atIndex: 3)
                let changes: [Int64: MembershipEvent.Change] = [1: .joined, 0: .left, 2: .away, 3: .back]
                guard let change = changes[try row.decode(Int64.self, atIndex: 1)] else {
                    throw SnapshotStoreError.corruptRecord(session: id, detail: "membership: unknown change")
                }
                return MembershipEvent(
                    member: MemberID(try row.decode(String.self, atIndex: 0)), change: change,
                    afterTick: try Self.unsigned(row, 2),
                    metadata: try metadata.map { try StoreCodec.decodeMetadata([UInt8]($0)) } ?? [:],
                    at: try row.decode(atIndex: 4))
            }
        } catch {
            throw .corruptRecord(session: id, detail: "membership: \(error)")
        }
    }

    static func unsigned(_ row: Row, _ index: Int) throws -> UInt64 {
        UInt64(bitPattern: try row.decode(Int64.self, atIndex: index))
    }

    private static let summaryColumns = """
        id, room_id, kind, logic_version, seed, config, started_at, ended_at, status, start_tick, last_tick,
        last_tick_at, final_tick, final_hash, tick_count, input_count, member_count, gap_from_tick, dropped_events,
        state_hashing, resumed_from_session, resumed_from_tick
        """

    private static func summary(_ row: Row, recorderAlive: Bool) throws -> SessionSummary {
        let id = RecordedSessionID(try row.decode(atIndex: 0))
        let config: Data = try row.decode(atIndex: 5)
        let statusText: String = try row.decode(atIndex: 8)
        guard var status = SessionStatus(rawValue: statusText) else {
            throw SnapshotStoreError.corruptRecord(session: id, detail: "status '\(statusText)'")
        }
        if status == .live, !recorderAlive { status = .incomplete }
        let finalTick: Int64? = try row.decode(atIndex: 12)
        let finalHash: Int64? = try row.decode(atIndex: 13)
        let gap: Int64? = try row.decode(atIndex: 17)
        let version: Int64 = try row.decode(atIndex: 3)
        let linkSession: Int64? = try row.decode(atIndex: 20)
        let linkTick: Int64? = try row.decode(atIndex: 21)
        return SessionSummary(
            id: id, roomID: RoomID(try row.decode(atIndex: 1)), kind: RoomKind(try row.decode(atIndex: 2)),
            logicVersion: UInt32(clamping: version), seed: try unsigned(row, 4),
            config: try RoomConfig(decoding: [UInt8](config)),
            startedAt: try row.decode(atIndex: 6), endedAt: try row.decode(atIndex: 7), status: status,
            startTick: try unsigned(row, 9), lastTick: try unsigned(row, 10), lastTickAt: try row.decode(atIndex: 11),
            final: finalTick.flatMap { tick in finalHash.map { (UInt64(bitPattern: tick), UInt64(bitPattern: $0)) } },
            tickCount: try row.decode(atIndex: 14), inputCount: try row.decode(atIndex: 15),
            memberCount: try row.decode(atIndex: 16), gapFromTick: gap.map { UInt64(bitPattern: $0) },
            droppedEvents: try row.decode(atIndex: 18), stateHashing: try stateHashing(row, 19, session: id),
            resumedFrom: linkSession.flatMap { session in
                linkTick.map { SessionLink(session: session, tick: UInt64(bitPattern: $0)) }
            })
    }

    private static func stateHashing(_ row: Row, _ index: Int, session: RecordedSessionID) throws -> StateHashing {
        let raw: Int64 = try row.decode(atIndex: index)
        guard let hashing = UInt8(exactly: raw).flatMap(StateHashing.init(rawValue:)) else {
            throw SnapshotStoreError.corruptRecord(session: session, detail: "state hashing \(raw)")
        }
        return hashing
    }
}

/// Facts about a store file (see ``SessionStore/info()``).
public struct StoreInfo: Equatable, Sendable {
    /// `wal` for every store the recorder created.
    public var journalMode: String
    /// Applied schema migrations, oldest first.
    public var migrations: [String]
    /// Rows in `session`.
    public var sessions: Int
    /// Rows in `tick`.
    public var ticks: Int
    /// Rows in `snapshot`.
    public var snapshots: Int
}
