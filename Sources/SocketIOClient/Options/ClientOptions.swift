public import NIOCore
import NIOPosix
public import Logging

/// Everything a ``Manager`` (one Engine.IO connection) and the sockets made
/// through ``io(_:options:)`` are configured with. The names and defaults are
/// the JavaScript client's (`ManagerOptions & SocketOptions`), so a setting
/// documented for `socket.io-client` means the same here; durations are
/// Swift `Duration`s (`.seconds(2)`, `.milliseconds(500)`) where JavaScript
/// takes milliseconds.
///
/// ```swift
/// var options = ClientOptions()
/// options.transports = [.websocket]
/// options.auth = ["token": "secret"]
/// options.reconnectionDelayMax = .seconds(10)
/// options.ackTimeout = .seconds(5)
/// options.retries = 3
/// let socket = try io("https://chat.example.com/chat", options: options)
/// ```
///
/// Options added for Swift (no JavaScript counterpart) say so and exist to
/// bound memory, to share threads, or to make timing testable.
public struct ClientOptions: Sendable {
    // MARK: Engine.IO

    /// The server's Engine.IO path (`/socket.io/`).
    public var path = "/socket.io/"
    /// Extra query parameters sent with every request (`socket.handshake.query`
    /// on the server), after the Engine.IO ones.
    public var query: [String: String] = [:]
    /// Extra HTTP headers sent with every polling request and the WebSocket
    /// upgrade request (for instance a cookie or an authorization header).
    public var extraHeaders: [String: String] = [:]
    /// Transports to use, in order of preference (`["polling", "websocket"]`):
    /// the session opens with the first and upgrades to WebSocket when the
    /// server offers it and ``upgrade`` is on.
    public var transports: [ClientTransport] = [.polling, .websocket]
    /// Whether a polling session tries to upgrade to WebSocket (true).
    public var upgrade = true
    /// After one successful upgrade, open later sessions of this manager
    /// directly with WebSocket (false), saving the polling round trips.
    public var rememberUpgrade = false
    /// WebSocket compression; on by default like the Node client (nil: the
    /// extension is not offered).
    public var perMessageDeflate: ClientPerMessageDeflate? = ClientPerMessageDeflate()

    // MARK: Manager

    /// How long the Engine.IO handshake may take before the attempt fails
    /// with "timeout" (20 s).
    public var timeout: Duration = .milliseconds(20_000)
    /// Open the connection (and connect each socket) as soon as it is made
    /// (true); false waits for `open()` / `connect()`.
    public var autoConnect = true
    /// Reconnect automatically after the connection is lost (true).
    public var reconnection = true
    /// Attempts before giving up with `reconnect_failed` (unlimited).
    public var reconnectionAttempts = Int.max
    /// First delay before a reconnection attempt (1 s); it doubles at each
    /// attempt, with jitter.
    public var reconnectionDelay: Duration = .milliseconds(1000)
    /// The largest delay between two attempts (5 s).
    public var reconnectionDelayMax: Duration = .milliseconds(5000)
    /// Jitter: each delay is moved up or down by up to this fraction of
    /// itself (0.5), so that clients dropped together do not all come back
    /// in the same millisecond.
    public var randomizationFactor = 0.5
    /// ``io(_:options:)`` always makes a new connection (false).
    public var forceNew = false
    /// ``io(_:options:)`` shares one connection between namespaces of the
    /// same server (true).
    public var multiplex = true

    // MARK: Socket

    /// Auth of the sockets made by ``io(_:options:)`` (see ``SocketOptions``);
    /// ``Socket/auth`` changes it for later connections.
    public var auth: SocketAuth?
    /// The default ack timeout of every socket made from these options: each
    /// emit that expects an ack fails with
    /// ``SocketIOClientError/Code/ackTimeout`` after it, unless the emit sets
    /// its own with `timeout(_:)` (nil: no timeout; see ``SocketOptions``).
    public var ackTimeout: Duration?
    /// Retries of those sockets (see ``SocketOptions``).
    public var retries = 0

