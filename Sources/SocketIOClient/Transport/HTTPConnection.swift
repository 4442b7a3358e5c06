import DequeModule
import NIOCore
import NIOHTTP1
import NIOPosix

/// One keep-alive HTTP/1.1 connection to the server (over TLS for https),
/// one request at a time, opened on first use and again after the server
/// closes it.
///
/// A polling transport keeps two: one for the long-poll GET, one for POSTs,
/// so a write never waits behind a held poll (browsers get the same from
/// their connection pool). Requests wait in a FIFO queue; the queue is
/// bounded by the transport, which never has more than a couple of requests
/// outstanding per connection.
final class HTTPConnection {
    private struct Request {
        var head: HTTPRequestHead
        var body: ByteBuffer?
        let promise: EventLoopPromise<NIOHTTPClientResponseFull>
    }

    private let loop: any EventLoop
    private let url: ServerURL
    private let connectTimeout: TimeAmount
    private let maxResponseBytes: Int
    private let tls: ClientTLS?
    private var channel: (any Channel)?
    private var isConnecting = false
    private var isClosed = false
    private var queue = Deque<Request>()
    private var inFlight: Request?

    init(loop: any EventLoop, url: ServerURL, connectTimeout: TimeAmount, maxResponseBytes: Int, tls: ClientTLS?) {
        self.loop = loop
        self.url = url
        self.connectTimeout = connectTimeout
        self.maxResponseBytes = maxResponseBytes
        self.tls = tls
    }

    /// Sends a request after those already queued; the future holds the
    /// whole response (body bounded by `maxResponseBytes`).
    func send(_ head: HTTPRequestHead, body: ByteBuffer?) -> EventLoopFuture<NIOHTTPClientResponseFull> {
        let promise = loop.makePromise(of: NIOHTTPClientResponseFull.self)
        guard !isClosed else {
            promise.fail(ChannelError.ioOnClosedChannel)
            return promise.futureResult
        }
        queue.append(Request(head: head, body: body, promise: promise))
        pump()
        return promise.futureResult
    }

    /// Fails whatever is queued and closes the connection.
    func close() {
        guard !isClosed else { return }
        isClosed = true
        failAll(ChannelError.ioOnClosedChannel)
        channel?.close(promise: nil)
        channel = nil
    }

    // MARK: - Internals

    private func pump() {
        guard !isClosed, inFlight == nil, let next = queue.first else { return }
        guard let channel, channel.isActive else {
            connect()
            return
        }
        queue.removeFirst()
        inFlight = next
        channel.write(HTTPClientRequestPart.head(next.head), promise: nil)
        if let body = next.body {
            channel.write(HTTPClientRequestPart.body(.byteBuffer(body)), promise: nil)
        }
        channel.writeAndFlush(HTTPClientRequestPart.end(nil), promise: nil)
    }

    private func connect() {
        guard !isConnecting else { return }
        isConnecting = true
        channel = nil
        let receiver = NIOLoopBound(self, eventLoop: loop)
        let maxBytes = maxResponseBytes
        let tls = self.tls
        let bootstrap = ClientBootstrap(group: loop)
            .connectTimeout(connectTimeout)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try tls?.addHandler(to: channel)
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    try channel.pipeline.syncOperations.addHandler(NIOHTTPClientResponseAggregator(maxContentLength: maxBytes))
                    try channel.pipeline.syncOperations.addHandler(HTTPResponseReceiver(connection: receiver.value))
                }
            }
        SocketConnector.connect(bootstrap, to: url).assumeIsolated().whenComplete { [self] result in
            isConnecting = false
            switch result {
            case .success(let channel):
                guard !isClosed else {
                    channel.close(promise: nil)
                    return
                }
                self.channel = channel
                pump()
            case .failure(let error):
                failAll(error)
            }
        }
    }

    private func failAll(_ error: any Error) {
        let pending = (inFlight.map { [$0] } ?? []) + Array(queue)
        inFlight = nil
        queue.removeAll()
        for request in pending { request.promise.fail(error) }
    }

    fileprivate func received(_ response: NIOHTTPClientResponseFull, on channel: any Channel) {
        guard channel === self.channel, let request = inFlight else { return }
        inFlight = nil
        if !response.head.isKeepAlive {
            channel.close(promise: nil)
            self.channel = nil
        }
        request.promise.succeed(response)
        pump()
    }

    fileprivate func failed(_ error: any Error, on channel: any Channel) {
        guard channel === self.channel else { return }
        self.channel = nil
        channel.close(promise: nil)
        if let request = inFlight {
            inFlight = nil
            request.promise.fail(error)
        }
        pump()
    }
}

/// Passes complete responses (and the end of the connection) to the
/// connection that owns the channel.
private final class HTTPResponseReceiver: ChannelInboundHandler {
    typealias InboundIn = NIOHTTPClientResponseFull

    private weak var connection: HTTPConnection?

    init(connection: HTTPConnection) {
        self.connection = connection
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        connection?.received(unwrapInboundIn(data), on: context.channel)
    }

    func channelInactive(context: ChannelHandlerContext) {
        connection?.failed(ChannelError.eof, on: context.channel)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        connection?.failed(error, on: context.channel)
        context.close(promise: nil)
    }
}

/// Connects a bootstrap to the server, skipping name resolution for IP
/// literals (thousands of clients to 127.0.0.1 need no resolver).
enum SocketConnector {
    static func connect(_ bootstrap: ClientBootstrap, to url: ServerURL) -> EventLoopFuture<any Channel> {
        if let address = try? SocketAddress(ipAddress: url.host, port: url.port) {
            return bootstrap.connect(to: address)
        }
        return bootstrap.connect(host: url.host, port: url.port)
    }
}
