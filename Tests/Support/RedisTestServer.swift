import Foundation
#if canImport(Glibc)
import Glibc
#endif
import NIOCore
import NIOPosix
import Synchronization
package import Testing

/// A `redis-server` of its own for one test: on a free port from the OS,
/// no persistence, loopback only; killed when stopped or released.
///
/// When redis-server is not installed the tests that need it are skipped,
/// unless `HUDDLE_REQUIRE_REDIS=1`, which makes them fail instead.
package final class RedisTestServer: Sendable {
    package static let executable: String? = ["/usr/bin/redis-server", "/usr/local/bin/redis-server"]
        .first { FileManager.default.isExecutableFile(atPath: $0) }
    package static let isRequired = ProcessInfo.processInfo.environment["HUDDLE_REQUIRE_REDIS"] == "1"

    package struct NotReady: Error, CustomStringConvertible {
        package var description: String
        package init(description: String) { self.description = description }
    }

    package let port: Int
    package let password: String?
    private let process = Mutex<Process?>(nil)
    /// A socket bound to ``port`` without listening, held while the server is
    /// not started: connections are refused and no other test takes the port.
    private let reservation = Mutex<Int32?>(nil)

    private init(port: Int, password: String?, reservation: Int32? = nil) {
        self.port = port
        self.password = password
        self.reservation.withLock { $0 = reservation }
    }

    deinit {
        kill()
        releasePort()
    }

    /// Starts a server on a free port (a new port when the one picked is
    /// taken before redis-server binds it) and waits until it answers PING.
    package static func start(password: String? = nil) async throws -> RedisTestServer {
        var lastError: any Error = NotReady(description: "not started")
        for _ in 0..<5 {
            let server = try notStarted(password: password)
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
    package static func notStarted(password: String? = nil) throws -> RedisTestServer {
        let (socket, port) = try reservePort()
        return RedisTestServer(port: port, password: password, reservation: socket)
    }

    /// A socket bound to a port from the OS (127.0.0.1, port 0), not listening.
    package static func reservePort() throws -> (socket: Int32, port: Int) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw NotReady(description: "socket() failed: \(errno)") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { generic in
                bind(fd, generic, length) == 0 && getsockname(fd, generic, &length) == 0
            }
        }
        guard bound else {
            close(fd)
            throw NotReady(description: "bind() failed: \(errno)")
        }
        return (fd, Int(UInt16(bigEndian: address.sin_port)))
    }

    private func releasePort() {
        if let fd = reservation.withLock({ current -> Int32? in
            defer { current = nil }
            return current
        }) {
            close(fd)
        }
    }

    /// Starts (or restarts) redis-server on ``port`` and waits for PING.
    package func start() async throws {
        releasePort()
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
        // A bound against a hang, not a timing check: a CI machine running
        // the whole suite in parallel can starve this process for seconds.
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            guard process.isRunning else {
                throw NotReady(description: "redis-server exited (status \(process.terminationStatus)) on port \(port)")
            }
            if await Self.answers(port: port, password: password, pid: process.processIdentifier) { return }
            try await Task.sleep(for: .milliseconds(10))
        }
        throw NotReady(description: "redis-server did not answer PING on port \(port) within 30 s")
    }

    /// Kills redis-server at once (SIGKILL) and waits for it to exit.
    package func kill() {
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
    package var url: String {
        "redis://" + (password.map { ":\($0)@" } ?? "") + "127.0.0.1:\(port)"
    }

    /// A port the OS says is free: bind port 0, read the port, close.
    package static func freePort() throws -> Int {
        let (socket, port) = try reservePort()
        close(socket)
        return port
    }

    /// `true` when the redis-server of process `pid` answers on `port`
    /// (checked with INFO's process_id, so a server another test started on
    /// the same port does not count).
    package static func answers(port: Int, password: String?, pid: Int32) async -> Bool {
        let group = MultiThreadedEventLoopGroup.singleton
        let reply = group.next().makePromise(of: Void.self)
        do {
            let channel = try await ClientBootstrap(group: group)
                .connectTimeout(.milliseconds(500))
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(ProcessIDReply(pid: pid, promise: reply))
                    }
                }
                .connect(host: "127.0.0.1", port: port).get()
            defer { channel.close(promise: nil) }
            let auth = password.map { "AUTH \($0)\r\n" } ?? ""
            try await channel.writeAndFlush(ByteBuffer(string: auth + "INFO server\r\n"))
            let timeout = channel.eventLoop.scheduleTask(in: .seconds(1)) { reply.fail(NotReady(description: "no reply")) }
            defer { timeout.cancel() }
            try await reply.futureResult.get()
            return true
        } catch {
            reply.fail(error)
            return false
        }
    }

    /// Reads INFO's text until its `process_id` line: succeeds when it is `pid`.
    private final class ProcessIDReply: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        let pid: Int32
        let promise: EventLoopPromise<Void>
        var text = ""

        init(pid: Int32, promise: EventLoopPromise<Void>) {
            self.pid = pid
            self.promise = promise
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            text += String(buffer: unwrapInboundIn(data))
            // Lines end in CR LF, one Character in Swift: split on newlines.
            // Only whole lines: a read may end in the middle of one.
            let whole = text[..<(text.lastIndex(where: \.isNewline) ?? text.startIndex)]
            guard let line = whole.split(whereSeparator: \.isNewline).first(where: { $0.hasPrefix("process_id:") }) else { return }
            if line.dropFirst("process_id:".count) == "\(pid)" {
                promise.succeed()
            } else {
                promise.fail(NotReady(description: "another redis-server on this port"))
            }
        }

        func channelInactive(context: ChannelHandlerContext) { promise.fail(NotReady(description: "closed")) }
    }
}

extension Trait where Self == ConditionTrait {
    /// Runs the test when redis-server is installed, or when
    /// HUDDLE_REQUIRE_REDIS=1 (the test then fails if it is not).
    package static var needsRedisServer: Self {
        .enabled(
            if: RedisTestServer.executable != nil || RedisTestServer.isRequired,
            "redis-server is not installed; skipped (HUDDLE_REQUIRE_REDIS=1 makes this a failure)"
        )
    }
}

/// Polls `condition` until it holds or `timeout` passes (then fails the
/// test). The timeout guards against a hang; it is not a timing check:
/// the clean-clone CI run, the whole suite in parallel on 2 cores, was seen
/// to starve a test for more than 10 s (a one-line unit test "passed after
/// 11.5 s"), so it is 30 s.
package func eventually(
    _ what: String,
    timeout: Duration = .seconds(30),
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
