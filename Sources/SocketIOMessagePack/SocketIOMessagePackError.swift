public import MessagePack
public import SocketIOCore

/// Why a msgpack-encoded Socket.IO packet (or a MessagePack document meant
/// for the JSON world) was refused.
///
/// Why its own type: the msgpack parser's rules are those of
/// `socket.io-msgpack-parser` (one binary message holding a map
/// `{type, nsp, data?, id?}`), which fail in ways the text format cannot
/// (a text message, a value that is not a map, a map key JSON cannot hold).
/// The server answers every case the same way: it closes the connection,
/// as the reference does on a parser error.
public enum SocketIOMessagePackError: Error, Hashable, Sendable {
    /// A text message arrived; this parser only reads binary messages.
    case unexpectedTextMessage
    /// The bytes are not one well-formed MessagePack value (within limits).
    case invalidMessagePack(MessagePackDecodingError)
    /// The value is not a map.
    case notAPacket
    /// `type` is missing, not an integer, or not 0...4 (CONNECT to
    /// CONNECT_ERROR; this format has no BINARY_EVENT or BINARY_ACK).
    case invalidPacketType
    /// `nsp` is missing or not a string.
    case invalidNamespace
    /// `id` is not a non-negative integer that fits 64 bits, is missing on
    /// an ACK, or is present on a packet type that cannot carry one.
    case invalidAckID
    /// `data` has the wrong shape for the packet type (same rules as the
    /// text format: CONNECT takes a map or nothing, DISCONNECT nothing,
    /// CONNECT_ERROR a map or a string, EVENT a non-empty array starting with
    /// a string or number, ACK an array).
    case invalidPayload(SocketIOPacket.PacketType)
    /// A map key JSON has no string for (a float that is not finite, an
    /// array, a map, binary or an extension value).
    case unsupportedMapKey
}

extension SocketIOMessagePackError: CustomStringConvertible {
    /// A short explanation suitable for logs.
    public var description: String {
        switch self {
        case .unexpectedTextMessage: return "text message where the msgpack parser expects binary"
        case .invalidMessagePack(let error): return "\(error)"
        case .notAPacket: return "msgpack packet is not a map"
        case .invalidPacketType: return "invalid packet type"
        case .invalidNamespace: return "invalid namespace"
        case .invalidAckID: return "invalid packet id"
        case .invalidPayload(let type): return "invalid payload for packet type \(type)"
        case .unsupportedMapKey: return "map key with no JSON string form"
        }
    }
}
