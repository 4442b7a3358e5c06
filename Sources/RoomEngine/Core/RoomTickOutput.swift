/// Everything one tick (plus the joins and leaves before it) produced, for
/// the network binding to deliver.
///
/// Two channels: ``deltas`` are volatile (send unreliably, the recipient
/// acks the tick it applied), ``operations`` and ``snapshots`` are reliable
/// and ordered. ``rejections`` go back to the authors of refused inputs.
public struct RoomTickOutput: Equatable, Sendable {
    /// The room.
    public var roomID: RoomID
    /// The tick just computed.
    public var tick: UInt64
    /// Per-recipient position deltas; recipients already up to date get none.
    public var deltas: [RecipientDelta]
    /// Operations to broadcast to every member, ascending by sequence.
    public var operations: [SequencedOperation]
    /// For a logic with member views (``RoomLogic/hasMemberViews``): each
    /// member's own operations, ascending by sequence, in place of
    /// ``operations`` (which is then empty). Members owed none are not listed.
    public var memberOperations: [RecipientOperations]
    /// Inputs the logic refused during this tick.
    public var rejections: [InputRejection]
    /// Snapshots for members who joined since the previous tick (each its
    /// own view of the state, for a logic with member views).
    public var snapshots: [RecipientSnapshot]
    /// Snapshots of this tick not encoded yet, in place of ``snapshots``,
    /// when the room offloads large ones (``Room/snapshotOffloadBytes``):
    /// at most one, for every joiner of the tick. The sink encodes it off
    /// the room's loop (``DeferredSnapshot/encode()``).
    public var deferredSnapshots: [DeferredSnapshot] = []

    /// Creates an output.
    public init(
        roomID: RoomID,
        tick: UInt64,
        deltas: [RecipientDelta] = [],
        operations: [SequencedOperation] = [],
        rejections: [InputRejection] = [],
        snapshots: [RecipientSnapshot] = [],
        memberOperations: [RecipientOperations] = []
    ) {
        self.roomID = roomID
        self.tick = tick
        self.deltas = deltas
        self.operations = operations
        self.rejections = rejections
        self.snapshots = snapshots
        self.memberOperations = memberOperations
    }
}

/// The operations one member receives of a tick, for a logic whose members
/// see different things (``RoomLogic/operation(_:for:in:)``).
public struct RecipientOperations: Equatable, Sendable {
    /// Who receives them.
    public var recipient: MemberID
    /// Its operations, ascending by (room-wide) sequence.
    public var operations: [SequencedOperation]

    /// Creates a recipient's operations.
    public init(recipient: MemberID, operations: [SequencedOperation]) {
        self.recipient = recipient
        self.operations = operations
    }
}

/// A position delta for one recipient (layout on ``PositionDelta``).
public struct RecipientDelta: Equatable, Sendable {
    /// Who receives it.
    public var recipient: MemberID
    /// The encoded delta.
    public var bytes: [UInt8]
    /// Whether it is a full table (the recipient had no usable baseline).
    public var isFull: Bool
    /// The entries it sets, moves or removes (for statistics, without
    /// decoding it again).
    public var changeCount: Int

    /// Creates a recipient delta.
    public init(recipient: MemberID, bytes: [UInt8], isFull: Bool, changeCount: Int) {
        self.recipient = recipient
        self.bytes = bytes
        self.isFull = isFull
        self.changeCount = changeCount
    }
}

/// The snapshot of one tick for its joiners, not encoded yet: a copy of the
/// room's state at that tick (copy-on-write: O(1) to take; the room's later
/// changes copy only what they touch) with the header's fields. Encoding
/// and hashing it is the expensive part, which is why it exists: the sink
/// calls ``encode()`` on a worker thread, not on the room's loop.
///
/// The joiners get exactly what an inline snapshot gives them: the state of
/// ``tick``, then operations with a sequence above ``operationSequence``
/// (the sink holds those of later ticks until the snapshot is out), and
/// deltas against ``tick`` or newer (the room took ``tick`` as their
/// acknowledged baseline).
public struct DeferredSnapshot: Sendable, Equatable {
    /// Who receives it (the tick's joiners, in join order; none for a
    /// recorder's periodic snapshot).
    public var recipients: [MemberID]
    /// The room.
    public let roomID: RoomID
    /// The tick the state is at.
    public let tick: UInt64
    /// The last operation sequence the state includes.
    public let operationSequence: UInt64
    /// About how many bytes the state encodes to (the kind's hint).
    public let sizeHint: Int
    @usableFromInline let encoder: @Sendable () -> RoomSnapshot

    @inlinable
    init(recipients: [MemberID], roomID: RoomID, tick: UInt64, operationSequence: UInt64, sizeHint: Int,
         encoder: @escaping @Sendable () -> RoomSnapshot) {
        self.recipients = recipients
        self.roomID = roomID
        self.tick = tick
        self.operationSequence = operationSequence
        self.sizeHint = sizeHint
        self.encoder = encoder
    }

    /// The snapshot, its state encoded and hashed now (the whole cost; call
    /// it off the room's loop, once, and share the result between
    /// ``recipients``). Safe from any thread: it reads only its own copy.
    public func encode() -> RoomSnapshot { encoder() }

    /// Equal when for the same recipients, tick and sequence (the state is
    /// the room's at that tick).
    public static func == (lhs: DeferredSnapshot, rhs: DeferredSnapshot) -> Bool {
        lhs.recipients == rhs.recipients && lhs.tick == rhs.tick && lhs.operationSequence == rhs.operationSequence
    }
}

/// A snapshot for one joining member.
public struct RecipientSnapshot: Equatable, Sendable {
    /// Who receives it.
    public var recipient: MemberID
    /// The snapshot; send ``RoomSnapshot/encodedBytes()`` reliably.
    public var snapshot: RoomSnapshot

    /// Creates a recipient snapshot.
    public init(recipient: MemberID, snapshot: RoomSnapshot) {
        self.recipient = recipient
        self.snapshot = snapshot
    }
}

/// One reliable document operation with its room-wide sequence number.
///
/// Wire layout: `varint sequence, varint tick, varint length, payload`,
/// where the payload is the room kind's operation encoding. Sequence numbers
/// start at 1 and have no gaps, so a client detects loss or reordering.
public struct SequencedOperation: Equatable, Sendable, BinaryCodable {
    /// The operation's position in the room's operation stream (1, 2, 3, …).
    public var sequence: UInt64
    /// The tick during (or, for joins and leaves, after) which it happened.
    public var tick: UInt64
    /// The kind-specific operation bytes.
    public var payload: [UInt8]

    /// Creates a sequenced operation.
    public init(sequence: UInt64, tick: UInt64, payload: [UInt8]) {
        self.sequence = sequence
        self.tick = tick
        self.payload = payload
    }

    /// Writes the layout above.
    public func encode(into writer: inout BinaryWriter) {
        writer.writeVarint(sequence)
        writer.writeVarint(tick)
        writer.writeLengthPrefixed(payload)
    }

    /// Reads the layout above.
    public init(from reader: inout BinaryReader) throws(RoomError) {
        sequence = try reader.readVarint()
        tick = try reader.readVarint()
        payload = try reader.readLengthPrefixed()
    }
}
