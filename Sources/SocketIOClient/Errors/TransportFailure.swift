import EngineIOCore
import ZlibCompression

/// Why a transport or an Engine.IO session failed, in detail (for logs and
/// tests); the public API only sees the ``SocketIOClientError`` it maps to.
enum TransportFailure: Error, Sendable, Hashable, CustomStringConvertible {
    /// A polling GET failed: no connection, the connection dropped, or a
    /// non-200 answer (status and body given when there was one).
    case pollFailed(String)
    /// A polling POST failed likewise.
    case postFailed(String)
    /// The WebSocket connection or its upgrade failed.
    case webSocketFailed(String)
    /// The server's permessage-deflate answer contradicts the offer.
    case deflateNegotiation(PerMessageDeflateNegotiationError)
    /// The server's frames broke a rule of WebSocket (RFC 6455, RFC 7692:
    /// framing, masking, UTF-8, size, inflation); the client sent a close
    /// frame with the failure's code.
    case webSocketProtocol(WebSocketFailure)
    /// The server broke the WebSocket or Engine.IO protocol.
    case protocolViolation(String)
    /// Bytes that are not Engine.IO packets.
    case decoding(EngineIODecodingError)
    /// The OPEN packet is not a usable handshake.
    case invalidHandshake(String)
    /// More than `maxPendingOutgoingBytes` waited for the transport.
    case outgoingBufferFull(Int)
    /// The TLS handshake failed (untrusted or misnamed certificate).
    case tls(String)

    /// `tls` when `error` is a TLS handshake failure, else `otherwise`.
    static func classify(_ error: any Error, otherwise: (String) -> TransportFailure) -> TransportFailure {
        if let failure = error as? TransportFailure { return failure }
        if let reason = TLSFailureDetail.reason(of: error) { return .tls(reason) }
        return otherwise("\(error)")
    }

    /// The JavaScript client's message for the same situation.
    var publicMessage: String {
        switch self {
        case .pollFailed: return "xhr poll error"
        case .postFailed: return "xhr post error"
        case .webSocketFailed, .deflateNegotiation, .webSocketProtocol: return "websocket error"
        case .protocolViolation, .decoding, .invalidHandshake: return "server error"
        case .outgoingBufferFull: return "outgoing buffer full"
        case .tls: return "tls error"
        }
    }

    var description: String {
        switch self {
        case .pollFailed(let detail): return "xhr poll error: \(detail)"
        case .postFailed(let detail): return "xhr post error: \(detail)"
        case .webSocketFailed(let detail): return "websocket error: \(detail)"
        case .deflateNegotiation(let error): return "websocket error: permessage-deflate: \(error)"
        case .webSocketProtocol(let failure): return "websocket error: \(failure.reason) (closed with \(failure.closeCode))"
        case .protocolViolation(let detail): return "protocol violation: \(detail)"
        case .decoding(let error): return "undecodable Engine.IO packet: \(error)"
        case .invalidHandshake(let detail): return "invalid handshake: \(detail)"
        case .outgoingBufferFull(let limit): return "more than \(limit) bytes waiting to be sent"
        case .tls(let reason): return "tls error: \(reason)"
        }
    }

    /// The public error: `connectionFailed` with the JavaScript message,
    /// followed by the detail.
    var publicError: SocketIOClientError {
        let detail = description
        let message = detail.hasPrefix(publicMessage) ? detail : "\(publicMessage) (\(detail))"
        if case .tls = self { return SocketIOClientError(code: .tlsFailed, message: message) }
        return SocketIOClientError(code: .connectionFailed, message: message)
    }
}
