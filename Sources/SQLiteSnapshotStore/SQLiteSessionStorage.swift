public import SnapshotStore

/// SQLite files as a ``SessionStorage``: `--db` names a file, read with
/// ``SQLiteSessionStore`` and recorded into with ``SQLiteSessionRecorder``
/// (WAL, one recorder per file, readers next to it at any time).
///
/// ```swift
/// let storage: any SessionStorage = .sqlite
/// let store = try storage.openStore(at: "huddle.sqlite")
/// ```
public struct SQLiteSessionStorage: SessionStorage {
    /// The storage; it holds no state (each call opens its own file).
    public init() {}

    /// ``SQLiteSessionStore/open(path:)``.
    public func openStore(at location: String) throws(SnapshotStoreError) -> any SessionStore {
        try SQLiteSessionStore.open(path: location)
    }

    /// ``SQLiteSessionRecorder/open(path:options:)``.
    public func openRecorder(at location: String, options: RecorderOptions) throws(SnapshotStoreError) -> any SessionRecorder {
        try SQLiteSessionRecorder.open(path: location, options: options)
    }
}

extension SessionStorage where Self == SQLiteSessionStorage {
    /// SQLite files, the embedded default: `storage: .sqlite`.
    public static var sqlite: SQLiteSessionStorage { SQLiteSessionStorage() }
}
