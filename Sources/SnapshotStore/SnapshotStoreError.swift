public import RoomEngine

/// Every way the snapshot store, its recorder and its replays refuse work.
///
/// The store never crashes on a bad file or a bad recording: opening, reading
/// and replaying throw one of these values, and the `huddle` CLI maps each
/// case to one message and one exit code (see `docs/snapshot-store.md`).
///
/// ```swift
/// do {
///     let store = try SessionStore.open(path: "huddle.sqlite")
///     _ = try store.summary(of: 42)
/// } catch .unknownSession(let id) {
///     // "no session 42 in huddle.sqlite"
/// }
/// ```
public enum SnapshotStoreError: Error, Equatable, Sendable {
    /// There is no file at this path, or no such database on the server
    /// (readers never create one).
    case storeMissing(path: String)
    /// The file is not a Huddle session store: not SQLite at all, or an
    /// SQLite database written by something else. The text says which.
    case notAStore(path: String, reason: String)
    /// The file is a store but SQLite reports it damaged.
    case corruptStore(path: String, reason: String)
    /// The store was written by a newer Huddle (it has schema migrations this
    /// build does not know), or lacks migrations a reader needs.
    case incompatibleSchema(path: String, reason: String)
    /// Another recorder already writes into this store.
    case storeInUse(path: String)
    /// No session with this identifier exists in the store.
    case unknownSession(RecordedSessionID)
    /// The session was recorded by a room kind or logic version this build
    /// does not have; `available` lists the versions it has for that kind.
    case unsupportedLogic(kind: RoomKind, version: UInt32, available: [UInt32])
    /// A stored row does not decode (a blob, a count, a snapshot).
    case corruptRecord(session: RecordedSessionID, detail: String)
    /// Re-simulating the session did not reproduce the recorded state hash.
    case diverged(session: RecordedSessionID, tick: UInt64, expected: UInt64, found: UInt64)
    /// The recording could not be re-run at `tick` (an input or join the
    /// logic refuses, a missing tick): it is not a faithful recording.
    case replayFailed(session: RecordedSessionID, tick: UInt64, error: RoomError)
    /// Any other failure: SQLite or the file system, a PostgreSQL URL that
    /// does not parse, a server that cannot be reached or went away. The
    /// text names the location (a URL without its password).
    case io(String)
}

extension SnapshotStoreError: CustomStringConvertible {
    /// One line that names the file, session or tick involved.
    public var description: String {
        switch self {
        case .storeMissing(let path):
            "no session store at \(path)"
        case .notAStore(let path, let reason):
            "\(path) is not a Huddle session store (\(reason))"
        case .corruptStore(let path, let reason):
            "\(path) is damaged (\(reason))"
        case .incompatibleSchema(let path, let reason):
            "\(path) has an incompatible schema (\(reason))"
        case .storeInUse(let path):
            "\(path) is already being recorded into by another process"
        case .unknownSession(let id):
            "no session \(id)"
        case .unsupportedLogic(let kind, let version, let available):
            available.isEmpty
                ? "this build has no logic for room kind '\(kind)' (session recorded with version \(version))"
                : "this build has '\(kind)' logic version(s) \(available.map(String.init).joined(separator: ", ")), not \(version)"
        case .corruptRecord(let session, let detail):
            "session \(session) has a damaged record: \(detail)"
        case .diverged(let session, let tick, let expected, let found):
            "session \(session) diverges at tick \(tick): recorded hash \(Hex.hash(expected)), replay gives \(Hex.hash(found))"
        case .replayFailed(let session, let tick, let error):
            "session \(session) cannot be replayed at tick \(tick): \(error)"
        case .io(let message):
            message
        }
    }
}

/// Fixed-width hexadecimal for hashes, the way every tool prints them.
package enum Hex {
    /// `0x` and 16 lowercase digits.
    package static func hash(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return "0x" + String(repeating: "0", count: 16 - digits.count) + digits
    }
}
