import EngineIOCore
import NIOCore
import NIOHTTP1

/// The client's half of the WebSocket opening handshake (RFC 6455 §4.1)
/// for NIO's typed HTTP client upgrade: a random `Sec-WebSocket-Key` and
/// the version in the request, `Sec-WebSocket-Accept` checked in the 101
/// answer, then `upgradePipeline` sets up the connection.
///
/// Why not NIO's `NIOTypedWebSocketClientUpgrader`: it installs NIO's frame
/// decoder and encoder, while the client reads through the
/// ``WebSocketMessageAssembler`` it shares with the server (the same rules,
/// the same close codes) and writes frames built by
/// ``WebSocketFrameWriter``; nothing but our handler sits on the pipeline.
struct WebSocketClientUpgrader<UpgradeResult: Sendable>: NIOTypedHTTPClientProtocolUpgrader {
    let supportedProtocol = "websocket"
    let requiredUpgradeHeaders: [String] = []
    private let key: String
    private let upgradePipeline: @Sendable (any Channel, HTTPResponseHead) -> EventLoopFuture<UpgradeResult>

    /// An upgrader with a fresh key; `upgradePipeline` runs once the server
    /// has switched protocols, on the connection's loop.
    init(upgradePipeline: @escaping @Sendable (any Channel, HTTPResponseHead) -> EventLoopFuture<UpgradeResult>) {
        self.key = Self.randomKey()
        self.upgradePipeline = upgradePipeline
    }

    func addCustom(upgradeRequestHeaders: inout HTTPHeaders) {
        upgradeRequestHeaders.add(name: "Sec-WebSocket-Key", value: key)
        upgradeRequestHeaders.add(name: "Sec-WebSocket-Version", value: "13")
    }

    /// Only an answer that proves the server read our key (RFC 6455 §4.1,
    /// the client's fourth check).
    func shouldAllowUpgrade(upgradeResponse: HTTPResponseHead) -> Bool {
        let accept = upgradeResponse.headers["Sec-WebSocket-Accept"]
        return accept.count == 1 && accept[0] == SHA1.webSocketAccept(key: key)
    }

    func upgrade(channel: any Channel, upgradeResponse: HTTPResponseHead) -> EventLoopFuture<UpgradeResult> {
        upgradePipeline(channel, upgradeResponse)
    }

    /// Sixteen random bytes in base64 (RFC 6455 §4.1).
    static func randomKey() -> String {
        var generator = SystemRandomNumberGenerator()
        var bytes = ByteBuffer()
        bytes.writeInteger(generator.next() as UInt64)
        bytes.writeInteger(generator.next() as UInt64)
        var key = ByteBuffer()
        Base64.encode(bytes, into: &key)
        return String(buffer: key)
    }
}
