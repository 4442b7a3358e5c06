import ArgumentParser
import Foundation
public import RoomEngine
public import SnapshotStore
public import SQLiteSnapshotStore

/// The `huddle` command line as a library: `serve`, `sessions`, `show`,
/// `replay` (and `replay --serve`), `verify`, `export` and `render`, for exactly the
/// room kinds it is handed. An executable is a few lines: the built-in
/// `huddle` passes `.builtIn`; an app adds its own kinds and gets the whole
/// command line for them, recordings of a custom kind replaying and
/// verifying like the built-ins.
///
/// ```swift
/// import HuddleCLI
/// import HuddleRooms
///
/// @main
/// enum CounterServer {
///     static func main() async {
///         await HuddleCommand.main(kinds: .builtIn + [.counter], assets: "/srv/counter/pages")
///     }
/// }
/// ```
public enum HuddleCommand {
    /// Parses the process's arguments, runs the command and exits with its
    /// code (see `docs/snapshot-store.md`: 0 success … 64 bad command line).
    ///
    /// - Parameters:
    ///   - kinds: the room kinds every command serves, replays and decodes.
    ///   - storage: where `--db PATH` (and `--store PATH`) points (SQLite files by default); `--store postgres://…` always opens PostgreSQL.
    ///   - assets: the page directory `serve` (and `replay --serve`) serves
    ///     when `--assets` is not given; when nil or missing, `./Assets`,
    ///     else `Assets` in the package the executable was built in.
    public static func main(kinds: RoomKindCatalog, storage: any SessionStorage = .sqlite, assets: String? = nil) async -> Never {
        let code = await run(Array(CommandLine.arguments.dropFirst()), kinds: kinds, storage: storage, assets: assets)
        exit(code)
    }

    /// Runs one command line (without the program name) and returns its
    /// exit code instead of exiting: for tests and for programs that embed
    /// the tools. Results go to `output`'s results, messages and usage
    /// errors to its diagnostics.
    ///
    /// ```swift
    /// let code = await HuddleCommand.run(["verify", "--all", "--db", path], kinds: .builtIn)
    /// ```
    public static func run(
        _ arguments: [String],
        kinds: RoomKindCatalog,
        storage: any SessionStorage = .sqlite,
        assets: String? = nil,
        output: CommandOutput = .standard
    ) async -> Int32 {
        let context = CLIContext(kinds: kinds, storage: storage, output: output, assets: assets)
        return await CLIContext.$current.withValue(context) {
            do {
                var command = try HuddleRoot.parseAsRoot(arguments)
                if var asynchronous = command as? any AsyncParsableCommand {
                    try await asynchronous.run()
                } else {
                    try command.run()
                }
                return 0
            } catch {
                let code = HuddleRoot.exitCode(for: error).rawValue
                let message = HuddleRoot.fullMessage(for: error)
                if code == 0 {
                    if !message.isEmpty { output.result(message) }
                } else if !message.isEmpty {
                    output.diagnostic(message)
                }
                return code
            }
        }
    }
}

/// The root of the command tree; `serve` is the default subcommand.
struct HuddleRoot: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "huddle",
        abstract: "Huddle: authoritative rooms over Socket.IO, recorded, replayed and verified.",
        subcommands: [Serve.self, Sessions.self, Show.self, ReplaySession.self, Verify.self, Export.self, Render.self],
        defaultSubcommand: Serve.self
    )
}
