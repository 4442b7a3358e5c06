/// What a ``Manager`` reports: the JavaScript Manager's events, plus the
/// Engine.IO `upgrade`.
///
/// ```swift
/// manager.on(.reconnectAttempt) { event in
///     if case .reconnectAttempt(let attempt) = event { print("attempt", attempt) }
/// }
/// for await event in manager.events() { print(event.name) }
/// ```
public enum ManagerEvent: Sendable, Hashable {
    /// The Engine.IO session is open (first connection or reconnection).
    case open
    /// The session ended; the manager reconnects unless the reason was the
    /// client's own close.
    case close(ManagerCloseReason)
    /// Opening failed, or the open connection failed (then `close` follows).
    case error(SocketIOClientError)
    /// The server pinged (the client has answered).
    case ping
    /// A reconnection attempt starts (1 for the first).
    case reconnectAttempt(attempt: Int)
    /// Reconnected after this many attempts.
    case reconnect(attempt: Int)
    /// A reconnection attempt failed.
    case reconnectError(SocketIOClientError)
    /// `reconnectionAttempts` attempts failed; the manager stops trying.
    case reconnectFailed
    /// The session moved to another transport (polling to WebSocket).
    case upgrade(ClientTransport)

    /// The event's name in the JavaScript client (`"reconnect_attempt"`, ...).
    public var name: Name {
        switch self {
        case .open: return .open
        case .close: return .close
        case .error: return .error
        case .ping: return .ping
        case .reconnectAttempt: return .reconnectAttempt
        case .reconnect: return .reconnect
        case .reconnectError: return .reconnectError
        case .reconnectFailed: return .reconnectFailed
        case .upgrade: return .upgrade
        }
    }

    /// The names to listen to, with the JavaScript spelling as raw value.
    public enum Name: String, Sendable, Hashable, CaseIterable {
        /// ``ManagerEvent/open``.
        case open
        /// ``ManagerEvent/close(_:)``.
        case close
        /// ``ManagerEvent/error(_:)``.
        case error
        /// ``ManagerEvent/ping``.
        case ping
        /// ``ManagerEvent/reconnectAttempt(attempt:)``.
        case reconnectAttempt = "reconnect_attempt"
        /// ``ManagerEvent/reconnect(attempt:)``.
        case reconnect
        /// ``ManagerEvent/reconnectError(_:)``.
        case reconnectError = "reconnect_error"
        /// ``ManagerEvent/reconnectFailed``.
        case reconnectFailed = "reconnect_failed"
        /// ``ManagerEvent/upgrade(_:)``.
        case upgrade
    }
}
