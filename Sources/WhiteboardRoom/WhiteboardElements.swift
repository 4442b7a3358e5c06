public import RoomEngine

/// A point on the whiteboard canvas (0…4095 on both axes).
///
/// Encoded as two little-endian `UInt16`s, so a run of points is a compact
/// array of 4-byte pairs.
public struct CanvasPoint: Equatable, Hashable, Sendable, BinaryCodable {
    /// The horizontal coordinate.
    public var x: UInt16
    /// The vertical coordinate.
    public var y: UInt16

    /// Creates a point (range is checked when decoding inputs).
    public init(x: UInt16, y: UInt16) {
        self.x = x
        self.y = y
    }

    /// Writes `u16 x, u16 y`.
    public func encode(into writer: inout BinaryWriter) {
        writer.writeUInt16(x)
        writer.writeUInt16(y)
    }

    /// Reads `u16 x, u16 y`, refusing coordinates off the canvas.
    public init(from reader: inout BinaryReader) throws(RoomError) {
        x = try reader.readUInt16()
        y = try reader.readUInt16()
        guard x <= WhiteboardLimits.canvasMax, y <= WhiteboardLimits.canvasMax else {
            throw .outOfRange("point (\(x), \(y)) off the canvas")
        }
    }
}

/// A stroke: a polyline drawn by one member, in progress or committed.
public struct Stroke: Equatable, Sendable, BinaryCodable {
    /// The author's slot when the stroke was drawn.
    public var authorSlot: UInt16
    /// The author-chosen identifier (unique among the author's open strokes).
    public var id: UInt32
    /// 24-bit RGB colour.
    public var color: UInt32
    /// Width in canvas units.
    public var width: UInt8
    /// The points so far.
    public var points: [CanvasPoint]

    /// Creates a stroke.
    public init(authorSlot: UInt16, id: UInt32, color: UInt32, width: UInt8, points: [CanvasPoint] = []) {
        self.authorSlot = authorSlot
        self.id = id
        self.color = color
        self.width = width
        self.points = points
    }

    /// Writes `varint author, varint id, u32 color, u8 width, varint count, points`.
    public func encode(into writer: inout BinaryWriter) {
        writer.writeVarint(UInt64(authorSlot))
        writer.writeVarint(UInt64(id))
        writer.writeUInt32(color)
        writer.writeUInt8(width)
        PointRun.write(points, into: &writer)
    }

    /// Reads what ``encode(into:)`` wrote.
    public init(from reader: inout BinaryReader) throws(RoomError) {
        authorSlot = UInt16(try reader.readVarint(atMost: UInt64(UInt16.max), "author slot"))
        id = UInt32(try reader.readVarint(atMost: UInt64(UInt32.max), "stroke id"))
        color = try reader.readUInt32()
        width = try reader.readUInt8()
        points = try PointRun.read(from: &reader, atMost: WhiteboardLimits.maxPointsPerStroke)
    }
}

/// The geometric kinds of whiteboard shapes.
public enum ShapeKind: UInt8, Equatable, Sendable {
    /// An axis-aligned rectangle spanning the bounds.
    case rectangle = 1
    /// An ellipse inscribed in the bounds.
    case ellipse = 2
    /// A line from the bounds' first corner to its second.
    case line = 3
}

/// Two canvas corners: a shape's bounds (for a line, its end points).
public struct ShapeBounds: Equatable, Sendable, BinaryCodable {
    /// The first corner.
    public var from: CanvasPoint
    /// The second corner.
    public var to: CanvasPoint

    /// Creates bounds.
    public init(from: CanvasPoint, to: CanvasPoint) {
        self.from = from
        self.to = to
    }

    /// Writes the two corners (8 bytes).
    public func encode(into writer: inout BinaryWriter) {
        from.encode(into: &writer)
        to.encode(into: &writer)
    }

    /// Reads the two corners.
    public init(from reader: inout BinaryReader) throws(RoomError) {
        from = try CanvasPoint(from: &reader)
        to = try CanvasPoint(from: &reader)
    }
}

