/// An SVG picture built element by element: what a ``RoomRenderer`` draws
/// into and what `huddle render` writes. Pure text building (no I/O, no
/// Foundation); every attribute value and text is escaped.
///
/// Coordinates are in the picture's own units (its `viewBox`); ``width``
/// and ``height`` are its size in pixels when rasterized.
///
/// ```swift
/// var picture = SVGDocument(viewBox: (0, 0, 100, 100), width: 400, height: 400, title: "demo")
/// picture.rect(x: 0, y: 0, width: 100, height: 100, fill: 0xfdfdf8)
/// picture.circle(cx: 50, cy: 50, r: 10, fill: 0xe6194b, attributes: ["data-member": "alice"])
/// picture.text
/// // <svg xmlns="http://www.w3.org/2000/svg" … <circle cx="50" cy="50" r="10" fill="#e6194b" data-member="alice"/> …
/// ```
public struct SVGDocument: Sendable {
    /// The picture's size in pixels when rasterized.
    public let width: Int
    /// The picture's size in pixels when rasterized.
    public let height: Int
    private var body: String
    private let head: String

    /// An empty picture of `viewBox` (x, y, width, height in picture units)
    /// shown at `width` × `height` pixels, titled `title`.
    public init(viewBox: (Double, Double, Double, Double), width: Int, height: Int, title: String) {
        self.width = width
        self.height = height
        head = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"\(Self.number(viewBox.0)) \(Self.number(viewBox.1)) "
            + "\(Self.number(viewBox.2)) \(Self.number(viewBox.3))\" width=\"\(width)\" height=\"\(height)\">\n"
            + "<title>\(Self.escape(title))</title>\n"
        body = ""
        body.reserveCapacity(4_096)
    }

    /// The whole document, `<svg …>` to `</svg>`, newline-terminated.
    public var text: String { head + body + "</svg>\n" }

    /// Opens a group (`<g>`) with `attributes`; close it with ``endGroup()``.
    public mutating func beginGroup(_ attributes: KeyValuePairs<String, String> = [:]) {
        body += "<g"
        append(attributes)
        body += ">\n"
    }

    /// Closes the group opened last.
    public mutating func endGroup() {
        body += "</g>\n"
    }

    /// A rectangle; `fill` and `stroke` are 24-bit RGB, nil for none.
    public mutating func rect(
        x: Double, y: Double, width: Double, height: Double, fill: UInt32? = nil, stroke: UInt32? = nil,
        strokeWidth: Double? = nil, attributes: KeyValuePairs<String, String> = [:]
    ) {
        body += "<rect x=\"\(Self.number(x))\" y=\"\(Self.number(y))\" width=\"\(Self.number(width))\" height=\"\(Self.number(height))\""
        paint(fill: fill, stroke: stroke, strokeWidth: strokeWidth)
        append(attributes)
        body += "/>\n"
    }

    /// A circle.
    public mutating func circle(
        cx: Double, cy: Double, r: Double, fill: UInt32? = nil, stroke: UInt32? = nil, strokeWidth: Double? = nil,
        attributes: KeyValuePairs<String, String> = [:]
    ) {
        body += "<circle cx=\"\(Self.number(cx))\" cy=\"\(Self.number(cy))\" r=\"\(Self.number(r))\""
        paint(fill: fill, stroke: stroke, strokeWidth: strokeWidth)
        append(attributes)
        body += "/>\n"
    }

    /// An ellipse.
    public mutating func ellipse(
        cx: Double, cy: Double, rx: Double, ry: Double, fill: UInt32? = nil, stroke: UInt32? = nil,
        strokeWidth: Double? = nil, attributes: KeyValuePairs<String, String> = [:]
    ) {
        body += "<ellipse cx=\"\(Self.number(cx))\" cy=\"\(Self.number(cy))\" rx=\"\(Self.number(rx))\" ry=\"\(Self.number(ry))\""
        paint(fill: fill, stroke: stroke, strokeWidth: strokeWidth)
        append(attributes)
        body += "/>\n"
    }

