import ArenaRoom
import RoomEngine
import Testing
import WhiteboardRoom

/// The drawing code alone: states in, SVG text out, no files.
@Suite("Renderers (pure)")
struct RendererTests {
    @Test("numbers, colours and escaping as SVG writes them")
    func svgText() throws {
        #expect(SVGDocument.number(12) == "12" && SVGDocument.number(12.5) == "12.5" && SVGDocument.number(-0.25) == "-0.25")
        #expect(SVGDocument.number(0.05) == "0.05" && SVGDocument.number(1e20) == "1000000000000")
        #expect(SVGDocument.number(.nan) == "0")
        #expect(SVGDocument.color(0x00ff08) == "#00ff08" && SVGDocument.color(0) == "#000000")
        #expect(SVGDocument.escape("a<b & \"c\"\u{1}") == "a&lt;b &amp; &quot;c&quot;?")
        var picture = SVGDocument(viewBox: (0, 0, 10, 10), width: 40, height: 40, title: "<odd> & title")
        picture.text("x<y", x: 1, y: 2, size: 3, fill: 0xff0000, attributes: ["data-member": "\"quoted\""])
        let parsed = try #require(SVGElements(picture.text), "well-formed XML")
        #expect(parsed.named("title").first?.text == "<odd> & title")
        let text = try #require(parsed.named("text").first)
        #expect(text.text == "x<y" && text.attributes["data-member"] == "\"quoted\"" && text.attributes["fill"] == "#ff0000")
        #expect(parsed.named("svg").first?.attributes["viewBox"] == "0 0 10 10")
    }

    @Test("a whiteboard: strokes with their colours and widths, open strokes, shapes, cursors")
    func whiteboard() throws {
        var room = Room(id: "board", logic: WhiteboardLogic(), config: RoomConfig(), seed: 3)
        try room.join("alice")
        try room.join("bob")
        let inputs: [(MemberID, WhiteboardInput)] = [
            ("alice", .cursor(x: 100, y: 200)),
            ("alice", .beginStroke(id: 1, color: 0x112233, width: 3)),
            ("alice", .appendPoints(id: 1, points: [CanvasPoint(x: 10, y: 20), CanvasPoint(x: 30, y: 40), CanvasPoint(x: 50, y: 45)])),
            ("alice", .endStroke(id: 1)),
            ("bob", .beginStroke(id: 7, color: 0xabcdef, width: 2)),
            ("bob", .appendPoints(id: 7, points: [CanvasPoint(x: 4000, y: 4000), CanvasPoint(x: 4095, y: 0)])),
            ("bob", .addShape(Shape(id: 5, kind: .rectangle, bounds: ShapeBounds(from: CanvasPoint(x: 300, y: 400), to: CanvasPoint(x: 100, y: 500)), color: 0xff0000))),
            ("bob", .addShape(Shape(id: 6, kind: .ellipse, bounds: ShapeBounds(from: CanvasPoint(x: 0, y: 0), to: CanvasPoint(x: 200, y: 100)), color: 0x00ff00))),
            ("bob", .addShape(Shape(id: 8, kind: .line, bounds: ShapeBounds(from: CanvasPoint(x: 1, y: 2), to: CanvasPoint(x: 3, y: 4)), color: 0x0000ff))),
        ]
        for (member, input) in inputs {
            _ = try room.enqueue(input.encodedBytes(), from: member)
            _ = room.advance()
        }
        let state = room.state
        #expect(state.strokes.count == 1 && state.openStrokes.count == 1 && state.shapes.count == 3)
        let picture = WhiteboardRenderer().render(state, context: RenderContext(roomID: "board", kind: .whiteboard, tick: room.tick))
        #expect(picture.width == 1_024 && picture.height == 1_024)
        let svg = try #require(SVGElements(picture.text))
        #expect(svg.named("svg").first?.attributes["viewBox"] == "0 0 4096 4096")
        #expect(svg.named("title").first?.text == "whiteboard room board at tick \(room.tick)")
        #expect(svg.named("rect").first?.attributes["fill"] == "#fdfdf8")

        let lines = svg.named("polyline", in: "strokes")
        #expect(lines.count == 2)
        #expect(lines[0].attributes["points"] == "10,20 30,40 50,45")
        #expect(lines[0].attributes["stroke"] == "#112233" && lines[0].attributes["stroke-width"] == "12")
        #expect(lines[0].attributes["data-stroke"] == "\(state.member("alice")!.slot)/1" && lines[0].attributes["data-open"] == nil)
        #expect(lines[1].attributes["stroke"] == "#abcdef" && lines[1].attributes["data-open"] == "true")
        #expect(lines[1].attributes["points"] == "4000,4000 4095,0")

        let rectangle = try #require(svg.named("rect", in: "shapes").first)
        #expect(rectangle.attributes["x"] == "100" && rectangle.attributes["y"] == "400")
        #expect(rectangle.attributes["width"] == "200" && rectangle.attributes["height"] == "100")
        #expect(rectangle.attributes["stroke"] == "#ff0000" && rectangle.attributes["fill"] == "none")
        let ellipse = try #require(svg.named("ellipse", in: "shapes").first)
        #expect(ellipse.attributes["cx"] == "100" && ellipse.attributes["cy"] == "50" && ellipse.attributes["rx"] == "100" && ellipse.attributes["ry"] == "50")
        let line = try #require(svg.named("line", in: "shapes").first)
        #expect(line.attributes["x1"] == "1" && line.attributes["y2"] == "4" && line.attributes["stroke"] == "#0000ff")

        let cursors = svg.named("g", in: "cursors").filter { $0.attributes["class"] == "cursor" }
        #expect(cursors.map { $0.attributes["data-member"] } == ["alice"], "bob never moved his cursor")
        let dot = try #require(svg.named("circle", in: "cursor").first)
        #expect(dot.attributes["cx"] == "100" && dot.attributes["cy"] == "200")
        #expect(dot.attributes["fill"] == SVGDocument.color(state.member("alice")!.color))
        #expect(svg.named("text", in: "cursor").first?.text == "alice")
    }

