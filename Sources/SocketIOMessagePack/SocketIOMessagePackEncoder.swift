public import NIOCore
public import SocketIOCore
import MessagePack

/// Writes ``SocketIOPacket``s in the format of `socket.io-msgpack-parser`:
/// each packet is one MessagePack map, sent as one binary Engine.IO message.
///
/// The map holds `type`, `data` (when the packet has a payload), `nsp`
/// (always, `/` included) and `id` (when the packet has an ack id), in that
/// order, which is the order a Node server's broadcast writes. Binary values
/// stay inside `data` as MessagePack bin (no attachments, no placeholders),
/// and BINARY_EVENT / BINARY_ACK are written as EVENT / ACK: this format
/// has no binary packet types. Numbers follow `notepack.io`, so an event is
/// byte-identical to a Node server's.
///
/// ```swift
/// let bytes = try SocketIOMessagePackEncoder().encode(.event("hello", ["world"]))
/// // 83 a4 74 79 70 65 02 a4 64 61 74 61 92 a5 68 65 6c 6c 6f a5 77 6f 72 6c 64 a3 6e 73 70 a1 2f
/// ```
public struct SocketIOMessagePackEncoder: Sendable {
    /// Where fresh buffers come from.
    public var allocator: ByteBufferAllocator

    /// Creates an encoder.
    public init(allocator: ByteBufferAllocator = ByteBufferAllocator()) {
        self.allocator = allocator
    }

    /// The packet's binary message in a new buffer.
    ///
    /// - Throws: ``SocketIOProtocolError/invalidPayload(_:)`` or
    ///   ``SocketIOProtocolError/invalidAckID`` for a packet no conforming
    ///   decoder accepts (the rules of ``SocketIOPacket/validate()``).
    public func encode(_ packet: SocketIOPacket) throws(SocketIOProtocolError) -> ByteBuffer {
        var buffer = self.allocator.buffer(capacity: 64)
        try self.encode(packet, into: &buffer)
        return buffer
    }

    /// Appends the packet's binary message to `buffer` (behind a transport's
    /// own framing, without a copy). On error nothing is written.
    public func encode(_ packet: SocketIOPacket, into buffer: inout ByteBuffer) throws(SocketIOProtocolError) {
        var packet = packet
        switch packet.type {
        case .binaryEvent: packet.type = .event
        case .binaryAck: packet.type = .ack
        case .connect, .disconnect, .event, .ack, .connectError: break
        }
        try packet.validate()
        var count = 2
        if packet.data != nil { count += 1 }
        if packet.ackID != nil { count += 1 }
        buffer.writeMessagePackMapHeader(count: count)
        buffer.writeMessagePackString("type")
        buffer.writeMessagePackInteger(UInt64(packet.type.rawValue))
        if let data = packet.data {
            buffer.writeMessagePackString("data")
            buffer.writeMessagePack(json: data)
        }
        buffer.writeMessagePackString("nsp")
        buffer.writeMessagePackString(packet.namespace)
        if let ackID = packet.ackID {
            buffer.writeMessagePackString("id")
            buffer.writeMessagePackInteger(ackID)
        }
    }
}
