import CounterRoom
import Foundation
import HuddleCLI
import HuddleRooms
import RoomEngine
import Testing

/// A kind defined outside Huddle (Tests/CounterRoom), registered once in
/// the catalog handed to the CLI library: every command knows it.
@Suite("A custom room kind through the whole command line")
struct CustomKindTests {
    @Test("recorded by synthesize, listed, shown, replayed, verified and exported like the built-ins")
    func roundTrip() async throws {
        let directory = try TemporaryDirectory()
        let db = directory.path("counter.sqlite")
        let synthesized = await CLIRun.huddle(["sessions", "synthesize", "--room-kind", "counter", "--members", "3",
                                               "--ticks", "650", "--snapshot-interval", "200", "--db", db])
        #expect(synthesized.code == 0, "\(synthesized.diagnostics)")
        #expect(synthesized.results.contains("0 dropped"))

        let listed = await CLIRun.huddle(["sessions", "--json", "--db", db])
        #expect(listed.code == 0)
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(listed.results.utf8)) as? [[String: Any]])
        #expect(rows.count == 1 && rows[0]["kind"] as? String == "counter" && rows[0]["ticks"] as? Int == 650)

        let shown = await CLIRun.huddle(["show", "1", "--db", db])
        #expect(shown.code == 0)
        #expect(shown.results.contains("counter, logic v1, replayable"))
        #expect(shown.results.contains("members (3):") && shown.results.contains("snapshots (3):"))
        #expect(shown.results.contains("of ticks"), "the counter's 10 Hz rate gives the game time")

        let replayed = await CLIRun.huddle(["replay", "1", "--from", "401", "--to", "420", "--quiet", "--db", db])
        #expect(replayed.code == 0, "\(replayed.diagnostics)")
        #expect(replayed.results.contains("add("), "inputs are decoded by the counter's own types")
        #expect(replayed.results.contains("from the snapshot at tick 400") && replayed.results.contains("every hash matched"))

        let verified = await CLIRun.huddle(["verify", "1", "--db", db])
        #expect(verified.code == 0, "\(verified.diagnostics)")
        #expect(verified.results.contains("verified ticks 1…650 (650 ticks, 3 snapshots, final hash)"))
        #expect(verified.results.contains("; complete"))

        let exported = await CLIRun.huddle(["export", "1", "--states", "300", "--db", db])
        #expect(exported.code == 0, "\(exported.diagnostics)")
        let lines = try exported.lines.map { try #require(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
        #expect(lines.first?["type"] as? String == "session" && lines.last?["type"] as? String == "end")
        #expect(lines.filter { $0["type"] as? String == "state" }.map { $0["tick"] as? Int } == [300, 600, 650])
        let inputs = lines.compactMap { $0["inputs"] as? [[String: Any]] }.flatMap { $0 }
        #expect(!inputs.isEmpty && inputs.allSatisfy { ($0["input"] as? String)?.hasPrefix("add(") == true })
    }

    @Test("a program without the kind lists and shows its recordings but cannot replay them (exit 5)")
    func unknownToAnotherProgram() async throws {
        let directory = try TemporaryDirectory()
        let db = directory.path("counter.sqlite")
        #expect(await CLIRun.huddle(["sessions", "synthesize", "--room-kind", "counter", "--ticks", "50", "--db", db]).code == 0)
        let builtInOnly = RoomKindCatalog.builtIn
        #expect(await CLIRun.huddle(["sessions", "--db", db], kinds: builtInOnly).results.contains("counter"))
        let shown = await CLIRun.huddle(["show", "1", "--db", db], kinds: builtInOnly)
        #expect(shown.code == 0 && shown.results.contains("NOT in this build"))
        for command in [["verify", "1"], ["replay", "1"]] {
            let run = await CLIRun.huddle(command + ["--db", db], kinds: builtInOnly)
            #expect(run.code == 5, "\(command)")
            #expect(run.diagnostics.contains("no logic for room kind 'counter'"))
        }
        let exported = await CLIRun.huddle(["export", "1", "--db", db], kinds: builtInOnly)
        #expect(exported.code == 0, "export keeps the raw bytes of inputs it cannot decode")
        #expect(!exported.results.contains("\"input\""))
    }
}
