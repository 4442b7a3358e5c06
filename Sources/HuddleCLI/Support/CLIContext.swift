import RoomEngine
import SnapshotStore
import SQLiteSnapshotStore

/// What every command works with, handed in by ``HuddleCommand``: the room
/// kinds, the storage `--db` opens, and where output goes. A task-local,
/// because ArgumentParser creates the commands itself.
struct CLIContext: Sendable {
    /// The room kinds of this program.
    var kinds: RoomKindCatalog
    /// Where sessions are kept.
    var storage: any SessionStorage
    /// Where results and diagnostics go.
    var output: CommandOutput
    /// The page directory `serve` and `replay --serve` use when `--assets`
    /// is not given (before `./Assets` and the package's `Assets`).
    var assets: String?

    /// The context of the running command (empty outside ``HuddleCommand/run(_:kinds:storage:assets:output:)``).
    @TaskLocal static var current = CLIContext(kinds: [], storage: .sqlite, output: .standard, assets: nil)
}
