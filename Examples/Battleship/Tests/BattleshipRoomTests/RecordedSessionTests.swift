import BattleshipRoom
import Foundation
import HuddleCLI
import HuddleRooms
import RoomEngine
import Synchronization
import Testing

/// Sessions recorded through the real SQLite recorder verify with the
/// program's command line: in process (the library call the executable
/// makes) and with the built `battleship-huddle` itself.
@Suite("Recorded Battleship sessions")
struct RecordedSessionTests {
    /// The executable's catalog.
    let kinds: RoomKindCatalog = .builtIn + [.battleship]

    private func run(_ arguments: [String]) async -> (code: Int32, results: String, diagnostics: String) {
        let results = Mutex("")
        let diagnostics = Mutex("")
        let output = CommandOutput(
            results: { text in results.withLock { $0 += text } },
            diagnostics: { text in diagnostics.withLock { $0 += text } }
        )
        let code = await HuddleCommand.run(arguments, kinds: kinds, output: output)
        return (code, results.withLock { $0 }, diagnostics.withLock { $0 })
    }

    /// `battleship-huddle`, next to this test bundle in the build directory.
    private var executable: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("battleship-huddle")
    }

    @Test("synthesized games record, show their decoded inputs and verify, in process and with the executable")
    func recordAndVerify() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("battleship-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let db = directory.appendingPathComponent("games.sqlite").path

        let recorded = await run(["sessions", "synthesize", "--room-kind", "battleship", "--members", "2",
                                  "--ticks", "2500", "--snapshot-interval", "500", "--db", db])
        #expect(recorded.code == 0, "\(recorded.diagnostics)")
        let shown = await run(["show", "1", "--db", db])
        #expect(shown.code == 0 && shown.results.contains("battleship, logic v1, replayable"), "\(shown.results)")
        let replayed = await run(["replay", "1", "--to", "40", "--db", db])
        #expect(replayed.results.contains("fire("), "inputs are printed with the kind's own description")
        let verified = await run(["verify", "--all", "--db", db])
        #expect(verified.code == 0, "\(verified.diagnostics)")
        #expect(verified.results.contains("2500 ticks, 5 snapshots"), "\(verified.results)")

        let process = Process()
        process.executableURL = executable
        process.arguments = ["verify", "--all", "--db", db]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let printed = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(printed)")
        #expect(printed.contains("verified ticks 1…2500"))
    }
}
