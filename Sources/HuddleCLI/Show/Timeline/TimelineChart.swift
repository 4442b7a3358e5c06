import RoomEngine

/// Draws a ``TimelineData`` as an SVG chart (pure): inputs per second by
/// member (one line each) and operations per second (black dashes) on
/// top, members present below, the stored
/// snapshots as dashed verticals, the recording's gap shaded and a
/// divergence as a red vertical, with a legend.
///
/// Elements carry `data-member` (input lines), `data-tick` (snapshots,
/// divergence, gap) and classes `inputs`, `operations`, `present`, `snapshots`, `gap`,
/// `divergence`, `legend`.
enum TimelineChart {
    static let width = 1_200.0
    static let height = 640.0
    static let left = 80.0
    static let right = 1_170.0
    static let inputsPanel = (top: 50.0, bottom: 330.0)
    static let presentPanel = (top: 380.0, bottom: 500.0)
    /// Line colours by member, in order of first input (the arena's palette).
    static let colors: [UInt32] = [
        0xe6194b, 0x3cb44b, 0x4363d8, 0xf58231, 0x911eb4, 0x42d4f4, 0xf032e6, 0xbfef45, 0x469990, 0x9a6324, 0x800000, 0x000075,
    ]
    /// At most this many members get their own line; the rest are summed as "others".
    static let maxLines = 12

    static func render(_ data: TimelineData) -> SVGDocument {
        var picture = SVGDocument(viewBox: (0, 0, width, height), width: Int(width), height: Int(height), title: data.title)
        picture.rect(x: 0, y: 0, width: width, height: height, fill: 0xffffff, attributes: ["class": "background"])
        picture.text(data.title, x: left, y: 30, size: 18, fill: 0x222222)
        let span = Double(max(data.lastTick - data.firstTick, 1))
        func x(_ tick: UInt64) -> Double { left + (right - left) * Double(tick.subtractingReportingOverflow(data.firstTick).overflow ? 0 : tick - data.firstTick) / span }
        func xSecond(_ second: Double) -> Double { left + (right - left) * min(second * Double(data.ticksPerSecond) / span, 1) }

        // Inputs per second by member.
        let lines = self.lines(data)
        let peak = max(lines.flatMap(\.perSecond).max() ?? 0, data.operations?.max() ?? 0, 1)
        axes(&picture, panel: inputsPanel, maximum: peak, label: "inputs/s", data: data, xSecond: xSecond)
        picture.beginGroup(["class": "inputs"])
        for (index, line) in lines.enumerated() {
            let points = line.perSecond.enumerated().map { second, count in
                (x: xSecond(Double(second) + 0.5), y: inputsPanel.bottom - (inputsPanel.bottom - inputsPanel.top) * Double(count) / Double(peak))
            }
            if points.count == 1 {
                picture.circle(cx: points[0].x, cy: points[0].y, r: 3, fill: colors[index % colors.count], attributes: ["data-member": line.name])
            } else {
                picture.polyline(points, stroke: colors[index % colors.count], strokeWidth: 1.5, attributes: ["data-member": line.name])
            }
        }
        picture.endGroup()
        if let operations = data.operations {
            let points = operations.enumerated().map { second, count in
                (x: xSecond(Double(second) + 0.5), y: inputsPanel.bottom - (inputsPanel.bottom - inputsPanel.top) * Double(count) / Double(peak))
            }
            picture.beginGroup(["class": "operations"])
            picture.polyline(points.count == 1 ? points + points : points, stroke: 0x000000, strokeWidth: 1.5,
                             attributes: ["stroke-dasharray": "6 3"])
            picture.endGroup()
        }

        // Members present (a step line).
        let most = max(data.present.map(\.count).max() ?? 0, 1)
        axes(&picture, panel: presentPanel, maximum: most, label: "members", data: data, xSecond: xSecond)
        var steps: [(x: Double, y: Double)] = []
        func y(_ count: Int) -> Double { presentPanel.bottom - (presentPanel.bottom - presentPanel.top) * Double(count) / Double(most) }
        for (index, step) in data.present.enumerated() {
            if index > 0 { steps.append((x(step.tick), y(data.present[index - 1].count))) }
            steps.append((x(step.tick), y(step.count)))
        }
        steps.append((right, y(data.present.last?.count ?? 0)))
        picture.beginGroup(["class": "present"])
        picture.polyline(steps, stroke: 0x333333, strokeWidth: 2)
        picture.endGroup()

        // Snapshots, gap, divergence across both panels.
        picture.beginGroup(["class": "snapshots"])
        for tick in data.snapshots where tick >= data.firstTick && tick <= data.lastTick {
            picture.line(x1: x(tick), y1: inputsPanel.top, x2: x(tick), y2: presentPanel.bottom, stroke: 0x888888, strokeWidth: 1,
                         attributes: ["stroke-dasharray": "4 4", "data-tick": String(tick)])
        }
        picture.endGroup()
        if let gap = data.gapFromTick {
            picture.rect(x: x(gap), y: inputsPanel.top, width: max(right - x(gap), 2), height: presentPanel.bottom - inputsPanel.top,
                         fill: 0xff9900, attributes: ["class": "gap", "fill-opacity": "0.25", "data-tick": String(gap)])
        }
        if let divergence = data.divergence {
            picture.line(x1: x(divergence), y1: inputsPanel.top - 10, x2: x(divergence), y2: presentPanel.bottom, stroke: 0xd00000,
                         strokeWidth: 3, attributes: ["class": "divergence", "data-tick": String(divergence)])
            picture.text("diverges at tick \(divergence)", x: min(x(divergence) + 6, right - 200), y: inputsPanel.top - 12, size: 14, fill: 0xd00000)
        }
        legend(&picture, lines: lines, data: data)
        return picture
    }