    // MARK: TLS

    /// Swift addition (JavaScript leaves TLS to the platform). How an
    /// `https://` or `wss://` server is verified, and the client certificate
    /// to present: the system's trust store by default. Not used for
    /// `http://` and `ws://` URLs.
    public var tls = TLSOptions()

    // MARK: Swift additions

    /// Swift addition. Each per-socket buffer (emits made while disconnected,
    /// events received before the CONNECT answer, the retry queue) holds at
    /// most this many packets. When one is full a new emit is refused: its
    /// ack fails with ``SocketIOClientError/Code/bufferFull`` and a warning
    /// is logged; what was buffered first stays, so order is never broken.
    public var maxBufferedPackets = 1024
    /// Swift addition. Bytes of Engine.IO packets waiting for the transport
    /// (a polling POST in flight, an upgrade in progress, a full WebSocket
    /// write buffer). Beyond it a volatile packet is dropped and any other
    /// packet closes the connection with "transport error" (then the client
    /// reconnects), as the server does with clients that do not keep up.
    public var maxPendingOutgoingBytes = 8 << 20
    /// Swift addition. The largest message accepted from the server: a
    /// WebSocket message (after inflating) or a polling response body. A
    /// bigger one fails the transport ("transport error").
    public var maxIncomingMessageBytes = 16 << 20
    /// Swift addition. The threads the connections run on. Every manager
    /// picks one loop of the group and keeps all its state there; thousands
    /// of managers can share the default one-thread-per-core singleton.
    /// It is also the manager's clock: every timer (reconnection, ack
    /// timeouts, heartbeat, handshake timeout) is a task on that loop, so a
    /// `NIOAsyncTestingEventLoop` gives tests a clock they move by hand.
    public var eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    /// Swift addition. The random source of the reconnection jitter, a value
    /// in `0 ..< 1`; inject a fixed one to make delays predictable in tests.
    public var random: @Sendable () -> Double = { Double.random(in: 0..<1) }
    /// Swift addition. Where the client logs (lifecycle at debug, anomalies
    /// at warning).
    public var logger = Logger(label: "huddle.socket.io-client")

    /// The JavaScript client's defaults.
    public init() {}

    /// The socket-level part of these options.
    public var socketOptions: SocketOptions {
        SocketOptions(auth: auth, ackTimeout: ackTimeout, retries: retries)
    }
}

/// The two Engine.IO transports, by the names the JavaScript client uses in
/// its `transports` option.
///
/// ```swift
/// var options = ClientOptions()
/// options.transports = [.websocket]   // skip long-polling entirely
/// ```
public enum ClientTransport: String, Sendable, Hashable, CaseIterable {
    /// HTTP long-polling: works through every proxy; the session starts here
    /// by default and upgrades to WebSocket when the server offers it.
    case polling
    /// One WebSocket connection for the whole session.
    case websocket
}

/// WebSocket permessage-deflate (RFC 7692) as the client uses it: the offer
/// `permessage-deflate; client_max_window_bits` is sent, the server's answer
/// is validated, compressed messages from the server are inflated (never
/// beyond ``ClientOptions/maxIncomingMessageBytes``), and outgoing messages
/// of at least ``threshold`` bytes are compressed unless the emit says
/// `compress(false)`.
///
/// The Node client offers deflate by default with the same threshold, so
/// this is on by default too.
///
/// ```swift
/// options.perMessageDeflate = ClientPerMessageDeflate(threshold: 4096)
/// options.perMessageDeflate = nil   // do not offer the extension at all
/// ```
public struct ClientPerMessageDeflate: Sendable, Hashable {
    /// Outgoing messages shorter than this many bytes are sent uncompressed:
    /// below about a kilobyte the CPU costs more than the bytes saved.
    public var threshold: Int

    /// The JavaScript client's default: compress from 1024 bytes.
    public init(threshold: Int = 1024) {
        self.threshold = threshold
    }
}
