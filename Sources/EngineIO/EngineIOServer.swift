public import NIOCore
import NIOHTTP1
public import Logging
public import EngineIOCore

/// An Engine.IO v4 endpoint (and v3, with
/// ``EngineIOConfiguration/allowEIO3``): the session table (one shard per event loop),
/// handshakes, and the routing of polling requests and WebSockets to their
/// sessions. Mount it on an ``HTTPServer`` (several endpoints can share one
/// port, each on its own path).
///
/// ```swift
/// let group = MultiThreadedEventLoopGroup.singleton
/// let echo = EngineIOServer(configuration: .init(path: "/engine.io/"), group: group) { socket in
///     socket.onMessage = { message in
///         switch message {
///         case .text(let text): socket.send(EngineIOOutboundPacket(packet: .init(type: .message, data: text)))
///         case .binary(let bytes): socket.send(binary: bytes)
///         }
///     }
/// }
/// let http = try await HTTPServer.start(host: "127.0.0.1", port: 3000, endpoints: [echo], group: group)
/// ```
public final class EngineIOServer: Sendable {
    /// The endpoint's options.
    public let configuration: EngineIOConfiguration
    let logger: Logger
    let loops: [any EventLoop]
    let shards: [SessionShard]
    let onConnection: @Sendable (EngineIOSocket) -> Void
    let compression: EndpointCompression
    /// `configuration.broadcastFlushDelay` when it is on: read per delivery,
    /// so kept apart from the configuration struct.
    let broadcastFlushDelay: TimeAmount?
    /// The observer, if one is installed (see ``install(observer:)``).
    let observerSlot = ObserverSlot<any EngineIOObserver>()

    /// An endpoint whose sessions live on the loops of `group`.
    ///
    /// - Parameter onConnection: called on the session's loop for every new
    ///   session, before any message of it is delivered.
    public init(
        configuration: EngineIOConfiguration,
        group: any EventLoopGroup,
        logger: Logger = Logger(label: "huddle.engine.io"),
        onConnection: @escaping @Sendable (EngineIOSocket) -> Void
    ) {
        self.configuration = configuration
        self.logger = logger
        var loops: [any EventLoop] = []
        for loop in group.makeIterator() { loops.append(loop) }
        precondition(!loops.isEmpty && loops.count <= SessionID.maxShards)
        self.loops = loops
        self.shards = loops.enumerated().map { SessionShard(index: $0.offset, eventLoop: $0.element) }
        self.onConnection = onConnection
        self.compression = EndpointCompression(configuration: configuration)
        self.broadcastFlushDelay = configuration.broadcastFlushDelay > .zero ? configuration.broadcastFlushDelay : nil
    }

    /// The shard owned by `loop` (a loop of the server's group: the
    /// listener serves connections on that group only).
    func shard(for loop: any EventLoop) -> SessionShard {
        for shard in shards where shard.eventLoop === loop { return shard }
        preconditionFailure("event loop not in this server's group")
    }

    /// The shard a sid names, if any.
    func shard(forSessionID sid: String) -> SessionShard? {
        guard let index = SessionID.shard(of: sid), index < shards.count else { return nil }
        return shards[index]
    }

    /// Runs `body` with the session `sid` (open or draining; nil if
    /// unknown) on its own loop, always through that loop's task queue, even
    /// from that loop: requests of one session read on different loops then
    /// take effect in the order they were read (a GET and a POST sent at the
    /// same moment on two connections, a GET racing an upgrade's `5`), never
    /// in the order their loops happen to run them.
    func withSession(_ sid: String, _ body: @escaping @Sendable (EngineIOSocket?) -> Void) {
        guard let shard = shard(forSessionID: sid) else {
            body(nil)
            return
        }
        shard.eventLoop.execute { body(shard.session(sid) ?? shard.drainingSession(sid)) }
    }

    /// The number of open sessions (for tests and metrics).
    public func sessionCount() -> EventLoopFuture<Int> {
        let futures = shards.map { shard in shard.eventLoop.submit { shard.count } }
        return EventLoopFuture.reduce(0, futures, on: loops[0], +)
    }

