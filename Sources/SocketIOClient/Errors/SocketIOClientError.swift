public import SocketIOCore

/// The one error type of the client's public API: every `throws` of the
/// client throws it (catch it with `catch let error as SocketIOClientError`),
/// every ack callback and `connect_error` listener receives it.
///
/// The functions are declared with plain `throws`, not
/// `throws(SocketIOClientError)`: typed throws are not inferred through
/// closures (a call wrapped in `map` or in your own retry helper comes out
/// as `any Error`), so one `catch let error as SocketIOClientError` works
/// the same everywhere instead of compiling in some places only.
///
/// Small on purpose: a ``code`` to switch on, the ``message`` the JavaScript
/// client would give (so logs read the same across languages), and for a
/// server refusal the ``data`` the server attached. The detailed cause (an
/// HTTP status, a WebSocket close, a zlib error) is kept in ``message``.
///
/// ```swift
/// socket.onConnectError { error in
///     if error.code == .refused, error.message == "unauthorized" {
///         print(error.data?["code"] ?? nil)   // 401
///     }
/// }
/// ```
public struct SocketIOClientError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong, broadly.
    public enum Code: String, Sendable, Hashable {
        /// The URL cannot be used (bad syntax, or a scheme other than
        /// `http`, `https`, `ws`, `wss`).
        case invalidURL
        /// The server refused the namespace (CONNECT_ERROR): ``message`` and
        /// ``data`` are the server's.
        case refused
        /// The connection could not be opened or was lost (transport error,
        /// refused upgrade, bad handshake).
        case connectionFailed
        /// The Engine.IO handshake did not complete within `timeout`, or an
        /// awaited ``Socket/connect(timeout:)`` did not within its own.
        case connectTimeout
        /// TLS failed: the server's certificate was not accepted (not
        /// issued by a trusted root, expired, not for this host), the
        /// handshake was refused, or a certificate or key of
        /// ``TLSOptions`` does not load. Retrying does not help until the
        /// server or the options change.
        case tlsFailed
        /// An ack did not arrive within the emit's timeout.
        case ackTimeout
        /// The socket disconnected while an ack was awaited, or a volatile
        /// emit was dropped because the socket was not connected.
        case disconnected
        /// A bounded buffer was full and the emit was refused.
        case bufferFull
        /// The event name is reserved (`connect`, `connect_error`,
        /// `disconnect`, `disconnecting`, `newListener`, `removeListener`).
        case reservedEventName
        /// The auth provider threw.
        case authFailed
        /// A value could not be encoded to, or decoded from, JSON.
        case codingFailed
    }

    /// What went wrong.
    public var code: Code
    /// A human-readable message, the JavaScript client's where it has one
    /// (`"timeout"`, `"operation has timed out"`, `"socket has been disconnected"`,
    /// the server's refusal message, `"xhr poll error"`, `"websocket error"`).
    public var message: String
    /// For a refusal, the `data` of the server's CONNECT_ERROR.
    public var data: JSONValue?

    /// An error with every field given.
    public init(code: Code, message: String, data: JSONValue? = nil) {
        self.code = code
        self.message = message
        self.data = data
    }

    /// `code: message`, plus the data when there is some.
    public var description: String {
        if let data { return "\(code.rawValue): \(message) \(data)" }
        return "\(code.rawValue): \(message)"
    }
}

extension SocketIOClientError {
    static let ackTimedOut = SocketIOClientError(code: .ackTimeout, message: "operation has timed out")
    static let socketDisconnected = SocketIOClientError(code: .disconnected, message: "socket has been disconnected")
    static let handshakeTimedOut = SocketIOClientError(code: .connectTimeout, message: "timeout")

    static func bufferFull(_ what: String) -> SocketIOClientError {
        SocketIOClientError(code: .bufferFull, message: "\(what) is full")
    }

    static func reserved(_ name: String) -> SocketIOClientError {
        SocketIOClientError(code: .reservedEventName, message: "\"\(name)\" is a reserved event name")
    }

    static func coding(_ error: any Error) -> SocketIOClientError {
        SocketIOClientError(code: .codingFailed, message: "\(error)")
    }
}
