public import NIOCore

/// A packet ready for the transport: one text message plus one binary message
/// per attachment, to be sent in this order.
public struct EncodedSocketIOPacket: Sendable, Hashable {
    /// The text message (UTF-8), e.g. `451-["img",{"_placeholder":true,"num":0}]`
    /// once wrapped by Engine.IO's `4` message prefix.
    public var header: ByteBuffer
    /// The binary attachments, in placeholder order (`num` 0, 1, ...).
    public var attachments: [ByteBuffer]

    /// Creates an encoded packet from its parts.
    public init(header: ByteBuffer, attachments: [ByteBuffer] = []) {
        self.header = header
        self.attachments = attachments
    }
}

/// Turns ``SocketIOPacket`` values into their wire form.
///
/// The format is `<type>[<attachments>-][<namespace>,][<ack id>][JSON data]`:
/// the namespace is written only when it is not `/`, binary values anywhere in
/// the data are replaced depth-first by `{"_placeholder":true,"num":N}` and
/// the packet becomes a BINARY_EVENT / BINARY_ACK. JSON is written directly
/// into the output buffer in one pass, exactly as `JSON.stringify` would.
///
/// ```swift
/// let encoder = SocketIOPacketEncoder()
/// let image = ByteBuffer(bytes: [0xFF, 0xD8])
/// let encoded = try encoder.encode(.event("img", [.binary(image)], namespace: "/chat"))
/// // encoded.header:      51-/chat,["img",{"_placeholder":true,"num":0}]
/// // encoded.attachments: [image]
/// ```
public struct SocketIOPacketEncoder: Sendable {
    /// Where header buffers come from.
    public var allocator: ByteBufferAllocator

    /// Creates an encoder.
    public init(allocator: ByteBufferAllocator = ByteBufferAllocator()) {
        self.allocator = allocator
    }

    /// Encodes `packet` into a fresh header buffer plus its attachments.
    ///
    /// - Throws: ``SocketIOProtocolError/invalidNamespace``,
    ///   ``SocketIOProtocolError/invalidAckID`` or
    ///   ``SocketIOProtocolError/invalidPayload(_:)`` when the packet would
    ///   not be accepted by a conforming decoder.
    public func encode(_ packet: SocketIOPacket) throws(SocketIOProtocolError) -> EncodedSocketIOPacket {
        var header = self.allocator.buffer(capacity: 64)
        let attachments = try self.encode(packet, into: &header)
        return EncodedSocketIOPacket(header: header, attachments: attachments)
    }

    /// Appends the text message of `packet` to `buffer` and returns the
    /// attachments to send after it.
    ///
    /// Lets a transport write the packet right after its own framing (for
    /// example Engine.IO's `4` prefix) without copying. On error nothing is
    /// written.
    public func encode(_ packet: SocketIOPacket, into buffer: inout ByteBuffer) throws(SocketIOProtocolError) -> [ByteBuffer] {
        let isMainNamespace = packet.namespace == SocketIOPacket.mainNamespace
        if !isMainNamespace {
            try Self.validateNamespace(packet.namespace)
        }
        let binaryCount = packet.data?.binaryCount ?? 0
        let type = try Self.wireType(for: packet.type, binaryCount: binaryCount)
        try SocketIOPacket.validate(type: type, ackID: packet.ackID, data: packet.data)

        return JSONByteSink.withSink(appendingTo: &buffer) { sink in
            sink.write(UInt8(ascii: "0") + type.rawValue)
            if type == .binaryEvent || type == .binaryAck {
                JSONNumberFormatter.writeInteger(Int64(binaryCount), to: &sink)
                sink.write(UInt8(ascii: "-"))
            }
            if !isMainNamespace {
                var namespace = packet.namespace
                namespace.withUTF8 { sink.write(UnsafeRawBufferPointer($0)) }
                sink.write(UInt8(ascii: ","))
            }
            if let ackID = packet.ackID {
                Self.writeUnsigned(ackID, to: &sink)
            }
            guard let data = packet.data else { return [] }
            var writer = JSONWriter(extractsAttachments: binaryCount > 0)
            writer.write(data, to: &sink)
            return writer.attachments
        }
    }

    /// EVENT/ACK become their binary variants exactly when binary data is
    /// present; other types cannot carry binary data at all.
    private static func wireType(for type: SocketIOPacket.PacketType, binaryCount: Int) throws(SocketIOProtocolError) -> SocketIOPacket.PacketType {
        switch type {
        case .event, .binaryEvent:
            return binaryCount > 0 ? .binaryEvent : .event
        case .ack, .binaryAck:
            return binaryCount > 0 ? .binaryAck : .ack
        case .connect, .disconnect, .connectError:
            guard binaryCount == 0 else { throw .invalidPayload(type) }
            return type
        }
    }

    /// A namespace must start with `/` (that is how the decoder spots it) and
    /// must not contain `,` (which ends it on the wire).
    private static func validateNamespace(_ namespace: String) throws(SocketIOProtocolError) {
        var utf8 = namespace.utf8.makeIterator()
        guard utf8.next() == UInt8(ascii: "/") else { throw .invalidNamespace }
        while let byte = utf8.next() {
            if byte == UInt8(ascii: ",") { throw .invalidNamespace }
        }
    }

    private static func writeUnsigned(_ value: UInt64, to sink: inout JSONByteSink) {
        if let small = Int64(exactly: value) {
            JSONNumberFormatter.writeInteger(small, to: &sink)
        } else {
            // Beyond Int64 (never produced by JavaScript peers, but valid here).
            JSONNumberFormatter.writeInteger(Int64(value / 10), to: &sink)
            sink.write(UInt8(ascii: "0") + UInt8(value % 10))
        }
    }
}
