/// Encodes position deltas: what changed between a baseline table and the
/// current one, in the layout described on ``PositionDelta``.
///
/// For each entity the encoder picks the cheaper of an absolute `set`
/// (key + 4 bytes) and a relative `moved` (key + two zigzag varints), so a
/// changed entry never costs more than key + 4 bytes: at most 9 bytes for
/// any 32-bit id and 3 bytes for a small slot moving a few units.
///
/// ```swift
/// let message = PositionDeltaEncoder.encode(current: table, tick: 12,
///                                           baseline: (tick: 10, table: acked))
/// if message.changeCount > 0 { send(message.bytes) }
/// ```
public enum PositionDeltaEncoder {
    /// An encoded delta and how many changes it carries (zero means the
    /// receiver is already up to date and nothing needs sending).
    public struct Message: Equatable, Sendable {
        /// The wire bytes.
        public var bytes: [UInt8]
        /// The number of changed entries encoded.
        public var changeCount: Int
        /// Whether this is a full table (the baseline was missing).
        public var isFull: Bool
    }

    /// The largest number of bytes one changed entry can take:
    /// a 5-byte key (34 bits) plus 4 bytes of absolute coordinates.
    public static let maxBytesPerChange = 9

    /// Encodes `current` at `tick` against `baseline`, or as a full table
    /// when `baseline` is `nil`.
    public static func encode(
        current: PositionTable,
        tick: UInt64,
        baseline: (tick: UInt64, table: PositionTable)?
    ) -> Message {
        var body = BinaryWriter(reservingCapacity: 8 + current.count * 4)
        let changeCount: Int
        if let baseline {
            changeCount = writeChanges(from: baseline.table.entries, to: current.entries, into: &body)
        } else {
            changeCount = writeChanges(from: [], to: current.entries, into: &body)
        }
        var writer = BinaryWriter(reservingCapacity: body.count + 16)
        if let baseline {
            precondition(baseline.tick < tick, "a baseline must be older than the delta")
            writer.writeUInt8(PositionDelta.deltaFormat)
            writer.writeVarint(tick)
            writer.writeVarint(tick - baseline.tick)
        } else {
            writer.writeUInt8(PositionDelta.fullFormat)
            writer.writeVarint(tick)
        }
        writer.writeVarint(UInt64(changeCount))
        writer.writeRaw(body.bytes)
        return Message(bytes: writer.bytes, changeCount: changeCount, isFull: baseline == nil)
    }

    /// The bytes one change takes in the encoding (used by tests and sizing).
    public static func encodedSize(of change: PositionChange) -> Int {
        var writer = BinaryWriter()
        write(change, into: &writer)
        return writer.count
    }

    /// Merges two id-sorted entry arrays, writing one change per difference.
    private static func writeChanges(
        from old: [PositionEntry],
        to new: [PositionEntry],
        into writer: inout BinaryWriter
    ) -> Int {
        var changes = 0
        var oldIndex = 0
        var newIndex = 0
        while oldIndex < old.count || newIndex < new.count {
            if newIndex == new.count || (oldIndex < old.count && old[oldIndex].id < new[newIndex].id) {
                write(.removed(id: old[oldIndex].id), into: &writer)
                oldIndex += 1
                changes += 1
            } else if oldIndex == old.count || new[newIndex].id < old[oldIndex].id {
                write(.set(new[newIndex]), into: &writer)
                newIndex += 1
                changes += 1
            } else {
                let before = old[oldIndex]
                let after = new[newIndex]
                if before != after {
                    write(cheapestChange(from: before, to: after), into: &writer)
                    changes += 1
                }
                oldIndex += 1
                newIndex += 1
            }
        }
        return changes
    }

    /// A relative move when its two zigzag varints fit in 4 bytes, else a set.
    private static func cheapestChange(from before: PositionEntry, to after: PositionEntry) -> PositionChange {
        let dx = Int32(after.x) - Int32(before.x)
        let dy = Int32(after.y) - Int32(before.y)
        let relativeSize = BinaryWriter.varintSize(ZigZag.encode(Int64(dx)))
            + BinaryWriter.varintSize(ZigZag.encode(Int64(dy)))
        return relativeSize < 4 ? .moved(id: after.id, dx: dx, dy: dy) : .set(after)
    }

    private static func write(_ change: PositionChange, into writer: inout BinaryWriter) {
        switch change {
        case .set(let entry):
            writer.writeVarint(UInt64(entry.id) << 2)
            writer.writeUInt16(entry.x)
            writer.writeUInt16(entry.y)
        case .moved(let id, let dx, let dy):
            writer.writeVarint(UInt64(id) << 2 | 1)
            writer.writeZigZag(Int64(dx))
            writer.writeZigZag(Int64(dy))
        case .removed(let id):
            writer.writeVarint(UInt64(id) << 2 | 2)
        }
    }
}
