import CounterRoom
import Foundation
import HuddleCLI
import HuddleRooms
import RoomEngine
import Synchronization
import Testing

/// The example of docs/room-kinds.md: a program with the built-in kinds and
/// its own, in a few lines. Compiled here (a test bundle has no `@main`);
/// ``CLIRun`` drives the same library call in process.
enum CounterHuddle {
    static func main() async {
        await HuddleCommand.main(kinds: .builtIn + [.counter])
    }
}

/// One in-process run of the `huddle` command line: exit code and the
/// captured output.
struct CLIRun {
    let code: Int32
    let results: String
    let diagnostics: String

    /// Runs `arguments` with `kinds` (the built-ins and the counter by default).
    static func huddle(_ arguments: [String], kinds: RoomKindCatalog = .builtIn + [.counter]) async -> CLIRun {
        let results = Mutex("")
        let diagnostics = Mutex("")
        let output = CommandOutput(
            results: { text in results.withLock { $0 += text } },
            diagnostics: { text in diagnostics.withLock { $0 += text } }
        )
        let code = await HuddleCommand.run(arguments, kinds: kinds, output: output)
        return CLIRun(code: code, results: results.withLock { $0 }, diagnostics: diagnostics.withLock { $0 })
    }

    /// The results, one element per line.
    var lines: [String] { results.split(separator: "\n").map(String.init) }
}

/// A fresh directory for store files, removed when the test ends.
struct TemporaryDirectory: ~Copyable {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("huddle-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    deinit { try? FileManager.default.removeItem(at: url) }
}
