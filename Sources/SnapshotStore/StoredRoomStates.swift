import Dispatch
public import RoomEngine

/// A shared session store as a cluster node's ``RoomStateSource``: where a
/// node reads a room's durable history to resume it after its owner died
/// (``SessionStore/resumePoint(of:)``).
///
/// Store reads block (SQLite calls, PostgreSQL round trips that wait on
/// their connection's event loop), so each read runs on a Dispatch queue of
/// its own, never on the Swift concurrency pool: a node resuming many rooms
/// at once cannot starve the pool's few threads or wait on a thread it
/// occupies. Store errors become ``RoomError``s, so callers see one error
/// type: a recording that does not replay (it diverges, its logic version is
/// missing) keeps the replay's error; a damaged record is
/// ``RoomError/malformed(_:)``; anything else (the store cannot be read now)
/// is ``RoomError/joinRefused(_:)`` with the store's message, which a
/// caller may retry.
///
/// ```swift
/// let states = StoredRoomStates(store: try PostgresSessionStore.open(url: url))
/// if let point = try await states.resumePoint(of: "whiteboard-3") {
///     let room = try entry.resumeRoom(from: point, loop: loop, sink: sink)
/// }
/// ```
public struct StoredRoomStates: RoomStateSource {
    /// Where resume points are read.
    public let store: any SessionStore
    private let queue: DispatchQueue

    /// Reads resume points from `store` (open it for reading; every node of
    /// a cluster shares it).
    public init(store: any SessionStore) {
        self.store = store
        queue = DispatchQueue(label: "huddle.stored-room-states", attributes: .concurrent)
    }

    /// The newest resume point of `room`, read off the concurrency pool;
    /// nil when the room has no recording.
    public func resumePoint(of room: RoomID) async throws(RoomError) -> RoomResumePoint? {
        let store = self.store
        let result: Result<RoomResumePoint?, SnapshotStoreError> = await withCheckedContinuation { continuation in
            queue.async {
                continuation.resume(returning: Result { () throws(SnapshotStoreError) in try store.resumePoint(of: room) })
            }
        }
        switch result {
        case .success(let point): return point
        case .failure(let error): throw Self.roomError(error, room: room, location: store.location)
        }
    }

    /// The one mapping from store errors to the errors a resume reports.
    static func roomError(_ error: SnapshotStoreError, room: RoomID, location: String) -> RoomError {
        switch error {
        case .diverged(_, let tick, let expected, let found):
            .replayDiverged(tick: tick, expected: expected, found: found)
        case .replayFailed(_, _, let error):
            error
        case .unsupportedLogic(let kind, let version, _):
            .unsupportedLogicVersion(kind: kind, version: version)
        case .corruptRecord:
            // Reading it again will not mend it: not a `joinRefused`, which callers retry.
            .malformed("room \(room) cannot be resumed: its recording is damaged (\(error))")
        default:
            .joinRefused("room \(room) cannot be resumed: reading its recording from \(location) failed (\(error))")
        }
    }
}
