import ArgumentParser
import Logging
import PostgresSnapshotStore
import SnapshotStore

/// The recording flags of `huddle serve`: where sessions are recorded, or
/// not, and how long they are kept.
struct RecordingOptions: ParsableArguments {
    @Option(name: .customLong("db"), help: ArgumentHelp("The session recording file (SQLite; default: huddle.sqlite).", valueName: "path"))
    var dbPath: String?

    @Option(help: ArgumentHelp(
        "Where sessions are recorded: postgres://user[:password]@host[:port]/db, postgres://user@/db?host=/socket/dir (PostgreSQL; several servers may record into one database), or a file path (SQLite). Not with --db.",
        valueName: "url"))
    var store: String?

    /// The location recorded into (`--store`, `--db`, or huddle.sqlite).
    var db: String { StoreSelection.location(db: dbPath, store: store) }

    @Flag(help: "Do not record sessions.")
    var noRecord = false

    @Option(help: "Keep recorded sessions this many days (0: no age limit).")
    var keepDays = 14

    @Option(help: "Keep at most this many recorded sessions (0: no count limit).")
    var keepSessions = 10_000

    /// The policy these flags describe.
    var retention: RetentionPolicy {
        RetentionPolicy(maxAgeDays: keepDays > 0 ? keepDays : nil, maxSessions: keepSessions > 0 ? keepSessions : nil)
    }

    func validate() throws {
        if keepDays < 0 || keepSessions < 0 { throw ValidationError("--keep-days and --keep-sessions must not be negative") }
        try StoreSelection.validate(db: dbPath, store: store)
    }

    /// Opens the recorder `huddle serve` hands every room (with the default
    /// 50 ms commits and fsync on every commit), logging through `logger`
    /// (so `--log-level` reaches it); `nil` with `--no-record`.
    ///
    /// - Throws: ``SnapshotStoreError`` (another recorder holds the store,
    ///   it is not a Huddle store, …); `serve` reports it and exits.
    ///
    /// ```swift
    /// let recorder = try recording.open(logger: logger)
    /// // on shutdown, after the rooms stopped (their ends are then recorded):
    /// recorder?.close()
    /// ```
    func open(logger: Logger) throws(SnapshotStoreError) -> (any SessionRecorder)? {
        if noRecord { return nil }
        var options = RecorderOptions()
        options.retention = retention
        var recorderLogger = logger
        recorderLogger[metadataKey: "db"] = "\(StoreSelection.display(db))"
        options.logger = recorderLogger
        return try StoreSelection.storage(db: dbPath, store: store).openRecorder(at: db, options: options)
    }

    /// Where this node reads rooms' durable state to resume the rooms of a
    /// node that died (failover, with `--redis`): the recording store, when
    /// every node can read it (PostgreSQL, `--store postgres://…`); nil for
    /// a file (each node has its own) or without recording.
    ///
    /// ```swift
    /// options.cluster?.states = try recording.sharedRoomStates()
    /// ```
    func sharedRoomStates() throws(SnapshotStoreError) -> StoredRoomStates? {
        guard !noRecord, let store, PostgresLocation.isPostgresURL(store) else { return nil }
        return StoredRoomStates(store: try StoreSelection.storage(db: dbPath, store: store).openStore(at: db))
    }
}
