public import RoomEngine

/// A reliable change to a whiteboard document, broadcast to every member in
/// sequence. Clients apply them with ``WhiteboardState/apply(_:)``, the same
/// function the server uses, so a snapshot plus the later operations always
/// rebuild the server's document exactly.
///
/// Wire layout: one tag byte, then the fields (`slot` is a varint).
///
/// ```text
/// 0x01 memberJoined     slot, string memberID, u32 color
/// 0x02 memberLeft       slot
/// 0x03 strokeBegan      slot, varint strokeId, u32 color, u8 width
/// 0x04 pointsAppended   slot, varint strokeId, varint n, n × (u16 x, u16 y)
/// 0x05 strokeCommitted  slot, varint strokeId
/// 0x06 strokeAbandoned  slot, varint strokeId
/// 0x07 shapeAdded       shape (as in the addShape input)
/// 0x08 shapeMoved       varint shapeId, 4 × u16 bounds
/// 0x09 shapeDeleted     varint shapeId
/// 0x0A cleared
/// ```
public enum WhiteboardOperation: Equatable, Sendable, BinaryCodable {
    /// A member joined with this slot and colour.
    case memberJoined(slot: UInt16, member: MemberID, color: UInt32)
    /// The member in this slot left.
    case memberLeft(slot: UInt16)
    /// A member began a stroke.
    case strokeBegan(slot: UInt16, id: UInt32, color: UInt32, width: UInt8)
    /// Points were added to an open stroke.
    case pointsAppended(slot: UInt16, id: UInt32, points: [CanvasPoint])
    /// An open stroke was committed to the document.
    case strokeCommitted(slot: UInt16, id: UInt32)
    /// An open stroke was discarded (its author left).
    case strokeAbandoned(slot: UInt16, id: UInt32)
    /// A shape was added.
    case shapeAdded(Shape)
    /// A shape was moved.
    case shapeMoved(id: UInt32, bounds: ShapeBounds)
    /// A shape was deleted.
    case shapeDeleted(id: UInt32)
    /// Committed strokes and shapes were cleared.
    case cleared

    /// Writes the tag and fields listed above.
    public func encode(into writer: inout BinaryWriter) {
        switch self {
        case .memberJoined(let slot, let member, let color):
            writer.writeUInt8(0x01)
            writer.writeVarint(UInt64(slot))
            writer.writeString(member.rawValue)
            writer.writeUInt32(color)
        case .memberLeft(let slot):
            writer.writeUInt8(0x02)
            writer.writeVarint(UInt64(slot))
        case .strokeBegan(let slot, let id, let color, let width):
            writer.writeUInt8(0x03)
            writer.writeVarint(UInt64(slot))
            writer.writeVarint(UInt64(id))
            writer.writeUInt32(color)
            writer.writeUInt8(width)
        case .pointsAppended(let slot, let id, let points):
            writer.writeUInt8(0x04)
            writer.writeVarint(UInt64(slot))
            writer.writeVarint(UInt64(id))
            PointRun.write(points, into: &writer)
        case .strokeCommitted(let slot, let id):
            writer.writeUInt8(0x05)
            writer.writeVarint(UInt64(slot))
            writer.writeVarint(UInt64(id))
        case .strokeAbandoned(let slot, let id):
            writer.writeUInt8(0x06)
            writer.writeVarint(UInt64(slot))
            writer.writeVarint(UInt64(id))
        case .shapeAdded(let shape):
            writer.writeUInt8(0x07)
            shape.encode(into: &writer)
        case .shapeMoved(let id, let bounds):
            writer.writeUInt8(0x08)
            writer.writeVarint(UInt64(id))
            bounds.encode(into: &writer)
        case .shapeDeleted(let id):
            writer.writeUInt8(0x09)
            writer.writeVarint(UInt64(id))
        case .cleared:
            writer.writeUInt8(0x0A)
        }
    }

    /// Reads what ``encode(into:)`` wrote.
    public init(from reader: inout BinaryReader) throws(RoomError) {
        let tag = try reader.readUInt8()
        switch tag {
        case 0x01:
            let slot = try Self.readSlot(&reader)
            let member = MemberID(try reader.readString())
            self = .memberJoined(slot: slot, member: member, color: try reader.readUInt32())
        case 0x02:
            self = .memberLeft(slot: try Self.readSlot(&reader))
        case 0x03:
            let slot = try Self.readSlot(&reader)
            let id = try Self.readID(&reader)
            let color = try reader.readUInt32()
            self = .strokeBegan(slot: slot, id: id, color: color, width: try reader.readUInt8())
        case 0x04:
            let slot = try Self.readSlot(&reader)
            let id = try Self.readID(&reader)
            let points = try PointRun.read(from: &reader, atMost: WhiteboardLimits.maxPointsPerAppend)
            self = .pointsAppended(slot: slot, id: id, points: points)
        case 0x05:
            let slot = try Self.readSlot(&reader)
            self = .strokeCommitted(slot: slot, id: try Self.readID(&reader))
        case 0x06:
            let slot = try Self.readSlot(&reader)
            self = .strokeAbandoned(slot: slot, id: try Self.readID(&reader))
        case 0x07:
            self = .shapeAdded(try Shape(from: &reader))
        case 0x08:
            let id = try Self.readID(&reader)
            self = .shapeMoved(id: id, bounds: try ShapeBounds(from: &reader))
        case 0x09:
            self = .shapeDeleted(id: try Self.readID(&reader))
        case 0x0A:
            self = .cleared
        default:
            throw .malformed("unknown whiteboard operation tag \(tag)")
        }
    }

    private static func readSlot(_ reader: inout BinaryReader) throws(RoomError) -> UInt16 {
        UInt16(try reader.readVarint(atMost: UInt64(UInt16.max), "slot"))
    }

    private static func readID(_ reader: inout BinaryReader) throws(RoomError) -> UInt32 {
        UInt32(try reader.readVarint(atMost: UInt64(UInt32.max), "element id"))
    }
}
