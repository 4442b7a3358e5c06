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
    public var state: [UInt8]

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

    /// FNV-1a-64 of ``state``.
    public var stateHash: UInt64 { StateHash.fnv1a64(state) }

    /// Writes the layout above.
    public func encode(into writer: inout BinaryWriter) {
        writer.writeUInt8(Self.format)
        writer.writeString(kind.name)
        writer.writeVarint(UInt64(logicVersion))
        writer.writeString(roomID.rawValue)
        writer.writeVarint(tick)
        writer.writeVarint(operationSequence)
        writer.writeVarint(UInt64(members.count))
        for member in members { writer.writeString(member.rawValue) }
        writer.writeLengthPrefixed(state)
        writer.writeUInt64(stateHash)
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
    }
}
