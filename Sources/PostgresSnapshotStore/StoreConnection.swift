import Logging
import NIOCore
import NIOPosix
import PostgresNIO
import SnapshotStore
import Synchronization

/// One postgres-nio connection used synchronously, as the store's
/// protocols are: every call starts the query on the connection's event
/// loop and waits for its future on the caller's thread.
///
/// Waiting is only allowed off event loops (NIO traps a `wait()` on one):
/// the store's readers are called from CLI commands and tests, the
/// recorder's writes happen on its own writer thread. The connections run
/// on NIO's shared event loop group (``MultiThreadedEventLoopGroup/singleton``).
///
/// Every failure comes back as a ``SnapshotStoreError`` naming the
/// location (never its password).
final class StoreConnection: Sendable {
    let location: PostgresLocation
    private let connection: PostgresConnection
    private let logger: Logger

    private static let ids = Atomic(0)

    private init(location: PostgresLocation, connection: PostgresConnection, logger: Logger) {
        self.location = location
        self.connection = connection
        self.logger = logger
    }

    /// Connects (a 5 s connect timeout); fails with a store error naming the location.
    static func connect(_ location: PostgresLocation, logger: Logger) throws(SnapshotStoreError) -> StoreConnection {
        let id = ids.add(1, ordering: .relaxed).newValue
        let loop = MultiThreadedEventLoopGroup.singleton.next()
        do {
            let connection = try PostgresConnection.connect(
                on: loop, configuration: location.configuration, id: id, logger: logger
            ).wait()
            return StoreConnection(location: location, connection: connection, logger: logger)
        } catch {
            throw StoreConnection.map(error, location: location, connecting: true)
        }
    }

    /// Whether the server closed the connection (or it was closed).
    var isClosed: Bool { connection.isClosed }

    /// How long one statement may take before the connection is given up
    /// (a server that stopped answering without closing the connection).
    static let statementTimeout: TimeAmount = .seconds(60)

    /// Runs one statement and returns its rows.
    ///
    /// A connection the server closed fails at once (postgres-nio would
    /// otherwise queue the statement on a dead channel); one that does not
    /// answer within ``statementTimeout`` is closed and fails.
    @discardableResult
    func query(_ query: PostgresQuery) throws(SnapshotStoreError) -> PostgresQueryResult {
        guard !connection.isClosed else { throw .io("\(location): the connection to the server was lost") }
        let connection = self.connection
        let promise = connection.eventLoop.makePromise(of: PostgresQueryResult.self)
        connection.query(query, logger: logger).cascade(to: promise)
        let timer = connection.eventLoop.scheduleTask(in: Self.statementTimeout) {
            promise.fail(TimedOut())
            connection.close().whenComplete { _ in withExtendedLifetime(connection) {} }
        }
        defer { timer.cancel() }
        do {
            return try promise.futureResult.wait()
        } catch is TimedOut {
            throw .io("\(location): the server did not answer within \(Self.statementTimeout.nanoseconds / 1_000_000_000) s")
        } catch {
            throw Self.map(error, location: location, connecting: false)
        }
    }

    private struct TimedOut: Error {}

    /// Runs `body` in a transaction: committed when it returns, rolled back when it throws.
    func transaction<T>(_ body: () throws(SnapshotStoreError) -> T) throws(SnapshotStoreError) -> T {
        try query("BEGIN")
        do {
            let result = try body()
            try query("COMMIT")
            return result
        } catch {
            if !isClosed { _ = try? query("ROLLBACK") }
            throw error
        }
    }

    deinit {
        if !connection.isClosed { close() }
    }

    /// Closes the connection without waiting (safe anywhere, even on an
    /// event loop); the connection is kept alive until it is closed.
    func close() {
        let connection = self.connection
        connection.close().whenComplete { _ in withExtendedLifetime(connection) {} }
    }

    /// Closes the connection and waits until it is closed (not on an event loop).
    func closeAndWait() {
        _ = try? connection.close().wait()
    }

    // MARK: Errors

    /// The server's SQLSTATE of a failed statement, if the server sent one.
    static func sqlState(of error: any Error) -> String? {
        (error as? PSQLError)?.serverInfo?[.sqlState]
    }

