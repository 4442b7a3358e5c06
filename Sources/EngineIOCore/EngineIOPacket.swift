public import NIOCore

/// The seven Engine.IO v4 packet types, by their wire digit.
///
/// Why an enum of raw digits: every text packet starts with this one ASCII
/// digit, so decoding is a single byte comparison and encoding a single byte
/// write, with no string handling.
public enum EngineIOPacketType: UInt8, Sendable, CaseIterable {
    /// Sent by the server once, with the handshake JSON.
    case open = 0
    /// Either side closes the session.
    case close = 1
    /// Heartbeat request (server to client in v4), or the upgrade probe `2probe`.
    case ping = 2
    /// Heartbeat answer, or the probe answer `3probe`.
    case pong = 3
    /// Application data, text or binary.
    case message = 4
    /// The client confirms the switch to WebSocket.
    case upgrade = 5
    /// Does nothing; releases a pending long-poll during an upgrade.
    case noop = 6

    /// The ASCII digit that stands for this type on the wire.
    @inlinable public var asciiDigit: UInt8 { 0x30 &+ rawValue }

    /// The type whose ASCII digit is `byte`, or nil.
    @inlinable public init?(asciiDigit byte: UInt8) {
        guard byte >= 0x30, byte <= 0x36 else { return nil }
        self.init(rawValue: byte &- 0x30)
    }
}

/// One Engine.IO packet: a type and, for text packets, the bytes after the
/// type digit; binary packets are always messages and carry raw bytes.
///
/// Payload bytes stay in a `ByteBuffer` slice of what was received: no
/// `String` is built for data that the application may only forward.
///
/// ```swift
/// let hello = EngineIOPacket(type: .message, text: "hello")
/// var out = ByteBufferAllocator().buffer(capacity: 8)
/// hello.writeText(into: &out)   // "4hello"
/// ```
public struct EngineIOPacket: Sendable, Hashable {
    /// What the packet means.
    public var type: EngineIOPacketType
    /// The data after the type digit (text packets) or the raw bytes (binary).
    public var data: ByteBuffer
    /// True for a binary message: a WebSocket binary frame, or a `b`-prefixed
    /// base64 packet in a polling payload.
    public var isBinary: Bool

    /// A text packet with UTF-8 `data` after its type digit.
    public init(type: EngineIOPacketType, data: ByteBuffer = ByteBuffer(), isBinary: Bool = false) {
        self.type = isBinary ? .message : type
        self.data = data
        self.isBinary = isBinary
    }

    /// A text packet whose data is `text`.
    public init(type: EngineIOPacketType, text: String) {
        self.init(type: type, data: ByteBuffer(string: text))
    }

    /// A binary message packet.
    public static func binary(_ bytes: ByteBuffer) -> EngineIOPacket {
        EngineIOPacket(type: .message, data: bytes, isBinary: true)
    }

    /// Writes the text form (`<digit><data>`) of a text packet. Binary
    /// packets have no text form of their own; see ``EngineIOPayload``.
    public func writeText(into buffer: inout ByteBuffer) {
        precondition(!isBinary, "binary packets have no plain text form")
        buffer.writeInteger(type.asciiDigit)
        var copy = data
        buffer.writeBuffer(&copy)
    }

    /// Decodes one text packet as it arrives in a WebSocket text frame or
    /// between separators of a polling payload (not `b`-prefixed).
    ///
    /// Fails on an empty string or an unknown type digit. The returned data is
    /// a slice of `text`, not a copy.
    public static func decodeText(_ text: ByteBuffer) throws(EngineIODecodingError) -> EngineIOPacket {
        guard let first = text.getInteger(at: text.readerIndex, as: UInt8.self) else {
            throw .emptyPacket
        }
        guard let type = EngineIOPacketType(asciiDigit: first) else {
            throw .unknownPacketType(first)
        }
        let data = text.getSlice(at: text.readerIndex + 1, length: text.readableBytes - 1) ?? ByteBuffer()
        return EngineIOPacket(type: type, data: data)
    }
}

/// Why bytes could not be decoded as Engine.IO packets. Every case maps to
/// the same outcome (HTTP 400 "Bad request" on a POST, a transport error on
/// a WebSocket), so the cases exist for logs and tests.
public enum EngineIODecodingError: Error, Sendable, Hashable {
    /// A packet with no type digit.
    case emptyPacket
    /// The first byte is not a digit 0 to 6.
    case unknownPacketType(UInt8)
    /// A `b`-prefixed packet whose base64 does not decode.
    case invalidBase64
    /// Text that is not valid UTF-8.
    case invalidUTF8
    /// More packets in one polling payload than the server accepts.
    case tooManyPackets(limit: Int)
    /// An Engine.IO v3 payload whose length prefix is not a decimal number
    /// (or is missing its end), or names more than what follows, or ends in
    /// the middle of a character.
    case invalidLength
}