    /// A straight line.
    public mutating func line(
        x1: Double, y1: Double, x2: Double, y2: Double, stroke: UInt32, strokeWidth: Double,
        attributes: KeyValuePairs<String, String> = [:]
    ) {
        body += "<line x1=\"\(Self.number(x1))\" y1=\"\(Self.number(y1))\" x2=\"\(Self.number(x2))\" y2=\"\(Self.number(y2))\""
        paint(fill: nil, stroke: stroke, strokeWidth: strokeWidth)
        append(attributes)
        body += "/>\n"
    }

    /// An open polyline through `points` (round caps and joins).
    public mutating func polyline(
        _ points: [(x: Double, y: Double)], stroke: UInt32, strokeWidth: Double, attributes: KeyValuePairs<String, String> = [:]
    ) {
        body += "<polyline points=\""
        for (index, point) in points.enumerated() {
            if index > 0 { body += " " }
            body += Self.number(point.x)
            body += ","
            body += Self.number(point.y)
        }
        body += "\" fill=\"none\""
        paint(fill: nil, stroke: stroke, strokeWidth: strokeWidth, omitFill: true)
        body += " stroke-linecap=\"round\" stroke-linejoin=\"round\""
        append(attributes)
        body += "/>\n"
    }

    /// Text whose baseline starts at (`x`, `y`).
    public mutating func text(
        _ content: String, x: Double, y: Double, size: Double, fill: UInt32, attributes: KeyValuePairs<String, String> = [:]
    ) {
        body += "<text x=\"\(Self.number(x))\" y=\"\(Self.number(y))\" font-family=\"sans-serif\" font-size=\"\(Self.number(size))\" fill=\"\(Self.color(fill))\""
        append(attributes)
        body += ">\(Self.escape(content))</text>\n"
    }

    private mutating func paint(fill: UInt32?, stroke: UInt32?, strokeWidth: Double?, omitFill: Bool = false) {
        if !omitFill { body += " fill=\"\(fill.map(Self.color) ?? "none")\"" }
        if let stroke { body += " stroke=\"\(Self.color(stroke))\"" }
        if let strokeWidth { body += " stroke-width=\"\(Self.number(strokeWidth))\"" }
    }

    private mutating func append(_ attributes: KeyValuePairs<String, String>) {
        for (name, value) in attributes { body += " \(name)=\"\(Self.escape(value))\"" }
    }

    /// A 24-bit RGB colour as `#rrggbb`.
    ///
    /// ```swift
    /// SVGDocument.color(0x00ff08)   // "#00ff08"
    /// ```
    public static func color(_ rgb: UInt32) -> String {
        let digits = String(rgb & 0xff_ffff, radix: 16)
        return "#" + String(repeating: "0", count: 6 - digits.count) + digits
    }

    /// A coordinate as SVG writes it: an integer when whole, else at most
    /// two decimals (`12`, `12.5`, `-0.25`); clamped to ±10¹², NaN is 0.
    public static func number(_ value: Double) -> String {
        guard value.isFinite || value.isInfinite else { return "0" }
        let scaled = Int64((min(max(value, -1e12), 1e12) * 100).rounded())
        if scaled % 100 == 0 { return String(scaled / 100) }
        let sign = scaled < 0 ? "-" : ""
        let magnitude = scaled.magnitude
        let fraction = magnitude % 100
        let fractionText = fraction % 10 == 0 ? String(fraction / 10) : (fraction < 10 ? "0" : "") + String(fraction)
        return "\(sign)\(magnitude / 100).\(fractionText)"
    }

    /// Text made safe for an attribute value or element content (control
    /// characters, which XML forbids, become `?`).
    public static func escape(_ text: String) -> String {
        guard text.contains(where: { "&<>\"'".contains($0) || ($0.asciiValue ?? 32) < 32 }) else { return text }
        var escaped = ""
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&apos;"
            default: escaped.append((character.asciiValue ?? 32) < 32 ? "?" : character)
            }
        }
        return escaped
    }
}
