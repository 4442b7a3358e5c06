import EngineIOCore
import Logging
import NIOCore

/// One Engine.IO session as the manager sees it: open it, send packets,
/// close it. ``EngineSession`` is the real one; tests substitute a fake to
/// drive the manager's reconnection logic with a manual clock.
///
/// Loop-confined: every call, and every delegate callback, happens on the
/// manager's event loop.
protocol EngineConnection: AnyObject {
    /// Receives the session's events; held strongly until the session ends,
    /// so a connection the application no longer references keeps running
    /// (as in JavaScript) until it is closed.
    var delegate: (any EngineConnectionDelegate)? { get set }
    /// Whether a packet sent now would go to the network without waiting
    /// (volatile emits are dropped otherwise).
    var isWritable: Bool { get }
    /// The transport in use, nil before the session opens.
    var transport: ClientTransport? { get }
    /// Starts the handshake.
    func open()
    /// Queues packets; `compress` allows permessage-deflate for them.
    func send(_ packets: [EngineIOPacket], compress: Bool)
    /// Closes the session on purpose ("forced close"): pending packets are
    /// flushed first; the delegate hears nothing more.
    func close()
}

/// What a session reports, once each, on the manager's loop.
protocol EngineConnectionDelegate: AnyObject {
    func engineDidOpen(_ engine: any EngineConnection, handshake: EngineHandshakeInfo)
    func engine(_ engine: any EngineConnection, didFailToOpen failure: TransportFailure)
    func engine(_ engine: any EngineConnection, didReceive packet: EngineIOPacket)
    func engineDidReceivePing(_ engine: any EngineConnection)
    func engine(_ engine: any EngineConnection, didUpgradeTo transport: ClientTransport)
    func engine(_ engine: any EngineConnection, didCloseWith reason: EngineCloseReason, failure: TransportFailure?)
}

/// Why an open session ended (the Engine.IO client's reasons).
enum EngineCloseReason: String, Sendable, Hashable {
    /// The server closed the connection or sent a CLOSE packet.
    case transportClose = "transport close"
    /// The transport failed (HTTP error, reset, protocol violation).
    case transportError = "transport error"
    /// No ping within pingInterval + pingTimeout.
    case pingTimeout = "ping timeout"
    /// The client closed the session.
    case forcedClose = "forced close"
}

/// Everything a session needs to know, fixed for its lifetime.
struct EngineSessionConfiguration: Sendable {
    var url: ServerURL
    var path: String
    /// URL query and the `query` option, merged (the option wins).
    var query: [String: String]
    var extraHeaders: [String: String]
    var transports: [ClientTransport]
    var upgrade: Bool
    /// Open with WebSocket directly (rememberUpgrade after a success).
    var startWithWebSocket: Bool
    var connectTimeout: TimeAmount
    var perMessageDeflate: ClientPerMessageDeflate?
    var maxIncomingMessageBytes: Int
    var maxPendingOutgoingBytes: Int
    var logger: Logger
    /// TLS for every connection of the session (https/wss), nil for plain.
    var tls: ClientTLS?

    init(url: ServerURL, options: ClientOptions, startWithWebSocket: Bool, tls: ClientTLS? = nil) {
        self.url = url
        self.tls = tls
        path = options.path.hasSuffix("/") ? options.path : options.path + "/"
        query = url.query.merging(options.query) { _, option in option }
        extraHeaders = options.extraHeaders
        transports = options.transports.isEmpty ? [.polling, .websocket] : options.transports
        upgrade = options.upgrade
        self.startWithWebSocket = startWithWebSocket
        connectTimeout = TimeAmount(options.timeout)
        perMessageDeflate = options.perMessageDeflate
        maxIncomingMessageBytes = options.maxIncomingMessageBytes
        maxPendingOutgoingBytes = options.maxPendingOutgoingBytes
        logger = options.logger
    }

    /// The transport the session opens with.
    var initialTransport: ClientTransport {
        if startWithWebSocket, transports.contains(.websocket) { return .websocket }
        return transports[0]
    }

    /// The request target of a transport: path and query, Engine.IO's
    /// parameters first.
    func requestURI(transport: ClientTransport, sid: String?) -> String {
        var uri = path + "?EIO=4&transport=" + transport.rawValue
        if let sid { uri += "&sid=" + PercentEncoding.encode(sid) }
        for (name, value) in query.sorted(by: { $0.key < $1.key }) where !["EIO", "transport", "sid"].contains(name) {
            uri += "&" + PercentEncoding.encode(name) + "=" + PercentEncoding.encode(value)
        }
        return uri
    }
}
