import ArgumentParser
import Foundation
import EngineIO
import Logging
import NIOCore
import NIOPosix
import RedisClient
import SocketIO
import SocketIOAdminUI
import SocketIORedisAdapter

/// The conformance app (shared/conformance-app.md): the server every
/// external client, test suite and load generator is pointed at.
@main
struct ConformanceServer: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "conformance-server",
        abstract: "Engine.IO echo at /engine.io/ and the Socket.IO conformance app at /socket.io/."
    )

    @Option(help: "Address to bind.") var host = "127.0.0.1"
    @Option(help: "Port to bind (0: any free port; the log line tells which).") var port = 3000
    @Option(help: "Milliseconds between pings.") var pingInterval = 25_000
    @Option(help: "Milliseconds to wait for a pong.") var pingTimeout = 20_000
    @Option(help: "Largest message or POST body in bytes.") var maxPayload = 1_000_000
    @Option(help: "Milliseconds a client has to join a namespace.") var connectTimeout = 45_000
    @Option(help: "Milliseconds a request's line and headers may take (then 408 and close).") var headersTimeout = 60_000
    @Option(help: "Milliseconds a connection may sit idle between requests (then closed).") var keepAliveTimeout = 5_000
    @Option(help: "Connections held at once (default: the descriptor limit less a reserve); past it, 503 and close.")
    var maxConnections: Int?
    @Flag(help: "Enable WebSocket permessage-deflate (threshold 1024 bytes).") var perMessageDeflate = false
    @Option(help: "Connection state recovery with this maxDisconnectionDuration in ms.") var stateRecovery: Int?
    @Option(help: "Log level (trace, debug, info, notice, warning, error).") var logLevel = "info"
    @Option(help: "Milliseconds a broadcast packet may wait to share a write with the next ones (0: none).")
    var broadcastFlushDelay = 0
    @Option(help: "Socket.IO packet format of /socket.io/: default or msgpack (socket.io-msgpack-parser).")
    var parser = SocketIOParser.default.rawValue
    @Flag(help: "Also accept Engine.IO v3 clients (Socket.IO v2: socket.io-client 2.x, python-socketio 4.x) on both endpoints.")
    var allowEio3 = false
    @Option(help: "Put every namespace on the Redis adapter (Node's @socket.io/redis-adapter classic format) with Redis at this port.")
    var redisPort: Int?
    @Option(help: "The Redis host (with --redis-port).") var redisHost = "127.0.0.1"
    @Option(help: "The Redis adapter's channel prefix (with --redis-port).") var redisKey = "socket.io"
    @Option(help: "Instrument for the Socket.IO Admin UI (namespace /admin) with this password: a bcrypt hash ($2a$/$2b$/$2y$), or a plain password hashed at startup.")
    var adminPassword: String?
    @Option(help: "The Admin UI's username (with --admin-password).") var adminUser = "admin"
    @Option(help: "The Admin UI's mode (with --admin-password): development or production.") var adminMode = "development"
    @Flag(help: "The Admin UI may look but not act (no emit, join, leave, disconnect).") var adminReadonly = false
    @Option(help: "This server's id in the Admin UI (default: the host name).") var serverId: String?

    func validate() throws {
        guard SocketIOParser(rawValue: parser) != nil else {
            throw ValidationError("--parser must be one of: \(SocketIOParser.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard AdminUIOptions.Mode(rawValue: adminMode) != nil else {
            throw ValidationError("--admin-mode must be development or production")
        }
    }

    func run() async throws {
        var logger = Logger(label: "conformance-server")
        logger.logLevel = Logger.Level(rawValue: logLevel) ?? .info
        let group = MultiThreadedEventLoopGroup.singleton
        let shutdown = ShutdownSignal()
        let cluster = redisPort.map { port in
            RedisCluster(
                configuration: RedisConfiguration(host: redisHost, port: port),
                options: RedisAdapterOptions(key: redisKey), eventLoop: group.next(), logger: logger
            )
        }
        let endpoints = try ConformanceEndpoints(options: self, cluster: cluster, logger: logger, group: group)
        var limits = HTTPServerLimits()
        limits.headersTimeout = .milliseconds(Int64(headersTimeout))
        limits.keepAliveTimeout = .milliseconds(Int64(keepAliveTimeout))
        limits.maxConnections = maxConnections
        let http = try await HTTPServer.start(
            host: host, port: port, endpoints: endpoints.all, group: group, limits: limits, logger: logger
        )
        let boundPort = http.localAddress?.port ?? port
        // The contract's one line, on stdout, flushed, so scripts can wait for it.
        FileHandle.standardOutput.write(Data("listening on http://\(host):\(boundPort)\n".utf8))
        await shutdown.wait()
        logger.info("shutting down")
        try await http.shutdown()
        await cluster?.close()
    }

    /// The Admin UI's options, when `--admin-password` is given: a bcrypt
    /// hash is taken as is (as upstream's `auth.password`), anything else is
    /// the password itself, hashed here (cost 10).
    func adminOptions() throws -> AdminUIOptions? {
        guard let adminPassword else { return nil }
        let hash = Bcrypt.isHash(adminPassword) ? adminPassword : try Bcrypt.hash(adminPassword, cost: 10)
        var options = AdminUIOptions(auth: .basic(username: adminUser, passwordHash: hash))
        options.mode = AdminUIOptions.Mode(rawValue: adminMode) ?? .development
        options.readonly = adminReadonly
        options.serverId = serverId
        return options
    }

    /// Engine.IO options shared by both endpoints.
    func engineConfiguration(path: String) -> EngineIOConfiguration {
        var configuration = EngineIOConfiguration(path: path)
        configuration.pingInterval = .milliseconds(Int64(pingInterval))
        configuration.pingTimeout = .milliseconds(Int64(pingTimeout))
        configuration.maxHttpBufferSize = maxPayload
        configuration.cors = CORSPolicy(origin: .reflect, credentials: true)
        if perMessageDeflate { configuration.perMessageDeflate = PerMessageDeflateOptions(threshold: 1024) }
        configuration.broadcastFlushDelay = .milliseconds(Int64(broadcastFlushDelay))
        configuration.allowEIO3 = allowEio3
        return configuration
    }
}
