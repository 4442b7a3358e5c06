import Foundation
import Synchronization

/// A PostgreSQL server of the tests' own: `initdb` into a temporary
/// directory, `postgres` listening on a Unix socket in it only (no TCP
/// port, so nothing clashes with another server or test run), trust
/// authentication for the role `huddle`. Started on first use, stopped
/// (fast shutdown) when stopped or at process exit.
///
/// When root runs the tests the server runs as the `postgres` user
/// (`runuser -u postgres --`), since PostgreSQL refuses root. Binaries come
/// from Debian's `/usr/lib/postgresql/<version>/bin`. Without them the
/// tests that need a server are skipped, unless `HUDDLE_REQUIRE_POSTGRES=1`
/// makes them fail instead.
public final class PostgresTestServer: Sendable {
    /// Debian's PostgreSQL binaries, the newest installed version.
    public static let binDirectory: String? = {
        let root = "/usr/lib/postgresql"
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? [])
            .compactMap { Int($0) }.sorted(by: >)
        return versions.map { "\(root)/\($0)/bin" }
            .first { FileManager.default.isExecutableFile(atPath: $0 + "/postgres") }
    }()

    /// Whether `HUDDLE_REQUIRE_POSTGRES=1`: a missing server is a failure.
    public static let isRequired = ProcessInfo.processInfo.environment["HUDDLE_REQUIRE_POSTGRES"] == "1"

    /// Whether tests needing PostgreSQL run (installed, or required).
    public static var shouldRun: Bool { binDirectory != nil || isRequired }

    /// Why starting failed.
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// The server most tests share (each in a database of its own).
    public static func shared() throws -> PostgresTestServer {
        try sharedServer.withLock { server in
            if let server { return server }
            let started = try PostgresTestServer()
            server = started
            atexit { PostgresTestServer.stopShared() }
            return started
        }
    }

    private static let sharedServer = Mutex<PostgresTestServer?>(nil)

    private static func stopShared() {
        sharedServer.withLock { $0?.stop() }
    }

    /// The temporary directory holding data and socket.
    public let directory: String
    /// The socket directory (`?host=` of the URLs).
    public let socketDirectory: String
    private let dataDirectory: String
    private let process = Mutex<Process?>(nil)
    private let databases = Atomic(0)
    private static let runsAsRoot = getuid() == 0

    /// Creates the cluster and starts the server; returns once it accepts connections.
    public init() throws {
        guard let bin = Self.binDirectory else {
            throw Failure(description: "PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/postgres): apt-get install postgresql")
        }
        directory = NSTemporaryDirectory() + "huddle-pg-\(UUID().uuidString.prefix(8))"
        dataDirectory = directory + "/data"
        socketDirectory = directory + "/socket"
        try FileManager.default.createDirectory(atPath: socketDirectory, withIntermediateDirectories: true)
        if Self.runsAsRoot {
            for path in [directory, socketDirectory] {
                try FileManager.default.setAttributes([.ownerAccountName: "postgres", .groupOwnerAccountName: "postgres"], ofItemAtPath: path)
            }
        }
        let initdb = try Self.run(bin + "/initdb", ["-D", dataDirectory, "-U", "huddle", "--auth=trust", "-E", "UTF8",
                                                    "--locale=C", "--no-sync"])
        guard initdb.status == 0 else { throw Failure(description: "initdb failed: \(initdb.output)") }
        let server = Self.process(bin + "/postgres", [
            "-D", dataDirectory, "-k", socketDirectory, "-c", "listen_addresses=", "-c", "fsync=off",
            "-c", "max_connections=200", "-c", "shared_buffers=64MB",
        ])
        let log = FileHandle(forWritingAtPath: "/dev/null")
        server.standardOutput = log
        server.standardError = log
        try server.run()
        process.withLock { $0 = server }
        try waitUntilReady(bin: bin)
    }

    deinit {
        stop()
    }

    /// A URL of a new, empty database on this server.
    public func createDatabase() throws -> String {
        let name = "huddle_test_\(databases.add(1, ordering: .relaxed).newValue)"
        guard let bin = Self.binDirectory else { throw Failure(description: "PostgreSQL is not installed") }
        let result = try Self.run(bin + "/createdb", ["-h", socketDirectory, "-U", "huddle", name])
        guard result.status == 0 else { throw Failure(description: "createdb failed: \(result.output)") }
        return url(database: name)
    }

    /// The URL of `database` on this server (which may not exist).
    public func url(database: String) -> String {
        "postgres://huddle@/\(database)?host=\(socketDirectory)"
    }

    /// Runs SQL through `psql` on `database` (tests tamper with recordings).
    @discardableResult
    public func execute(_ sql: String, database url: String) throws -> String {
        guard let bin = Self.binDirectory else { throw Failure(description: "PostgreSQL is not installed") }
        let path = url.split(separator: "?", maxSplits: 1)[0]
        let name = path.split(separator: "/").last.map(String.init) ?? ""
        let psql = FileManager.default.isExecutableFile(atPath: bin + "/psql") ? bin + "/psql" : "/usr/bin/psql"
        let result = try Self.run(psql, ["-h", socketDirectory, "-U", "huddle", "-d", name, "-v", "ON_ERROR_STOP=1",
                                          "-Atq", "-c", sql])
        guard result.status == 0 else { throw Failure(description: "psql failed: \(result.output)") }
        return result.output.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Fast shutdown (SIGINT to the postmaster: clients are disconnected),
    /// then waits for the server to exit. Idempotent. (A test process that
    /// crashes leaves its server running; its directory is in $TMPDIR.)
    public func stop() {
        guard let server = process.withLock({ process -> Process? in
            defer { process = nil }
            return process
        }) else { return }
        if let pidText = try? String(contentsOfFile: dataDirectory + "/postmaster.pid", encoding: .utf8),
           let pid = pidText.split(separator: "\n").first.flatMap({ Int32($0) }) {
            kill(pid, SIGINT)
        } else {
            server.interrupt()
        }
        server.waitUntilExit()
        try? FileManager.default.removeItem(atPath: directory)
    }

    private func waitUntilReady(bin: String) throws {
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            let running = process.withLock { $0?.isRunning ?? false }
            guard running else { throw Failure(description: "postgres exited while starting") }
            if let result = try? Self.run(bin + "/pg_isready", ["-q", "-h", socketDirectory, "-U", "huddle"]), result.status == 0 {
                return
            }
            usleep(20_000)   // a poll interval, not a wait for an outcome
        }
        stop()
        throw Failure(description: "postgres did not accept connections within 60 s")
    }

    // MARK: Processes

    private static func process(_ executable: String, _ arguments: [String]) -> Process {
        let process = Process()
        if runsAsRoot {
            process.executableURL = URL(fileURLWithPath: "/usr/sbin/runuser")
            process.arguments = ["-u", "postgres", "--", executable] + arguments
        } else {
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = arguments
        }
        return process
    }

    private static func run(_ executable: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        // Output goes to a file, not a pipe: reading a pipe is interrupted by signals (EINTR).
        let outputPath = NSTemporaryDirectory() + "huddle-pg-out-\(UUID().uuidString)"
        _ = FileManager.default.createFile(atPath: outputPath, contents: nil)
        defer { try? FileManager.default.removeItem(atPath: outputPath) }
        let process = process(executable, arguments)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: outputPath))
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        process.waitUntilExit()
        try? handle.close()
        let output = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        return (process.terminationStatus, output)
    }
}
