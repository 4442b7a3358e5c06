import NIOCore
import NIOHTTP1
import NIOPosix
import ZlibCompression

/// Opens a WebSocket to the Engine.IO endpoint with NIO's typed HTTP client
/// upgrade: TCP connect, TLS for wss (the session's ``ClientTLS``), the
/// upgrade request (with the permessage-deflate
/// offer and the extra headers), validation of `Sec-WebSocket-Accept`
/// (``WebSocketClientUpgrader``) and of the server's extension answer
/// (here), then a ``WebSocketFrameHandler``, alone on the pipeline.
enum WebSocketConnector {
    /// The upgraded connection.
    struct Upgraded: Sendable {
        let channel: any Channel
        let handler: NIOLoopBound<WebSocketFrameHandler>
    }

    /// How the upgrade request ended.
    enum Outcome: Sendable {
        case upgraded(Upgraded)
        /// The server answered without switching protocols.
        case refused(any Channel)
    }

    /// Connects; the future fails if the connection or the handshake does.
    static func connect(
        configuration: EngineSessionConfiguration,
        sid: String?,
        loop: any EventLoop,
        transport: WebSocketTransport
    ) -> EventLoopFuture<Outcome> {
        var head = HTTPRequestHead(
            version: .http1_1,
            method: .GET,
            uri: configuration.requestURI(transport: .websocket, sid: sid)
        )
        head.headers.add(name: "Host", value: configuration.url.hostHeader)
        for (name, value) in configuration.extraHeaders { head.headers.add(name: name, value: value) }
        let offer = configuration.perMessageDeflate.map { _ in PerMessageDeflateOffer.recommendedClientOffer }
        if let offer { head.headers.add(name: "Sec-WebSocket-Extensions", value: offer.headerValue) }

        let outcome = Settlement(promise: loop.makePromise(of: Outcome.self))
        let owner = NIOLoopBound(transport, eventLoop: loop)
        let maxMessageBytes = configuration.maxIncomingMessageBytes
        let threshold = configuration.perMessageDeflate?.threshold ?? .max
        let requestHead = head
        let tls = configuration.tls
        let bootstrap = ClientBootstrap(group: loop)
            .connectTimeout(configuration.connectTimeout)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let tls {
                        try tls.addHandler(to: channel)
                        // A failed handshake must reach the caller as
                        // itself, not as a connection closed mid-upgrade.
                        try channel.pipeline.syncOperations.addHandler(UpgradeErrorReporter(outcome: outcome))
                    }
                    let upgrader = WebSocketClientUpgrader<Outcome> { channel, response in
                        channel.eventLoop.makeCompletedFuture {
                            let agreement = try negotiate(offer: offer, response: response)
                            let deflater = agreement.map { MessageDeflater(agreement: $0, threshold: threshold) }
                            let handler = WebSocketFrameHandler(
                                delegate: owner.value,
                                deflater: deflater,
                                maxMessageBytes: maxMessageBytes
                            )
                            try channel.pipeline.syncOperations.addHandler(handler)
                            return .upgraded(Upgraded(channel: channel, handler: NIOLoopBound(handler, eventLoop: channel.eventLoop)))
                        }
                    }
                    let upgrade = NIOTypedHTTPClientUpgradeConfiguration<Outcome>(
                        upgradeRequestHead: requestHead,
                        upgraders: [upgrader],
                        notUpgradingCompletionHandler: { channel in channel.eventLoop.makeSucceededFuture(.refused(channel)) }
                    )
                    var pipeline = NIOUpgradableHTTPClientPipelineConfiguration(upgradeConfiguration: upgrade)
                    // The server may send its first frames (the OPEN packet)
                    // in the same segment as the 101 answer: keep them.
                    pipeline.leftOverBytesStrategy = .forwardBytes
                    let upgraded = try channel.pipeline.syncOperations.configureUpgradableHTTPClientPipeline(
                        configuration: pipeline
                    )
                    upgraded.whenComplete { outcome.settle($0) }
                }
            }
        SocketConnector.connect(bootstrap, to: configuration.url).whenComplete { result in
            switch result {
            case .failure(let error):
                outcome.settle(.failure(error))
            case .success(let channel):
                // If the connection ends before the upgrade answer, fail.
                channel.closeFuture.whenComplete { _ in
                    outcome.settle(.failure(TransportFailure.webSocketFailed("connection closed during the upgrade")))
                }
            }
        }
        return outcome.promise.futureResult
    }

    /// Settles the upgrade with the first error seen on the connection
    /// (a TLS handshake failure) and passes it on; once the upgrade has
    /// settled, errors only pass through.
    private final class UpgradeErrorReporter: ChannelInboundHandler, RemovableChannelHandler {
        typealias InboundIn = ByteBuffer

        private let outcome: Settlement

        init(outcome: Settlement) {
            self.outcome = outcome
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            outcome.settle(.failure(error))
            context.fireErrorCaught(error)
        }
    }

    /// Completes the promise with the first result only: the connect, the
    /// upgrade handler and the end of the connection may all report.
    private final class Settlement: Sendable {
        let promise: EventLoopPromise<Outcome>
        private let settled: NIOLoopBoundBox<Bool>

        init(promise: EventLoopPromise<Outcome>) {
            self.promise = promise
            self.settled = NIOLoopBoundBox(false, eventLoop: promise.futureResult.eventLoop)
        }

        func settle(_ result: Result<Outcome, any Error>) {
            guard !settled.value else { return }
            settled.value = true
            promise.completeWith(result)
        }
    }

    /// The agreement the server's answer makes, nil when there is none; an
    /// answer that contradicts the offer, or accepts an extension that was
    /// not offered, fails the connection (RFC 7692 section 5).
    private static func negotiate(
        offer: PerMessageDeflateOffer?,
        response: HTTPResponseHead
    ) throws(TransportFailure) -> PerMessageDeflateAgreement? {
        let values = response.headers["Sec-WebSocket-Extensions"]
        guard let offer else {
            guard values.allSatisfy({ $0.trimmingCharacters(in: " \t") == "" }) else {
                throw .webSocketFailed("the server accepted an extension that was not offered: \(values)")
            }
            return nil
        }
        do {
            return try PerMessageDeflateClientNegotiation.validate(responseHeaderValues: values, offer: offer)
        } catch {
            throw .deflateNegotiation(error)
        }
    }
}

extension String {
    /// The string without leading and trailing characters of `set`.
    fileprivate func trimmingCharacters(in set: String) -> String {
        let scalars = unicodeScalars
        let start = scalars.firstIndex { !set.unicodeScalars.contains($0) } ?? scalars.endIndex
        let end = scalars.lastIndex { !set.unicodeScalars.contains($0) }.map { scalars.index(after: $0) } ?? start
        return start < end ? String(scalars[start..<end]) : ""
    }
}
