import HuddleRooms
import Testing

/// Option values are typed (ArgumentParser's `ExpressibleByArgument`): a
/// bad value is a usage error (exit 64, with the usage on stderr) before
/// any command runs.
@Suite("Typed options")
struct TypedOptionTests {
    @Test("bad values are usage errors", arguments: [
        ["serve", "--log-level", "loud"],
        ["serve", "--keep-days", "-1"],
        ["serve", "--cors-origin", "example.com"],
        ["serve", "--tls-cert", "cert.pem"],
        ["serve", "--tls-key", "key.pem"],
        ["serve", "--tls-cert", "/nonexistent/cert.pem", "--tls-key", "/nonexistent/key.pem"],
        ["serve", "--cors-origin", "https://example.com/app"],
        ["sessions", "--status", "done"],
        ["sessions", "--since", "yesterday-ish"],
        ["sessions", "--until", ""],
        ["sessions", "--limit", "-3"],
        ["export", "1", "--states", "sometimes"],
        ["export", "1", "--states", "0"],
        ["export", "1", "--format", "csv"],
        ["sessions", "synthesize", "--room-kind", "chess"],
        ["sessions", "synthesize", "--durability", "maybe"],
        ["replay", "1", "--speed", "-2"],
        ["replay", "1", "--as", "alice"],
        ["verify"],
        ["show", "abc"],
    ])
    func badValues(_ arguments: [String]) async throws {
        let directory = try TemporaryDirectory()
        let run = await CLIRun.huddle(arguments + ["--db", directory.path("none.sqlite")])
        #expect(run.code == 64, "\(arguments): \(run.diagnostics)")
        #expect(run.diagnostics.contains("Usage:") || run.diagnostics.contains("USAGE:") || run.diagnostics.contains("Error:"))
        #expect(run.results.isEmpty)
    }

    @Test("help names the values an option takes, and the kinds of the catalog")
    func help() async {
        let serve = await CLIRun.huddle(["serve", "--help"])
        #expect(serve.code == 0)
        #expect(serve.results.contains("--log-level <log-level>") && serve.results.contains("warning"))
        #expect(serve.results.contains("--keep-days") && serve.results.contains("--keep-sessions"))
        let sessions = await CLIRun.huddle(["sessions", "--help"])
        #expect(sessions.results.contains("whiteboard, arena, counter"))
        #expect(sessions.results.contains("live") && sessions.results.contains("incomplete"))
        let builtIn = await CLIRun.huddle(["sessions", "--help"], kinds: .builtIn)
        #expect(builtIn.results.contains("whiteboard, arena") && !builtIn.results.contains("counter"))
    }
}
