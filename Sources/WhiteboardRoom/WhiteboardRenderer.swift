public import RoomEngine

/// Draws a whiteboard as the demo page does (Assets/js/canvas.js and
/// replay.js): the 4096-unit canvas on `#fdfdf8`, committed then open
/// strokes (width × 4, round caps), shapes (16 units wide), and each
/// member's cursor as a dot in the member's colour with its name.
///
/// Elements carry what tests and tools look for: `data-stroke` (author
/// slot and id), `data-open` on strokes still being drawn, `data-shape`,
/// `data-member` on cursors.
///
/// ```swift
/// let picture = WhiteboardRenderer().render(room.state, context: RenderContext(roomID: "r", kind: .whiteboard, tick: room.tick))
/// picture.text.contains("<polyline")   // true once a stroke has two points
/// ```
public struct WhiteboardRenderer: RoomRenderer {
    /// The logic whose states this draws.
    public typealias Logic = WhiteboardLogic

    /// The pixel size of the picture (it is square).
    public var pixels: Int

    /// A renderer of `pixels` × `pixels` pictures.
    public init(pixels: Int = 1_024) {
        self.pixels = pixels
    }

    /// The page's background.
    public static let background: UInt32 = 0xfdfdf8
    /// Canvas units of a shape's outline.
    public static let shapeWidth = 16.0
    /// A cursor's radius in canvas units.
    public static let cursorRadius = 28.0

    /// The picture of `state`.
    public func render(_ state: WhiteboardState, context: RenderContext) -> SVGDocument {
        let size = Double(WhiteboardLimits.canvasMax) + 1
        var picture = SVGDocument(viewBox: (0, 0, size, size), width: pixels, height: pixels, title: context.title)
        picture.rect(x: 0, y: 0, width: size, height: size, fill: Self.background, attributes: ["class": "background"])
        picture.beginGroup(["class": "strokes"])
        for stroke in state.strokes { draw(stroke, open: false, into: &picture) }
        for stroke in state.openStrokes { draw(stroke, open: true, into: &picture) }
        picture.endGroup()
        picture.beginGroup(["class": "shapes"])
        for shape in state.shapes { draw(shape, into: &picture) }
        picture.endGroup()
        picture.beginGroup(["class": "cursors"])
        for member in state.members {
            guard let cursor = member.cursor else { continue }
            let x = Double(cursor.x)
            let y = Double(cursor.y)
            picture.beginGroup(["class": "cursor", "data-member": member.id.rawValue])
            picture.circle(cx: x, cy: y, r: Self.cursorRadius, fill: member.color)
            picture.text(String(member.id.rawValue.prefix(8)), x: x + 40, y: y - 30, size: 80, fill: 0x222222)
            picture.endGroup()
        }
        picture.endGroup()
        return picture
    }

    private func draw(_ stroke: Stroke, open: Bool, into picture: inout SVGDocument) {
        guard let first = stroke.points.first else { return }
        let id = "\(stroke.authorSlot)/\(stroke.id)"
        let width = Double(stroke.width) * 4
        if stroke.points.count == 1 {
            // A single point is a dot, as the page draws it.
            let attributes: KeyValuePairs<String, String> = open ? ["data-stroke": id, "data-open": "true"] : ["data-stroke": id]
            picture.circle(cx: Double(first.x), cy: Double(first.y), r: max(width / 2, 0.5), fill: stroke.color, attributes: attributes)
            return
        }
        let points = stroke.points.map { (x: Double($0.x), y: Double($0.y)) }
        let attributes: KeyValuePairs<String, String> = open ? ["data-stroke": id, "data-open": "true"] : ["data-stroke": id]
        picture.polyline(points, stroke: stroke.color, strokeWidth: width, attributes: attributes)
    }

    private func draw(_ shape: Shape, into picture: inout SVGDocument) {
        let from = shape.bounds.from
        let to = shape.bounds.to
        let x = Double(min(from.x, to.x))
        let y = Double(min(from.y, to.y))
        let width = Double(max(from.x, to.x) - min(from.x, to.x))
        let height = Double(max(from.y, to.y) - min(from.y, to.y))
        let id = String(shape.id)
        switch shape.kind {
        case .rectangle:
            picture.rect(x: x, y: y, width: width, height: height, stroke: shape.color, strokeWidth: Self.shapeWidth,
                         attributes: ["data-shape": id])
        case .ellipse:
            picture.ellipse(cx: x + width / 2, cy: y + height / 2, rx: width / 2, ry: height / 2, stroke: shape.color,
                            strokeWidth: Self.shapeWidth, attributes: ["data-shape": id])
        case .line:
            picture.line(x1: Double(from.x), y1: Double(from.y), x2: Double(to.x), y2: Double(to.y), stroke: shape.color,
                         strokeWidth: Self.shapeWidth, attributes: ["data-shape": id])
        }
    }
}
