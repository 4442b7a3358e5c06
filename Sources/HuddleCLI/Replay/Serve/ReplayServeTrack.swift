import RoomEngine
import SnapshotStore

/// Why a served replay could not move: a recorded hash that the simulation
/// does not reproduce, or anything else (a store error, a missing tick).
enum ReplayServeFailure: Error, CustomStringConvertible {
    /// The simulated state after `tick` does not hash to the recorded hash.
    case diverged(tick: UInt64)
    /// Any other failure, described.
    case failed(String)

    var description: String {
        switch self {
        case .diverged(let tick): "tick \(tick) diverges from the recording"
        case .failed(let message): message
        }
    }
}

/// One session's room at one tick, moved forward tick by tick or sought
/// with the recorded inputs, exactly as ``SessionReplayer`` re-simulates
/// (``RoomReplay`` from the nearest snapshot, every hash checked).
///
/// Not thread-safe: a track is owned by the replay's event loop.
protocol ReplayServeTrack: AnyObject {
    /// The last applied tick.
    var tick: UInt64 { get }
    /// The state hash after ``tick`` (equal to the recorded one).
    var stateHash: UInt64 { get }
    /// The room's snapshot, encoded as a late joiner receives it (the
    /// viewer's own view, when the track has one).
    func encodedSnapshot() -> [UInt8]
    /// Restores the nearest snapshot at or before `target` and re-simulates up to it.
    func seek(to target: UInt64) throws(ReplayServeFailure)
    /// Applies up to `count` more ticks (never past `end`); on a divergence
    /// the room stays at the last tick that matched.
    func advance(by count: UInt64, end: UInt64) throws(ReplayServeFailure)
}

/// Makes the track for a session with the logic the catalog names for it.
enum ReplayServeTracks {
    static func make(store: any SessionStore, summary: SessionSummary, logic: any RoomLogic, viewer: MemberID? = nil) -> any ReplayServeTrack {
        open(store: store, summary: summary, logic: logic, viewer: viewer)
    }

    private static func open<Logic: RoomLogic>(
        store: any SessionStore, summary: SessionSummary, logic: Logic, viewer: MemberID?
    ) -> any ReplayServeTrack {
        ReplayServeRoomTrack(store: store, summary: summary, logic: logic, viewer: viewer)
    }
}

/// ``ReplayServeTrack`` for one logic: the room and a read-ahead buffer of
/// the recording after its tick (a few hundred ticks at a time).
final class ReplayServeRoomTrack<Logic: RoomLogic>: ReplayServeTrack {
    private let store: any SessionStore
    private let summary: SessionSummary
    private let logic: Logic
    private let viewer: MemberID?
    private var room: Room<Logic>
    /// Recorded entries after ``tick``, in order, up to ``bufferedThrough``.
    private var buffered: [TimelineEntry] = []
    private var bufferedThrough: UInt64
    private let readAhead: UInt64 = 256
    private let seekChunk: UInt64 = 4_096

    init(store: any SessionStore, summary: SessionSummary, logic: Logic, viewer: MemberID?) {
        self.store = store
        self.summary = summary
        self.logic = logic
        self.viewer = viewer
        let session = summary.recordedSession
        self.room = Room(id: session.roomID, logic: logic, config: session.config, seed: session.seed)
        self.bufferedThrough = 0
    }

    var tick: UInt64 { room.tick }
    var stateHash: UInt64 { room.stateHash(summary.stateHashing) }

    func encodedSnapshot() -> [UInt8] {
        (viewer.map { room.snapshot(for: $0) } ?? room.snapshot()).encodedBytes()
    }

    func seek(to target: UInt64) throws(ReplayServeFailure) {
        let base: RoomSnapshot?
        do {
            base = try store.snapshot(of: summary.id, atOrBefore: target)
        } catch {
            throw .failed(error.description)
        }
        if let base {
            do {
                room = try Room(restoring: base, logic: logic)
            } catch {
                throw .failed("snapshot at tick \(base.tick): \(error)")
            }
        } else {
            guard summary.startTick == 0 else {
                throw .failed("session \(summary.id) starts at tick \(summary.startTick) without a snapshot")
            }
            let session = summary.recordedSession
            room = Room(id: session.roomID, logic: logic, config: session.config, seed: session.seed)
        }
        buffered = []
        bufferedThrough = room.tick
        while room.tick < target {
            try advance(by: min(seekChunk, target - room.tick), end: target)
        }
    }

    func advance(by count: UInt64, end: UInt64) throws(ReplayServeFailure) {
        let target = min(room.tick + count, end)
        guard target > room.tick else { return }
        if bufferedThrough < target {
            let through = max(target, min(bufferedThrough + readAhead, end))
            do {
                buffered += try store.timeline(of: summary.id, after: bufferedThrough, through: through)
            } catch {
                throw .failed(error.description)
            }
            bufferedThrough = through
        }
        guard let last = buffered.firstIndex(where: { Self.tick(of: $0) == target }) else {
            throw .failed("tick \(target) is missing from the store")
        }
        let batch = Array(buffered[...last])
        // On a copy (its arrays shared until written): a divergence leaves
        // `room` where the batch began.
        var next = room
        do {
            try RoomReplay.replay(batch.map(\.recordedEvent), continuing: &next, hashing: summary.stateHashing) { _ in }
            room = next
            buffered.removeFirst(last + 1)
        } catch {
            guard case .replayDiverged(let tick, _, _) = error else { throw .failed("tick \(target): \(error)") }
            // Land on the last tick that matched, then report the divergence.
            let good = batch.prefix { (Self.tick(of: $0) ?? 0) < tick && !Self.isMembership($0, after: tick - 1) }
            var matched = room
            if (try? RoomReplay.replay(good.map(\.recordedEvent), continuing: &matched, hashing: summary.stateHashing) { _ in }) != nil {
                room = matched
                buffered.removeFirst(good.count)
            }
            throw .diverged(tick: tick)
        }
    }

    private static func tick(of entry: TimelineEntry) -> UInt64? {
        if case .tick(let stored) = entry { return stored.tick.tick }
        return nil
    }

    private static func isMembership(_ entry: TimelineEntry, after tick: UInt64) -> Bool {
        if case .membership(let event) = entry { return event.afterTick >= tick }
        return false
    }
}
