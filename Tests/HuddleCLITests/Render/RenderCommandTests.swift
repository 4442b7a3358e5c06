import ArenaRoom
import Foundation
@testable import HuddleCLI
import HuddleRooms
import RoomEngine
import SnapshotStore
import SQLiteSnapshotStore
import Testing
import WhiteboardRoom

/// `huddle render` on sessions the tests record with `sessions synthesize`:
/// the files' structure is checked against the state re-simulated here.
@Suite("huddle render")
struct RenderCommandTests {
    /// The state of session 1 at `tick`, re-simulated by the library.
    static func snapshot(_ db: String, at tick: UInt64) throws -> RoomSnapshot {
        let store = try SQLiteSessionStore.open(path: db)
        return try SessionReplayer(store: store, kinds: .builtIn).snapshot(of: 1, at: tick)
    }

    @Test("a whiteboard at a tick as SVG: the renderer's picture of the replayed state, element for element")
    func whiteboardSVG() async throws {
        let directory = try TemporaryDirectory()
        let db = directory.path("board.sqlite")
        let made = await CLIRun.huddle(["sessions", "synthesize", "--room-kind", "whiteboard", "--members", "4", "--ticks", "900",
                                        "--snapshot-interval", "300", "--db", db])
        #expect(made.code == 0, "\(made.diagnostics)")
        let file = directory.path("board.svg")
        let run = await CLIRun.huddle(["render", "1", "--tick", "450", "--output", file, "--db", db])
        #expect(run.code == 0, "\(run.diagnostics)")
        #expect(run.results == "session 1 (whiteboard) at tick 450: wrote \(file)\n")

        let text = try String(contentsOfFile: file, encoding: .utf8)
        let snapshot = try Self.snapshot(db, at: 450)
        #expect(snapshot.tick == 450)
        let state = try WhiteboardState.decodeState(snapshot.state)
        let expected = WhiteboardRenderer().render(state, context: RenderContext(roomID: snapshot.roomID, kind: .whiteboard, tick: 450))
        #expect(text == expected.text, "the CLI writes exactly the renderer's picture")

        let svg = try #require(SVGElements(text))
        #expect(svg.named("title").first?.text == "whiteboard room synthetic-0 at tick 450")
        let drawnStrokes = (state.strokes + state.openStrokes).filter { !$0.points.isEmpty }
        #expect(!drawnStrokes.isEmpty, "the bots draw within 450 ticks")
        let marks = svg.elements.filter { $0.attributes["data-stroke"] != nil }
        #expect(marks.count == drawnStrokes.count)
        for (mark, stroke) in zip(marks, drawnStrokes) {
            #expect(mark.attributes["data-stroke"] == "\(stroke.authorSlot)/\(stroke.id)")
            #expect((mark.attributes["stroke"] ?? mark.attributes["fill"]) == SVGDocument.color(stroke.color))
            #expect(mark.name == (stroke.points.count == 1 ? "circle" : "polyline"))
        }
        #expect(marks.filter { $0.attributes["data-open"] == "true" }.count == state.openStrokes.filter { !$0.points.isEmpty }.count)
        #expect(svg.elements.filter { $0.attributes["data-shape"] != nil }.count == state.shapes.count)
        let cursors = svg.elements.filter { $0.name == "g" && $0.attributes["class"] == "cursor" }
        #expect(cursors.map { $0.attributes["data-member"] } == state.members.filter { $0.cursor != nil }.map(\.id.rawValue))
        #expect(!cursors.isEmpty)

        // By default the last tick; --at counts game time (the whiteboard ticks 20 times a second).
        let last = await CLIRun.huddle(["render", "1", "--output", file, "--db", db])
        #expect(last.results.contains("at tick 900"))
        let atTime = await CLIRun.huddle(["render", "1", "--at", "10s", "--output", file, "--db", db])
        #expect(atTime.code == 0 && atTime.results.contains("at tick 200"), "\(atTime.results)")
    }

