import GRDB
import SnapshotStore

/// The store's schema, as GRDB migrations from the first version on.
///
/// Every migration is registered here, in order, and never edited once
/// released: a new column or table is a new migration. `PRAGMA
/// application_id` marks a file as a Huddle store so that readers can tell
/// a foreign SQLite database from an old or damaged store.
///
/// Integers that are `UInt64` in Swift (seeds, hashes, ticks) are stored as
/// the `Int64` with the same bits. Times are microseconds since 1970 (UTC).
enum StoreSchema {
    /// `PRAGMA application_id` of every store: "HdlS".
    static let applicationID: Int32 = 0x4864_6C53

    /// Identifiers of the migrations this build knows, oldest first.
    static var migrationIdentifiers: [String] { ["v1-sessions", "v2-presence", "v3-state-hashing", "v4-resumed-from"] }

    /// The migrator that brings a store to the current schema.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-sessions") { db in
            try db.execute(sql: "PRAGMA application_id = \(applicationID)")
            try db.execute(sql: version1)
        }
        migrator.registerMigration("v2-presence") { db in
            try db.execute(sql: version2)
        }
        migrator.registerMigration("v3-state-hashing") { db in
            try db.execute(sql: version3)
        }
        migrator.registerMigration("v4-resumed-from") { db in
            try db.execute(sql: version4)
        }
        return migrator
    }

    private static let version1 = """
        CREATE TABLE session (
            id             INTEGER PRIMARY KEY AUTOINCREMENT,
            room_id        TEXT    NOT NULL,
            kind           TEXT    NOT NULL,
            logic_version  INTEGER NOT NULL,
            seed           INTEGER NOT NULL,
            config         BLOB    NOT NULL,          -- RoomConfig canonical bytes
            started_at     INTEGER NOT NULL,
            start_tick     INTEGER NOT NULL DEFAULT 0,
            status         TEXT    NOT NULL DEFAULT 'live' CHECK (status IN ('live', 'ended', 'incomplete')),
            ended_at       INTEGER,
            final_tick     INTEGER,
            final_hash     INTEGER,
            last_tick      INTEGER NOT NULL DEFAULT 0,
            last_tick_at   INTEGER,
            tick_count     INTEGER NOT NULL DEFAULT 0,
            input_count    INTEGER NOT NULL DEFAULT 0,
            member_count   INTEGER NOT NULL DEFAULT 0,
            gap_from_tick  INTEGER,
            dropped_events INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX session_by_start ON session (started_at);
        CREATE INDEX session_by_kind ON session (kind, started_at);
        CREATE INDEX session_by_room ON session (room_id, id);

        -- Members interned per session: inputs name a member by its slot.
        CREATE TABLE member (
            session_id INTEGER NOT NULL,
            slot       INTEGER NOT NULL,
            member_id  TEXT    NOT NULL,
            PRIMARY KEY (session_id, slot)
        ) WITHOUT ROWID;

        -- Joins and leaves, in the order they happened (seq).
        CREATE TABLE membership (
            session_id INTEGER NOT NULL,
            seq        INTEGER NOT NULL,
            after_tick INTEGER NOT NULL,
            member_id  TEXT    NOT NULL,
            joined     INTEGER NOT NULL,
            metadata   BLOB,
            at         INTEGER NOT NULL,
            PRIMARY KEY (session_id, seq)
        ) WITHOUT ROWID;
        CREATE INDEX membership_by_tick ON membership (session_id, after_tick);

        -- One row per tick: the ordered input batch and the state hash.
        CREATE TABLE tick (
            session_id  INTEGER NOT NULL,
            tick        INTEGER NOT NULL,
            state_hash  INTEGER NOT NULL,
            input_count INTEGER NOT NULL,
            inputs      BLOB,                         -- NULL when the batch is empty
            recorded_at INTEGER NOT NULL,
            commit_id   INTEGER NOT NULL,
            PRIMARY KEY (session_id, tick)
        ) WITHOUT ROWID;

        -- zlib-compressed RoomSnapshot bytes, every K ticks.
        CREATE TABLE snapshot (
            session_id INTEGER NOT NULL,
            tick       INTEGER NOT NULL,
            state_hash INTEGER NOT NULL,
            raw_size   INTEGER NOT NULL,
            data       BLOB    NOT NULL,
            PRIMARY KEY (session_id, tick)
        ) WITHOUT ROWID;

        -- One row per writer transaction (kept for an hour): when it began,
        -- when it was durable (filled in by the next transaction), its size.
        CREATE TABLE commit_log (
            id          INTEGER PRIMARY KEY,
            began_at    INTEGER NOT NULL,
            durable_at  INTEGER,
            events      INTEGER NOT NULL,
            ticks       INTEGER NOT NULL,
            queue_depth INTEGER NOT NULL
        );

        -- Sessions removed by retention whose ticks are still being deleted
        -- in small steps.
        CREATE TABLE pending_deletion (session_id INTEGER PRIMARY KEY);
        """

    /// Members whose connection dropped while they kept their seat, and
    /// their returns: shown by `show`, `replay` and `export`, ignored by
    /// re-simulation (the room's state does not change). `seq` is shared
    /// with `membership`, so the two merge in the order things happened.
    private static let version2 = """
        CREATE TABLE presence (
            session_id INTEGER NOT NULL,
            seq        INTEGER NOT NULL,
            after_tick INTEGER NOT NULL,
            member_id  TEXT    NOT NULL,
            away       INTEGER NOT NULL,              -- 1 away (seat held), 0 back
            at         INTEGER NOT NULL,
            PRIMARY KEY (session_id, seq)
        ) WITHOUT ROWID;
        """

    /// Which hash of the state a session's ticks (and its final hash) hold:
    /// 0 FNV-1a-64 over the canonical state bytes (every session recorded
    /// before this migration), 1 the kind's fingerprint (``StateHashing``).
    /// Snapshot rows always hash their state bytes.
    private static let version3 = """
        ALTER TABLE session ADD COLUMN state_hashing INTEGER NOT NULL DEFAULT 0;
        """

    /// The session a resumed room's recording continues (its owner died and
    /// another node rebuilt it: ``SessionLink``): the earlier session's id
    /// and the tick both share. NULL for a room that started where it was
    /// recorded (every session recorded before this migration).
    private static let version4 = """
        ALTER TABLE session ADD COLUMN resumed_from_session INTEGER;
        ALTER TABLE session ADD COLUMN resumed_from_tick INTEGER;
        """
}
