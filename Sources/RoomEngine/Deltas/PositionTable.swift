/// One streamed position: an entity (a member's cursor slot or a player) and
/// its quantized coordinates.
///
/// Coordinates are unsigned 16-bit on purpose: whiteboard cursors live on a
/// 0…4095 canvas and arena positions are quantized to 1/16 unit
/// (see `ArenaGeometry` in ArenaRoom), so both fit and both encode compactly.
public struct PositionEntry: Equatable, Hashable, Sendable {
    /// The entity identifier (the member's slot in both built-in kinds).
    public var id: UInt32
    /// The horizontal coordinate.
    public var x: UInt16
    /// The vertical coordinate.
    public var y: UInt16

    /// Creates an entry.
    public init(id: UInt32, x: UInt16, y: UInt16) {
        self.id = id
        self.x = x
        self.y = y
    }
}

/// The set of streamed positions at one tick, kept sorted by entity id.
///
/// Sorting is what makes deltas canonical: two equal tables always produce
/// the same bytes, and a diff is one linear merge of two sorted arrays.
///
/// ```swift
/// var table = PositionTable()
/// table.set(PositionEntry(id: 3, x: 100, y: 200))
/// table[3]?.x   // 100
/// ```
public struct PositionTable: Equatable, Hashable, Sendable, BinaryCodable {
    /// The entries, ascending by id, ids unique.
    public private(set) var entries: [PositionEntry]

    /// Creates an empty table.
    public init() { entries = [] }

    /// Creates a table from entries in any order; a later entry replaces an
    /// earlier one with the same id.
    public init(_ unordered: [PositionEntry]) {
        entries = []
        for entry in unordered { set(entry) }
    }

    /// The number of entries.
    public var count: Int { entries.count }

    /// Whether the table has no entries.
    public var isEmpty: Bool { entries.isEmpty }

    /// The entry with `id`, if any.
    public subscript(id: UInt32) -> PositionEntry? {
        let index = insertionIndex(of: id)
        guard index < entries.count, entries[index].id == id else { return nil }
        return entries[index]
    }

    /// Inserts or replaces the entry with `entry.id`.
    public mutating func set(_ entry: PositionEntry) {
        let index = insertionIndex(of: entry.id)
        if index < entries.count, entries[index].id == entry.id {
            entries[index] = entry
        } else {
            entries.insert(entry, at: index)
        }
    }

    /// Removes the entry with `id`; returns whether there was one.
    @discardableResult
    public mutating func remove(id: UInt32) -> Bool {
        let index = insertionIndex(of: id)
        guard index < entries.count, entries[index].id == id else { return false }
        entries.remove(at: index)
        return true
    }

    /// Writes the count, then each entry as varint id, u16 x, u16 y.
    public func encode(into writer: inout BinaryWriter) {
        writer.writeVarint(UInt64(entries.count))
        for entry in entries {
            writer.writeVarint(UInt64(entry.id))
            writer.writeUInt16(entry.x)
            writer.writeUInt16(entry.y)
        }
    }

    /// Reads what ``encode(into:)`` wrote; ids must be strictly ascending.
    public init(from reader: inout BinaryReader) throws(RoomError) {
        let count = try reader.readCount(atMost: 65_536, "position count")
        var entries: [PositionEntry] = []
        entries.reserveCapacity(count)
        for _ in 0..<count {
            let id = UInt32(try reader.readVarint(atMost: UInt64(UInt32.max), "entity id"))
            if let last = entries.last, last.id >= id { throw .malformed("position ids not ascending") }
            entries.append(PositionEntry(id: id, x: try reader.readUInt16(), y: try reader.readUInt16()))
        }
        self.entries = entries
    }

    private func insertionIndex(of id: UInt32) -> Int {
        var low = 0
        var high = entries.count
        while low < high {
            let middle = (low + high) / 2
            if entries[middle].id < id { low = middle + 1 } else { high = middle }
        }
        return low
    }
}