    @Test("an arena as PNG: size, walls, background and a player's colour at known pixels")
    func arenaPNG() async throws {
        let directory = try TemporaryDirectory()
        let db = directory.path("arena.sqlite")
        let made = await CLIRun.huddle(["sessions", "synthesize", "--room-kind", "arena", "--members", "3", "--ticks", "300", "--db", db])
        #expect(made.code == 0, "\(made.diagnostics)")
        let file = directory.path("arena.png")
        let run = await CLIRun.huddle(["render", "1", "--tick", "240", "--output", file, "--width", "256", "--db", db])
        #expect(run.code == 0, "\(run.diagnostics)")
        let image = try PNGImage(Array(try Data(contentsOf: URL(fileURLWithPath: file))))
        #expect(image.width == 256 && image.height == 256)
        // 16 units a pixel: the walls' centres.
        #expect(image.rgb(65, 65) == ArenaRenderer.wallColor)
        #expect(image.rgb(128, 128) == ArenaRenderer.wallColor)

        let state = try ArenaState.decodeState(try Self.snapshot(db, at: 240).state)
        let things = state.players.map { (Double($0.x) / 256, Double($0.y) / 256, 28.0 + 400) }
            + state.pickups.map { (Double($0.x) / 256, Double($0.y) / 256, 16.0 + 32) }
        func clear(_ px: Int, _ py: Int) -> Bool {
            let (x, y) = (Double(px) * 16 + 8, Double(py) * 16 + 8)
            let inWall = ArenaGeometry.walls.contains { Double($0.minX) / 256 - 32 <= x && x <= Double($0.maxX) / 256 + 32
                && Double($0.minY) / 256 - 32 <= y && y <= Double($0.maxY) / 256 + 32 }
            let inScores = x < 1_600 && y < 600
            return !inWall && !inScores && things.allSatisfy { ($0.0 - x) * ($0.0 - x) + ($0.1 - y) * ($0.1 - y) > $0.2 * $0.2 }
        }
        let background = try #require([(250, 250), (200, 40), (40, 200), (128, 250), (250, 128), (5, 250)].first { clear($0.0, $0.1) })
        #expect(image.rgb(background.0, background.1) == ArenaRenderer.background)
        // The last player drawn is on top of the others at its centre.
        let player = try #require(state.players.last)
        let (px, py) = (Int(Double(player.x) / 256 / 16), Int(Double(player.y) / 256 / 16))
        if !(Double(px) * 16 < 1_600 && Double(py) * 16 < 600) {
            #expect(image.rgb(px, py) == ArenaRenderer.color(slot: player.slot))
        }
    }

    @Test("frames: a numbered sequence every N ticks and the last tick")
    func frames() async throws {
        let directory = try TemporaryDirectory()
        let db = directory.path("board.sqlite")
        #expect(await CLIRun.huddle(["sessions", "synthesize", "--members", "2", "--ticks", "450", "--db", db]).code == 0)
        let folder = directory.path("frames")
        let run = await CLIRun.huddle(["render", "1", "--frames", folder, "--every", "100", "--progress", "--db", db])
        #expect(run.code == 0, "\(run.diagnostics)")
        #expect(run.results.contains("wrote 5 frames (ticks 100…450, every 100)"))
        let names = try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
        #expect(names == (1...5).map { "frame-00000\($0).svg" })
        let titles = try names.map { name in
            try #require(SVGElements(try String(contentsOfFile: folder + "/" + name, encoding: .utf8))).named("title").first?.text ?? ""
        }
        #expect(titles.map { $0.split(separator: " ").last.map(String.init) } == ["100", "200", "300", "400", "450"])
        #expect(run.diagnostics.contains("5/5 frames"), "--progress draws the bar: \(run.diagnostics)")
        let quiet = await CLIRun.huddle(["render", "1", "--frames", folder, "--every", "100", "--db", db])
        #expect(quiet.diagnostics.isEmpty, "no bar when stderr is not a terminal")

        let pngs = directory.path("pngs")
        let raster = await CLIRun.huddle(["render", "1", "--frames", pngs, "--every", "300", "--format", "png", "--width", "64", "--db", db])
        #expect(raster.code == 0 && raster.results.contains("wrote 2 frames (ticks 300…450, every 300)"), "\(raster.diagnostics)")
        for name in ["frame-000001.png", "frame-000002.png"] {
            let image = try PNGImage(Array(try Data(contentsOf: URL(fileURLWithPath: pngs + "/" + name))))
            #expect(image.width == 64 && image.height == 64)
            #expect(image.rgb(63, 63) == WhiteboardRenderer.background, "the bots draw near the middle")
        }
    }

