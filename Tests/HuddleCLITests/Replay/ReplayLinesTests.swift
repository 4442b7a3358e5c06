@testable import HuddleCLI
import RoomEngine
import SnapshotStore
import Testing

/// `huddle replay`'s lines: idle stretches collapsed, `--verbose`, the summary.
@Suite("Replay lines")
struct ReplayLinesTests {
    static func tick(_ number: UInt64, _ members: [MemberID]) -> TimelineEntry {
        let inputs = members.enumerated().map { RecordedInput(member: $0.element, sequence: UInt64($0.offset), bytes: [1]) }
        return .tick(StoredTick(tick: RecordedTick(roomID: "r", tick: number, inputs: inputs, stateHash: number), recordedAt: 0))
    }

    static let entries: [TimelineEntry] = [tick(1, ["a"])] + (2...5).map { tick($0, []) }
        + [.membership(MembershipEvent(member: "b", joined: true, afterTick: 5, metadata: [:], at: 0)), tick(6, [])]
        + [tick(7, ["a", "b"])] + (8...9).map { tick($0, []) }

    static func run(_ mode: ReplayLines.Mode) -> (lines: [String], summary: String) {
        var lines = ReplayLines(mode: mode)
        var out: [String] = []
        for entry in entries {
            let count = if case .tick(let stored) = entry { stored.tick.inputs.count } else { 0 }
            out += lines.add(entry, inputDescriptions: Array(repeating: "x", count: count))
        }
        out += lines.finish()
        return (out, lines.summary)
    }

    @Test("idle stretches are one line; joins end a stretch; one idle tick says tick N")
    func collapsed() {
        let (lines, summary) = Self.run(.collapsed)
        #expect(lines.map { $0.split(separator: "\n")[0].split(separator: " ").prefix(2).joined(separator: " ") } == [
            "tick 1", "ticks 2-5:", "+ b", "tick 6:", "tick 7", "ticks 8-9:",
        ])
        #expect(lines[1] == "ticks 2-5: no input" && lines[3] == "tick 6: no input" && lines[5] == "ticks 8-9: no input")
        #expect(lines[4].contains("2 inputs\n        a #0 x\n        b #1 x"))
        #expect(summary == "summary: 9 ticks (7 without input), 3 inputs (a 2, b 1), 1 joined; busiest tick 7 (2 inputs)")
    }

    @Test("--verbose prints every tick; --quiet only ticks with inputs")
    func verboseAndQuiet() {
        let verbose = Self.run(.verbose).lines
        #expect(verbose.filter { $0.hasPrefix("tick ") }.count == 9 && !verbose.contains { $0.contains("no input") })
        let quiet = Self.run(.inputsOnly).lines
        #expect(quiet.filter { $0.hasPrefix("tick") }.count == 2 && quiet.count == 3)
    }

    @Test("the command collapses a synthesized session's idle ticks and ends with the summary")
    func command() async throws {
        let directory = try TemporaryDirectory()
        let db = directory.path("counter.sqlite")
        #expect(await CLIRun.huddle(["sessions", "synthesize", "--room-kind", "counter", "--members", "2", "--ticks", "60", "--db", db]).code == 0)
        let collapsed = await CLIRun.huddle(["replay", "1", "--db", db])
        #expect(collapsed.code == 0, "\(collapsed.diagnostics)")
        let verbose = await CLIRun.huddle(["replay", "1", "--verbose", "--db", db])
        #expect(verbose.lines.filter { $0.hasPrefix("tick ") && !$0.hasSuffix("no input") }.count == 60)
        let busy = verbose.lines.filter { $0.hasPrefix("tick ") && !$0.hasSuffix(" 0 inputs") }.count
        #expect(busy < 60, "the counter's bots are idle on some ticks")
        #expect(collapsed.lines.contains { $0.hasPrefix("ticks ") && $0.hasSuffix(": no input") })
        #expect(collapsed.lines.count < verbose.lines.count)
        let summary = try #require(collapsed.lines.first { $0.hasPrefix("summary: 60 ticks") })
        #expect(summary.contains("without input") && summary.contains("2 joined"))
        #expect(collapsed.lines.last?.hasPrefix("replayed ticks 1…60") == true)
        #expect(await CLIRun.huddle(["replay", "1", "--quiet", "--verbose", "--db", db]).code == 64)
    }
}
