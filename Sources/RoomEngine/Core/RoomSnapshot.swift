public import NIOCore

/// A self-describing picture of a room at one tick: for late joiners, and
/// for the recorder (a store can restart a replay from any snapshot).
///
/// Layout (all integers as in ``BinaryWriter``):
///
/// ```text
/// u8      format             0x01
/// string  kind
/// varint  logicVersion
/// string  roomID
/// varint  tick               the tick the state is at
/// varint  operationSequence  the last operation sequence the state includes
/// varint  memberCount, then memberCount × string memberID (join order)
/// varint  stateLength, then the state's canonical bytes
/// u64 LE  stateHash          FNV-1a-64 of the state bytes, checked on decode
/// ```
///
/// A joiner applies operations with a sequence greater than
/// ``operationSequence`` and position deltas whose baseline is ``tick`` or
/// newer: the server treats the snapshot's tick as the joiner's first
/// acknowledged position baseline (snapshots travel on the reliable channel).
///
/// ```swift
/// let snapshot = try RoomSnapshot(decoding: bytes)
/// let state = try CounterState.decodeState(snapshot.state)   // the kind's own state type
/// ```
public struct RoomSnapshot: Equatable, Sendable, BinaryCodable {
    /// The current snapshot format byte.
    public static let format: UInt8 = 0x01

    /// The room kind.
    public var kind: RoomKind
    /// The logic version that produced the state.
    public var logicVersion: UInt32
    /// The room.
    public var roomID: RoomID
    /// The tick the state is at.
    public var tick: UInt64
    /// The sequence number of the last operation already reflected in the state.
    public var operationSequence: UInt64
    /// The members, in join order.
    public var members: [MemberID]
    /// The state's canonical bytes.
    public var state: [UInt8] {
        didSet { knownStateHash = nil }
    }
    /// ``stateHash`` when already computed (by the room that took the
    /// snapshot, or by decoding, which checks it); dropped when ``state``
    /// changes. Not part of equality: it is derived from ``state``.
    @usableFromInline var knownStateHash: UInt64?

    /// Creates a snapshot.
    public init(
        kind: RoomKind,
        logicVersion: UInt32,
        roomID: RoomID,
        tick: UInt64,
        operationSequence: UInt64,
        members: [MemberID],
        state: [UInt8]
    ) {
        self.kind = kind
        self.logicVersion = logicVersion
        self.roomID = roomID
        self.tick = tick
        self.operationSequence = operationSequence
        self.members = members
        self.state = state
    }

    /// A snapshot whose state hash the caller already computed
    /// (`StateHash.fnv1a64(state)`), so that encoding it does not hash the
    /// state again.
    @inlinable
    init(
        kind: RoomKind, logicVersion: UInt32, roomID: RoomID, tick: UInt64, operationSequence: UInt64,
        members: [MemberID], state: [UInt8], stateHash: UInt64
    ) {
        self.init(kind: kind, logicVersion: logicVersion, roomID: roomID, tick: tick,
                  operationSequence: operationSequence, members: members, state: state)
        knownStateHash = stateHash
    }

    /// FNV-1a-64 of ``state`` (computed once per snapshot when the room or
    /// the decoder already had it).
    public var stateHash: UInt64 { knownStateHash ?? StateHash.fnv1a64(state) }

    /// Equal when every field is (the known hash is derived from ``state``).
    public static func == (lhs: RoomSnapshot, rhs: RoomSnapshot) -> Bool {
        lhs.kind == rhs.kind && lhs.logicVersion == rhs.logicVersion && lhs.roomID == rhs.roomID
            && lhs.tick == rhs.tick && lhs.operationSequence == rhs.operationSequence
            && lhs.members == rhs.members && lhs.state == rhs.state
    }

    /// Writes the layout above.
    public func encode(into writer: inout BinaryWriter) {
        writeHeader(into: &writer)
        writer.writeRaw(state)
        writer.writeUInt64(stateHash)
    }

    /// The layout above written straight into one `ByteBuffer` of the exact
    /// size, for the network: the state is copied once (``encodedBytes()``
    /// and a `ByteBuffer` of it would copy it twice).
    ///
    /// ```swift
    /// let buffer = snapshot.encodedBuffer()   // what a joiner is sent
    /// ```
    public func encodedBuffer(allocator: ByteBufferAllocator = ByteBufferAllocator()) -> ByteBuffer {
        var header = BinaryWriter(reservingCapacity: 128)
        writeHeader(into: &header)
        var buffer = allocator.buffer(capacity: header.count + state.count + 8)
        buffer.writeBytes(header.bytes)
        buffer.writeBytes(state)
        buffer.writeInteger(stateHash, endianness: .little)
        return buffer
    }

    /// Everything before the state's bytes, their length prefix included.
    private func writeHeader(into writer: inout BinaryWriter) {
        writer.writeUInt8(Self.format)
        writer.writeString(kind.name)
        writer.writeVarint(UInt64(logicVersion))
        writer.writeString(roomID.rawValue)
        writer.writeVarint(tick)
        writer.writeVarint(operationSequence)
        writer.writeVarint(UInt64(members.count))
        for member in members { writer.writeString(member.rawValue) }
        writer.writeVarint(UInt64(state.count))
    }

    /// Reads the layout above, refusing unknown formats and hash mismatches.
    public init(from reader: inout BinaryReader) throws(RoomError) {
        let format = try reader.readUInt8()
        guard format == Self.format else { throw .malformed("unknown snapshot format \(format)") }
        kind = RoomKind(try reader.readString())
        logicVersion = UInt32(try reader.readVarint(atMost: UInt64(UInt32.max), "logic version"))
        roomID = RoomID(try reader.readString())
        tick = try reader.readVarint()
        operationSequence = try reader.readVarint()
        let memberCount = try reader.readCount(atMost: 65_536, "member count")
        var members: [MemberID] = []
        for _ in 0..<memberCount { members.append(MemberID(try reader.readString())) }
        self.members = members
        state = try reader.readLengthPrefixed()
        let hash = try reader.readUInt64()
        guard hash == StateHash.fnv1a64(state) else { throw .malformed("snapshot state hash mismatch") }
        knownStateHash = hash
    }
}
