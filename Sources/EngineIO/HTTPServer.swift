public import NIOCore
import NIOPosix
import NIOHTTP1
public import Logging

/// The HTTP listener: one port for every Engine.IO endpoint (polling and
/// WebSocket upgrade on the same path) and a fallback for other paths
/// (static files of a demo page, health checks).
///
/// ```swift
/// let http = try await HTTPServer.start(host: "127.0.0.1", port: 0, endpoints: [engine], group: group)
/// print(http.localAddress)   // the port the kernel chose
/// try await http.shutdown()
/// ```
public final class HTTPServer: Sendable {
    /// Answers requests that match no endpoint (runs on the connection's loop).
    public typealias Fallback = @Sendable (EngineIORequest, ByteBuffer) -> HTTPResponse
    /// Answers requests that match no endpoint, possibly later (a status
    /// page that asks other loops); called on the connection's loop.
    public typealias AsyncFallback = @Sendable (EngineIORequest, ByteBuffer, any EventLoop) -> EventLoopFuture<HTTPResponse>

    /// The listening channel.
    public let channel: any Channel
    /// The endpoints served.
    public let endpoints: [EngineIOServer]
    /// The limits in force.
    public let limits: HTTPServerLimits
    /// Each loop's watch over connections that have no session yet.
    let deadlines: [ConnectionDeadlines]
    /// Connections open now (accepted, not yet closed).
    let openConnections: ConnectionCount

    /// The address bound, with the real port when 0 was asked for.
    public var localAddress: SocketAddress? { channel.localAddress }

    private init(channel: any Channel, endpoints: [EngineIOServer], limits: HTTPServerLimits, deadlines: [ConnectionDeadlines], openConnections: ConnectionCount) {
        self.channel = channel
        self.endpoints = endpoints
        self.limits = limits
        self.deadlines = deadlines
        self.openConnections = openConnections
    }

    /// The number of connections open now (for tests and metrics).
    public var connectionCount: Int { openConnections.current }

    /// Binds `host:port` and serves `endpoints`.
    ///
    /// - Parameters:
    ///   - backlog: the listen queue; a connection storm of thousands of
    ///     clients overflows a small one (each overflow costs a client a 1 s
    ///     SYN retry), so the default is large.
    public static func start(
        host: String,
        port: Int,
        endpoints: [EngineIOServer],
        fallback: Fallback? = nil,
        group: any EventLoopGroup,
        backlog: Int32 = 4096,
        limits: HTTPServerLimits = HTTPServerLimits(),
        prepareConnection: ConnectionPreparation? = nil,
        logger: Logger = Logger(label: "huddle.http")
    ) async throws -> HTTPServer {
        try await start(
            host: host, port: port, endpoints: endpoints, asyncFallback: fallback.map(asynchronous),
            group: group, backlog: backlog, limits: limits, prepareConnection: prepareConnection, logger: logger
        )
    }

