import ArgumentParser
import PostgresSnapshotStore
import SnapshotStore

/// `--db PATH` or `--store URL`, shared by every command that reads a
/// session store (and, in ``RecordingOptions``, by `serve`).
struct StoreOptions: ParsableArguments {
    @Option(name: .customLong("db"), help: ArgumentHelp("The session store file (SQLite; default: huddle.sqlite).", valueName: "path"))
    var dbPath: String?

    @Option(help: ArgumentHelp(
        "Where sessions are kept: postgres://user[:password]@host[:port]/db, postgres://user@/db?host=/socket/dir (PostgreSQL), or a file path (SQLite). Not with --db.",
        valueName: "url"))
    var store: String?

    func validate() throws {
        try StoreSelection.validate(db: dbPath, store: store)
    }

    /// The location the store is opened at (`--store`, `--db`, or huddle.sqlite).
    var db: String { StoreSelection.location(db: dbPath, store: store) }

    /// The location for messages (a URL's password left out).
    var displayLocation: String { StoreSelection.display(db) }

    /// The storage the location goes to.
    var storage: any SessionStorage { StoreSelection.storage(db: dbPath, store: store) }

    /// Opens the store read-only, with the storage `--db`/`--store` selects.
    func open() throws(SnapshotStoreError) -> any SessionStore {
        try storage.openStore(at: db)
    }
}

/// How `--db` and `--store` pick a storage and a location.
///
/// `--db PATH` is a file of the program's storage (``HuddleCommand/main(kinds:storage:assets:)``'s,
/// SQLite by default), as it always was. `--store` picks by the URL's
/// scheme: `postgres://` or `postgresql://` is PostgreSQL; anything else is
/// a path of the program's storage. Giving both is an error.
enum StoreSelection {
    static let defaultLocation = "huddle.sqlite"

    static func validate(db: String?, store: String?) throws {
        if db != nil, store != nil { throw ValidationError("give --db or --store, not both") }
        if let store, store.isEmpty { throw ValidationError("--store needs a postgres:// URL or a file path") }
    }

    static func location(db: String?, store: String?) -> String {
        store ?? db ?? defaultLocation
    }

    static func storage(db: String?, store: String?) -> any SessionStorage {
        if let store, PostgresLocation.isPostgresURL(store) { return PostgresSessionStorage() }
        return CLIContext.current.storage
    }

    /// `location` without a URL's password.
    static func display(_ location: String) -> String {
        guard PostgresLocation.isPostgresURL(location) else { return location }
        return (try? PostgresLocation(parsing: location).description) ?? location
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
