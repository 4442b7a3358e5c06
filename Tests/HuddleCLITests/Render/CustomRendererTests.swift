import CounterRoom
import Foundation
import HuddleRooms
import RoomEngine
import Testing

/// A renderer a kind brings along: the counter (a kind from outside
/// Huddle) with a picture of its total and tallies, drawn by `huddle render`
/// like the built-ins once its entry carries it.
@Suite("A custom kind's renderer")
struct CustomRendererTests {
    struct CounterPicture: RoomRenderer {
        typealias Logic = CounterLogic

        func render(_ state: CounterState, context: RenderContext) -> SVGDocument {
            var picture = SVGDocument(viewBox: (0, 0, 400, 200), width: 400, height: 200, title: context.title)
            picture.text("total \(state.total)", x: 20, y: 60, size: 40, fill: 0x000000, attributes: ["data-total": String(state.total)])
            for (index, tally) in state.tallies.enumerated() {
                picture.rect(x: 20 + Double(index) * 30, y: 180 - Double(tally.count), width: 20, height: Double(tally.count),
                             fill: 0x4363d8, attributes: ["data-member": tally.member.rawValue])
            }
            return picture
        }
    }

    @Test("render uses the renderer on the kind's entry")
    func custom() async throws {
        let entry = RoomKindEntry(CounterLogic(), syntheticMembers: { members, seed in CounterBots(members: members, seed: seed) },
                                  renderer: CounterPicture())
        let kinds: RoomKindCatalog = .builtIn + [entry]
        let directory = try TemporaryDirectory()
        let db = directory.path("counter.sqlite")
        #expect(await CLIRun.huddle(["sessions", "synthesize", "--room-kind", "counter", "--members", "3", "--ticks", "100",
                                     "--db", db], kinds: kinds).code == 0)
        let file = directory.path("counter.svg")
        let run = await CLIRun.huddle(["render", "1", "--tick", "50", "--output", file, "--db", db], kinds: kinds)
        #expect(run.code == 0, "\(run.diagnostics)")
        let svg = try #require(SVGElements(try String(contentsOfFile: file, encoding: .utf8)))
        #expect(svg.named("title").first?.text == "counter room synthetic-0 at tick 50")
        let total = try #require(svg.named("text").first { $0.attributes["data-total"] != nil })
        // Every fifth tick one bot adds 1…3: nine or ten adds by tick 50.
        let value = try #require(Int(total.attributes["data-total"] ?? ""))
        #expect((9...30).contains(value) && total.text == "total \(value)")
        #expect(svg.named("rect").compactMap { $0.attributes["data-member"] }.sorted() == ["bot-0-0", "bot-0-1", "bot-0-2"])
        // The same program without the renderer refuses (exit 5).
        let plain = await CLIRun.huddle(["render", "1", "--output", file, "--db", db])
        #expect(plain.code == 5 && plain.diagnostics.contains("has no renderer"))
    }
}
