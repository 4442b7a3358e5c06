public import RoomEngine

/// What a whiteboard client can send. Decoding validates every field, so a
/// value of this type is always in range; whether it fits the current board
/// (does the stroke exist, is there room for another shape) is decided by
/// ``WhiteboardLogic`` during the tick.
///
/// Wire layout: one tag byte, then the fields.
///
/// ```text
/// 0x01 cursor        u16 x, u16 y                                (volatile)
/// 0x02 beginStroke   varint strokeId, u32 color, u8 width
/// 0x03 appendPoints  varint strokeId, varint n (1…256), n × (u16 x, u16 y)
/// 0x04 endStroke     varint strokeId
/// 0x05 addShape      varint shapeId, u8 kind, 4 × u16 bounds, u32 color
/// 0x06 moveShape     varint shapeId, 4 × u16 bounds
/// 0x07 deleteShape   varint shapeId
/// 0x08 clear
/// ```
///
/// ```swift
/// let bytes = WhiteboardInput.beginStroke(id: 1, color: 0xFF0000, width: 3).encodedBytes()
/// ```
public enum WhiteboardInput: RoomInput {
    /// The sender's cursor moved (coalesced: only the latest per tick counts).
    case cursor(x: UInt16, y: UInt16)
    /// Starts a stroke the sender will stream points into.
    case beginStroke(id: UInt32, color: UInt32, width: UInt8)
    /// Adds points to one of the sender's open strokes.
    case appendPoints(id: UInt32, points: [CanvasPoint])
    /// Commits one of the sender's open strokes to the document.
    case endStroke(id: UInt32)
    /// Adds a shape.
    case addShape(Shape)
    /// Moves (or resizes) a shape.
    case moveShape(id: UInt32, bounds: ShapeBounds)
    /// Deletes a shape.
    case deleteShape(id: UInt32)
    /// Removes every committed stroke and every shape (open strokes stay).
    case clear

    /// Cursors are volatile; everything else is a reliable operation.
    public var inputClass: InputClass {
        if case .cursor = self { return .volatile }
        return .reliable
    }

    /// Writes the tag and fields listed above.
    public func encode(into writer: inout BinaryWriter) {
        switch self {
        case .cursor(let x, let y):
            writer.writeUInt8(0x01)
            writer.writeUInt16(x)
            writer.writeUInt16(y)
        case .beginStroke(let id, let color, let width):
            writer.writeUInt8(0x02)
            writer.writeVarint(UInt64(id))
            writer.writeUInt32(color)
            writer.writeUInt8(width)
        case .appendPoints(let id, let points):
            writer.writeUInt8(0x03)
            writer.writeVarint(UInt64(id))
            PointRun.write(points, into: &writer)
        case .endStroke(let id):
            writer.writeUInt8(0x04)
            writer.writeVarint(UInt64(id))
        case .addShape(let shape):
            writer.writeUInt8(0x05)
            shape.encode(into: &writer)
        case .moveShape(let id, let bounds):
            writer.writeUInt8(0x06)
            writer.writeVarint(UInt64(id))
            bounds.encode(into: &writer)
        case .deleteShape(let id):
            writer.writeUInt8(0x07)
            writer.writeVarint(UInt64(id))
        case .clear:
            writer.writeUInt8(0x08)
        }
    }

    /// Reads and validates one input; unknown tags, out-of-range coordinates,
    /// colours or widths, and empty or oversized point runs are refused.
    public init(from reader: inout BinaryReader) throws(RoomError) {
        let tag = try reader.readUInt8()
        switch tag {
        case 0x01:
            let point = try CanvasPoint(from: &reader)
            self = .cursor(x: point.x, y: point.y)
        case 0x02:
            let id = try Self.readID(&reader)
            let color = try reader.readUInt32()
            let width = try reader.readUInt8()
            guard color <= WhiteboardLimits.maxColor else { throw .outOfRange("colour \(color)") }
            guard WhiteboardLimits.strokeWidths.contains(width) else { throw .outOfRange("stroke width \(width)") }
            self = .beginStroke(id: id, color: color, width: width)
        case 0x03:
            let id = try Self.readID(&reader)
            let points = try PointRun.read(from: &reader, atMost: WhiteboardLimits.maxPointsPerAppend)
            guard !points.isEmpty else { throw .malformed("empty point run") }
            self = .appendPoints(id: id, points: points)
        case 0x04:
            self = .endStroke(id: try Self.readID(&reader))
        case 0x05:
            self = .addShape(try Shape(from: &reader))
        case 0x06:
            let id = try Self.readID(&reader)
            self = .moveShape(id: id, bounds: try ShapeBounds(from: &reader))
        case 0x07:
            self = .deleteShape(id: try Self.readID(&reader))
        case 0x08:
            self = .clear
        default:
            throw .malformed("unknown whiteboard input tag \(tag)")
        }
    }

    private static func readID(_ reader: inout BinaryReader) throws(RoomError) -> UInt32 {
        UInt32(try reader.readVarint(atMost: UInt64(UInt32.max), "element id"))
    }
}
