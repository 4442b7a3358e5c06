import ArenaRoom
import Foundation
import RoomEngine
import Testing
import WhiteboardRoom

/// The CLI's pictures and the demo pages draw alike: the renderers'
/// colours and sizes are read back from the pages' drawing code
/// (Assets/js/canvas.js, replay.js, arena.js).
@Suite("Renderers agree with the pages")
struct PageAgreementTests {
    static let assets = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Assets/js")

    static func page(_ name: String) throws -> String {
        try String(contentsOf: assets.appendingPathComponent(name), encoding: .utf8)
    }

    @Test("arena colours, backgrounds, walls, stroke and shape widths")
    func constants() throws {
        let canvas = try Self.page("canvas.js")
        let line = try #require(canvas.split(separator: "\n").first { $0.contains("export const ARENA_COLORS") })
        let colors = line.split(separator: "[")[1].split(separator: "]")[0].split(separator: ",")
            .compactMap { UInt32($0.trimmingCharacters(in: .whitespaces).dropFirst(2), radix: 16) }
        #expect(colors == ArenaRenderer.colors)
        #expect(canvas.contains("g.lineWidth = stroke.width * 4;"), "strokes are width × 4 (WhiteboardRenderer)")
        #expect(canvas.contains("g.lineWidth = \(Int(WhiteboardRenderer.shapeWidth));"))
        let replay = try Self.page("replay.js")
        #expect(replay.contains("WHITEBOARD_SIZE, '\(SVGDocument.color(WhiteboardRenderer.background))'"))
        #expect(replay.contains("ARENA_GRID, '\(SVGDocument.color(ArenaRenderer.background))'"))
        #expect(replay.contains("arc(member.cursor.x, member.cursor.y, \(Int(WhiteboardRenderer.cursorRadius)),"))
        let arena = try Self.page("arena.js")
        #expect(arena.contains("g.fillStyle = '\(SVGDocument.color(ArenaRenderer.wallColor))';"))
        #expect(arena.contains("g.fillStyle = '\(SVGDocument.color(ArenaRenderer.pickupColor))';"))
        let walls = ArenaGeometry.walls.map { "[\($0.minX >> 8), \($0.minY >> 8), \($0.maxX >> 8), \($0.maxY >> 8)]" }.joined(separator: ", ")
        #expect(arena.contains("const WALLS = [\(walls)];"))
    }
}
