import NIOCore
import NIOHTTP1
import NIOWebSocket
import EngineIOCore

/// One HTTP connection's requests: collects each body up to the endpoint's
/// limit, hands the request to its endpoint (or the fallback), and writes
/// the answer, which may come later and from another loop (a held poll).
final class HTTPRequestHandler: ChannelInboundHandler, RemovableChannelHandler, ConnectionWatchOwner {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    /// Bodies of requests that no endpoint takes (the fallback) stop here.
    static let fallbackBodyLimit = 1 << 16

    private enum State {
        case idle
        case receiving(head: HTTPRequestHead, endpoint: EngineIOServer?, body: ByteBuffer, limit: Int)
        case discarding
        case waiting(head: HTTPRequestHead, endpoint: EngineIOServer?)
    }

    private let router: HTTPRouter
    private var state = State.idle
    private var context: ChannelHandlerContext?
    /// The connection's deadlines (none for an application's own bootstrap).
    private let watch: ConnectionWatch?

    init(router: HTTPRouter, watch: ConnectionWatch?) {
        self.router = router
        self.watch = watch
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        watch?.owner = self
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
        // Removed when a WebSocket upgrade completes: the session's own
        // bounds apply from then on.
        watch?.stopWatching()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            watch?.headReceived()
            let endpoint = router.endpoint(for: head.uri)
            let limit = endpoint?.configuration.maxHttpBufferSize ?? Self.fallbackBodyLimit
            if let length = head.headers.first(name: "content-length").flatMap(Int.init), length > limit {
                state = .discarding
                respondAndClose(head: head, endpoint: endpoint, status: .payloadTooLarge)
                return
            }
            state = .receiving(head: head, endpoint: endpoint, body: ByteBuffer(), limit: limit)
        case .body(var chunk):
            guard case .receiving(let head, let endpoint, var body, let limit) = state else { return }
            if body.readableBytes + chunk.readableBytes > limit {
                state = .discarding
                respondAndClose(head: head, endpoint: endpoint, status: .payloadTooLarge)
                return
            }
            state = .idle  // drop the reference so the append does not copy
            body.writeBuffer(&chunk)
            state = .receiving(head: head, endpoint: endpoint, body: body, limit: limit)
        case .end:
            guard case .receiving(let head, let endpoint, let body, _) = state else { return }
            watch?.requestReceived()
            state = .waiting(head: head, endpoint: endpoint)
            dispatch(head: head, endpoint: endpoint, body: body, context: context)
        }
    }

    private func dispatch(head: HTTPRequestHead, endpoint: EngineIOServer?, body: ByteBuffer, context: ChannelHandlerContext) {
        let request = EngineIORequest(method: head.method, uri: head.uri, headers: head.headers, remoteAddress: context.remoteAddress)
        let reply = makeReply(head: head, endpoint: endpoint, context: context)
        guard let endpoint else {
            guard let fallback = router.fallback else {
                reply.respond(HTTPResponse(status: .notFound, body: ByteBuffer(string: "Not found")))
                return
            }
            fallback(request, body, context.eventLoop).whenComplete { result in
                switch result {
                case .success(let response): reply.respond(response)
                case .failure: reply.respond(HTTPResponse(status: .internalServerError))
                }
            }
            return
        }
        if head.method == .OPTIONS, endpoint.configuration.cors != nil {
            reply.respond(HTTPResponse(status: .noContent))
            return
        }
        endpoint.handleHTTP(request: request, body: body, reply: reply, on: context.eventLoop)
    }

    private func makeReply(head: HTTPRequestHead, endpoint: EngineIOServer?, context: ChannelHandlerContext) -> PollReply {
        let loop = context.eventLoop
        let bound = NIOLoopBound(self, eventLoop: loop)
        return PollReply(connection: ObjectIdentifier(context.channel), requestHeaders: head.headers) { response in
            if loop.inEventLoop {
                bound.value.write(response)
            } else {
                loop.execute { bound.value.write(response) }
            }
        }
    }

    private func respondAndClose(head: HTTPRequestHead, endpoint: EngineIOServer?, status: HTTPResponseStatus) {
        guard let context else { return }
        write(HTTPResponse(status: status), head: head, endpoint: endpoint, keepAlive: false, context: context)
    }

    /// Writes the answer to the request in flight.
    ///
    /// A WebSocket upgrade request that gets here was refused (unknown or
    /// closed session, one that cannot upgrade now, a bad query): its
    /// connection closes after the answer, as the reference server's
    /// `abortUpgrade` does. A client's WebSocket reports its `close` only
    /// once the connection is gone.
    private func write(_ response: HTTPResponse) {
        guard let context, case .waiting(let head, let endpoint) = state else { return }
        state = .idle
        let keepAlive = head.isKeepAlive && !Self.asksForWebSocket(head)
        write(response, head: head, endpoint: endpoint, keepAlive: keepAlive, context: context)
    }

    private static func asksForWebSocket(_ head: HTTPRequestHead) -> Bool {
        head.headers[canonicalForm: "upgrade"].contains { $0.lowercased() == "websocket" }
    }

    private func write(_ response: HTTPResponse, head: HTTPRequestHead, endpoint: EngineIOServer?, keepAlive: Bool, context: ChannelHandlerContext) {
        var headers = response.headers
        endpoint?.configuration.cors?.apply(requestHeaders: head.headers, to: &headers, preflight: head.method == .OPTIONS)
        headers.replaceOrAdd(name: "Content-Length", value: String(response.body.readableBytes))
        if !keepAlive { headers.replaceOrAdd(name: "Connection", value: "close") }
        let responseHead = HTTPResponseHead(version: head.version, status: response.status, headers: headers)
        context.write(wrapOutboundOut(.head(responseHead)), promise: nil)
        if response.body.readableBytes > 0 {
            context.write(wrapOutboundOut(.body(.byteBuffer(response.body))), promise: nil)
        }
        let done = context.writeAndFlush(wrapOutboundOut(.end(nil)))
        if !keepAlive {
            done.assumeIsolated().whenComplete { [context] _ in context.close(promise: nil) }
        } else {
            watch?.responded()
        }
    }

    /// The connection's deadline passed (see ``HTTPServerLimits``): a
    /// request in progress gets `408 Request Timeout`; an idle connection is
    /// closed.
    func connectionExpired(requestInProgress: Bool) {
        guard let context else { return }
        guard requestInProgress else {
            context.close(promise: nil)
            return
        }
        state = .discarding
        var headers = HTTPHeaders()
        headers.add(name: "Content-Length", value: "0")
        headers.add(name: "Connection", value: "close")
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .requestTimeout, headers: headers))), promise: nil)
        let done = context.writeAndFlush(wrapOutboundOut(.end(nil)))
        done.assumeIsolated().whenComplete { [context] _ in context.close(promise: nil) }
    }

    func channelInactive(context: ChannelHandlerContext) {
        watch?.stopWatching()
        if case .waiting(let head, let endpoint) = state, let endpoint, head.method == .GET,
           let sid = QueryString(uri: head.uri)["sid"] {
            endpoint.pollConnectionClosed(sid: sid, connection: ObjectIdentifier(context.channel))
        }
        state = .idle
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // A refused WebSocket upgrade reports its reason here, then the
        // request continues as plain HTTP and gets its error answer.
        if error is NIOWebSocketUpgradeError { return }
        context.close(promise: nil)
    }
}
