import Foundation
import GRDB
import RoomEngine
import SnapshotStore

/// Opens store files for the recorder (read-write, created and migrated) and
/// for the tools (read-only, refused unless it is a current Huddle store),
/// and turns every SQLite failure into a ``SnapshotStoreError``.
enum StoreDatabase {
    /// How hard a commit presses the data to disk.
    enum Durability: Sendable {
        /// `synchronous = FULL`: every commit is fsynced (survives power loss).
        case full
        /// `synchronous = NORMAL`: survives a process crash, not power loss.
        case normal
    }

    /// Opens (creating if needed) and migrates the store the recorder writes.
    static func openForWriting(path: String, durability: Durability) throws(SnapshotStoreError) -> DatabaseQueue {
        var config = Configuration()
        config.journalMode = .wal
        config.busyMode = .timeout(5)
        config.label = "huddle.snapshot-store.writer"
        let synchronous = durability == .full ? "FULL" : "NORMAL"
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = \(synchronous)")
            // 500 rooms dirty ~500 pages per commit: keep them cached, and
            // checkpoint every 32 MiB of WAL rather than every 4 MiB, so a
            // page rewritten by many commits is copied back once.
            try db.execute(sql: "PRAGMA cache_size = -65536")
            try db.execute(sql: "PRAGMA wal_autocheckpoint = 8192")
        }
        return try mapping(path: path) {
            // Look before writing anything: opening in WAL mode already changes a file.
            if let size = try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int, size > 0 {
                var probing = Configuration()
                probing.readonly = true
                let probe = try DatabaseQueue(path: path, configuration: probing)
                try probe.read { db in try checkIdentity(db, path: path, allowEmpty: true) }
                try probe.close()
            }
            let queue = try DatabaseQueue(path: path, configuration: config)
            try StoreSchema.migrator.migrate(queue)
            return queue
        }
    }

    /// Opens an existing store for reading; never creates or migrates a file.
    static func openForReading(path: String) throws(SnapshotStoreError) -> DatabaseQueue {
        guard FileManager.default.fileExists(atPath: path) else { throw .storeMissing(path: path) }
        var config = Configuration()
        config.readonly = true
        config.busyMode = .timeout(5)
        config.label = "huddle.snapshot-store.reader"
        return try mapping(path: path) {
            let queue = try DatabaseQueue(path: path, configuration: config)
            try queue.read { db in
                try checkIdentity(db, path: path, allowEmpty: false)
                try checkMigrations(db, path: path)
            }
            return queue
        }
    }

    /// Runs `body`, mapping GRDB and SQLite errors to store errors.
    static func mapping<T>(path: String, _ body: () throws -> T) throws(SnapshotStoreError) -> T {
        do {
            return try body()
        } catch let error as SnapshotStoreError {
            throw error
        } catch let error as DatabaseError {
            throw map(error, path: path)
        } catch let error as RowDecodingError {
            throw .corruptStore(path: path, reason: "unexpected value: \(error)")
        } catch let error as RoomError {
            throw .corruptStore(path: path, reason: "undecodable record: \(error)")
        } catch {
            throw .io("\(path): \(error)")
        }
    }

    /// One mapping from SQLite result codes to store errors.
    static func map(_ error: DatabaseError, path: String) -> SnapshotStoreError {
        let reason = error.message ?? "\(error.resultCode)"
        switch error.resultCode.primaryResultCode {
        case .SQLITE_NOTADB:
            return .notAStore(path: path, reason: "not an SQLite database")
        case .SQLITE_CORRUPT:
            return .corruptStore(path: path, reason: reason)
        case .SQLITE_CANTOPEN:
            return .io("\(path): cannot open (\(reason))")
        default:
            return .io("\(path): \(reason)")
        }
    }

    /// Refuses SQLite files that another program wrote.
    private static func checkIdentity(_ db: Database, path: String, allowEmpty: Bool) throws {
        let row = try Row.fetchOne(db, sql: "PRAGMA application_id")
        let identifier: Int64 = try row?.decode(atIndex: 0) ?? 0
        if identifier == Int64(StoreSchema.applicationID) { return }
        if identifier != 0 {
            throw SnapshotStoreError.notAStore(path: path, reason: "application_id \(identifier) belongs to another program")
        }
        let tables = try Row.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master")
        let count: Int64 = try tables?.decode(atIndex: 0) ?? 0
        guard allowEmpty, count == 0 else {
            throw SnapshotStoreError.notAStore(
                path: path, reason: count == 0 ? "an empty database" : "an SQLite database without Huddle's marker"
            )
        }
    }

    /// Refuses stores with migrations this build lacks, or missing ours.
    private static func checkMigrations(_ db: Database, path: String) throws {
        let applied = try Set(Row.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations").map {
            try $0.decode(String.self, atIndex: 0)
        })
        let known = Set(StoreSchema.migrationIdentifiers)
        let unknown = applied.subtracting(known)
        if !unknown.isEmpty {
            throw SnapshotStoreError.incompatibleSchema(
                path: path, reason: "written by a newer Huddle (migrations \(unknown.sorted().joined(separator: ", ")))"
            )
        }
        let missing = known.subtracting(applied)
        if !missing.isEmpty {
            throw SnapshotStoreError.incompatibleSchema(
                path: path, reason: "older schema: open it once with `huddle serve --db` to migrate"
            )
        }
    }
}

extension StoreDatabase {
    /// Runs raw SQL on a store file (tests use it to tamper with recordings).
    static func executeForTesting(path: String, sql: String) throws {
        var config = Configuration()
        config.busyMode = .timeout(5)
        let queue = try DatabaseQueue(path: path, configuration: config)
        try queue.write { db in try db.execute(sql: sql) }
        try queue.close()
    }
}
