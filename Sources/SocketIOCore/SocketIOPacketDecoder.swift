public import NIOCore

/// Reassembles ``SocketIOPacket``s from the messages of one connection.
///
/// A pure state machine: feed it each text and binary message in arrival
/// order. A text message either completes a packet or, for BINARY_EVENT /
/// BINARY_ACK, announces `N` attachments; the next `N` binary messages are
/// then collected and substituted for the `{"_placeholder":true,"num":i}`
/// objects (at any depth), after which the packet is returned as a plain
/// EVENT / ACK whose data holds ``JSONValue/binary(_:)`` values.
///
/// Any thrown error resets the decoder; the peer broke the protocol and the
/// connection should be closed (as the reference server does).
///
/// ```swift
/// var decoder = SocketIOPacketDecoder()
/// switch try decoder.receive(text: ByteBuffer(string: #"51-["img",{"_placeholder":true,"num":0}]"#)) {
/// case .packet(let packet): handle(packet)
/// case .awaitingAttachments(let remaining): print(remaining)   // 1
/// }
/// if case .packet(let packet) = try decoder.receive(binary: imageBytes) {
///     packet.data   // ["img", .binary(imageBytes)]
/// }
/// ```
public struct SocketIOPacketDecoder: Sendable {
    /// Limits for untrusted input.
    public struct Configuration: Sendable, Hashable {
        /// The default attachment limit, generous for real applications and
        /// small enough to bound memory per pending packet.
        public static let defaultMaximumAttachments = 10

        /// Packets announcing more attachments are rejected with
        /// ``SocketIOProtocolError/tooManyAttachments(count:limit:)``.
        public var maximumAttachments: Int
        /// Limits for the JSON payload (nesting depth).
        public var jsonOptions: JSONParsingOptions

        /// Creates a configuration.
        public init(
            maximumAttachments: Int = Configuration.defaultMaximumAttachments,
            jsonOptions: JSONParsingOptions = .init()
        ) {
            self.maximumAttachments = maximumAttachments
            self.jsonOptions = jsonOptions
        }
    }

    /// What a message produced.
    public enum Output: Sendable, Hashable {
        /// A complete packet.
        case packet(SocketIOPacket)
        /// A binary packet is pending; this many binary messages must follow.
        case awaitingAttachments(remaining: Int)
    }

    private struct PendingPacket: Sendable {
        var packet: SocketIOPacket
        var expected: Int
        var received: [ByteBuffer]
    }

    /// The limits in force.
    public var configuration: Configuration
    private var pending: PendingPacket?

    /// Creates a decoder with no pending packet.
    public init(configuration: Configuration = .init()) {
        self.configuration = configuration
        self.pending = nil
    }

    /// `true` while the attachments of a binary packet are still expected.
    public var isAwaitingAttachments: Bool { self.pending != nil }

    /// Forgets any partially received packet.
    public mutating func reset() {
        self.pending = nil
    }

    /// Feeds a text message (the Socket.IO packet, without Engine.IO's `4` prefix).
    public mutating func receive(text: ByteBuffer) throws(SocketIOProtocolError) -> Output {
        try text.withUnsafeReadableBytes { (bytes) throws(SocketIOProtocolError) -> Output in
            try self.receive(textBytes: bytes)
        }
    }

    /// Feeds a text message given as a `String`.
    public mutating func receive(text: String) throws(SocketIOProtocolError) -> Output {
        var text = text
        let result = text.withUTF8 { utf8 in
            Result { () throws(SocketIOProtocolError) -> Output in
                try self.receive(textBytes: UnsafeRawBufferPointer(utf8))
            }
        }
        return try result.get()
    }

    /// Feeds a text message given as raw UTF-8 bytes.
    public mutating func receive(textBytes bytes: UnsafeRawBufferPointer) throws(SocketIOProtocolError) -> Output {
        guard self.pending == nil else {
            self.pending = nil
            throw .unexpectedTextMessage
        }
        let (packet, attachmentCount) = try SocketIOPacketHeaderParser.parse(bytes, configuration: self.configuration)
        guard let attachmentCount else { return .packet(packet) }
        if attachmentCount == 0 {
            return .packet(try Self.reconstruct(packet, attachments: []))
        }
        var received: [ByteBuffer] = []
        received.reserveCapacity(attachmentCount)
        self.pending = PendingPacket(packet: packet, expected: attachmentCount, received: received)
        return .awaitingAttachments(remaining: attachmentCount)
    }

    /// Feeds a binary message: the next attachment of the pending packet.
    public mutating func receive(binary: ByteBuffer) throws(SocketIOProtocolError) -> Output {
        guard var pending = self.pending else { throw .unexpectedBinaryMessage }
        self.pending = nil  // keep `pending.received` uniquely referenced
        pending.received.append(binary)
        if pending.received.count < pending.expected {
            let remaining = pending.expected - pending.received.count
            self.pending = pending
            return .awaitingAttachments(remaining: remaining)
        }
        return .packet(try Self.reconstruct(pending.packet, attachments: pending.received))
    }

    /// Replaces every placeholder with its attachment and checks that each
    /// attachment was used.
    private static func reconstruct(_ packet: SocketIOPacket, attachments: [ByteBuffer]) throws(SocketIOProtocolError) -> SocketIOPacket {
        var packet = packet
        var used = [Bool](repeating: false, count: attachments.count)
        if var data = packet.data {
            packet.data = nil
            try Self.replacePlaceholders(in: &data, attachments: attachments, used: &used)
            packet.data = data
        }
        if let unused = used.firstIndex(of: false) {
            throw .unusedAttachment(index: unused)
        }
        return packet
    }

    private static func replacePlaceholders(
        in value: inout JSONValue,
        attachments: [ByteBuffer],
        used: inout [Bool]
    ) throws(SocketIOProtocolError) {
        switch value {
        case .array(var elements):
            value = .null  // release our reference so `elements` is mutated in place
            for index in elements.indices {
                try Self.replacePlaceholders(in: &elements[index], attachments: attachments, used: &used)
            }
            value = .array(elements)
        case .object(var object):
            if object["_placeholder"] == .bool(true) {
                guard let number = object["num"]?.int64Value, number >= 0, number < attachments.count else {
                    throw .invalidAttachmentPlaceholder
                }
                used[Int(number)] = true
                value = .binary(attachments[Int(number)])
                return
            }
            value = .null
            for index in object.entries.indices {
                try Self.replacePlaceholders(in: &object.entries[index].value, attachments: attachments, used: &used)
            }
            value = .object(object)
        case .null, .bool, .int, .double, .string, .binary:
            return
        }
    }
}
