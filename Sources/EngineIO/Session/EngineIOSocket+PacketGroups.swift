public import NIOCore
import EngineIOCore

/// Packets that leave together: a Socket.IO packet with its binary
/// attachments is one Engine.IO message per part, and over WebSocket the
/// frames of small ones go down the channel as one buffer (one write
/// through the pipeline instead of one per frame). The framing is decided
/// here, in the Engine.IO layer; the layer above hands over packets.
extension EngineIOSocket {
    /// Frames up to this many bytes in all are copied into one buffer.
    static let framesTogetherLimit = 4096

    /// Sends packets that belong together, in order; a volatile group is all
    /// or nothing (as one Socket.IO packet it is useless in part).
    ///
    /// - Returns: false when nothing was sent (closed, or volatile and dropped).
    ///
    /// ```swift
    /// socket.send([header, attachment], volatile: false)
    /// ```
    @discardableResult
    public func send(_ packets: [EngineIOOutboundPacket], volatile: Bool, broadcast: Bool = false) -> Bool {
        eventLoop.assertInEventLoop()
        if packets.count > 1, let websocket = state.webSocket, websocket.usesPreparedFrames, let frames = Self.framesTogether(packets) {
            if volatile && !websocket.isWritable { return false }
            shard.traffic.sent(packets)
            websocket.write(frames, delayedFlush: broadcast && server.broadcastFlushDelay != nil)
            for packet in packets { observeSent(packet) }
            return true
        }
        let last = packets.count - 1
        for (index, packet) in packets.enumerated() {
            guard send(packet, volatile: volatile && index == 0, broadcast: broadcast, flush: index == last) else { return false }
        }
        return true
    }

    /// Sends a message packet followed by one binary message (a Socket.IO
    /// event with one attachment: every room delta). Over a WebSocket that
    /// takes prepared frames (v4, no compression) both frames are written
    /// straight into one buffer:
    /// no packet, frame or list is built for the attachment.
    ///
    /// - Parameter compress: whether the binary message may be compressed
    ///   where it travels as a packet of its own.
    /// - Returns: false when nothing was sent (closed, or volatile and dropped).
    @discardableResult
    public func send(_ packet: EngineIOOutboundPacket, followedByBinary attachment: ByteBuffer, volatile: Bool, compress: Bool = true) -> Bool {
        eventLoop.assertInEventLoop()
        let length = attachment.readableBytes
        let total = packet.frame.readableBytes + WebSocketFrameWriter.headerLength(payloadLength: length) + length
        if total <= Self.framesTogetherLimit, let websocket = state.webSocket, websocket.usesPreparedFrames {
            if volatile && !websocket.isWritable { return false }
            shard.traffic.sent(packet.packet, followedByBinary: length)
            var frames = ByteBuffer()
            frames.reserveCapacity(total)
            frames.writeImmutableBuffer(packet.frame)
            WebSocketFrameWriter.writeHeader(opcode: .binary, payloadLength: length, into: &frames)
            frames.writeImmutableBuffer(attachment)
            websocket.write(frames)
            observeSent(packet)
            observer?.messageSent(self, bytes: length)
            return true
        }
        return send([packet, server.outboundPacket(.binary(attachment), compress: compress)], volatile: volatile)
    }

    /// The uncompressed frames of `packets` in one buffer, or nil when they
    /// are too large to be worth copying.
    static func framesTogether(_ packets: [EngineIOOutboundPacket]) -> ByteBuffer? {
        var total = 0
        for packet in packets { total += packet.frame.readableBytes }
        guard total <= framesTogetherLimit else { return nil }
        var frames = ByteBuffer()
        frames.reserveCapacity(total)
        for packet in packets { frames.writeImmutableBuffer(packet.frame) }
        return frames
    }
}
