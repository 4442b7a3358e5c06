@testable import HuddleCLI
import Testing

/// Progress bars on stderr: their text, and which commands draw them when.
@Suite("Progress bars")
struct ProgressTests {
    @Test("done/total, rate and time left")
    func line() {
        let text = ProgressBar.line(label: "session 3", unit: "ticks", done: 1_200, total: 2_400, seconds: 2)
        #expect(text == "session 3 [###############---------------] 50% 1200/2400 ticks 600/s 0:02 left")
        #expect(ProgressBar.line(label: "x", unit: "frames", done: 0, total: 10, seconds: 0) == "x [------------------------------] 0% 0/10 frames")
        #expect(ProgressBar.compact(51_234) == "51k" && ProgressBar.compact(2_345_678) == "2.3M" && ProgressBar.compact(4.25) == "4.2")
        #expect(ProgressBar.clock(3_723) == "1:02:03" && ProgressBar.clock(7.2) == "0:08")
    }

    @Test("verify and export draw it with --progress, never with --quiet, not when stderr is no terminal")
    func commands() async throws {
        let directory = try TemporaryDirectory()
        let db = directory.path("counter.sqlite")
        #expect(await CLIRun.huddle(["sessions", "synthesize", "--room-kind", "counter", "--ticks", "300", "--db", db]).code == 0)
        for command in [["verify", "1"], ["export", "1", "-o", directory.path("out.jsonl")]] {
            let shown = await CLIRun.huddle(command + ["--progress", "--db", db])
            #expect(shown.code == 0, "\(command): \(shown.diagnostics)")
            #expect(shown.diagnostics.contains("100% 300/300 ticks") && shown.diagnostics.hasSuffix("\n"), "\(command): \(shown.diagnostics)")
            let plain = await CLIRun.huddle(command + ["--db", db])
            #expect(plain.code == 0 && plain.diagnostics.isEmpty, "\(command)")
            let quiet = await CLIRun.huddle(command + ["--quiet", "--db", db])
            #expect(quiet.code == 0 && quiet.diagnostics.isEmpty, "\(command)")
            #expect(await CLIRun.huddle(command + ["--quiet", "--progress", "--db", db]).code == 64)
        }
        #expect(await CLIRun.huddle(["sessions", "synthesize", "--room-kind", "counter", "--ticks", "200", "--db", db]).code == 0)
        let all = await CLIRun.huddle(["verify", "--all", "--progress", "--db", db])
        #expect(all.code == 0)
        #expect(all.diagnostics.contains("session 1 (1/2) [") && all.diagnostics.contains("session 2 (2/2) ["), "\(all.diagnostics)")
    }
}
