/// A kind of place sessions are kept (an SQLite file, a database server):
/// opens a ``SessionStore`` to read, or a ``SessionRecorder`` to write, at a
/// location given on the command line (`--db`, `--store`). The `huddle` CLI takes one,
/// so a new backend serves every command without touching them.
///
/// ```swift
/// let storage: any SessionStorage = .sqlite
/// let recorder = try storage.openRecorder(at: "huddle.sqlite", options: RecorderOptions())
/// let store = try storage.openStore(at: "huddle.sqlite")        // another process, any time
/// ```
public protocol SessionStorage: Sendable {
    /// Opens the sessions at `location` read-only (never creates a store).
    func openStore(at location: String) throws(SnapshotStoreError) -> any SessionStore
    /// Opens `location` for recording, creating and migrating it if needed.
    /// An SQLite file takes one recorder (a second gets
    /// ``SnapshotStoreError/storeInUse(path:)``); a PostgreSQL database takes
    /// several, each recording its own rooms.
    func openRecorder(at location: String, options: RecorderOptions) throws(SnapshotStoreError) -> any SessionRecorder
}
