import Foundation
import GRDB
import RoomEngine
public import SnapshotStore

extension SQLiteSessionStore {
    /// Stored ticks in `range`, with their decoded input batches.
    public func ticks(of id: RecordedSessionID, in range: ClosedRange<UInt64>) throws(SnapshotStoreError) -> [StoredTick] {
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

    static func members(of id: RecordedSessionID, _ db: Database) throws -> [Int: MemberID] {
        var members: [Int: MemberID] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT slot, member_id FROM member WHERE session_id = ?", arguments: [id.rawValue]) {
            members[try row.decode(Int.self, atIndex: 0)] = MemberID(try row.decode(String.self, atIndex: 1))
        }
        return members
    }
}
