import RoomEngine
import SocketIOCore
import WhiteboardRoom

/// Encoded whiteboard inputs, as a client sends them.
enum Board {
    static func cursor(_ x: UInt16, _ y: UInt16) -> [UInt8] { WhiteboardInput.cursor(x: x, y: y).encodedBytes() }
    static func begin(_ id: UInt32, color: UInt32 = 0x3366FF, width: UInt8 = 3) -> [UInt8] {
        WhiteboardInput.beginStroke(id: id, color: color, width: width).encodedBytes()
    }
    static func append(_ id: UInt32, _ points: [CanvasPoint]) -> [UInt8] {
        WhiteboardInput.appendPoints(id: id, points: points).encodedBytes()
    }
    static func end(_ id: UInt32) -> [UInt8] { WhiteboardInput.endStroke(id: id).encodedBytes() }
    static func addShape(_ id: UInt32, _ kind: ShapeKind = .rectangle, from: (UInt16, UInt16), to: (UInt16, UInt16)) -> [UInt8] {
        let bounds = ShapeBounds(from: CanvasPoint(x: from.0, y: from.1), to: CanvasPoint(x: to.0, y: to.1))
        return WhiteboardInput.addShape(Shape(id: id, kind: kind, bounds: bounds, color: 0x22AA22)).encodedBytes()
    }
    static func moveShape(_ id: UInt32, from: (UInt16, UInt16), to: (UInt16, UInt16)) -> [UInt8] {
        let bounds = ShapeBounds(from: CanvasPoint(x: from.0, y: from.1), to: CanvasPoint(x: to.0, y: to.1))
        return WhiteboardInput.moveShape(id: id, bounds: bounds).encodedBytes()
    }
    static func deleteShape(_ id: UInt32) -> [UInt8] { WhiteboardInput.deleteShape(id: id).encodedBytes() }

    /// A run of `count` points along a diagonal starting at `start`.
    static func points(_ count: Int, from start: UInt16) -> [CanvasPoint] {
        (0..<count).map { CanvasPoint(x: start + UInt16($0), y: start + UInt16($0) * 2) }
    }
}

/// The document part of a whiteboard (what operations carry), without the
/// cursors, which stream as deltas and are compared separately.
struct BoardDocument: Equatable {
    struct Member: Equatable {
        var id: MemberID
        var slot: UInt16
        var color: UInt32
    }

    var members: [Member]
    var strokes: [Stroke]
    var openStrokes: [Stroke]
    var shapes: [Shape]

    init(_ state: WhiteboardState) {
        members = state.members.map { Member(id: $0.id, slot: $0.slot, color: $0.color) }
        strokes = state.strokes
        openStrokes = state.openStrokes
        shapes = state.shapes
    }
}

extension JSONValue {
    /// The `error.code` of an answer, if it is an error.
    var errorCode: String? { self["error"]?["code"]?.stringValue }
}

extension ClientView {
    /// The mirrored position of `slot`, as a point.
    func point(of slot: UInt16) -> CanvasPoint? {
        positions[UInt32(slot)].map { CanvasPoint(x: $0.x, y: $0.y) }
    }

    /// The document, when this client is in a whiteboard.
    var document: BoardDocument? { whiteboard.map(BoardDocument.init) }
}

/// Carries a JSON value out of a task group.
struct JSONValueBox: Sendable {
    let value: JSONValue
}

extension Sequence {
    /// `map` with an async transform, one element after the other.
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var results: [T] = []
        for element in self { results.append(try await transform(element)) }
        return results
    }
}