    @Test("--animate: a looping animated WebP, one frame every N ticks, timed by the kind's tick rate and --speed")
    func animation() async throws {
        let directory = try TemporaryDirectory()
        let db = directory.path("board.sqlite")
        #expect(await CLIRun.huddle(["sessions", "synthesize", "--members", "2", "--ticks", "450", "--db", db]).code == 0)
        let file = directory.path("board.webp")
        let run = await CLIRun.huddle(["render", "1", "--animate", file, "--every", "150", "--speed", "2", "--width", "64", "--db", db])
        #expect(run.code == 0, "\(run.diagnostics)")
        // 150 whiteboard ticks are 7.5 s of game time: 3.75 s a frame at twice the speed.
        #expect(run.results.contains("wrote 3 frames, 3750 ms each, to \(file)"), "\(run.results)")
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: file)))
        #expect(String(decoding: bytes[0..<4], as: UTF8.self) == "RIFF" && String(decoding: bytes[8..<12], as: UTF8.self) == "WEBP")
        var chunks: [String] = []
        var offset = 12
        while offset + 8 <= bytes.count {
            chunks.append(String(decoding: bytes[offset..<(offset + 4)], as: UTF8.self))
            let size = Int(bytes[offset + 4]) | Int(bytes[offset + 5]) << 8 | Int(bytes[offset + 6]) << 16 | Int(bytes[offset + 7]) << 24
            offset += 8 + size + size % 2
        }
        #expect(chunks.first == "VP8X" && chunks.contains("ANIM"))
        #expect(chunks.filter { $0 == "ANMF" }.count == 3)
        #expect(Animation.frameMilliseconds(every: 1, ticksPerSecond: 30, speed: 64) == 20, "at least 20 ms")
        #expect(await CLIRun.huddle(["render", "1", "--animate", directory.path("b.gif"), "--db", db]).code == 64)
        #expect(await CLIRun.huddle(["render", "1", "--output", directory.path("b.svg"), "--speed", "2", "--db", db]).code == 64)
    }

    @Test("--at a wall-clock time: the last tick recorded by then; before the session, its start")
    func wallClock() async throws {
        let directory = try TemporaryDirectory()
        let db = directory.path("board.sqlite")
        #expect(await CLIRun.huddle(["sessions", "synthesize", "--members", "2", "--ticks", "100", "--db", db]).code == 0)
        let file = directory.path("b.svg")
        let later = await CLIRun.huddle(["render", "1", "--at", "2999-01-01T00:00:00Z", "--output", file, "--db", db])
        #expect(later.code == 0 && later.results.contains("at tick 100"), "\(later.results)\(later.diagnostics)")
        let earlier = await CLIRun.huddle(["render", "1", "--at", "2000-01-01", "--output", file, "--db", db])
        #expect(earlier.code == 0 && earlier.results.contains("at tick 0"), "\(earlier.results)\(earlier.diagnostics)")
        let svg = try #require(SVGElements(try String(contentsOfFile: file, encoding: .utf8)))
        #expect(svg.elements.filter { $0.attributes["data-stroke"] != nil }.isEmpty, "nothing drawn before the first tick")
    }

    @Test("errors: a kind without a renderer, a tick past the end, a file that is not .svg or .png")
    func errors() async throws {
        let directory = try TemporaryDirectory()
        let db = directory.path("counter.sqlite")
        #expect(await CLIRun.huddle(["sessions", "synthesize", "--room-kind", "counter", "--ticks", "50", "--db", db]).code == 0)
        let counter = await CLIRun.huddle(["render", "1", "--output", directory.path("c.svg"), "--db", db])
        #expect(counter.code == 5)
        #expect(counter.diagnostics.contains("room kind 'counter' has no renderer"))
        let board = directory.path("board.sqlite")
        #expect(await CLIRun.huddle(["sessions", "synthesize", "--ticks", "50", "--db", board]).code == 0)
        let late = await CLIRun.huddle(["render", "1", "--tick", "51", "--output", directory.path("b.svg"), "--db", board])
        #expect(late.code == 64 && late.diagnostics.contains("past the last replayable tick 50"))
        for arguments in [["--output", "b.gif"], [], ["--output", "b.svg", "--frames", "f"], ["--output", "b.svg", "--tick", "1", "--at", "2s"],
                          ["--output", "b.svg", "--at", "soon"], ["--frames", "f", "--every", "0"],
                          ["--output", "b.svg", "--format", "png"], ["--output", "b.svg", "--every", "5"]] {
            let run = await CLIRun.huddle(["render", "1"] + arguments + ["--db", board])
            #expect(run.code == 64, "\(arguments)")
        }
        let missing = await CLIRun.huddle(["render", "2", "--output", directory.path("b.svg"), "--db", board])
        #expect(missing.code == 3)
    }
}
