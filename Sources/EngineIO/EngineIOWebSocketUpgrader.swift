import NIOCore
import NIOHTTP1
import NIOWebSocket
import EngineIOCore

/// The WebSocket upgrade for every Engine.IO endpoint of an HTTP server.
///
/// NIO's upgrader computes the handshake (accept key) and we keep that; but
/// it installs NIO's frame encoder, while Engine.IO writes complete frames
/// built once per broadcast, so the pipeline is set up here instead: only
/// ``EngineIOWebSocketHandler``, which cuts client frames itself
/// (``WebSocketFrameParser``).
///
/// A request that fails the Engine.IO checks is not upgraded: it goes on to
/// the HTTP handler, which answers it with the reference error JSON.
final class EngineIOWebSocketUpgrader: HTTPServerProtocolUpgrader, Sendable {
    let supportedProtocol = "websocket"
    let requiredUpgradeHeaders: [String] = []
    private let router: HTTPRouter
    private let handshake: NIOWebSocketServerUpgrader

    init(router: HTTPRouter) {
        self.router = router
        self.handshake = NIOWebSocketServerUpgrader(
            maxFrameSize: Int(UInt32.max),
            automaticErrorHandling: false,
            shouldUpgrade: { channel, head in
                router.validateWebSocket(head: head, on: channel.eventLoop)
            },
            upgradePipelineHandler: { channel, _ in channel.eventLoop.makeSucceededVoidFuture() }
        )
    }

    func buildUpgradeResponse(
        channel: any Channel,
        upgradeRequest: HTTPRequestHead,
        initialResponseHeaders: HTTPHeaders
    ) -> EventLoopFuture<HTTPHeaders> {
        handshake.buildUpgradeResponse(
            channel: channel,
            upgradeRequest: upgradeRequest,
            initialResponseHeaders: initialResponseHeaders
        )
    }

    func upgrade(context: ChannelHandlerContext, upgradeRequest: HTTPRequestHead) -> EventLoopFuture<Void> {
        let channel = context.channel
        guard let endpoint = router.endpoint(for: upgradeRequest.uri) else {
            return channel.close()
        }
        do {
            try endpoint.installWebSocket(on: channel, uri: upgradeRequest.uri, headers: upgradeRequest.headers)
            return channel.eventLoop.makeSucceededVoidFuture()
        } catch {
            return channel.eventLoop.makeFailedFuture(error)
        }
    }
}
