import ArgumentParser
import Logging
import RoomEngine
import SQLiteSnapshotStore
import SnapshotStore

/// How `huddle serve` gets its recorder: the SQLite ``SQLiteSessionRecorder``
/// on the `--db` file, handed to every `RoomRunner`.
///
/// ```swift
/// let recorder = try RecordingSetup.open(path: db)        // never nil: a store always records
/// let runner = RoomRunner(room: room, loop: loop, sink: sink, recorder: recorder)
/// // on shutdown, after the rooms stopped:
/// RecordingSetup.close(recorder)
/// ```
enum RecordingSetup {
    /// Opens the store with the default options (14 days / 10,000 sessions
    /// retention, 50 ms commits, fsync on every commit).
    ///
    /// - Throws: ``SnapshotStoreError`` (another recorder holds the file, it
    ///   is not a Huddle store, …); `Serve` should report it and exit.
    static func open(path: String) throws -> (any RoomRecorder)? {
        try open(path: path, retention: RecorderOptions().retention)
    }

    /// ``open(path:)`` with an explicit retention, such as
    /// ``RecordingOptions/retention`` from the command line.
    static func open(
        path: String, retention: RetentionPolicy, logger: Logger = Logger(label: "huddle.snapshot-store")
    ) throws -> (any RoomRecorder)? {
        var recorderOptions = RecorderOptions()
        recorderOptions.retention = retention
        recorderOptions.logger = logger
        return try SQLiteSessionRecorder.open(path: path, options: recorderOptions)
    }

    /// Commits what the recorder still holds and releases the file. Call it
    /// after the rooms stopped (their ends are then recorded); without it,
    /// at most the last ~50 ms are lost and the next start marks the open
    /// sessions incomplete.
    static func close(_ recorder: (any RoomRecorder)?) {
        (recorder as? SQLiteSessionRecorder)?.close()
    }
}

/// Retention flags a server command can adopt with `@OptionGroup var
/// recording: RecordingOptions` and pass `recording.retention` to
/// ``RecordingSetup/open(path:retention:logger:)``.
struct RecordingOptions: ParsableArguments {
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
    }
}
