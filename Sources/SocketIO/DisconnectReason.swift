import EngineIO

/// Why a socket left its namespace: the reference server's reasons, which
/// applications match on (and log) as strings.
public enum DisconnectReason: String, Sendable, Hashable, CaseIterable {
    /// The server called `socket.disconnect()`.
    case serverNamespaceDisconnect = "server namespace disconnect"
    /// The client left the namespace (`socket.disconnect()` on its side).
    case clientNamespaceDisconnect = "client namespace disconnect"
    /// The connection was closed by the client or lost.
    case transportClose = "transport close"
    /// The connection failed.
    case transportError = "transport error"
    /// The client did not answer a ping in time.
    case pingTimeout = "ping timeout"
    /// The client sent a packet that does not decode.
    case parseError = "parse error"
    /// The server is shutting down.
    case serverShuttingDown = "server shutting down"
    /// The server closed the connection (Engine.IO `close()`).
    case forcedClose = "forced close"
    /// The server closed the connection on which this socket was multiplexed.
    case forcedServerClose = "forced server close"

    /// The reason a socket gets when its Engine.IO session ends.
    init(_ reason: EngineIOCloseReason) {
        switch reason {
        case .transportClose: self = .transportClose
        case .transportError: self = .transportError
        case .pingTimeout: self = .pingTimeout
        case .parseError: self = .parseError
        case .forcedClose: self = .forcedClose
        case .serverShuttingDown: self = .serverShuttingDown
        }
    }

    /// Whether a client that reconnects after this may recover its session
    /// (connection state recovery): not when either side left on purpose.
    var allowsRecovery: Bool {
        switch self {
        case .serverNamespaceDisconnect, .clientNamespaceDisconnect: false
        default: true
        }
    }
}
