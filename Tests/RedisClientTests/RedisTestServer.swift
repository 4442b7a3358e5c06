import Foundation
#if canImport(Glibc)
import Glibc
#endif
import NIOCore
import NIOPosix
import Synchronization
import Testing

/// A `redis-server` of its own for one test: on a free port from the OS,
/// no persistence, loopback only; killed when stopped or released.
///
/// When redis-server is not installed the tests that need it are skipped,
/// unless `HUDDLE_REQUIRE_REDIS=1`, which makes them fail instead.
final class RedisTestServer: Sendable {
    static let executable: String? = ["/usr/bin/redis-server", "/usr/local/bin/redis-server"]
        .first { FileManager.default.isExecutableFile(atPath: $0) }
    static let isRequired = ProcessInfo.processInfo.environment["HUDDLE_REQUIRE_REDIS"] == "1"

    struct NotReady: Error, CustomStringConvertible {
        var description: String
    }

    let port: Int
    let password: String?
    private let process = Mutex<Process?>(nil)

    private init(port: Int, password: String?) {
        self.port = port
        self.password = password
    }

    deinit { kill() }

    /// Starts a server on a free port (a new port when the one picked is
    /// taken before redis-server binds it) and waits until it answers PING.
    static func start(password: String? = nil) async throws -> RedisTestServer {
        var lastError: any Error = NotReady(description: "not started")
        for _ in 0..<5 {
            let server = RedisTestServer(port: try freePort(), password: password)
            do {
                try await server.start()
                return server
            } catch {
                server.kill()
                lastError = error
            }
        }
        throw lastError
    }

    /// A server that is not running yet, on a port that was free: for
    /// "Redis down at start" (``start()`` brings it up later).
    static func notStarted(password: String? = nil) throws -> RedisTestServer {
        RedisTestServer(port: try freePort(), password: password)
    }

    /// Starts (or restarts) redis-server on ``port`` and waits for PING.
    func start() async throws {
        guard let executable = Self.executable else {
            throw NotReady(description: "redis-server is not installed (apt-get install redis-server)")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        var arguments = ["--port", "\(port)", "--save", "", "--appendonly", "no", "--bind", "127.0.0.1", "--dir", NSTemporaryDirectory()]
        if let password { arguments += ["--requirepass", password] }
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        self.process.withLock { $0 = process }
        let deadline = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < deadline {
            guard process.isRunning else {
                throw NotReady(description: "redis-server exited (status \(process.terminationStatus)) on port \(port)")
            }
            if await Self.answersPing(port: port) { return }
            try await Task.sleep(for: .milliseconds(10))
        }
        throw NotReady(description: "redis-server did not answer PING on port \(port) within 10 s")
    }

    /// Kills redis-server at once (SIGKILL) and waits for it to exit.
    func kill() {
        guard let process = process.withLock({ current -> Process? in
            defer { current = nil }
            return current
        }) else { return }
        if process.isRunning {
            Glibc.kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    /// A "redis://" URL for this server.
    var url: String {
        "redis://" + (password.map { ":\($0)@" } ?? "") + "127.0.0.1:\(port)"
    }

    /// A port the OS says is free: bind port 0, read the port, close.
    static func freePort() throws -> Int {
        let channel = try ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: "127.0.0.1", port: 0).wait()
        let port = channel.localAddress?.port ?? 0
        try channel.close().wait()
        return port
    }

    /// `true` when something on `port` answers an inline PING with any reply
    /// (`+PONG`, or `-NOAUTH` from a server with a password).
    static func answersPing(port: Int) async -> Bool {
        let group = MultiThreadedEventLoopGroup.singleton
        let reply = group.next().makePromise(of: Void.self)
        do {
            let channel = try await ClientBootstrap(group: group)
                .connectTimeout(.milliseconds(500))
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(FirstReply(reply)) }
                }
                .connect(host: "127.0.0.1", port: port).get()
            defer { channel.close(promise: nil) }
            try await channel.writeAndFlush(ByteBuffer(string: "PING\r\n"))
            let timeout = channel.eventLoop.scheduleTask(in: .seconds(1)) { reply.fail(NotReady(description: "no reply")) }
            defer { timeout.cancel() }
            try await reply.futureResult.get()
            return true
        } catch {
            reply.fail(error)
            return false
        }
    }

    private final class FirstReply: ChannelInboundHandler, Sendable {
        typealias InboundIn = ByteBuffer
        let promise: EventLoopPromise<Void>
        init(_ promise: EventLoopPromise<Void>) { self.promise = promise }
        func channelRead(context: ChannelHandlerContext, data: NIOAny) { promise.succeed() }
        func channelInactive(context: ChannelHandlerContext) { promise.fail(NotReady(description: "closed")) }
    }
}

extension Trait where Self == ConditionTrait {
    /// Runs the test when redis-server is installed, or when
    /// HUDDLE_REQUIRE_REDIS=1 (the test then fails if it is not).
    static var needsRedisServer: Self {
        .enabled(
            if: RedisTestServer.executable != nil || RedisTestServer.isRequired,
            "redis-server is not installed; skipped (HUDDLE_REQUIRE_REDIS=1 makes this a failure)"
        )
    }
}

/// Polls `condition` until it holds or `timeout` passes (then fails the test).
func eventually(
    _ what: String,
    timeout: Duration = .seconds(10),
    sourceLocation: SourceLocation = #_sourceLocation,
    _ condition: () async throws -> Bool
) async throws {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return }
        try await Task.sleep(for: .milliseconds(10))
    }
    Issue.record("timed out waiting for \(what)", sourceLocation: sourceLocation)
    throw RedisTestServer.NotReady(description: "timed out waiting for \(what)")
}
