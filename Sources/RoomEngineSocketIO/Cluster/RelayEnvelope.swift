import NIOCore
import RoomEngine

/// What is published on a node's relay channel: the sending node, its
/// sequence number for the receiving node (1, 2, 3, ... per pair of nodes),
/// and one ``RelayMessage``. The sequence is how a node learns that Redis
/// lost messages on the way (pub/sub delivers at most once: a subscriber
/// that reconnects misses what was published meanwhile; see
/// ``RelaySequenceTracker``).
///
/// Bytes: the version (2), the sender (length-prefixed UTF-8), the
/// sequence (varint), then the message's tag and fields.
struct RelayEnvelope: Equatable, Sendable {
    static let version: UInt8 = 2

    let from: String
    let sequence: UInt64
    let message: RelayMessage

    func encoded() -> ByteBuffer {
        var writer = BinaryWriter(reservingCapacity: 64)
        writer.writeUInt8(Self.version)
        writer.writeString(from)
        writer.writeVarint(sequence)
        message.write(into: &writer)
        return ByteBuffer(bytes: writer.bytes)
    }

    init(from: String, sequence: UInt64, message: RelayMessage) {
        self.from = from
        self.sequence = sequence
        self.message = message
    }

    init(decoding buffer: ByteBuffer) throws(RoomError) {
        var reader = BinaryReader(Array(buffer.readableBytesView))
        guard try reader.readUInt8() == Self.version else { throw .malformed("relay message of an unknown version") }
        from = try reader.readString(maxBytes: RelayMessage.maxStringBytes)
        sequence = try reader.readVarint()
        message = try RelayMessage(reading: &reader)
        try reader.expectEnd()
    }
}

/// The sequence numbers a node has seen from each other node: a pure value
/// (owned by the relay, behind its lock).
///
/// The first message from a node is taken as it comes (what came before it
/// cannot be known). After that, the next number is expected; a larger one
/// means Redis lost the messages in between; a smaller one means the
/// sender started again (a restarted node counts from 1), and counting
/// starts over from it.
struct RelaySequenceTracker: Sendable {
    enum Verdict: Equatable, Sendable {
        /// The expected next one (or the first from that node).
        case inOrder
        /// `count` messages from that node were lost before this one.
        case lost(count: UInt64)
        /// The sender counts from the start again.
        case restarted
    }

    private var last: [String: UInt64] = [:]

    mutating func received(_ sequence: UInt64, from node: String) -> Verdict {
        defer { last[node] = sequence }
        guard let previous = last[node] else { return .inOrder }
        if sequence == previous &+ 1 { return .inOrder }
        if sequence > previous { return .lost(count: sequence - previous - 1) }
        return .restarted
    }
}
