public import NIOCore
public import EngineIOCore

/// A packet ready to go out, encoded once for every transport it may take:
/// the Engine.IO packet (for polling queues) and the complete WebSocket
/// frame, plus the compressed frame when compression applies.
///
/// Build one per message, or once per broadcast and hand the same value to
/// every recipient: all its buffers are shared, never copied.
///
/// ```swift
/// let hello = EngineIOOutboundPacket(text: "hello")          // "4hello"
/// socket.send(hello)
/// ```
public struct EngineIOOutboundPacket: Sendable {
    /// The Engine.IO packet, as queued for polling clients.
    public let packet: EngineIOPacket
    /// The whole uncompressed WebSocket frame.
    public let frame: ByteBuffer
    /// The whole compressed frame (RSV1 set), when the payload was worth
    /// compressing; used only for sessions that negotiated permessage-deflate.
    public let compressedFrame: ByteBuffer?

    /// Wraps an already encoded packet and its frames.
    public init(packet: EngineIOPacket, frame: ByteBuffer, compressedFrame: ByteBuffer?) {
        self.packet = packet
        self.frame = frame
        self.compressedFrame = compressedFrame
    }

    /// A packet of any type, uncompressed.
    public init(packet: EngineIOPacket) {
        self.packet = packet
        if packet.isBinary {
            self.frame = WebSocketFrameWriter.frame(opcode: .binary, payload: packet.data)
        } else {
            self.frame = WebSocketFrameWriter.frame(textPacket: packet)
        }
        self.compressedFrame = nil
    }

    /// A text message packet (`4<text>`), uncompressed.
    public init(text: String) {
        self.init(packet: EngineIOPacket(type: .message, text: text))
    }

    /// A binary message packet, uncompressed.
    public init(binary: ByteBuffer) {
        self.init(packet: .binary(binary))
    }

    /// Total bytes this packet adds to a session's backlog.
    var queuedSize: Int { frame.readableBytes }
}

/// An application message as Engine.IO delivers it: the data of a message
/// packet, text (UTF-8, without the type digit) or binary.
public enum EngineIOMessage: Sendable, Hashable {
    /// A text message.
    case text(ByteBuffer)
    /// A binary message.
    case binary(ByteBuffer)
}

extension EngineIOOutboundPacket {
    /// Room left in front of a message for the largest frame header.
    static let headroom = 10

    /// A text message packet (`4...`) whose text `write` appends in place:
    /// the WebSocket frame header is then written into room reserved in
    /// front, so the Engine.IO packet and the frame share one buffer and
    /// nothing is copied.
    ///
    /// ```swift
    /// let packet = try EngineIOOutboundPacket.textMessage { buffer in
    ///     buffer.writeString(#"2["hello"]"#)   // a Socket.IO packet
    /// }
    /// ```
    public static func textMessage<Failure: Error>(
        estimatedSize: Int = 64,
        _ write: (inout ByteBuffer) throws(Failure) -> Void
    ) throws(Failure) -> EngineIOOutboundPacket {
        var buffer = ByteBuffer()
        buffer.reserveCapacity(headroom + 1 + estimatedSize)
        buffer.writeRepeatingByte(0, count: headroom)
        buffer.writeInteger(EngineIOPacketType.message.asciiDigit)
        try write(&buffer)
        let payloadLength = buffer.writerIndex - headroom
        let headerLength = WebSocketFrameWriter.headerLength(payloadLength: payloadLength)
        WebSocketFrameWriter.setHeader(opcode: .text, payloadLength: payloadLength, at: headroom - headerLength, in: &buffer)
        let frame = buffer.getSlice(at: headroom - headerLength, length: headerLength + payloadLength)!
        let data = buffer.getSlice(at: headroom + 1, length: payloadLength - 1)!
        return EngineIOOutboundPacket(packet: EngineIOPacket(type: .message, data: data), frame: frame, compressedFrame: nil)
    }
}

extension EngineIOOutboundPacket {
    /// The same packet in buffers of its own.
    ///
    /// Why: a broadcast hands its buffers to every loop; each write and
    /// each queued frame retains and releases them, and when two cores do
    /// that on the same buffer the reference count's cache line bounces
    /// between them on every delivery. One copy per loop (a few hundred
    /// bytes, once per broadcast) keeps that traffic local.
    public func copiedStorage() -> EngineIOOutboundPacket {
        var frameCopy = ByteBuffer()
        frameCopy.reserveCapacity(frame.readableBytes)
        var source = frame
        frameCopy.writeBuffer(&source)
        let dataLength = packet.data.readableBytes
        let data = frameCopy.getSlice(at: frameCopy.writerIndex - dataLength, length: dataLength) ?? packet.data
        let compressed = compressedFrame.map { original -> ByteBuffer in
            var copy = ByteBuffer()
            copy.reserveCapacity(original.readableBytes)
            var source = original
            copy.writeBuffer(&source)
            return copy
        }
        return EngineIOOutboundPacket(
            packet: EngineIOPacket(type: packet.type, data: data, isBinary: packet.isBinary),
            frame: frameCopy,
            compressedFrame: compressed
        )
    }
}
