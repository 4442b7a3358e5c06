/// The server side of delta streaming: recent position tables by tick and
/// the tick each recipient last acknowledged.
///
/// Deltas are computed per recipient against the newest table it *acked*,
/// not the last one it was sent, so a lost volatile packet only makes the
/// next delta larger; it can never desynchronise the recipient. Tables older
/// than the history length are forgotten; a recipient whose ack is that old
/// (or who never acked) gets a full table.
///
/// ```swift
/// var history = PositionHistory(length: 64)
/// history.record(tick: 1, table: table)
/// history.acknowledge(tick: 1, by: "alice")
/// let message = history.message(for: "alice", currentTick: 2, current: newer)
/// ```
public struct PositionHistory: Sendable {
    private var slots: [(tick: UInt64, table: PositionTable)?]
    private var acknowledged: [MemberID: UInt64] = [:]
    /// The newest tick recorded.
    public private(set) var latestTick: UInt64?

    /// Creates a history keeping the last `length` ticks.
    public init(length: Int) {
        precondition(length > 0)
        slots = Array(repeating: nil, count: length)
    }

    /// Stores the table of `tick` (ticks must be recorded in increasing order).
    public mutating func record(tick: UInt64, table: PositionTable) {
        slots[slotIndex(tick)] = (tick, table)
        latestTick = tick
    }

    /// The table recorded at `tick`, if it is still in the history.
    public func table(at tick: UInt64) -> PositionTable? {
        guard let slot = slots[slotIndex(tick)], slot.tick == tick else { return nil }
        return slot.table
    }

    /// The tick `member` last acknowledged, if any.
    public func acknowledgedTick(of member: MemberID) -> UInt64? {
        acknowledged[member]
    }

    /// Records that `member` holds the table of `tick`. Older acks than the
    /// current one are ignored (acks may arrive out of order); acks of ticks
    /// not produced yet are refused.
    public mutating func acknowledge(tick: UInt64, by member: MemberID) throws(RoomError) {
        let current = latestTick ?? 0
        guard tick <= current else { throw .acknowledgementFromTheFuture(acked: tick, current: current) }
        if let previous = acknowledged[member], previous >= tick { return }
        acknowledged[member] = tick
    }

    /// Forgets a recipient (it left), so a later member reusing the id starts
    /// from a full table.
    public mutating func forget(_ member: MemberID) {
        acknowledged[member] = nil
    }

    /// Encodes what `member` needs to reach `current` at `currentTick`:
    /// a delta against its acked table when that table is still held, else
    /// a full table.
    public func message(for member: MemberID, currentTick: UInt64, current: PositionTable) -> PositionDeltaEncoder.Message {
        if let acked = acknowledged[member], acked < currentTick, let baseline = table(at: acked) {
            return PositionDeltaEncoder.encode(current: current, tick: currentTick, baseline: (acked, baseline))
        }
        return PositionDeltaEncoder.encode(current: current, tick: currentTick, baseline: nil)
    }

    private func slotIndex(_ tick: UInt64) -> Int {
        Int(tick % UInt64(slots.count))
    }
}