    /// One mapping from postgres-nio failures to store errors.
    static func map(_ error: any Error, location: PostgresLocation, connecting: Bool) -> SnapshotStoreError {
        if let error = error as? SnapshotStoreError { return error }
        guard let error = error as? PSQLError else {
            return .io("\(location): \(connecting ? "cannot connect: " : "")\(error)")
        }
        if let info = error.serverInfo {
            let state = info[.sqlState] ?? "?"
            let message = info[.message] ?? "server error"
            switch state {
            case "3D000":   // invalid_catalog_name: no such database
                return .storeMissing(path: location.description)
            case "28000", "28P01":
                return .io("\(location): authentication failed (\(message))")
            case "XX001", "XX002":
                return .corruptStore(path: location.description, reason: message)
            default:
                return .io("\(location): \(message) (SQLSTATE \(state))")
            }
        }
        switch error.code {
        case .connectionError:
            let cause = error.underlying.map { "\($0)" } ?? "connection error"
            return .io("\(location): cannot connect (\(cause))")
        case .serverClosedConnection, .clientClosedConnection, .uncleanShutdown:
            return .io("\(location): the connection to the server was lost")
        default:
            return .io("\(location): \(error.code)\(error.underlying.map { " (\($0))" } ?? "")")
        }
    }
}

/// One value of a batched row.
enum BindValue {
    case int(Int64?)
    case text(String)
    case bytes([UInt8]?)
    case bool(Bool)

    func append(to bindings: inout PostgresBindings) {
        switch self {
        case .int(let value): bindings.append(value)
        case .text(let value): bindings.append(value)
        case .bytes(let value): bindings.append(value.map { ByteBuffer(bytes: $0) })
        case .bool(let value): bindings.append(value)
        }
    }
}

/// Multi-row statements: one `INSERT … VALUES (…), (…)` (or `UPDATE … FROM
/// (VALUES …)`) per chunk of rows instead of one round trip per row.
struct RowBatch {
    /// Text before the `VALUES` rows.
    let prefix: String
    /// Text after them.
    let suffix: String
    /// A type cast per column (`"::bigint"`), or "" to let the target column decide.
    let casts: [String]
    private(set) var rows: [[BindValue]] = []

    init(prefix: String, suffix: String = "", casts: [String]) {
        self.prefix = prefix
        self.suffix = suffix
        self.casts = casts
    }

    init(prefix: String, suffix: String = "", columns: Int) {
        self.init(prefix: prefix, suffix: suffix, casts: Array(repeating: "", count: columns))
    }

    var isEmpty: Bool { rows.isEmpty }

    /// Adds one row of exactly one value per column.
    mutating func append(_ row: [BindValue]) {
        precondition(row.count == casts.count, "a row of \(row.count) values for \(casts.count) columns")
        rows.append(row)
    }

    /// The statements, each within PostgreSQL's 65,535 parameters.
    var queries: [PostgresQuery] {
        let perChunk = max(1, 60_000 / max(casts.count, 1))
        var queries: [PostgresQuery] = []
        var start = 0
        while start < rows.count {
            let end = min(start + perChunk, rows.count)
            var sql = prefix
            sql.reserveCapacity(prefix.count + (end - start) * casts.count * 10 + suffix.count)
            var binds = PostgresBindings(capacity: (end - start) * casts.count)
            var parameter = 0
            for index in start..<end {
                sql += index == start ? "(" : ", ("
                for (column, cast) in casts.enumerated() {
                    parameter += 1
                    sql += column == 0 ? "$\(parameter)\(cast)" : ", $\(parameter)\(cast)"
                    rows[index][column].append(to: &binds)
                }
                sql += ")"
            }
            sql += suffix
            queries.append(PostgresQuery(unsafeSQL: sql, binds: binds))
            start = end
        }
        return queries
    }

    /// Runs the statements on `connection` and empties the batch.
    mutating func run(on connection: StoreConnection) throws(SnapshotStoreError) {
        for query in queries { try connection.query(query) }
        rows.removeAll(keepingCapacity: true)
    }
}
