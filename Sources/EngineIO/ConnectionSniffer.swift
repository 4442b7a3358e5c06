import NIOCore
import NIOHTTP1
import EngineIOCore

/// The first handler of every connection: it reads the first request head
/// and, when it is a plain WebSocket upgrade to an Engine.IO endpoint that
/// the endpoint accepts, answers the handshake itself and installs the
/// WebSocket handlers; anything else gets NIO's full HTTP pipeline, fed the
/// bytes read so far. Either way it then leaves the pipeline.
///
/// Why: for WebSocket clients (the common case, and every load test) NIO's
/// HTTP stack costs more CPU and memory per handshake than everything else
/// in it. See ``UpgradeRequestHead`` for what the fast path accepts.
final class ConnectionSniffer: ChannelInboundHandler, RemovableChannelHandler, ConnectionWatchOwner {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let router: HTTPRouter
    private var received: ByteBuffer?
    private var deciding = false
    /// The connection's deadlines (the first request's head must come in time).
    private let watch: ConnectionWatch?
    private var context: ChannelHandlerContext?

    init(router: HTTPRouter, watch: ConnectionWatch?) {
        self.router = router
        self.watch = watch
    }

    func handlerAdded(context: ChannelHandlerContext) {
        // A connection that sends nothing, or a head that never completes,
        // gets a 408 and is closed at the header timeout.
        self.context = context
        watch?.owner = self
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
        if watch?.owner === self { watch?.owner = nil }
    }

    func connectionExpired(requestInProgress: Bool) {
        if let context { HTTPTimeoutAnswer.send(on: context) }
    }

    func channelInactive(context: ChannelHandlerContext) {
        watch?.stopWatching()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var bytes = unwrapInboundIn(data)
        if deciding {
            // Bytes after the head while the endpoint decides: keep them in order.
            received?.writeBuffer(&bytes)
            return
        }
        if received == nil {
            received = bytes
        } else {
            received!.writeBuffer(&bytes)
        }
        guard let buffer = received else { return }
        guard let end = UpgradeRequestHead.endOfHead(in: buffer) else {
            if buffer.readableBytes > UpgradeRequestHead.maxLength { useHTTPPipeline(context: context) }
            return
        }
        let head = buffer.getSlice(at: buffer.readerIndex, length: end) ?? ByteBuffer()
        guard let request = UpgradeRequestHead.parse(head), let endpoint = router.endpoint(for: request.uri) else {
            useHTTPPipeline(context: context)
            return
        }
        deciding = true
        endpoint.validateWebSocket(head: request.nioHead, on: context.eventLoop).assumeIsolated().whenComplete { [self] result in
            guard case .success(let extraHeaders?) = result else {
                // Refused: NIO's pipeline answers it with the reference error.
                useHTTPPipeline(context: context)
                return
            }
            upgrade(context: context, request: request, endpoint: endpoint, extraHeaders: extraHeaders, headLength: end)
        }
    }

    private func upgrade(context: ChannelHandlerContext, request: UpgradeRequestHead, endpoint: EngineIOServer, extraHeaders: HTTPHeaders, headLength: Int) {
        // The client may have gone while the endpoint decided.
        guard context.channel.isActive else { return }
        var response = "HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\nconnection: upgrade\r\n"
        response += "sec-websocket-accept: \(SHA1.webSocketAccept(key: request.key))\r\n"
        for (name, value) in extraHeaders { response += "\(name): \(value)\r\n" }
        response += "\r\n"
        // Not flushed yet: the new session's OPEN packet follows, and both
        // leave in one write.
        context.write(wrapOutboundOut(ByteBuffer(string: response)), promise: nil)
        do {
            try endpoint.installWebSocket(on: context.channel, uri: request.uri, headers: request.headers)
        } catch {
            context.close(promise: nil)
            return
        }
        context.flush()  // a probe of a polling session writes nothing now
        watch?.stopWatching()  // the session's own bounds apply from now on
        var rest = received
        received = nil
        rest?.moveReaderIndex(forwardBy: headLength)
        // Pass on what followed the head (before leaving: a removed
        // handler's context forwards nothing).
        if let rest, rest.readableBytes > 0 {
            context.fireChannelRead(wrapInboundOut(rest))
            context.fireChannelReadComplete()
        }
        context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
    }

    typealias InboundOut = ByteBuffer

    /// Hands the connection to NIO's HTTP stack, replaying what was read.
    private func useHTTPPipeline(context: ChannelHandlerContext) {
        do {
            try HTTPServer.configureHTTP(channel: context.channel, router: router, watch: watch)
        } catch {
            context.close(promise: nil)
            return
        }
        let replay = received
        received = nil
        if let replay {
            context.fireChannelRead(wrapInboundOut(replay))
            context.fireChannelReadComplete()
        }
        context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
    }
}
