public import NIOCore

/// The two Engine.IO transports.
public enum EngineIOTransportKind: String, Sendable, Hashable, CaseIterable {
    /// HTTP long-polling: GET to receive, POST to send.
    case polling
    /// One WebSocket connection, opened directly or by upgrade from polling.
    case websocket
}

/// Options of an Engine.IO endpoint, named and defaulted as in the reference
/// server (engine.io 6.x) so that a setting read in its documentation means
/// the same here.
///
/// ```swift
/// var options = EngineIOConfiguration(path: "/engine.io/")
/// options.pingInterval = .milliseconds(300)
/// options.pingTimeout = .milliseconds(200)
/// options.perMessageDeflate = .init(threshold: 1024)
/// ```
public struct EngineIOConfiguration: Sendable {
    /// URL path prefix of the endpoint; requests match when their path starts with it.
    public var path: String
    /// Time between two server pings (reference default 25 s).
    public var pingInterval: TimeAmount = .milliseconds(25_000)
    /// Time the server waits for a pong before it closes the session (20 s).
    public var pingTimeout: TimeAmount = .milliseconds(20_000)
    /// Time a started upgrade may take before the probe transport is dropped (10 s).
    public var upgradeTimeout: TimeAmount = .milliseconds(10_000)
    /// Largest POST body or WebSocket message accepted, in bytes (1e6).
    /// It is also announced to clients as `maxPayload`.
    public var maxHttpBufferSize: Int = 1_000_000
    /// Transports accepted for new sessions and upgrades.
    public var transports: Set<EngineIOTransportKind> = [.polling, .websocket]
    /// Whether polling sessions may upgrade to WebSocket.
    public var allowUpgrades = true
    /// A hook that sees each handshake and may refuse it (HTTP 403, code 4).
    public var allowRequest: (@Sendable (EngineIORequest) -> AllowRequestDecision)?
    /// Cross-origin policy for polling responses; nil sends no CORS headers.
    public var cors: CORSPolicy?
    /// The optional `io` cookie set on handshake (off by default, as in the reference).
    public var cookie: SessionCookie?
    /// Compression of long-polling responses over a threshold (on, 1024 bytes).
    public var httpCompression: HTTPCompressionOptions? = HTTPCompressionOptions()
    /// WebSocket permessage-deflate; off by default as in the reference server.
    public var perMessageDeflate: PerMessageDeflateOptions?
    /// Whether Engine.IO v3 clients (socket.io-client 2.x, python-engineio
    /// 3.x) may connect; off by default, as in the reference server. Off, a
    /// handshake whose `EIO` is not `4` gets "Unsupported protocol version"
    /// (code 5). On, such a session speaks v3: the client pings and the
    /// server answers, closing the session after pingInterval + pingTimeout
    /// without a ping; polling payloads are length-prefixed (binary ones as
    /// `b4<base64>`, or the binary payload form for clients that did not ask
    /// for base64 with `b64`); a binary WebSocket message starts with its
    /// type byte. Over it, Socket.IO speaks its v4 revision (see
    /// `SocketIOServer`). JSONP polling (`j`) is not served.
    public var allowEIO3 = false
    /// Packets a single POST body may carry; beyond it the body is refused
    /// (400) and the session closed. Official clients batch everything queued,
    /// so the bound is generous.
    public var maxPacketsPerPayload = 10_000
    /// Bytes queued for one session that the client has not taken yet
    /// (polling queue, or WebSocket writes the kernel has not accepted).
    /// The bound in force is never below two messages of the largest size
    /// accepted (see ``effectiveMaxBufferedBytes``), so that any message the
    /// server accepts can also be delivered, on every transport.
    ///
    /// Overflow policy: volatile packets are dropped as soon as a client is
    /// not keeping up; a reliable packet that would push the backlog past
    /// the bound closes the session with reason "transport error", so that
    /// a stalled client costs bounded memory and learns it lost data instead
    /// of silently missing it.
    public var maxBufferedBytesPerSession = 1 << 20

    /// The backlog bound in force: ``maxBufferedBytesPerSession``, raised to
    /// twice ``maxHttpBufferSize`` when that is larger (a 4 MB message
    /// limit allows an 8 MB backlog).
    public var effectiveMaxBufferedBytes: Int {
        max(maxBufferedBytesPerSession, 2 * maxHttpBufferSize)
    }

    /// How long packets sent as part of a broadcast may wait to be flushed
    /// together with the next ones for the same client (0: flushed at the
    /// end of the event loop's turn, the default).
    ///
    /// Why: one `write()` costs about as much as the whole rest of a
    /// delivery, so at high broadcast rates several messages per write
    /// divide the cost per delivery; the price is up to this much added
    /// latency for broadcast packets only (direct emits and acks still
    /// leave at the end of the turn, and take any waiting packets along).
    public var broadcastFlushDelay: TimeAmount = .zero

    /// A configuration with reference defaults mounted at `path`.
    public init(path: String = "/engine.io/") {
        self.path = path.hasSuffix("/") ? path : path + "/"
    }
}

/// What ``EngineIOConfiguration/allowRequest`` decides for a handshake.
public enum AllowRequestDecision: Sendable, Hashable {
    /// Accept the handshake.
    case allow
    /// Refuse it: HTTP 403 with code 4 and this message.
    case deny(message: String)
}

/// The `io` cookie of the reference server.
public struct SessionCookie: Sendable, Hashable {
    /// Cookie name (`io`).
    public var name = "io"
    /// Cookie path (`/`).
    public var path = "/"
    /// HttpOnly flag (set).
    public var httpOnly = true
    /// SameSite value (`Strict`).
    public var sameSite = "Strict"

    /// The reference defaults.
    public init() {}

    /// The `Set-Cookie` value for `sid`.
    func header(for sid: String) -> String {
        var value = "\(name)=\(sid); Path=\(path)"
        if httpOnly { value += "; HttpOnly" }
        if !sameSite.isEmpty { value += "; SameSite=\(sameSite)" }
        return value
    }
}

/// gzip/deflate of polling responses.
public struct HTTPCompressionOptions: Sendable, Hashable {
    /// Bodies smaller than this are sent as they are (reference: 1024).
    public var threshold: Int

    /// Compression above `threshold` bytes.
    public init(threshold: Int = 1024) {
        self.threshold = threshold
    }
}

/// WebSocket permessage-deflate (RFC 7692) settings.
public struct PerMessageDeflateOptions: Sendable, Hashable {
    /// Messages smaller than this are sent uncompressed (reference: 1024).
    public var threshold: Int

    /// Compression for messages of at least `threshold` bytes.
    public init(threshold: Int = 1024) {
        self.threshold = threshold
    }
}
