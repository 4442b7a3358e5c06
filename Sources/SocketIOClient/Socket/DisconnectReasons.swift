/// Why a socket disconnected: the JavaScript client's reasons, as strings
/// applications already match on.
///
/// Only ``ioServerDisconnect`` and ``ioClientDisconnect`` are final; after
/// the others the manager reconnects (when `reconnection` is on) and the
/// socket connects again by itself.
///
/// ```swift
/// socket.onDisconnect { reason in
///     if reason == .ioServerDisconnect { socket.connect() }   // the server kicked us: decide
/// }
/// ```
public enum SocketDisconnectReason: String, Sendable, Hashable, CaseIterable {
    /// The server disconnected the socket (`socket.disconnect()` on the
    /// server): no automatic reconnection.
    case ioServerDisconnect = "io server disconnect"
    /// The client disconnected the socket, or closed the manager.
    case ioClientDisconnect = "io client disconnect"
    /// No ping from the server within pingInterval + pingTimeout.
    case pingTimeout = "ping timeout"
    /// The connection was closed (the server went away, for instance).
    case transportClose = "transport close"
    /// The connection failed.
    case transportError = "transport error"
    /// The server sent a packet that does not decode.
    case parseError = "parse error"

    /// Whether the manager reconnects after this (when `reconnection` is on).
    public var reconnectsAutomatically: Bool {
        switch self {
        case .ioServerDisconnect, .ioClientDisconnect: return false
        case .pingTimeout, .transportClose, .transportError, .parseError: return true
        }
    }

    init(_ reason: ManagerCloseReason) {
        switch reason {
        case .forcedClose: self = .ioClientDisconnect
        case .transportClose: self = .transportClose
        case .transportError: self = .transportError
        case .pingTimeout: self = .pingTimeout
        case .parseError: self = .parseError
        }
    }
}

/// Why a manager's connection closed (the Engine.IO client's reasons, plus
/// the Socket.IO client's "parse error").
public enum ManagerCloseReason: String, Sendable, Hashable {
    /// The client closed it (`manager.close()`, or the last socket left).
    case forcedClose = "forced close"
    /// The server closed the connection.
    case transportClose = "transport close"
    /// The connection failed.
    case transportError = "transport error"
    /// No ping from the server within pingInterval + pingTimeout.
    case pingTimeout = "ping timeout"
    /// The server sent a packet that does not decode.
    case parseError = "parse error"

    init(_ reason: EngineCloseReason) {
        switch reason {
        case .transportClose: self = .transportClose
        case .transportError: self = .transportError
        case .pingTimeout: self = .pingTimeout
        case .forcedClose: self = .forcedClose
        }
    }
}
