import RoomEngine
import SnapshotStore
import SQLiteSnapshotStore

/// SQLite storage whose stores misreport one tick's recorded hash: a
/// session that diverges at that tick, for `show --timeline --verify`.
struct DivergentStorage: SessionStorage {
    let tick: UInt64

    func openStore(at location: String) throws(SnapshotStoreError) -> any SessionStore {
        DivergentStore(base: try SQLiteSessionStorage.sqlite.openStore(at: location), tick: tick)
    }

    func openRecorder(at location: String, options: RecorderOptions) throws(SnapshotStoreError) -> any SessionRecorder {
        try SQLiteSessionStorage.sqlite.openRecorder(at: location, options: options)
    }
}

private struct DivergentStore: SessionStore {
    let base: any SessionStore
    let tick: UInt64

    var location: String { base.location }
    var hasLiveRecorder: Bool { base.hasLiveRecorder }
    func sessions(matching filter: SessionFilter) throws(SnapshotStoreError) -> [SessionSummary] { try base.sessions(matching: filter) }
    func summary(of id: RecordedSessionID) throws(SnapshotStoreError) -> SessionSummary { try base.summary(of: id) }
    func membership(of id: RecordedSessionID, afterTickFrom low: UInt64, below high: UInt64?) throws(SnapshotStoreError) -> [MembershipEvent] {
        try base.membership(of: id, afterTickFrom: low, below: high)
    }
    func snapshots(of id: RecordedSessionID) throws(SnapshotStoreError) -> [SnapshotInfo] { try base.snapshots(of: id) }
    func snapshot(of id: RecordedSessionID, atOrBefore tick: UInt64) throws(SnapshotStoreError) -> RoomSnapshot? {
        try base.snapshot(of: id, atOrBefore: tick)
    }
    func ticks(of id: RecordedSessionID, in range: ClosedRange<UInt64>) throws(SnapshotStoreError) -> [StoredTick] {
        try base.ticks(of: id, in: range).map { stored in
            var stored = stored
            if stored.tick.tick == tick { stored.tick.stateHash ^= 1 }
            return stored
        }
    }
}
