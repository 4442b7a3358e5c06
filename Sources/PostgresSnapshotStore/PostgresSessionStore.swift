public import Logging
import NIOCore
import PostgresNIO
public import RoomEngine
public import SnapshotStore

/// The ``SessionStore`` of a PostgreSQL database: the listing, one
/// session's summary, members, snapshots and ticks, for the CLI and for
/// late joiners.
///
/// It never writes and never migrates: it refuses a database without the
/// store's schema, or with migrations this build does not know. It can run
/// next to any number of live recorders (each statement sees the last
/// committed transactions). A `live` session whose recorder is gone (its
/// advisory lock is free: the process died) is reported
/// ``SessionStatus/incomplete``, as SQLite does for a store without its
/// lock holder.
///
/// The protocol is synchronous: each call runs its queries on one
/// postgres-nio connection and waits for them on the caller's thread.
/// Never call it on an event loop (NIO traps that); CLI commands, tests
/// and writer threads are fine.
///
/// ```swift
/// let store = try PostgresSessionStore.open(url: "postgres://huddle@db.internal/huddle")
/// for session in try store.sessions(matching: SessionFilter(kind: "counter")) {
///     print(session.id, session.roomID, session.tickCount)
/// }
/// ```
public final class PostgresSessionStore: SessionStore {
    /// The database (its URL without the password).
    public let databaseLocation: PostgresLocation
    let connection: StoreConnection

    private init(connection: StoreConnection) {
        self.connection = connection
        self.databaseLocation = connection.location
    }

    deinit {
        connection.close()
    }

    /// Connects to the database at `url` and checks it holds a current store.
    ///
    /// - Throws: ``SnapshotStoreError/io(_:)`` for a bad URL or a server that
    ///   cannot be reached, ``SnapshotStoreError/storeMissing(path:)`` when the
    ///   database does not exist, ``SnapshotStoreError/notAStore(path:reason:)``
    ///   when nothing was recorded into it, ``SnapshotStoreError/incompatibleSchema(path:reason:)``.
    public static func open(url: String, logger: Logger = Logger(label: "huddle.snapshot-store")) throws(SnapshotStoreError) -> PostgresSessionStore {
        let location = try PostgresLocation(parsing: url)
        let connection = try StoreConnection.connect(location, logger: logger)
        do {
            try PostgresSchema.check(connection)
        } catch {
            connection.close()
            throw error
        }
        return PostgresSessionStore(connection: connection)
    }

    /// The database URL, without its password.
    public var location: String { databaseLocation.description }

    /// Whether some recorder holds the database right now.
    public var hasLiveRecorder: Bool {
        (try? liveRecorders().isEmpty == false) ?? false
    }

    /// Ids of the recorders alive now (holders of their advisory lock).
    func liveRecorders() throws(SnapshotStoreError) -> Set<Int64> {
        let result = try connection.query(PostgresQuery(unsafeSQL: PostgresSchema.liveRecordersQuery))
        var ids: Set<Int64> = []
        for row in result.rows { ids.insert(try Cells(row, location: databaseLocation).int(0)) }
        return ids
    }

    /// Sessions matching `filter`, newest first.
    public func sessions(matching filter: SessionFilter) throws(SnapshotStoreError) -> [SessionSummary] {
        var conditions: [String] = []
        var binds = PostgresBindings()
        func parameter(_ value: BindValue) -> String {
            value.append(to: &binds)
            return "$\(binds.count)"
        }
        if let kind = filter.kind { conditions.append("kind = \(parameter(.text(kind.name)))") }
        if let room = filter.roomID { conditions.append("room_id = \(parameter(.text(room.rawValue)))") }
        if let from = filter.startedFrom { conditions.append("started_at >= \(parameter(.int(from)))") }
        if let before = filter.startedBefore { conditions.append("started_at < \(parameter(.int(before)))") }
        let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        let live = try liveRecorders()
        let result = try connection.query(PostgresQuery(
            unsafeSQL: "SELECT \(Self.summaryColumns) FROM session \(whereClause) ORDER BY id DESC", binds: binds))
        var summaries: [SessionSummary] = []
        for row in result.rows { summaries.append(try summary(row, liveRecorders: live)) }
        if let status = filter.status { summaries = summaries.filter { $0.status == status } }
        if let limit = filter.limit { summaries = Array(summaries.prefix(max(limit, 0))) }
        return summaries
    }

    /// One session's summary.
    public func summary(of id: RecordedSessionID) throws(SnapshotStoreError) -> SessionSummary {
        let live = try liveRecorders()
        let result = try connection.query("SELECT \(unescaped: Self.summaryColumns) FROM session WHERE id = \(id.rawValue)")
        guard let row = result.rows.first else { throw .unknownSession(id) }
        return try summary(row, liveRecorders: live)
    }