/// A shape on the board; any member may move or delete it.
public struct Shape: Equatable, Sendable, BinaryCodable {
    /// The client-chosen identifier, unique on the board.
    public var id: UInt32
    /// The kind.
    public var kind: ShapeKind
    /// Where it is.
    public var bounds: ShapeBounds
    /// 24-bit RGB colour.
    public var color: UInt32

    /// Creates a shape.
    public init(id: UInt32, kind: ShapeKind, bounds: ShapeBounds, color: UInt32) {
        self.id = id
        self.kind = kind
        self.bounds = bounds
        self.color = color
    }

    /// Writes `varint id, u8 kind, bounds, u32 color`.
    public func encode(into writer: inout BinaryWriter) {
        writer.writeVarint(UInt64(id))
        writer.writeUInt8(kind.rawValue)
        bounds.encode(into: &writer)
        writer.writeUInt32(color)
    }

    /// Reads what ``encode(into:)`` wrote, refusing unknown kinds and colours.
    public init(from reader: inout BinaryReader) throws(RoomError) {
        id = UInt32(try reader.readVarint(atMost: UInt64(UInt32.max), "shape id"))
        let rawKind = try reader.readUInt8()
        guard let kind = ShapeKind(rawValue: rawKind) else { throw .malformed("unknown shape kind \(rawKind)") }
        self.kind = kind
        bounds = try ShapeBounds(from: &reader)
        color = try reader.readUInt32()
        guard color <= WhiteboardLimits.maxColor else { throw .outOfRange("colour \(color)") }
    }
}

/// The compact point-array encoding: `varint count`, then `count` × (u16 x, u16 y).
///
/// Where a `[CanvasPoint]`'s memory already is that encoding (a
/// little-endian machine laying a point out as x then y in 4 bytes, checked
/// once at run time), a run is written and read as one bulk copy; otherwise
/// point by point. Same bytes either way.
enum PointRun {
    /// Whether `[CanvasPoint]` memory is the wire's `u16 LE x, u16 LE y` pairs.
    static let memoryIsEncoding: Bool = {
        #if _endian(little)
        MemoryLayout<CanvasPoint>.size == 4 && MemoryLayout<CanvasPoint>.stride == 4
            && MemoryLayout<CanvasPoint>.offset(of: \.x) == 0 && MemoryLayout<CanvasPoint>.offset(of: \.y) == 2
        #else
        false
        #endif
    }()

    static func write(_ points: [CanvasPoint], into writer: inout BinaryWriter) {
        writer.writeVarint(UInt64(points.count))
        writeRaw(points, into: &writer)
    }

    /// The points' bytes without their count (what a stroke's digest folds).
    static func writeRaw(_ points: [CanvasPoint], into writer: inout BinaryWriter) {
        guard memoryIsEncoding else {
            for point in points { point.encode(into: &writer) }
            return
        }
        points.withUnsafeBytes { writer.writeRaw($0) }
    }

    static func read(from reader: inout BinaryReader, atMost limit: Int) throws(RoomError) -> [CanvasPoint] {
        let count = try reader.readVarint()
        guard count <= UInt64(limit) else { throw .limitReached("\(count) points > \(limit)") }
        guard count * 4 <= UInt64(reader.remaining) else { throw .truncated }
        guard memoryIsEncoding else {
            var points: [CanvasPoint] = []
            points.reserveCapacity(Int(count))
            for _ in 0..<count { points.append(try CanvasPoint(from: &reader)) }
            return points
        }
        var points = [CanvasPoint](repeating: CanvasPoint(x: 0, y: 0), count: Int(count))
        let failure: RoomError? = points.withUnsafeMutableBytes { buffer in
            do throws(RoomError) {
                try reader.readRaw(into: buffer)
                return nil
            } catch {
                return error
            }
        }
        if let failure { throw failure }
        let canvasMax = WhiteboardLimits.canvasMax
        if let off = points.first(where: { $0.x > canvasMax || $0.y > canvasMax }) {
            throw .outOfRange("point (\(off.x), \(off.y)) off the canvas")
        }
        return points
    }
}
