public import RoomEngine

/// One member of a whiteboard: its slot (the id its cursor streams under),
/// its assigned colour and its cursor, if it has moved it yet.
public struct WhiteboardMember: Equatable, Sendable, BinaryCodable {
    /// The member.
    public var id: MemberID
    /// The member's small number, unique among current members.
    public var slot: UInt16
    /// The colour assigned on join (24-bit RGB).
    public var color: UInt32
    /// The cursor, once the member has sent one.
    public var cursor: CanvasPoint?

    /// Creates a member.
    public init(id: MemberID, slot: UInt16, color: UInt32, cursor: CanvasPoint? = nil) {
        self.id = id
        self.slot = slot
        self.color = color
        self.cursor = cursor
    }

    /// Writes `varint slot, string id, u32 color, bool hasCursor, [u16 x, u16 y]`.
    public func encode(into writer: inout BinaryWriter) {
        writer.writeVarint(UInt64(slot))
        writer.writeString(id.rawValue)
        writer.writeUInt32(color)
        writer.writeBool(cursor != nil)
        cursor?.encode(into: &writer)
    }

    /// Reads what ``encode(into:)`` wrote.
    public init(from reader: inout BinaryReader) throws(RoomError) {
        slot = UInt16(try reader.readVarint(atMost: UInt64(UInt16.max), "slot"))
        id = MemberID(try reader.readString())
        color = try reader.readUInt32()
        cursor = try reader.readBool() ? try CanvasPoint(from: &reader) : nil
    }
}

/// The whole state of a whiteboard room: members and cursors, the committed
/// document (strokes and shapes), strokes in progress, and the room's PRNG.
///
/// Document changes go through ``apply(_:)`` only, on the server and on
/// clients alike. Canonical encoding: members ascending by slot, committed
/// strokes in commit order, open strokes in begin order, shapes ascending by
/// id, then the 32-byte PRNG state.
public struct WhiteboardState: RoomState {
    /// The members, ascending by slot.
    public internal(set) var members: [WhiteboardMember] = []
    /// Committed strokes, in commit order.
    public internal(set) var strokes: [Stroke] = []
    /// Strokes being drawn, in the order they were begun.
    public internal(set) var openStrokes: [Stroke] = []
    /// Shapes, ascending by id.
    public internal(set) var shapes: [Shape] = []
    /// The room's random source (colours once the palette runs out).
    public internal(set) var random: DeterministicRandom
    /// The encoded size of the document: every stroke (committed and open)
    /// and every shape, as ``Stroke/encodedSize`` and ``Shape/encodedSize``
    /// count them. Kept up to date by ``apply(_:)`` (never by re-encoding)
    /// and bounded by ``WhiteboardLimits/maxDocumentBytes``. Not part of the
    /// encoding: derived from it.
    public internal(set) var documentBytes = 0
    /// FNV-1a-64 over the committed strokes' digests, in commit order (see
    /// ``fingerprint``): kept up to date by ``apply(_:)``, recomputed on
    /// decode. Not part of the encoding: derived from it.
    public internal(set) var committedStrokesDigest = StateHash.offsetBasis
    /// FNV-1a-64 over each open stroke's points, in ``openStrokes``' order
    /// (see ``fingerprint``): kept up to date by ``apply(_:)``. Derived.
    var openPointDigests: [UInt64] = []

    /// Creates an empty board whose PRNG is seeded with `seed`.
    public init(seed: UInt64) {
        random = DeterministicRandom(seed: seed)
    }

    /// Cursors of the members who have one, keyed by slot.
    public var positions: PositionTable {
        PositionTable(members.compactMap { member in
            member.cursor.map { PositionEntry(id: UInt32(member.slot), x: $0.x, y: $0.y) }
        })
    }

    /// The member with identifier `id`, if present.
    public func member(_ id: MemberID) -> WhiteboardMember? {
        members.first { $0.id == id }
    }

    /// Moves a member's cursor (volatile, so not an operation).
    mutating func moveCursor(of slot: UInt16, to point: CanvasPoint) {
        guard let index = members.firstIndex(where: { $0.slot == slot }) else { return }
        members[index].cursor = point
    }

    /// Draws a value below `bound` from the room's PRNG.
    mutating func draw(below bound: UInt64) -> UInt64 {
        random.next(below: bound)
    }

