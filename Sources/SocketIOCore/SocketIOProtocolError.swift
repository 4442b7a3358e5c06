/// A violation of the Socket.IO v5 packet format.
///
/// The decoder throws these for malformed input from a peer (the server should
/// then close the connection, as the reference implementation does); the
/// encoder throws them for packets that would not decode on the other side.
public enum SocketIOProtocolError: Error, Hashable, Sendable {
    /// The text message was empty, so it has no packet type.
    case emptyPacket
    /// The first character is not a packet type digit `0`–`6` (the byte is given).
    case unknownPacketType(UInt8)
    /// A BINARY_EVENT/BINARY_ACK without a well-formed `<digits>-` attachment count.
    case invalidAttachmentCount
    /// More attachments announced than the decoder's limit allows.
    case tooManyAttachments(count: Int, limit: Int)
    /// The namespace is not valid UTF-8 (decoding), or does not start with `/`
    /// or contains `,` (encoding, where it would change the packet's meaning).
    case invalidNamespace
    /// The ack id does not fit in 64 bits, is missing on an ACK, or is present
    /// on a packet type that cannot carry one.
    case invalidAckID
    /// The payload is not valid JSON.
    case invalidJSON(JSONParseError)
    /// The payload has the wrong shape for the packet type: CONNECT takes an
    /// object or nothing, DISCONNECT nothing, CONNECT_ERROR an object or a
    /// string, EVENT a non-empty array starting with a string (or number)
    /// name, ACK an array. Binary values are only allowed in EVENT and ACK.
    case invalidPayload(SocketIOPacket.PacketType)
    /// A binary message arrived while no attachments were expected.
    case unexpectedBinaryMessage
    /// A text message arrived while the attachments of a binary packet were
    /// still expected ("got plaintext data when reconstructing a packet").
    case unexpectedTextMessage
    /// A `{"_placeholder":true}` object whose `num` is missing, not an integer
    /// or not the index of a received attachment.
    case invalidAttachmentPlaceholder
    /// An attachment that no placeholder refers to (the index is given).
    case unusedAttachment(index: Int)
}

extension SocketIOProtocolError: CustomStringConvertible {
    /// A short explanation suitable for logs.
    public var description: String {
        switch self {
        case .emptyPacket: return "empty Socket.IO packet"
        case .unknownPacketType(let byte): return "unknown Socket.IO packet type byte 0x\(String(byte, radix: 16))"
        case .invalidAttachmentCount: return "illegal attachment count"
        case .tooManyAttachments(let count, let limit): return "too many attachments: \(count) (limit \(limit))"
        case .invalidNamespace: return "invalid namespace"
        case .invalidAckID: return "invalid ack id"
        case .invalidJSON(let error): return "invalid payload JSON: \(error)"
        case .invalidPayload(let type): return "invalid payload for packet type \(type)"
        case .unexpectedBinaryMessage: return "got binary data when not reconstructing a packet"
        case .unexpectedTextMessage: return "got plaintext data when reconstructing a packet"
        case .invalidAttachmentPlaceholder: return "attachment placeholder refers to a missing attachment"
        case .unusedAttachment(let index): return "attachment \(index) is not referenced by any placeholder"
        }
    }
}