    /// Sessions open now by the transport they use (read on each loop when
    /// asked: for metrics, nothing is counted per packet).
    public func sessionCountsByTransport() -> EventLoopFuture<[EngineIOTransportKind: Int]> {
        let futures = shards.map { shard in
            shard.eventLoop.submit {
                shard.allSessions.reduce(into: [EngineIOTransportKind: Int]()) { $0[$1.transport, default: 0] += 1 }
            }
        }
        return EventLoopFuture.reduce([:], futures, on: loops[0]) { $0.merging($1, uniquingKeysWith: +) }
    }

    /// Closes every session with reason "server shutting down".
    public func closeAllSessions() -> EventLoopFuture<Void> {
        let futures = shards.map { shard in
            shard.eventLoop.submit {
                for socket in shard.allSessions { socket.close(reason: .serverShuttingDown) }
            }
        }
        return EventLoopFuture.andAllComplete(futures, on: loops[0])
    }

    // MARK: - Handshake checks

    /// What is wrong with a request, if anything, before it reaches a
    /// session: the reference server's `verify()` order.
    func verify(_ request: EngineIORequest, isUpgrade: Bool) -> EngineIORequestError? {
        let query = request.query
        guard let transportName = query["transport"],
              let transport = EngineIOTransportKind(rawValue: transportName),
              configuration.transports.contains(transport) else {
            return .unknownTransport
        }
        if query["sid"] != nil {
            if transport == .websocket && !isUpgrade { return .badRequest }
            return nil
        }
        guard request.method == .GET else { return .badHandshakeMethod }
        guard query["EIO"] == "4" || configuration.allowEIO3 else { return .unsupportedProtocolVersion }
        if transport == .websocket && !isUpgrade { return .badRequest }
        return nil
    }

    /// The `allowRequest` hook's answer as an error and message.
    func checkAllowRequest(_ request: EngineIORequest) -> (EngineIORequestError, String)? {
        guard let hook = configuration.allowRequest else { return nil }
        switch hook(request) {
        case .allow: return nil
        case .deny(let message): return (.forbidden, message)
        }
    }

    /// The OPEN packet's fields. v3 sessions get the same JSON, `maxPayload`
    /// included, as the reference sends them (v3 clients ignore it).
    func handshake(upgrades: [String], sid: String) -> EngineIOHandshake {
        EngineIOHandshake(
            sid: sid,
            upgrades: upgrades,
            pingInterval: Int(configuration.pingInterval.nanoseconds / 1_000_000),
            pingTimeout: Int(configuration.pingTimeout.nanoseconds / 1_000_000),
            maxPayload: configuration.maxHttpBufferSize
        )
    }

    var pollingUpgrades: [String] {
        configuration.allowUpgrades && configuration.transports.contains(.websocket) ? ["websocket"] : []
    }

    /// A payload response, compressed when the client accepts it and the body is large enough.
    func pollingResponse(_ payload: EngineIOPollingBody, for reply: PollReply) -> HTTPResponse {
        var response = payload.isBinary ? HTTPResponse.binaryPayload(payload.bytes) : HTTPResponse.payload(payload.bytes)
        compression.compressIfWorthIt(&response, requestHeaders: reply.requestHeaders)
        return response
    }
}

extension EngineIOServer {
    /// An outbound packet, with its compressed frame when `compress` is set,
    /// permessage-deflate is on and the payload reaches the threshold.
    ///
    /// Call it on one of the server's loops (it uses that loop's shared
    /// compressor); elsewhere the packet is left uncompressed.
    public func outboundPacket(_ packet: EngineIOPacket, compress: Bool = true) -> EngineIOOutboundPacket {
        let plain = EngineIOOutboundPacket(packet: packet)
        return compress ? compressing(plain) : plain
    }

    /// `packet` with its compressed frame added when permessage-deflate is
    /// on and the payload reaches the threshold (see ``outboundPacket(_:compress:)``).
    public func compressing(_ packet: EngineIOOutboundPacket) -> EngineIOOutboundPacket {
        guard let options = configuration.perMessageDeflate,
              let shard = shards.first(where: { $0.eventLoop.inEventLoop }) else {
            return packet
        }
        return packet.addingCompressedFrame(options: options, compressor: shard.compressor)
    }
}
