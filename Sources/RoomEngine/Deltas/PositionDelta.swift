/// One change inside a position delta.
public enum PositionChange: Equatable, Sendable {
    /// The entity is at this absolute position (new, or cheaper than a move).
    case set(PositionEntry)
    /// The entity moved by `dx`, `dy` from its baseline position.
    case moved(id: UInt32, dx: Int32, dy: Int32)
    /// The entity is gone (its member left).
    case removed(id: UInt32)

    /// The entity the change is about.
    public var id: UInt32 {
        switch self {
        case .set(let entry): entry.id
        case .moved(let id, _, _), .removed(let id): id
        }
    }
}

/// A decoded position delta: the changes that turn the table at
/// ``baselineTick`` (or the empty table) into the table at ``tick``.
///
/// The byte layout (documented in `docs/room-engine.md`):
///
/// ```text
/// u8      format        0x01 = full (baseline is the empty table), 0x02 = delta
/// varint  tick          the tick this message brings the receiver to
/// varint  baselineAge   only for 0x02: tick − baselineTick (≥ 1)
/// varint  changeCount
/// changeCount × change, ids strictly ascending:
///   varint key = id << 2 | op
///     op 0  set:    u16 LE x, u16 LE y
///     op 1  moved:  zigzag varint dx, zigzag varint dy
///     op 2  removed (no payload)
/// ```
///
/// ```swift
/// let delta = try PositionDelta(decoding: bytes)
/// let table = try delta.apply(to: tableAtBaseline)
/// ```
public struct PositionDelta: Equatable, Sendable {
    /// The format byte of a full table (against the empty baseline).
    public static let fullFormat: UInt8 = 0x01
    /// The format byte of a delta against an acknowledged baseline.
    public static let deltaFormat: UInt8 = 0x02

    /// The tick the delta brings the receiver to.
    public var tick: UInt64
    /// The tick whose table the changes apply to; `nil` for a full table.
    public var baselineTick: UInt64?
    /// The changes, ascending by id.
    public var changes: [PositionChange]

    /// Creates a delta value (normally you get one by decoding).
    public init(tick: UInt64, baselineTick: UInt64?, changes: [PositionChange]) {
        self.tick = tick
        self.baselineTick = baselineTick
        self.changes = changes
    }

    /// Decodes a delta message, refusing unknown formats, ids out of order,
    /// unknown change ops and trailing bytes.
    public init(decoding bytes: [UInt8]) throws(RoomError) {
        var reader = BinaryReader(bytes)
        let format = try reader.readUInt8()
        guard format == Self.fullFormat || format == Self.deltaFormat else {
            throw .malformed("unknown delta format \(format)")
        }
        tick = try reader.readVarint()
        if format == Self.deltaFormat {
            let age = try reader.readVarint()
            guard age >= 1, age <= tick else { throw .malformed("baseline age \(age) at tick \(tick)") }
            baselineTick = tick - age
        } else {
            baselineTick = nil
        }
        let count = try reader.readCount(atMost: 65_536, "change count")
        changes = []
        changes.reserveCapacity(count)
        for _ in 0..<count {
            let key = try reader.readVarint()
            guard key >> 2 <= UInt64(UInt32.max) else { throw .malformed("entity id too large") }
            let id = UInt32(key >> 2)
            if let last = changes.last, last.id >= id { throw .malformed("delta ids not ascending") }
            switch key & 3 {
            case 0:
                changes.append(.set(PositionEntry(id: id, x: try reader.readUInt16(), y: try reader.readUInt16())))
            case 1:
                let dx = try reader.readZigZag()
                let dy = try reader.readZigZag()
                guard abs(dx) <= Int64(UInt16.max), abs(dy) <= Int64(UInt16.max) else {
                    throw .malformed("move larger than the coordinate range")
                }
                changes.append(.moved(id: id, dx: Int32(dx), dy: Int32(dy)))
            case 2:
                changes.append(.removed(id: id))
            default:
                throw .malformed("unknown change op 3")
            }
        }
        try reader.expectEnd()
        if format == Self.fullFormat, changes.contains(where: { if case .set = $0 { false } else { true } }) {
            throw .malformed("a full table may only set entries")
        }
    }

    /// Applies the changes to the table at ``baselineTick`` (pass the empty
    /// table for a full message). Moves of unknown entities or outside the
    /// 16-bit range are malformed.
    public func apply(to baseline: PositionTable) throws(RoomError) -> PositionTable {
        var table = baselineTick == nil ? PositionTable() : baseline
        for change in changes {
            switch change {
            case .set(let entry):
                table.set(entry)
            case .moved(let id, let dx, let dy):
                guard let old = table[id] else { throw .malformed("move of unknown entity \(id)") }
                let x = Int32(old.x) + dx
                let y = Int32(old.y) + dy
                guard (0...Int32(UInt16.max)).contains(x), (0...Int32(UInt16.max)).contains(y) else {
                    throw .malformed("move out of range for entity \(id)")
                }
                table.set(PositionEntry(id: id, x: UInt16(x), y: UInt16(y)))
            case .removed(let id):
                guard table.remove(id: id) else { throw .malformed("removal of unknown entity \(id)") }
            }
        }
        return table
    }
}
