public import NIOCore

/// What a close frame says (RFC 6455 §5.5.1): nothing, or a status code
/// followed by a UTF-8 reason.
///
/// ```swift
/// try WebSocketClose(payload: ByteBuffer(bytes: [0x03, 0xE8]))  // code 1000, reason ""
/// try WebSocketClose(payload: ByteBuffer(bytes: [0x03]))        // throws 1002
/// ```
public struct WebSocketClose: Equatable, Sendable {
    /// The status code; nil for an empty close frame (which the receiver
    /// reads as 1005, "no status received").
    public var code: UInt16?
    /// The reason the peer gave, possibly empty.
    public var reason: String

    /// A close with `code` (nil: none) and `reason`.
    public init(code: UInt16?, reason: String = "") {
        self.code = code
        self.reason = reason
    }

    /// Reads a close frame's payload (unmasked).
    ///
    /// - Throws: ``WebSocketFailure``: 1002 for a payload of one byte (a
    ///   code takes two) or a code no endpoint may send
    ///   (``isSendable(_:)``); 1007 for a reason that is not UTF-8.
    public init(payload: ByteBuffer) throws(WebSocketFailure) {
        var payload = payload
        guard payload.readableBytes != 1 else { throw .protocolError("close payload of one byte") }
        guard let code = payload.readInteger(as: UInt16.self) else {
            self.init(code: nil)
            return
        }
        guard Self.isSendable(code) else { throw .protocolError("close code \(code) may not be sent") }
        guard UTF8Validation.isValid(payload) else { throw .invalidPayload("close reason that is not UTF-8") }
        self.init(code: code, reason: String(buffer: payload))
    }

    /// Whether an endpoint may put `code` in a close frame (RFC 6455
    /// §7.4.1-2 and the IANA registry): 1000-1003 and 1007-1014, or
    /// 3000-4999 (libraries and applications). Not 1004 (reserved), nor
    /// 1005, 1006 and 1015, which only report what happened locally, nor
    /// anything else below 3000 (reserved for the protocol) or from 5000.
    public static func isSendable(_ code: UInt16) -> Bool {
        switch code {
        case 1000...1003, 1007...1014, 3000...4999: true
        default: false
        }
    }
}