    /// Applies one operation, or throws and changes nothing. Checks every
    /// document limit in ``WhiteboardLimits``, the document's encoded size
    /// (``documentBytes``) included.
    public mutating func apply(_ operation: WhiteboardOperation) throws(RoomError) {
        switch operation {
        case .memberJoined(let slot, let member, let color):
            guard !members.contains(where: { $0.slot == slot || $0.id == member }) else {
                throw .duplicateElement("member slot \(slot)")
            }
            let index = members.firstIndex { $0.slot > slot } ?? members.endIndex
            members.insert(WhiteboardMember(id: member, slot: slot, color: color), at: index)
        case .memberLeft(let slot):
            guard let index = members.firstIndex(where: { $0.slot == slot }) else {
                throw .unknownElement("member slot \(slot)")
            }
            members.remove(at: index)
            documentBytes -= Self.encodedSize(of: openStrokes.filter { $0.authorSlot == slot })
            for index in openStrokes.indices.reversed() where openStrokes[index].authorSlot == slot {
                openStrokes.remove(at: index)
                openPointDigests.remove(at: index)
            }
        case .strokeBegan(let slot, let id, let color, let width):
            guard members.contains(where: { $0.slot == slot }) else { throw .unknownElement("member slot \(slot)") }
            guard openStrokeIndex(slot: slot, id: id) == nil else { throw .duplicateElement("stroke \(id)") }
            let open = openStrokes.count { $0.authorSlot == slot }
            guard open < WhiteboardLimits.maxOpenStrokesPerMember else {
                throw .limitReached("\(open) open strokes per member")
            }
            guard strokes.count + openStrokes.count < WhiteboardLimits.maxStrokes else {
                throw .limitReached("\(WhiteboardLimits.maxStrokes) strokes per board")
            }
            let stroke = Stroke(authorSlot: slot, id: id, color: color, width: width)
            try checkDocumentRoom(for: stroke.encodedSize)
            openStrokes.append(stroke)
            openPointDigests.append(StateHash.offsetBasis)
            documentBytes += stroke.encodedSize
        case .pointsAppended(let slot, let id, let points):
            guard let index = openStrokeIndex(slot: slot, id: id) else { throw .unknownElement("stroke \(id)") }
            guard openStrokes[index].points.count + points.count <= WhiteboardLimits.maxPointsPerStroke else {
                throw .limitReached("\(WhiteboardLimits.maxPointsPerStroke) points per stroke")
            }
            let before = openStrokes[index].encodedSize
            let after = Stroke.encodedSize(authorSlot: slot, id: id, pointCount: openStrokes[index].points.count + points.count)
            try checkDocumentRoom(for: after - before)
            openStrokes[index].points.append(contentsOf: points)
            openPointDigests[index] = Self.digest(of: points, continuing: openPointDigests[index])
            documentBytes += after - before
        case .strokeCommitted(let slot, let id):
            guard let index = openStrokeIndex(slot: slot, id: id) else { throw .unknownElement("stroke \(id)") }
            let stroke = openStrokes.remove(at: index)
            committedStrokesDigest = Self.digest(
                committing: stroke, pointsDigest: openPointDigests.remove(at: index), after: committedStrokesDigest
            )
            strokes.append(stroke)
        case .strokeAbandoned(let slot, let id):
            guard let index = openStrokeIndex(slot: slot, id: id) else { throw .unknownElement("stroke \(id)") }
            documentBytes -= openStrokes.remove(at: index).encodedSize
            openPointDigests.remove(at: index)
        case .shapeAdded(let shape):
            guard shapeIndex(shape.id) == nil else { throw .duplicateElement("shape \(shape.id)") }
            guard shapes.count < WhiteboardLimits.maxShapes else {
                throw .limitReached("\(WhiteboardLimits.maxShapes) shapes per board")
            }
            try checkDocumentRoom(for: shape.encodedSize)
            let index = shapes.firstIndex { $0.id > shape.id } ?? shapes.endIndex
            shapes.insert(shape, at: index)
            documentBytes += shape.encodedSize
        case .shapeMoved(let id, let bounds):
            guard let index = shapeIndex(id) else { throw .unknownElement("shape \(id)") }
            shapes[index].bounds = bounds
        case .shapeDeleted(let id):
            guard let index = shapeIndex(id) else { throw .unknownElement("shape \(id)") }
            documentBytes -= shapes.remove(at: index).encodedSize
        case .cleared:
            strokes.removeAll()
            committedStrokesDigest = StateHash.offsetBasis
            shapes.removeAll()
            documentBytes = Self.encodedSize(of: openStrokes)
        }
    }

    /// Writes the canonical layout described on the type.
    public func encode(into writer: inout BinaryWriter) {
        writer.writeVarint(UInt64(members.count))
        for member in members { member.encode(into: &writer) }
        writer.writeVarint(UInt64(strokes.count))
        for stroke in strokes { stroke.encode(into: &writer) }
        writer.writeVarint(UInt64(openStrokes.count))
        for stroke in openStrokes { stroke.encode(into: &writer) }
        writer.writeVarint(UInt64(shapes.count))
        for shape in shapes { shape.encode(into: &writer) }
        random.encode(into: &writer)
    }

    /// Reads the canonical layout, refusing unsorted members or shapes and
    /// counts beyond the board limits.
    public init(from reader: inout BinaryReader) throws(RoomError) {
        let memberCount = try reader.readCount(atMost: Int(UInt16.max) + 1, "member count")
        for _ in 0..<memberCount {
            let member = try WhiteboardMember(from: &reader)
            if let last = members.last, last.slot >= member.slot { throw .malformed("member slots not ascending") }
            members.append(member)
        }
        let strokeCount = try reader.readCount(atMost: WhiteboardLimits.maxStrokes, "stroke count")
        for _ in 0..<strokeCount { strokes.append(try Stroke(from: &reader)) }
        let openCount = try reader.readCount(atMost: WhiteboardLimits.maxStrokes - strokeCount, "open stroke count")
        for _ in 0..<openCount { openStrokes.append(try Stroke(from: &reader)) }
        let shapeCount = try reader.readCount(atMost: WhiteboardLimits.maxShapes, "shape count")
        for _ in 0..<shapeCount {
            let shape = try Shape(from: &reader)
            if let last = shapes.last, last.id >= shape.id { throw .malformed("shape ids not ascending") }
            shapes.append(shape)
        }
        random = try DeterministicRandom(from: &reader)
        // A board decoded past the limit (recorded before there was one)
        // still loads; the limit only refuses growth.
        documentBytes = Self.encodedSize(of: strokes) + Self.encodedSize(of: openStrokes)
            + shapes.reduce(0) { $0 + $1.encodedSize }
        (committedStrokesDigest, openPointDigests) = Self.digests(strokes: strokes, openStrokes: openStrokes)
    }

    private func openStrokeIndex(slot: UInt16, id: UInt32) -> Int? {
        openStrokes.firstIndex { $0.authorSlot == slot && $0.id == id }
    }

    private func shapeIndex(_ id: UInt32) -> Int? {
        shapes.firstIndex { $0.id == id }
    }
}
