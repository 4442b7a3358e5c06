public import NIOCore
public import MessagePack
public import SocketIOCore

/// Reads ``SocketIOPacket``s in the format of `socket.io-msgpack-parser`:
/// one MessagePack map `{type, nsp, data?, id?}` per binary message.
///
/// Stateless: every message is a whole packet (binary values sit inside
/// `data` as MessagePack bin and come out as ``JSONValue/binary(_:)``, as a
/// reassembled attachment does with the default parser). The checks are
/// upstream's (`type` an integer 0...4, `nsp` a string, `id` an integer)
/// plus the payload rules of the text codec (``SocketIOPacket/validate()``),
/// so the server above sees the same packets whichever parser a client
/// uses. Values are converted as ``JSONValue/init(messagePack:)`` says.
///
/// Deliberately lenient where python-socketio needs it: a nil (or notepack
/// `undefined`) `data` or `id` counts as absent, since that client sends
/// `"data": None` on every DISCONNECT (upstream, which wants `undefined`
/// there, refuses that packet).
///
/// ```swift
/// let decoder = SocketIOMessagePackDecoder()
/// let packet = try decoder.decode(message)   // a binary Engine.IO message
/// packet.eventName   // "hello"
/// ```
public struct SocketIOMessagePackDecoder: Sendable {
    /// Limits of the MessagePack reader (depth, collection sizes, input size).
    public var limits: MessagePackDecoder.Limits

    /// Creates a decoder.
    public init(limits: MessagePackDecoder.Limits = MessagePackDecoder.Limits()) {
        self.limits = limits
    }

    /// Decodes one binary message into a packet.
    public func decode(_ message: ByteBuffer) throws(SocketIOMessagePackError) -> SocketIOPacket {
        let decoder = MessagePackDecoder(limits: self.limits, readsNotepackArrayBuffersAsBinary: true)
        let value: MessagePackValue
        do {
            value = try decoder.decode(message)
        } catch {
            throw .invalidMessagePack(error)
        }
        guard case .map(let entries) = value else { throw .notAPacket }
        var type: MessagePackValue?
        var namespace: MessagePackValue?
        var data: MessagePackValue?
        var id: MessagePackValue?
        // A repeated key: the last one wins, as in JavaScript.
        for entry in entries {
            guard case .string(let key) = entry.key else { continue }
            switch key {
            case "type": type = entry.value
            case "nsp": namespace = entry.value
            case "data": data = entry.value
            case "id": id = entry.value
            default: continue
            }
        }
        guard let packetType = Self.packetType(type) else { throw .invalidPacketType }
        guard case .string(let name)? = namespace else { throw .invalidNamespace }
        let ackID = try Self.ackID(id)
        var payload: JSONValue?
        if let data, !Self.isAbsent(data) {
            payload = try JSONValue.converting(data)
        }
        let packet = SocketIOPacket(type: packetType, namespace: name, ackID: ackID, data: payload)
        do {
            try packet.validate()
        } catch {
            switch error {
            case .invalidAckID: throw .invalidAckID
            case .invalidPayload(let type): throw .invalidPayload(type)
            default: throw .invalidPayload(packetType)
            }
        }
        return packet
    }

    /// CONNECT through CONNECT_ERROR, given as any integral number (a
    /// JavaScript peer may send `2.0`).
    private static func packetType(_ value: MessagePackValue?) -> SocketIOPacket.PacketType? {
        guard let value, let number = integer(value), number >= 0,
              number <= Int64(SocketIOPacket.PacketType.connectError.rawValue) else { return nil }
        return SocketIOPacket.PacketType(rawValue: UInt8(number))
    }

    private static func ackID(_ value: MessagePackValue?) throws(SocketIOMessagePackError) -> UInt64? {
        guard !isAbsent(value), let value else { return nil }
        switch value {
        case .uint(let id): return id
        case .int(let id) where id >= 0: return UInt64(id)
        case .float32, .float64:
            guard let double = value.doubleValue, double >= 0, let id = UInt64(exactly: double) else { throw .invalidAckID }
            return id
        default: throw .invalidAckID
        }
    }

    /// An integer, or an integral float, that fits `Int64`.
    private static func integer(_ value: MessagePackValue) -> Int64? {
        switch value {
        case .int(let number): return number
        case .float32, .float64: return value.doubleValue.flatMap { Int64(exactly: $0) }
        default: return nil
        }
    }

    /// Missing, nil, or notepack's `undefined`.
    private static func isAbsent(_ value: MessagePackValue?) -> Bool {
        guard let value else { return true }
        return value.isNil || value.isNotepackUndefined
    }
}