    /// Joins, leaves, and members away and back, after ticks `low ..< high`,
    /// in the order they happened.
    public func membership(
        of id: RecordedSessionID, afterTickFrom low: UInt64, below high: UInt64?
    ) throws(SnapshotStoreError) -> [MembershipEvent] {
        let lowBits = Int64(bitPattern: low)
        let highBits = high.map { Int64(bitPattern: $0) } ?? Int64.max
        let result = try connection.query("""
            SELECT member_id, CASE WHEN joined THEN 1 ELSE 0 END::bigint AS change, after_tick, metadata, at, seq FROM membership
            WHERE session_id = \(id.rawValue) AND after_tick >= \(lowBits) AND after_tick < \(highBits)
            UNION ALL
            SELECT member_id, CASE WHEN away THEN 2 ELSE 3 END::bigint, after_tick, NULL::bytea, at, seq FROM presence
            WHERE session_id = \(id.rawValue) AND after_tick >= \(lowBits) AND after_tick < \(highBits)
            ORDER BY seq
            """)
        let changes: [Int64: MembershipEvent.Change] = [1: .joined, 0: .left, 2: .away, 3: .back]
        var events: [MembershipEvent] = []
        events.reserveCapacity(result.rows.count)
        for row in result.rows {
            let cells = Cells(row, location: databaseLocation)
            guard let change = changes[try cells.int(1)] else {
                throw .corruptRecord(session: id, detail: "membership: unknown change")
            }
            let metadata: [String: String]
            do {
                metadata = try cells.bytes(3).map { bytes throws(RoomError) in try StoreCodec.decodeMetadata(bytes) } ?? [:]
            } catch {
                throw .corruptRecord(session: id, detail: "membership: \(error)")
            }
            events.append(MembershipEvent(
                member: MemberID(try cells.text(0)), change: change, afterTick: try cells.unsigned(2),
                metadata: metadata, at: try cells.int(4)))
        }
        return events
    }

    /// Stored snapshots, by tick.
    public func snapshots(of id: RecordedSessionID) throws(SnapshotStoreError) -> [SnapshotInfo] {
        let result = try connection.query("""
            SELECT tick, state_hash, raw_size, length(data)::bigint FROM snapshot WHERE session_id = \(id.rawValue) ORDER BY tick
            """)
        var snapshots: [SnapshotInfo] = []
        for row in result.rows {
            let cells = Cells(row, location: databaseLocation)
            snapshots.append(SnapshotInfo(tick: try cells.unsigned(0), stateHash: try cells.unsigned(1),
                                          rawBytes: Int(try cells.int(2)), storedBytes: Int(try cells.int(3))))
        }
        return snapshots
    }

    /// The newest snapshot at or before `tick`, decompressed and checked.
    public func snapshot(of id: RecordedSessionID, atOrBefore tick: UInt64) throws(SnapshotStoreError) -> RoomSnapshot? {
        let result = try connection.query("""
            SELECT tick, raw_size, data FROM snapshot WHERE session_id = \(id.rawValue) AND tick <= \(Int64(bitPattern: tick))
            ORDER BY tick DESC LIMIT 1
            """)
        guard let row = result.rows.first else { return nil }
        let cells = Cells(row, location: databaseLocation)
        let size = try cells.int(1)
        let data = try cells.bytes(2) ?? []
        do {
            let raw = try Zlib.decompress(data, expectedSize: Int(clamping: size))
            return try RoomSnapshot(decoding: raw)
        } catch {
            throw .corruptRecord(session: id, detail: "snapshot: \(error)")
        }
    }

    /// Stored ticks in `range`, with their decoded input batches.
    public func ticks(of id: RecordedSessionID, in range: ClosedRange<UInt64>) throws(SnapshotStoreError) -> [StoredTick] {
        let session = try connection.query("SELECT room_id FROM session WHERE id = \(id.rawValue)")
        guard let sessionRow = session.rows.first else { throw .unknownSession(id) }
        let roomID = RoomID(try Cells(sessionRow, location: databaseLocation).text(0))
        let rows = try connection.query("""
            SELECT tick, state_hash, inputs, recorded_at FROM tick
            WHERE session_id = \(id.rawValue) AND tick >= \(Int64(bitPattern: range.lowerBound))
              AND tick <= \(Int64(bitPattern: range.upperBound))
            ORDER BY tick
            """).rows
        // Members after ticks: a tick's members were committed with it or before.
        var members: [Int: MemberID] = [:]
        for row in try connection.query("SELECT slot::bigint, member_id FROM member WHERE session_id = \(id.rawValue)").rows {
            let cells = Cells(row, location: databaseLocation)
            members[Int(try cells.int(0))] = MemberID(try cells.text(1))
        }
        var ticks: [StoredTick] = []
        ticks.reserveCapacity(rows.count)
        for row in rows {
            let cells = Cells(row, location: databaseLocation)
            let inputs: [RecordedInput]
            do {
                inputs = try cells.bytes(2).map { bytes throws(RoomError) in try StoreCodec.decodeInputs(bytes, members: members) } ?? []
            } catch {
                throw .corruptRecord(session: id, detail: "tick row: \(error)")
            }
            ticks.append(StoredTick(
                tick: RecordedTick(roomID: roomID, tick: try cells.unsigned(0), inputs: inputs, stateHash: try cells.unsigned(1)),
                recordedAt: try cells.int(3)))
        }
        return ticks
    }

