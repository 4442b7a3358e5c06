import Foundation
import HuddleCLI
import PostgresTestSupport
import Testing

/// `--store URL` next to `--db PATH`: the storage is picked by the URL's
/// scheme, and every command that reads a store reads PostgreSQL too.
@Suite("--store: PostgreSQL or SQLite by URL, on every store command")
struct StoreSelectionTests {
    @Test("--db and --store together are a usage error, on the readers and on serve")
    func bothRefused() async throws {
        for command in [["sessions"], ["show", "1"], ["verify", "1"], ["replay", "1"], ["export", "1"],
                        ["render", "1", "--output", "x.svg"], ["serve", "--port", "0"]] {
            let run = await CLIRun.huddle(command + ["--db", "a.sqlite", "--store", "postgres://u@h/d"])
            #expect(run.code == 64, "\(command)")
            #expect(run.diagnostics.contains("give --db or --store, not both"), "\(command): \(run.diagnostics)")
        }
    }

    @Test("--store with a file path is the SQLite store, as --db is")
    func storeWithPath() async throws {
        let directory = try TemporaryDirectory()
        let db = directory.path("s.sqlite")
        #expect(await CLIRun.huddle(["sessions", "synthesize", "--room-kind", "counter", "--ticks", "40", "--store", db]).code == 0)
        let listed = await CLIRun.huddle(["sessions", "--db", db])
        #expect(listed.code == 0 && listed.results.contains("counter"))
        #expect(await CLIRun.huddle(["verify", "1", "--store", db]).code == 0)
    }

    @Test("a bad or unreachable PostgreSQL URL is an I/O error naming it without its password")
    func badURL() async throws {
        let bad = await CLIRun.huddle(["sessions", "--store", "postgres://u:secret@h:99999/d"])
        #expect(bad.code != 0 && bad.diagnostics.contains("not a usable PostgreSQL URL") && !bad.diagnostics.contains("secret"))
        let gone = await CLIRun.huddle(["sessions", "--store", "postgres://u:secret@/d?host=/nonexistent-socket-dir"])
        #expect(gone.code != 0 && gone.diagnostics.contains("cannot connect") && !gone.diagnostics.contains("secret"))
    }

    @Test("synthesize, sessions, show, replay, verify, export and render read and write PostgreSQL", .enabled(if: PostgresTestServer.shouldRun))
    func postgresRoundTrip() async throws {
        let url = try PostgresTestServer.shared().createDatabase()
        let synthesized = await CLIRun.huddle(["sessions", "synthesize", "--room-kind", "whiteboard", "--members", "3",
                                               "--ticks", "450", "--snapshot-interval", "200", "--store", url])
        #expect(synthesized.code == 0, "\(synthesized.diagnostics)")
        #expect(!synthesized.results.contains(url) || !url.contains("@/"), "the location is shown redacted")

        let listed = await CLIRun.huddle(["sessions", "--json", "--store", url])
        #expect(listed.code == 0, "\(listed.diagnostics)")
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(listed.results.utf8)) as? [[String: Any]])
        #expect(rows.count == 1 && rows[0]["kind"] as? String == "whiteboard" && rows[0]["ticks"] as? Int == 450)

        let shown = await CLIRun.huddle(["show", "1", "--store", url])
        #expect(shown.code == 0 && shown.results.contains("snapshots (2):"), "\(shown.diagnostics)")
        let replayed = await CLIRun.huddle(["replay", "1", "--from", "201", "--to", "220", "--quiet", "--store", url])
        #expect(replayed.code == 0 && replayed.results.contains("every hash matched"), "\(replayed.diagnostics)")
        let verified = await CLIRun.huddle(["verify", "--all", "--store", url])
        #expect(verified.code == 0, "\(verified.diagnostics)")
        #expect(verified.results.contains("verified ticks 1…450 (450 ticks, 2 snapshots, final hash)"))
        let exported = await CLIRun.huddle(["export", "1", "--states", "200", "--store", url])
        #expect(exported.code == 0 && exported.lines.count > 450, "\(exported.diagnostics)")

        let directory = try TemporaryDirectory()
        let svg = directory.path("board.svg")
        let rendered = await CLIRun.huddle(["render", "1", "--tick", "300", "--output", svg, "--store", url])
        #expect(rendered.code == 0, "\(rendered.diagnostics)")
        #expect(FileManager.default.fileExists(atPath: svg))

        let missing = await CLIRun.huddle(["show", "7", "--store", url])
        #expect(missing.code != 0 && missing.diagnostics.contains("no session 7"))
    }
}
