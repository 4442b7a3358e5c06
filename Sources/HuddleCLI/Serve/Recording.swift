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

    @Option(help: "Milliseconds a recorded event waits at most before its batch commits (default: 50; 20 for a cluster node with a PostgreSQL store, whose rooms another node resumes after a crash from what was committed).")
    var commitMilliseconds: Int?

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
        if let commitMilliseconds, !(1...10_000).contains(commitMilliseconds) {
            throw ValidationError("--commit-milliseconds must be between 1 and 10000")
        }
        try StoreSelection.validate(db: dbPath, store: store)
    }

    /// Opens the recorder `huddle serve` hands every room (commits every
    /// 50 ms, fsync on every commit), logging through `logger` (so
    /// `--log-level` reaches it); `nil` with `--no-record`. With `failover`
    /// (a cluster node, `--redis`), a PostgreSQL store commits every 20 ms:
    /// a node that dies loses what it applied after its last commit, and
    /// the node resuming its rooms starts from there (docs/room-cluster.md).
    ///
    /// - Throws: ``SnapshotStoreError`` (another recorder holds the store,
    ///   it is not a Huddle store, …); `serve` reports it and exits.
    ///
    /// ```swift
    /// let recorder = try recording.open(logger: logger)
    /// // on shutdown, after the rooms stopped (their ends are then recorded):
    /// recorder?.close()
    /// ```
    func open(logger: Logger, failover: Bool = false) throws(SnapshotStoreError) -> (any SessionRecorder)? {
        if noRecord { return nil }
        var options = RecorderOptions()
        options.retention = retention
        if let commitMilliseconds {
            options.commitInterval = .milliseconds(commitMilliseconds)
        } else if failover, let store, PostgresLocation.isPostgresURL(store) {
            options.commitInterval = .milliseconds(20)
        }
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
