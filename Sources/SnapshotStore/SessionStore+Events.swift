import Foundation
import GRDB
public import RoomEngine

extension SessionStore {
    /// Stored ticks in `range`, with their decoded input batches.
    public func ticks(of id: SessionID, in range: ClosedRange<UInt64>) throws(SnapshotStoreError) -> [StoredTick] {
        let (rows, members) = try read { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT tick, state_hash, inputs, recorded_at FROM tick
                WHERE session_id = ? AND tick >= ? AND tick <= ? ORDER BY tick
                """, arguments: [id.rawValue, Int64(bitPattern: range.lowerBound), Int64(bitPattern: range.upperBound)])
            return (rows, try Self.members(of: id, db))
        }
        let roomID = try read { db in
            try Row.fetchOne(db, sql: "SELECT room_id FROM session WHERE id = ?", arguments: [id.rawValue])
                .map { RoomID(try $0.decode(String.self, atIndex: 0)) }
        }
        guard let roomID else { throw .unknownSession(id) }
        var ticks: [StoredTick] = []
        ticks.reserveCapacity(rows.count)
        for row in rows {
            do {
                let tick = try Self.unsigned(row, 0)
                let blob: Data? = try row.decode(atIndex: 2)
                let inputs = try blob.map { try StoreCodec.decodeInputs([UInt8]($0), members: members) } ?? []
                ticks.append(StoredTick(
                    tick: RecordedTick(roomID: roomID, tick: tick, inputs: inputs, stateHash: try Self.unsigned(row, 1)),
                    recordedAt: try row.decode(atIndex: 3)))
            } catch {
                throw .corruptRecord(session: id, detail: "tick row: \(error)")
            }
        }
        return ticks
    }

    /// The recording between two ticks, in the order it happened, as
    /// ``RoomReplay`` consumes it: for each tick `t` in `after+1 … through`,
    /// the joins and leaves that happened after tick `t − 1`, then tick `t`.
    /// With `includeTrailing`, joins and leaves after tick `through` follow.
    public func events(
        of id: SessionID, after: UInt64, through: UInt64, includeTrailing: Bool = false
    ) throws(SnapshotStoreError) -> [RecordedEvent] {
        try timeline(of: id, after: after, through: through, includeTrailing: includeTrailing).map(\.recordedEvent)
    }

    /// ``events(of:after:through:includeTrailing:)`` with wall-clock times.
    public func timeline(
        of id: SessionID, after: UInt64, through: UInt64, includeTrailing: Bool = false
    ) throws(SnapshotStoreError) -> [TimelineEntry] {
        guard through >= after else { return [] }
        let ticks = through > after ? try self.ticks(of: id, in: (after + 1)...through) : []
        let upper: UInt64? = includeTrailing ? nil : through
        let membership = try self.membership(of: id, afterTickFrom: after, below: upper)
        var entries: [TimelineEntry] = []
        entries.reserveCapacity(ticks.count + membership.count)
        var nextMember = membership.startIndex
        for stored in ticks {
            while nextMember < membership.endIndex, membership[nextMember].afterTick < stored.tick.tick {
                entries.append(.membership(membership[nextMember]))
                nextMember += 1
            }
            entries.append(.tick(stored))
        }
        while nextMember < membership.endIndex, includeTrailing || membership[nextMember].afterTick < through {
            entries.append(.membership(membership[nextMember]))
            nextMember += 1
        }
        return entries
    }

    static func members(of id: SessionID, _ db: Database) throws -> [Int: MemberID] {
        var members: [Int: MemberID] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT slot, member_id FROM member WHERE session_id = ?", arguments: [id.rawValue]) {
            members[try row.decode(Int.self, atIndex: 0)] = MemberID(try row.decode(String.self, atIndex: 1))
        }
        return members
    }

    /// What a late joiner needs when the room's live state is elsewhere: the
    /// newest stored snapshot of the room's newest session and the recorded
    /// tail after it (see ``CatchUp``).
    ///
    /// ```swift
    /// let catchUp = try store.catchUp(room: "board-1")
    /// let room = try catchUp.restore(logic: WhiteboardLogic())
    /// send(room.snapshot())   // the joiner's starting point
    /// ```
    public func catchUp(room: RoomID) throws(SnapshotStoreError) -> CatchUp {
        guard let session = try latestSession(of: room) else {
            throw .io("no recorded session of room \(room) in \(path)")
        }
        return try catchUp(session: session.id)
    }

    /// ``catchUp(room:)`` for one session, up to its last committed tick
    /// (or the tick before its gap).
    public func catchUp(session id: SessionID) throws(SnapshotStoreError) -> CatchUp {
        let summary = try summary(of: id)
        let last = summary.gapFromTick.map { min(summary.lastTick, $0 - 1) } ?? summary.lastTick
        let snapshot = try snapshot(of: id, atOrBefore: last)
        let from = snapshot?.tick ?? summary.startTick
        if snapshot == nil, summary.startTick > 0 {
            throw .corruptRecord(session: id, detail: "starts at tick \(summary.startTick) without a snapshot")
        }
        let tail = try events(of: id, after: from, through: last, includeTrailing: summary.gapFromTick == nil)
        return CatchUp(session: summary, snapshot: snapshot, tail: tail, tick: last)
    }
}

/// A starting point for a late joiner, built from the store: the newest
/// snapshot (if any) and the recorded events after it.
public struct CatchUp: Sendable {
    /// The session it comes from.
    public var session: SessionSummary
    /// The snapshot to restore, or `nil` to start from the session's seed.
    public var snapshot: RoomSnapshot?
    /// The events after the snapshot (or from the start), in order.
    public var tail: [RecordedEvent]
    /// The tick the restored room is at.
    public var tick: UInt64

    /// Re-simulates the tail (checking every recorded hash) and returns the
    /// room as it was at ``tick``; its `snapshot()` is what a joiner gets.
    public func restore<Logic: RoomLogic>(logic: Logic) throws(SnapshotStoreError) -> Room<Logic> {
        do {
            if let snapshot {
                return try RoomReplay.replay(tail, from: snapshot, logic: logic)
            }
            return try RoomReplay.replay(tail, session: session.recordedSession, logic: logic)
        } catch {
            throw SessionReplayer.map(error, session: session.id, fallbackTick: tick)
        }
    }
}

/// One entry of a stored recording, with its wall-clock time.
public enum TimelineEntry: Equatable, Sendable {
    /// A join or leave.
    case membership(MembershipEvent)
    /// A tick.
    case tick(StoredTick)

    /// The entry as ``RoomReplay`` consumes it.
    public var recordedEvent: RecordedEvent {
        switch self {
        case .membership(let event): event.recordedEvent
        case .tick(let stored): .tick(stored.tick)
        }
    }
}