    /// Binds `host:port` and serves `endpoints`, other paths answered by
    /// `asyncFallback`.
    ///
    /// - Parameter prepareConnection: called on each accepted connection
    ///   (within the cap) before HTTP is set up, on its loop: where an
    ///   application puts a TLS handler in front of HTTP, e.g.
    ///   `{ try $0.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tls)) }`.
    public static func start(
        host: String,
        port: Int,
        endpoints: [EngineIOServer],
        asyncFallback: AsyncFallback?,
        group: any EventLoopGroup,
        backlog: Int32 = 4096,
        limits: HTTPServerLimits = HTTPServerLimits(),
        prepareConnection: ConnectionPreparation? = nil,
        logger: Logger = Logger(label: "huddle.http")
    ) async throws -> HTTPServer {
        let router = HTTPRouter(endpoints: endpoints, fallback: asyncFallback)
        var loops: [any EventLoop] = []
        for loop in group.makeIterator() { loops.append(loop) }
        let deadlines = loops.map { ConnectionDeadlines(eventLoop: $0, limits: limits) }
        for loopDeadlines in deadlines { loopDeadlines.start() }
        let openConnections = ConnectionCount()
        let cap = limits.effectiveMaxConnections
        let perAddress = limits.maxConnectionsPerAddress.map { ($0, AddressConnectionCounts()) }
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: backlog)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            // NIO keeps each connection's receive buffer between reads; with
            // thousands of mostly idle connections a small first size (it
            // grows with the traffic) saves ~1.7 KB per connection; 128 bytes was measured worse: the first request then takes several reads.
            .childChannelOption(.maxMessagesPerRead, value: 4)
            .childChannelOption(.recvAllocator, value: AdaptiveRecvByteBufferAllocator(minimum: 64, initial: 256, maximum: 65536))
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let open = openConnections.opened()
                    channel.closeFuture.whenComplete { _ in openConnections.closed() }
                    var fromAddress = 0
                    if let (_, counts) = perAddress, let address = channel.remoteAddress?.ipAddress {
                        fromAddress = counts.opened(address)
                        channel.closeFuture.whenComplete { _ in counts.closed(address) }
                    }
                    guard open <= cap, fromAddress <= (perAddress?.0 ?? .max) else {
                        // Over a cap: a clear refusal, and the descriptor back at once.
                        try channel.pipeline.syncOperations.addHandler(ConnectionRefusal())
                        return
                    }
                    try prepareConnection?(channel)
                    let loopDeadlines = deadlines.first { $0.eventLoop === channel.eventLoop }
                    try configure(channel: channel, router: router, watch: loopDeadlines.map(ConnectionWatch.init(deadlines:)))
                }
            }
        let channel: any Channel
        do {
            channel = try await bootstrap.bind(host: host, port: port).get()
        } catch {
            for loopDeadlines in deadlines { loopDeadlines.stop() }
            throw error
        }
        logger.debug("http listening", metadata: ["address": "\(channel.localAddress.map { "\($0)" } ?? "?")"])
        return HTTPServer(channel: channel, endpoints: endpoints, limits: limits, deadlines: deadlines, openConnections: openConnections)
    }

    /// Sets up an accepted connection to serve `endpoints` (HTTP/1.1 with
    /// the WebSocket upgrade), for applications that run their own NIO
    /// bootstrap or drive a connection in tests (EmbeddedChannel).
    ///
    /// ```swift
    /// let channel = EmbeddedChannel(loop: loop)
    /// try HTTPServer.configure(channel: channel, endpoints: [engine])
    /// ```
    public static func configure(channel: any Channel, endpoints: [EngineIOServer], fallback: Fallback? = nil) throws {
        try configure(channel: channel, router: HTTPRouter(endpoints: endpoints, fallback: fallback.map(asynchronous)))
    }

    /// What ``start(host:port:endpoints:asyncFallback:group:backlog:limits:prepareConnection:logger:)``
    /// does first with each accepted connection (a TLS handler, say); a
    /// throw closes the connection.
    public typealias ConnectionPreparation = @Sendable (any Channel) throws -> Void

    /// A synchronous fallback as an asynchronous one.
    static func asynchronous(_ fallback: @escaping Fallback) -> AsyncFallback {
        { request, body, loop in loop.makeSucceededFuture(fallback(request, body)) }
    }

    /// Sets up a new connection: the handshake fast path first (see
    /// ``ConnectionSniffer``), which falls back to NIO's HTTP/1.1 stack.
    /// `watch`: the connection's deadlines (none for a connection set up
    /// by an application's own bootstrap).
    static func configure(channel: any Channel, router: HTTPRouter, watch: ConnectionWatch? = nil) throws {
        try channel.pipeline.syncOperations.addHandler(ConnectionSniffer(router: router, watch: watch))
    }

    /// NIO's HTTP/1.1 stack with the WebSocket upgrade, after the sniffer.
    static func configureHTTP(channel: any Channel, router: HTTPRouter, watch: ConnectionWatch?) throws {
        if let watch { try channel.pipeline.syncOperations.addHandler(ConnectionActivity(watch: watch)) }
        let handler = HTTPRequestHandler(router: router, watch: watch)
        let upgrader = EngineIOWebSocketUpgrader(router: router)
        let bound = NIOLoopBound(handler, eventLoop: channel.eventLoop)
        let upgrade: NIOHTTPServerUpgradeConfiguration = (
            upgraders: [upgrader],
            completionHandler: { context in
                context.pipeline.syncOperations.removeHandler(bound.value, promise: nil)
            }
        )
        try channel.pipeline.syncOperations.configureHTTPServerPipeline(withServerUpgrade: upgrade)
        try channel.pipeline.syncOperations.addHandler(handler)
    }

    /// Stops accepting, closes every session of every endpoint with reason
    /// "server shutting down" (their transports close; no Socket.IO
    /// DISCONNECT is sent, so clients reconnect once a server is back).
    public func shutdown() async throws {
        try? await channel.close()
        for loopDeadlines in deadlines { loopDeadlines.stop() }
        for endpoint in endpoints {
            try await endpoint.closeAllSessions().get()
        }
    }
}
