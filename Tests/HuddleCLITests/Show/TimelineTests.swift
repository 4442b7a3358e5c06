import CounterRoom
import Foundation
@testable import HuddleCLI
import HuddleRooms
import RoomEngine
import Synchronization
import Testing

/// `huddle show ID --timeline FILE.svg`: the chart from data (pure) and from a recorded session.
@Suite("Timeline chart")
struct TimelineTests {
    static let data = TimelineData(
        firstTick: 0, lastTick: 100, ticksPerSecond: 10,
        inputs: [("alice", [1, 0, 5, 2, 0, 0, 0, 0, 0, 3]), ("bob", [0, 0, 0, 0, 0, 0, 0, 0, 0, 1])],
        operations: [1, 0, 4, 2, 0, 0, 0, 0, 0, 3],
        present: [(0, 0), (5, 2), (50, 1)], snapshots: [40, 80], gapFromTick: 90, divergence: 70, title: "session 1: test"
    )

    @Test("inputs per second by member, members present, snapshots, gap and divergence")
    func chart() throws {
        let svg = try #require(SVGElements(TimelineChart.render(Self.data).text))
        let lines = svg.named("polyline", in: "inputs")
        #expect(lines.map { $0.attributes["data-member"] } == ["alice", "bob"])
        let alice = try #require(lines.first?.attributes["points"]).split(separator: " ")
        #expect(alice.count == 10)
        // The busiest second (5 inputs) is at the top of the panel; idle seconds on its axis.
        #expect(alice[2].hasSuffix(",\(SVGDocument.number(TimelineChart.inputsPanel.top))"))
        #expect(alice[1].hasSuffix(",\(SVGDocument.number(TimelineChart.inputsPanel.bottom))"))
        let operations = try #require(svg.named("polyline", in: "operations").first?.attributes["points"]).split(separator: " ")
        #expect(operations.count == 10 && operations[1].hasSuffix(",\(SVGDocument.number(TimelineChart.inputsPanel.bottom))"))
        #expect(svg.named("line", in: "snapshots").map { $0.attributes["data-tick"] } == ["40", "80"])
        let gap = try #require(svg.elements.first { $0.attributes["class"] == "gap" })
        #expect(gap.attributes["data-tick"] == "90")
        let gapX = try #require(Double(gap.attributes["x"] ?? ""))
        #expect(abs(gapX - (TimelineChart.left + (TimelineChart.right - TimelineChart.left) * 0.9)) < 0.01)
        #expect(svg.elements.first { $0.attributes["class"] == "divergence" }?.attributes["data-tick"] == "70")
        let present = try #require(svg.named("polyline", in: "present").first?.attributes["points"]).split(separator: " ")
        #expect(present.count == 6, "0 from the start, 0 → 2 at tick 5, 2 → 1 at tick 50, then on to the end")
        let legend = svg.named("text", in: "legend").map(\.text)
        #expect(legend.contains("alice (11)") && legend.contains("bob (1)"))
    }

    @Test("time labels and axis steps")
    func labels() {
        #expect(TimelineChart.niceStep(7) == 10 && TimelineChart.niceStep(0.3) == 0.5 && TimelineChart.niceStep(120) == 200)
        #expect(TimelineChart.timeLabel(45) == "45s" && TimelineChart.timeLabel(150) == "2m30s" && TimelineChart.timeLabel(3_900) == "1h05m")
    }

    @Test("show --timeline draws a recorded session; --verify finds no divergence in a good one")
    func command() async throws {
        let directory = try TemporaryDirectory()
        let db = directory.path("counter.sqlite")
        #expect(await CLIRun.huddle(["sessions", "synthesize", "--room-kind", "counter", "--members", "3", "--ticks", "650",
                                     "--snapshot-interval", "200", "--db", db]).code == 0)
        let file = directory.path("timeline.svg")
        let run = await CLIRun.huddle(["show", "1", "--timeline", file, "--verify", "--db", db])
        #expect(run.code == 0, "\(run.diagnostics)")
        #expect(run.results.contains("timeline: wrote \(file); verified, no divergence"))
        let svg = try #require(SVGElements(try String(contentsOfFile: file, encoding: .utf8)))
        #expect(Set(svg.named("polyline", in: "inputs").compactMap { $0.attributes["data-member"] }) == ["bot-0-0", "bot-0-1", "bot-0-2"])
        #expect(svg.named("line", in: "snapshots").map { $0.attributes["data-tick"] } == ["200", "400", "600"])
        #expect(svg.elements.first { $0.attributes["class"] == "divergence" } == nil)
        let operations = try #require(svg.named("polyline", in: "operations").first?.attributes["points"])
        #expect(operations.split(separator: " ").count == 65, "650 ticks at 10 Hz: 65 seconds")
        #expect(svg.named("text", in: "legend").contains { $0.text.contains("black dashes: operations/s (") })
        #expect(svg.elements.first { $0.attributes["class"] == "gap" } == nil)
        #expect(await CLIRun.huddle(["show", "1", "--verify", "--db", db]).code == 64)
        #expect(await CLIRun.huddle(["show", "1", "--timeline", directory.path("t.png"), "--db", db]).code == 64)
    }

    @Test("show --timeline --verify marks the first diverging tick of a session that diverges")
    func divergence() async throws {
        let directory = try TemporaryDirectory()
        let db = directory.path("counter.sqlite")
        #expect(await CLIRun.huddle(["sessions", "synthesize", "--room-kind", "counter", "--ticks", "300", "--db", db]).code == 0)
        let file = directory.path("timeline.svg")
        let results = Mutex("")
        let output = CommandOutput(results: { text in results.withLock { $0 += text } }, diagnostics: { _ in })
        let code = await HuddleCommand.run(["show", "1", "--timeline", file, "--verify", "--db", db], kinds: .builtIn + [.counter],
                                           storage: DivergentStorage(tick: 123), output: output)
        #expect(code == 0)
        #expect(results.withLock { $0 }.contains("timeline: wrote \(file); diverges at tick 123"))
        let svg = try #require(SVGElements(try String(contentsOfFile: file, encoding: .utf8)))
        #expect(svg.elements.first { $0.attributes["class"] == "divergence" }?.attributes["data-tick"] == "123")
        #expect(svg.named("polyline", in: "operations").isEmpty, "a diverging session's operations are not counted")
    }
}
