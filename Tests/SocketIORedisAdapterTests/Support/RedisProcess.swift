import Foundation
import NIOCore
import NIOPosix
import RedisClient

/// A throwaway `redis-server` (Debian's) on a loopback port, for the
/// cluster tests: started on a free port (or a given one, to restart it
/// where it was), ready once it answers PING, killed by ``stop()``.
final class RedisProcess: @unchecked Sendable {
    let port: Int
    private let process: Process
    private let directory: URL

    /// Whether the tests may run: a missing redis-server fails them when
    /// `HUDDLE_REQUIRE_REDIS=1` (Tools/test), and skips them otherwise.
    static var isAvailable: Bool {
        FileManager.default.isExecutableFile(atPath: executable) || ProcessInfo.processInfo.environment["HUDDLE_REQUIRE_REDIS"] == "1"
    }

    private static let executable = "/usr/bin/redis-server"

    /// Starts one and waits until it answers.
    static func start(port: Int? = nil) async throws -> RedisProcess {
        let port = if let port { port } else { try await freePort() }
        let redis = try RedisProcess(port: port)
        try await redis.waitUntilReady()
        return redis
    }

    private init(port: Int) throws {
        self.port = port
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("huddle-redis-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        process = Process()
        process.executableURL = URL(fileURLWithPath: Self.executable)
        process.arguments = ["--port", "\(port)", "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", directory.path]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
    }

    /// A PING through our client, which retries until Redis listens (bounded).
    private func waitUntilReady() async throws {
        let connection = RedisConnection(configuration: configuration, eventLoop: MultiThreadedEventLoopGroup.singleton.next())
        defer { _ = connection.close() }
        let deadline = ContinuousClock.now + .seconds(30)
        while true {
            if case .simpleString("PONG")? = try? await connection.send("PING") { return }
            guard ContinuousClock.now < deadline, process.isRunning else { throw RedisProcessError.notReady }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    var configuration: RedisConfiguration {
        RedisConfiguration(host: "127.0.0.1", port: port, connectTimeout: .seconds(1), backoff: RedisBackoff(initialDelay: .milliseconds(20), maxDelay: .milliseconds(200)))
    }

    /// Stops the process (SIGSTOP): Redis answers nothing until ``resume()``.
    func pause() { kill(process.processIdentifier, SIGSTOP) }

    /// Lets it run again (SIGCONT).
    func resume() { kill(process.processIdentifier, SIGCONT) }

    /// Kills it (SIGKILL: as a crash would).
    func stop() {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: directory)
    }

    deinit { stop() }

    /// A port nobody listens on now (bound by the kernel's choice, then released).
    static func freePort() async throws -> Int {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton).bind(host: "127.0.0.1", port: 0).get()
        let port = channel.localAddress?.port ?? 0
        try await channel.close()
        return port
    }

    enum RedisProcessError: Error { case notReady }
}