    @Test("an arena: walls, pickups, players in their slots' colours, scores best first")
    func arena() throws {
        var room = Room(id: "field", logic: ArenaLogic(), config: RoomConfig(), seed: 9)
        try room.join("p1")
        try room.join("p2")
        _ = try room.enqueue(ArenaInput.move(dx: 1, dy: 0, buttons: 0).encodedBytes(), from: "p1")
        for _ in 0..<40 { _ = room.advance() }
        let state = room.state
        let picture = ArenaRenderer(pixels: 512).render(state, context: RenderContext(roomID: "field", kind: .arena, tick: room.tick))
        let svg = try #require(SVGElements(picture.text))
        #expect(svg.named("svg").first?.attributes["width"] == "512")
        let walls = svg.named("rect", in: "walls")
        #expect(walls.count == ArenaGeometry.walls.count)
        #expect(walls[0].attributes["x"] == "900" && walls[0].attributes["width"] == "300" && walls[0].attributes["fill"] == "#55607a")
        let pickups = svg.named("circle", in: "pickups")
        #expect(pickups.count == state.pickups.count && !pickups.isEmpty)
        #expect(pickups.map { $0.attributes["data-pickup"] } == state.pickups.map { String($0.id) })
        let players = svg.named("circle", in: "player")
        #expect(players.count == 2)
        for (circle, player) in zip(players, state.players) {
            #expect(circle.attributes["cx"] == SVGDocument.number(Double(player.x) / 256))
            #expect(circle.attributes["cy"] == SVGDocument.number(Double(player.y) / 256))
            #expect(circle.attributes["fill"] == SVGDocument.color(ArenaRenderer.color(slot: player.slot)))
        }
        let scores = svg.named("text", in: "scores")
        let ranked = state.players.sorted { ($0.score, $1.slot) > ($1.score, $0.slot) }
        #expect(scores.map { $0.attributes["data-member"] } == ranked.map(\.member.rawValue))
        #expect(scores.map { $0.attributes["data-score"] } == ranked.map { String($0.score) })
        #expect(scores.first?.text.hasPrefix("1. ") == true)
    }

    @Test("a kind's entry carries its renderer; a kind without one says so")
    func entries() throws {
        #expect(RoomKindEntry.whiteboard.canRender && RoomKindEntry.arena.canRender)
        let room = Room(id: "b", logic: WhiteboardLogic(), config: RoomConfig(), seed: 1)
        let picture = try #require(try RoomKindEntry.whiteboard.render(room.snapshot()))
        #expect(picture.text.hasPrefix("<svg "))
        let plain = RoomKindEntry(WhiteboardLogic())
        #expect(!plain.canRender)
        let nothing = try plain.render(room.snapshot())
        #expect(nothing == nil)
        var broken = room.snapshot()
        broken.state = [0xff]
        #expect(throws: RoomError.self) { try RoomKindEntry.whiteboard.render(broken) }
    }
}
