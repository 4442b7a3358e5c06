/// One Socket.IO (protocol v5) packet, independent of how it travels.
///
/// On the wire a packet is a text message
/// `<type>[<attachments>-][<namespace>,][<ack id>][JSON data]` followed by one
/// binary message per attachment; ``SocketIOPacketEncoder`` and
/// ``SocketIOPacketDecoder`` convert between the two. In this value, binary
/// attachments simply sit inside ``data`` as ``JSONValue/binary(_:)``.
///
/// ```swift
/// let hello = SocketIOPacket.event("hello", ["world"], namespace: "/chat", ackID: 7)
/// // encodes to  2/chat,7["hello","world"]
/// ```
public struct SocketIOPacket: Sendable, Hashable {
    /// The packet type, encoded as the first character of the text message.
    public enum PacketType: UInt8, Sendable, Hashable, CaseIterable {
        /// Connect to a namespace (client), or accept the connection (server).
        case connect = 0
        /// Leave a namespace.
        case disconnect = 1
        /// An event: data is `[name, ...arguments]`.
        case event = 2
        /// The answer to an event that carried an ack id: data is `[...arguments]`.
        case ack = 3
        /// The server refuses a namespace connection.
        case connectError = 4
        /// Wire form of an ``event`` carrying binary attachments. Decoded
        /// packets are reported as ``event``; the encoder picks this type itself.
        case binaryEvent = 5
        /// Wire form of an ``ack`` carrying binary attachments (see ``binaryEvent``).
        case binaryAck = 6
    }

    /// The main namespace, omitted on the wire.
    public static let mainNamespace = "/"

    /// The packet type. Decoding reports ``PacketType/event`` and
    /// ``PacketType/ack`` for their binary variants; encoding chooses the
    /// binary variant whenever ``data`` contains binary values.
    public var type: PacketType
    /// The namespace, starting with `/` (the default `/` is not written).
    public var namespace: String
    /// The acknowledgement id: on an EVENT it asks for an ACK, on an ACK it
    /// names the event being answered.
    public var ackID: UInt64?
    /// The payload; `nil` when the packet has none (which is different from `null`).
    public var data: JSONValue?

    /// Creates a packet from its fields.
    public init(type: PacketType, namespace: String = SocketIOPacket.mainNamespace, ackID: UInt64? = nil, data: JSONValue? = nil) {
        self.type = type
        self.namespace = namespace
        self.ackID = ackID
        self.data = data
    }
}

// MARK: - Convenience constructors

extension SocketIOPacket {
    /// A CONNECT packet; `data` is the client's auth object or the server's `{"sid": ...}`.
    public static func connect(namespace: String = mainNamespace, data: JSONObject? = nil) -> SocketIOPacket {
        SocketIOPacket(type: .connect, namespace: namespace, data: data.map(JSONValue.object))
    }

    /// A DISCONNECT packet.
    public static func disconnect(namespace: String = mainNamespace) -> SocketIOPacket {
        SocketIOPacket(type: .disconnect, namespace: namespace)
    }

    /// An EVENT packet `[name, ...arguments]`; binary arguments make it a
    /// BINARY_EVENT on the wire.
    public static func event(_ name: String, _ arguments: [JSONValue] = [], namespace: String = mainNamespace, ackID: UInt64? = nil) -> SocketIOPacket {
        var elements: [JSONValue] = []
        elements.reserveCapacity(arguments.count + 1)
        elements.append(.string(name))
        elements.append(contentsOf: arguments)
        return SocketIOPacket(type: .event, namespace: namespace, ackID: ackID, data: .array(elements))
    }

    /// An ACK packet answering the event with id `ackID`.
    public static func ack(_ arguments: [JSONValue], ackID: UInt64, namespace: String = mainNamespace) -> SocketIOPacket {
        SocketIOPacket(type: .ack, namespace: namespace, ackID: ackID, data: .array(arguments))
    }

    /// A CONNECT_ERROR packet with the usual `{"message": ...}` payload (plus
    /// optional `data`, as the JavaScript server sends for middleware errors).
    public static func connectError(message: String, data: JSONValue? = nil, namespace: String = mainNamespace) -> SocketIOPacket {
        var payload: JSONObject = ["message": .string(message)]
        if let data { payload["data"] = data }
        return SocketIOPacket(type: .connectError, namespace: namespace, data: .object(payload))
    }
}

// MARK: - Event accessors

extension SocketIOPacket {
    /// The event name of an EVENT packet (first element of the data array when
    /// it is a string), otherwise `nil`.
    public var eventName: String? {
        guard self.type == .event || self.type == .binaryEvent else { return nil }
        return self.data?[0]?.stringValue
    }

    /// The arguments of an EVENT (after the name) or of an ACK (the whole
    /// array); empty for other packets.
    public var arguments: ArraySlice<JSONValue> {
        guard case .array(let elements)? = self.data else { return [] }
        switch self.type {
        case .event, .binaryEvent: return elements.dropFirst()
        case .ack, .binaryAck: return elements[...]
        case .connect, .disconnect, .connectError: return []
        }
    }
}