    /// One line per member (the first ``maxLines`` by total), the rest summed.
    static func lines(_ data: TimelineData) -> [(name: String, perSecond: [Int])] {
        let ranked = data.inputs.sorted { $0.perSecond.reduce(0, +) > $1.perSecond.reduce(0, +) }
        var lines = ranked.prefix(maxLines).map { (name: $0.member.rawValue, perSecond: $0.perSecond) }
        if ranked.count > maxLines {
            var others = Array(repeating: 0, count: ranked[0].perSecond.count)
            for member in ranked.dropFirst(maxLines) { for (index, count) in member.perSecond.enumerated() { others[index] += count } }
            lines.append(("\(ranked.count - maxLines) others", others))
        }
        return lines
    }

    private static func axes(
        _ picture: inout SVGDocument, panel: (top: Double, bottom: Double), maximum: Int, label: String, data: TimelineData,
        xSecond: (Double) -> Double
    ) {
        picture.beginGroup(["class": "axes"])
        picture.line(x1: left, y1: panel.bottom, x2: right, y2: panel.bottom, stroke: 0x000000, strokeWidth: 1)
        picture.line(x1: left, y1: panel.top, x2: left, y2: panel.bottom, stroke: 0x000000, strokeWidth: 1)
        picture.text(String(maximum), x: left - 8 - Double(String(maximum).count) * 8, y: panel.top + 5, size: 13, fill: 0x444444)
        picture.text("0", x: left - 16, y: panel.bottom + 4, size: 13, fill: 0x444444)
        picture.text(label, x: 8, y: (panel.top + panel.bottom) / 2, size: 13, fill: 0x444444)
        let seconds = Double(data.lastTick - data.firstTick) / Double(max(data.ticksPerSecond, 1))
        let step = niceStep(seconds / 8)
        var second = 0.0
        while second <= seconds + 1e-9, step > 0 {
            let at = xSecond(second)
            picture.line(x1: at, y1: panel.bottom, x2: at, y2: panel.bottom + 5, stroke: 0x000000, strokeWidth: 1)
            picture.text(timeLabel(second), x: at - 10, y: panel.bottom + 20, size: 12, fill: 0x444444)
            second += step
        }
        picture.endGroup()
    }

    private static func legend(_ picture: inout SVGDocument, lines: [(name: String, perSecond: [Int])], data: TimelineData) {
        picture.beginGroup(["class": "legend"])
        var column = 0
        var row = 0
        for (index, line) in lines.enumerated() {
            let x = left + Double(column) * 270
            let y = 545 + Double(row) * 20
            picture.rect(x: x, y: y - 10, width: 14, height: 10, fill: colors[index % colors.count])
            picture.text("\(line.name.prefix(20)) (\(line.perSecond.reduce(0, +)))", x: x + 20, y: y, size: 13, fill: 0x222222)
            column += 1
            if column == 4 { column = 0; row += 1 }
        }
        let operations = data.operations.map { "black dashes: operations/s (\($0.reduce(0, +)))" }
            ?? "operations: not counted (the kind is not in this program, or the session diverges)"
        let notes = [operations, "grey dashes: snapshots (\(data.snapshots.count))"] + (data.gapFromTick.map { ["shaded: recording gap from tick \($0)"] } ?? [])
            + (data.divergence.map { ["red: first diverging tick \($0)"] } ?? [])
        picture.text(notes.joined(separator: " · "), x: left, y: 630, size: 12, fill: 0x444444)
        picture.endGroup()
    }

    /// 1, 2, 5 × 10ⁿ seconds, at least `rough`.
    static func niceStep(_ rough: Double) -> Double {
        guard rough > 0, rough.isFinite else { return 1 }
        var magnitude = 1.0
        while magnitude * 10 <= rough { magnitude *= 10 }
        while magnitude > rough { magnitude /= 10 }
        for factor in [1.0, 2, 5, 10] where magnitude * factor >= rough { return magnitude * factor }
        return magnitude * 10
    }

    /// `45s`, `2m30s`, `1h05m`.
    static func timeLabel(_ seconds: Double) -> String {
        let whole = Int(seconds.rounded())
        if whole >= 3_600 { return "\(whole / 3_600)h" + (whole / 60 % 60 < 10 ? "0" : "") + "\(whole / 60 % 60)m" }
        if whole >= 60 { return "\(whole / 60)m" + (whole % 60 == 0 ? "" : "\(whole % 60)s") }
        if seconds < 10, seconds != seconds.rounded() { return SVGDocument.number(seconds) + "s" }
        return "\(whole)s"
    }
}
