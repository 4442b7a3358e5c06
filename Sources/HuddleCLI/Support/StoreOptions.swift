import ArgumentParser
import SnapshotStore

/// `--db PATH`, shared by every command that reads a session store.
struct StoreOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The session store file.", valueName: "path"))
    var db = "huddle.sqlite"

    /// Opens the store read-only, with the program's storage.
    func open() throws(SnapshotStoreError) -> any SessionStore {
        try CLIContext.current.storage.openStore(at: db)
    }
}

/// A session id argument: a positive decimal row id.
struct SessionArgument: ParsableArguments {
    @Argument(help: ArgumentHelp("The session id (see `huddle sessions`).", valueName: "id"))
    var id: Int64

    var session: RecordedSessionID { RecordedSessionID(id) }

    func validate() throws {
        guard id > 0 else { throw ValidationError("a session id is a positive number") }
    }
}
