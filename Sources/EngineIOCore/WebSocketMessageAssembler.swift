public import NIOCore

/// The end of a WebSocket connection that reads the frames; the masking
/// rule depends on it (RFC 6455 §5.1).
public enum WebSocketRole: Sendable {
    /// A server: every frame from the client must be masked.
    case server
    /// A client: no frame from the server may be masked.
    case client
}

/// Turns the bytes read from a WebSocket into whole messages and control
/// frames, enforcing every rule of RFC 6455 and RFC 7692 that a receiver
/// checks; each refusal is a ``WebSocketFailure`` carrying its close code.
/// The server and the client both read through it, so they refuse the same
/// input with the same code.
///
/// The rules, beyond a single frame's header (``WebSocketFrameParser``):
/// - masking by ``WebSocketRole``: a server takes masked frames only, a
///   client unmasked ones (1002);
/// - RSV2 and RSV3 are never set; RSV1 only on the first frame of a data
///   message, and only when permessage-deflate was agreed (an `inflater`
///   is given); never on a control frame, which RFC 7692 leaves
///   uncompressed (1002);
/// - fragments: continuations only inside a message, no new message
///   before the last one ended; control frames may come in between (1002);
/// - size: no frame, no joined message, no inflated message over
///   `maxMessageSize` (1009); a compressed message that does not inflate
///   (1007);
/// - text is well-formed UTF-8 (1007), checked on the whole message;
/// - close payloads: empty, or a code an endpoint may send followed by a
///   UTF-8 reason (``WebSocketClose``).
///
/// A pure value (no I/O): bytes in, outputs out, tested byte by byte.
/// After a failure the connection is over; the assembler must not be used
/// again.
///
/// ```swift
/// var assembler = WebSocketMessageAssembler(role: .server, maxMessageSize: 1 << 20)
/// var bytes = ByteBuffer(bytes: [0x81, 0x82, 1, 2, 3, 4, 0x35, 0x6B])  // masked text "4i"
/// try assembler.next(in: &bytes)  // .text("4i")
/// ```
public struct WebSocketMessageAssembler {
    /// A whole message, or a control frame to act on.
    public enum Output: Equatable, Sendable {
        /// A text message: unmasked, joined, inflated, valid UTF-8.
        case text(ByteBuffer)
        /// A binary message: unmasked, joined, inflated.
        case binary(ByteBuffer)
        /// A ping, with the payload the pong must carry back.
        case ping(ByteBuffer)
        /// A pong and its payload.
        case pong(ByteBuffer)
        /// The peer's close frame, its payload checked.
        case close(WebSocketClose)
    }

    private struct PartialMessage {
        var opcode: InboundWebSocketFrame.Opcode
        var compressed: Bool
        var data: ByteBuffer
    }

    /// Which end reads: decides the masking rule.
    public let role: WebSocketRole
    /// The largest frame, joined message or inflated message taken, in bytes.
    public let maxMessageSize: Int
    private let inflater: (any WebSocketMessageInflater)?
    private var partial: PartialMessage?

    /// An assembler for one connection; `inflater` is the connection's
    /// decompressor when permessage-deflate was agreed, nil otherwise.
    public init(role: WebSocketRole, maxMessageSize: Int, inflater: (any WebSocketMessageInflater)? = nil) {
        self.role = role
        self.maxMessageSize = maxMessageSize
        self.inflater = inflater
    }

    /// Whether compressed messages (RSV1) are taken.
    public var deflateNegotiated: Bool { inflater != nil }

    /// The next output from the front of `buffer`, consuming the frames it
    /// took (fragments included); nil when more bytes are needed (the
    /// bytes of an incomplete frame stay in `buffer`).
    public mutating func next(in buffer: inout ByteBuffer) throws(WebSocketFailure) -> Output? {
        while let frame = try WebSocketFrameParser.next(in: &buffer, maxPayloadLength: maxMessageSize) {
            if let output = try receive(frame) { return output }
        }
        return nil
    }

    /// A frame cut by the parser (its header's own rules already checked):
    /// an output, or nil for a fragment that does not end its message.
    private mutating func receive(_ frame: InboundWebSocketFrame) throws(WebSocketFailure) -> Output? {
        switch role {
        case .server: guard frame.maskKey != nil else { throw .protocolError("unmasked frame from a client") }
        case .client: guard frame.maskKey == nil else { throw .protocolError("masked frame from a server") }
        }
        guard !frame.rsv2, !frame.rsv3 else { throw .protocolError("RSV2 or RSV3 set") }
        switch frame.opcode {
        case .ping, .pong, .close:
            guard !frame.rsv1 else { throw .protocolError("RSV1 on a control frame") }
            return try control(frame)
        case .text, .binary:
            guard partial == nil else { throw .protocolError("a new message before the last one ended") }
            guard !frame.rsv1 || inflater != nil else { throw .protocolError("RSV1 without permessage-deflate") }
            if frame.fin { return try message(frame.opcode, frame.unmaskedPayload, compressed: frame.rsv1) }
            partial = PartialMessage(opcode: frame.opcode, compressed: frame.rsv1, data: frame.unmaskedPayload)
            return nil
        case .continuation:
            guard var current = partial else { throw .protocolError("a continuation frame outside a message") }
            guard !frame.rsv1 else { throw .protocolError("RSV1 on a continuation frame") }
            let joined = current.data.readableBytes + frame.length
            guard joined <= maxMessageSize else {
                throw .messageTooBig("message of \(joined) bytes so far, over the limit of \(maxMessageSize)")
            }
            partial = nil  // the joined bytes' storage is then held once: appended in place
            var more = frame.unmaskedPayload
            current.data.writeBuffer(&more)
            if frame.fin { return try message(current.opcode, current.data, compressed: current.compressed) }
            partial = current
            return nil
        }
    }

    private func control(_ frame: InboundWebSocketFrame) throws(WebSocketFailure) -> Output {
        switch frame.opcode {
        case .ping: .ping(frame.unmaskedPayload)
        case .pong: .pong(frame.unmaskedPayload)
        default: .close(try WebSocketClose(payload: frame.unmaskedPayload))
        }
    }

    /// A whole message: inflated when compressed, text checked.
    private func message(_ opcode: InboundWebSocketFrame.Opcode, _ data: ByteBuffer, compressed: Bool) throws(WebSocketFailure) -> Output {
        var data = data
        if compressed, let inflater {
            data = try inflater.inflate(data, maximumSize: maxMessageSize)
        }
        guard opcode == .text else { return .binary(data) }
        guard UTF8Validation.isValid(data) else { throw .invalidPayload("text message that is not UTF-8") }
        return .text(data)
    }
}