    /// Applied migrations and table sizes (for diagnostics and tests).
    public func info() throws(SnapshotStoreError) -> PostgresStoreInfo {
        let migrations = try connection.query("SELECT identifier FROM huddle_migrations ORDER BY applied_at, identifier")
        var identifiers: [String] = []
        for row in migrations.rows { identifiers.append(try Cells(row, location: databaseLocation).text(0)) }
        let counts = try connection.query("""
            SELECT (SELECT count(*) FROM session), (SELECT count(*) FROM tick), (SELECT count(*) FROM snapshot)
            """)
        guard let row = counts.rows.first else { throw .io("\(databaseLocation): a query returned no row") }
        let cells = Cells(row, location: databaseLocation)
        return PostgresStoreInfo(migrations: identifiers, sessions: Int(try cells.int(0)), ticks: Int(try cells.int(1)),
                                 snapshots: Int(try cells.int(2)))
    }

    // MARK: Rows

    private static let summaryColumns = """
        id, room_id, kind, logic_version, seed, config, started_at, ended_at, status, start_tick, last_tick, \
        last_tick_at, final_tick, final_hash, tick_count, input_count, member_count, gap_from_tick, dropped_events, \
        state_hashing::bigint, recorder_id, resumed_from_session, resumed_from_tick
        """

    private func summary(_ row: PostgresRow, liveRecorders: Set<Int64>) throws(SnapshotStoreError) -> SessionSummary {
        let cells = Cells(row, location: databaseLocation)
        let id = RecordedSessionID(try cells.int(0))
        let statusText = try cells.text(8)
        guard var status = SessionStatus(rawValue: statusText) else {
            throw .corruptRecord(session: id, detail: "status '\(statusText)'")
        }
        if status == .live, !liveRecorders.contains(try cells.int(20)) { status = .incomplete }
        let hashingRaw = try cells.int(19)
        guard let hashing = UInt8(exactly: hashingRaw).flatMap(StateHashing.init(rawValue:)) else {
            throw .corruptRecord(session: id, detail: "state hashing \(hashingRaw)")
        }
        let config: RoomConfig
        do {
            config = try RoomConfig(decoding: try cells.bytes(5) ?? [])
        } catch {
            throw .corruptRecord(session: id, detail: "config: \(error)")
        }
        let finalTick = try cells.optionalInt(12)
        let finalHash = try cells.optionalInt(13)
        let linkSession = try cells.optionalInt(21)
        let linkTick = try cells.optionalInt(22)
        return SessionSummary(
            id: id, roomID: RoomID(try cells.text(1)), kind: RoomKind(try cells.text(2)),
            logicVersion: UInt32(clamping: try cells.int(3)), seed: try cells.unsigned(4), config: config,
            startedAt: try cells.int(6), endedAt: try cells.optionalInt(7), status: status,
            startTick: try cells.unsigned(9), lastTick: try cells.unsigned(10), lastTickAt: try cells.optionalInt(11),
            final: finalTick.flatMap { tick in finalHash.map { (UInt64(bitPattern: tick), UInt64(bitPattern: $0)) } },
            tickCount: Int(try cells.int(14)), inputCount: Int(try cells.int(15)), memberCount: Int(try cells.int(16)),
            gapFromTick: try cells.optionalInt(17).map { UInt64(bitPattern: $0) }, droppedEvents: Int(try cells.int(18)),
            stateHashing: hashing,
            resumedFrom: linkSession.flatMap { session in
                linkTick.map { SessionLink(session: session, tick: UInt64(bitPattern: $0)) }
            })
    }
}

/// Facts about a PostgreSQL store (see ``PostgresSessionStore/info()``).
public struct PostgresStoreInfo: Equatable, Sendable {
    /// Applied schema migrations, oldest first.
    public var migrations: [String]
    /// Rows in `session`.
    public var sessions: Int
    /// Rows in `tick`.
    public var ticks: Int
    /// Rows in `snapshot`.
    public var snapshots: Int
}
