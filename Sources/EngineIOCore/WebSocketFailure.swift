/// Why a WebSocket connection must fail (RFC 6455 §7.1.7), with the status
/// code of the close frame it ends with (§7.4.1).
///
/// One type for everything the peer may get wrong, from a frame's header
/// (``WebSocketFrameParser``) to a whole message
/// (``WebSocketMessageAssembler``), so that the server and the client end
/// a connection with the same code for the same bad input.
///
/// ```swift
/// do {
///     while let output = try assembler.next(in: &bytes) { handle(output) }
/// } catch {
///     sendClose(code: error.closeCode)  // 1002, 1007, 1009 or 1011
/// }
/// ```
public struct WebSocketFailure: Error, Hashable, Sendable, CustomStringConvertible {
    /// The status code of the close frame to send.
    public var closeCode: UInt16
    /// What went wrong, for logs (never sent).
    public var reason: String

    /// A failure with any close code.
    public init(closeCode: UInt16, reason: String) {
        self.closeCode = closeCode
        self.reason = reason
    }

    /// 1002: a rule of the protocol was broken (a bad header, mask, RSV
    /// bit, opcode, fragment sequence or close payload).
    public static func protocolError(_ reason: String) -> WebSocketFailure {
        WebSocketFailure(closeCode: 1002, reason: reason)
    }

    /// 1007: data that does not match its type: text that is not UTF-8,
    /// or a compressed message that does not inflate.
    public static func invalidPayload(_ reason: String) -> WebSocketFailure {
        WebSocketFailure(closeCode: 1007, reason: reason)
    }

    /// 1009: a frame or a message (inflated, when compressed) over the limit.
    public static func messageTooBig(_ reason: String) -> WebSocketFailure {
        WebSocketFailure(closeCode: 1009, reason: reason)
    }

    /// 1011: our own failure (say, zlib could not allocate), not the peer's.
    public static func internalError(_ reason: String) -> WebSocketFailure {
        WebSocketFailure(closeCode: 1011, reason: reason)
    }

    /// The code and the reason, for logs.
    public var description: String { "\(closeCode): \(reason)" }
}
