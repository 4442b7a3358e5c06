/// The errors the reference server answers a bad Engine.IO HTTP request
/// with: a status and the JSON body `{"code":N,"message":"..."}`.
///
/// This is the one place where a refused request becomes bytes; every
/// check in the server names one of these cases.
public enum EngineIORequestError: Int, Error, Sendable, CaseIterable {
    /// `transport` missing or not enabled.
    case unknownTransport = 0
    /// `sid` names no open session.
    case unknownSessionID = 1
    /// A handshake that is not a GET.
    case badHandshakeMethod = 2
    /// Anything else malformed: wrong transport for the session, bad payload, second GET.
    case badRequest = 3
    /// `allowRequest` refused the handshake.
    case forbidden = 4
    /// `EIO` is not 4.
    case unsupportedProtocolVersion = 5

    /// The reference server's message for this code.
    public var message: String {
        switch self {
        case .unknownTransport: "Transport unknown"
        case .unknownSessionID: "Session ID unknown"
        case .badHandshakeMethod: "Bad handshake method"
        case .badRequest: "Bad request"
        case .forbidden: "Forbidden"
        case .unsupportedProtocolVersion: "Unsupported protocol version"
        }
    }

    /// 403 for `forbidden`, 400 for the rest.
    public var httpStatus: Int { self == .forbidden ? 403 : 400 }

    /// The JSON body, with `message` in place of the default text when given.
    public func body(message override: String? = nil) -> String {
        "{\"code\":\(rawValue),\"message\":\"\(JSONStringEscaping.escape(override ?? message))\"}"
    }
}

/// Why a session ended, with the reference server's reason strings, which
/// the Socket.IO layer passes on as disconnect reasons.
public enum EngineIOCloseReason: String, Sendable, Hashable {
    /// The client closed the transport or sent a close packet.
    case transportClose = "transport close"
    /// The transport failed: a reset, an aborted poll, a protocol violation, overflow.
    case transportError = "transport error"
    /// No pong within pingTimeout after a ping.
    case pingTimeout = "ping timeout"
    /// A packet that does not decode.
    case parseError = "parse error"
    /// The application closed the session.
    case forcedClose = "forced close"
    /// The server is shutting down.
    case serverShuttingDown = "server shutting down"
}

import EngineIOCore
