/// Why a compression or decompression call failed.
///
/// Deliberately small: callers only need to tell *whose fault* a failure is.
/// `invalidData` and `sizeLimitExceeded` are the peer's fault (close the
/// WebSocket with 1007 / 1009, or answer HTTP 400 / 413); `zlibFailure` is
/// ours or the machine's (out of memory, misuse) and should be logged.
///
/// ```swift
/// do {
///     let text = try decompressor.decompress(payload, maximumSize: 1 << 20)
/// } catch .sizeLimitExceeded {
///     // close with 1009 (message too big)
/// } catch {
///     // close with 1007 (invalid payload data)
/// }
/// ```
public enum ZlibError: Error, Hashable, Sendable {
    /// The compressed bytes are not a valid DEFLATE / zlib / gzip stream
    /// (corrupt, truncated, or followed by garbage). `reason` is zlib's own
    /// message when it has one, for logs only.
    case invalidData(reason: String)

    /// Decompressing would have produced more than `limit` bytes. Decompression
    /// stops as soon as the limit is crossed, so a "zip bomb" never costs more
    /// memory than the limit.
    case sizeLimitExceeded(limit: Int)

    /// zlib reported a failure that is not about the data: `Z_MEM_ERROR` (-4),
    /// `Z_STREAM_ERROR` (-2), `Z_VERSION_ERROR` (-6), ...
    case zlibFailure(code: Int32)
}

extension ZlibError: CustomStringConvertible {
    /// A one-line description for logs.
    public var description: String {
        switch self {
        case .invalidData(let reason):
            return "invalid compressed data: \(reason)"
        case .sizeLimitExceeded(let limit):
            return "decompressed size exceeds the limit of \(limit) bytes"
        case .zlibFailure(let code):
            return "zlib failure (code \(code))"
        }
    }
}

/// Why a permessage-deflate offer or response cannot be used.
///
/// On a server these only explain why an offer was declined (a declined
/// offer is not an error: the connection proceeds without compression, or
/// with the client's next offer). On a client they are fatal: RFC 7692
/// section 5 requires failing the WebSocket connection when the server's
/// response is invalid.
public enum PerMessageDeflateNegotiationError: Error, Hashable, Sendable {
    /// The header value does not follow the RFC 6455 section 9.1 grammar.
    case malformedHeader

    /// A parameter RFC 7692 does not define. Section 5: an offer or a
    /// response with an unknown parameter must not be accepted.
    case unknownParameter(String)

    /// The same parameter appears twice in one offer or response.
    case duplicateParameter(String)

    /// A parameter has a value it must not have (`server_no_context_takeover=1`),
    /// lacks one it needs, or has one outside 8 ... 15 / with leading zeros.
    case invalidParameterValue(name: String, value: String?)

    /// Well formed, but not acceptable to us; `reason` is for logs.
    case unacceptable(reason: String)
}

extension PerMessageDeflateNegotiationError: CustomStringConvertible {
    /// A one-line description for logs.
    public var description: String {
        switch self {
        case .malformedHeader:
            return "malformed Sec-WebSocket-Extensions header"
        case .unknownParameter(let name):
            return "unknown permessage-deflate parameter \(name)"
        case .duplicateParameter(let name):
            return "duplicate permessage-deflate parameter \(name)"
        case .invalidParameterValue(let name, let value):
            return "invalid value \(value.map { "\"\($0)\"" } ?? "(none)") for permessage-deflate parameter \(name)"
        case .unacceptable(let reason):
            return "unacceptable permessage-deflate parameters: \(reason)"
        }
    }
}

extension ZlibError {
    /// The WebSocket close code (RFC 6455 §7.4.1) for a message that failed
    /// to inflate with this error: 1007 for bytes that are not a valid
    /// stream, 1009 for a message over the limit, 1011 for zlib's own failure.
    public var webSocketCloseCode: UInt16 {
        switch self {
        case .invalidData: 1007
        case .sizeLimitExceeded: 1009
        case .zlibFailure: 1011
        }
    }
}
