public import RoomEngine

/// A join, a leave, or a member's connection dropping and coming back, as
/// stored: who, after which tick, with which metadata.
public struct MembershipEvent: Equatable, Sendable {
    /// What happened to the member.
    public enum Change: String, Equatable, Sendable {
        /// It joined.
        case joined
        /// It left (on its own, or its grace period ended).
        case left
        /// Its connection dropped; it kept its seat (no state change).
        case away
        /// It came back on a new connection (no state change).
        case back
    }

    /// The member.
    public var member: MemberID
    /// What happened.
    public var change: Change
    /// True for a join (``change`` is ``Change/joined``).
    public var joined: Bool { change == .joined }
    /// The tick after which it happened (before the next tick ran).
    public var afterTick: UInt64
    /// The join attempt's metadata (empty for leaves).
    public var metadata: [String: String]
    /// Wall-clock time, microseconds since 1970.
    public var at: Int64

    /// Creates an event.
    public init(member: MemberID, change: Change, afterTick: UInt64, metadata: [String: String], at: Int64) {
        self.member = member
        self.change = change
        self.afterTick = afterTick
        self.metadata = metadata
        self.at = at
    }

    /// Creates a join (`joined`) or a leave.
    public init(member: MemberID, joined: Bool, afterTick: UInt64, metadata: [String: String], at: Int64) {
        self.init(member: member, change: joined ? .joined : .left, afterTick: afterTick, metadata: metadata, at: at)
    }

    /// The same event as ``RoomReplay`` consumes it.
    public var recordedEvent: RecordedEvent {
        switch change {
        case .joined: .joined(member, metadata: metadata)
        case .left: .left(member)
        case .away: .away(member)
        case .back: .back(member)
        }
    }
}

/// A stored snapshot, without its state bytes.
public struct SnapshotInfo: Equatable, Sendable {
    /// The tick the snapshot is at.
    public var tick: UInt64
    /// The state hash it carries.
    public var stateHash: UInt64
    /// Encoded snapshot size before compression.
    public var rawBytes: Int
    /// Size in the store (compressed).
    public var storedBytes: Int

    /// Creates a snapshot description.
    public init(tick: UInt64, stateHash: UInt64, rawBytes: Int, storedBytes: Int) {
        self.tick = tick
        self.stateHash = stateHash
        self.rawBytes = rawBytes
        self.storedBytes = storedBytes
    }
}

/// One stored tick: its inputs, its hash and when it ran.
public struct StoredTick: Equatable, Sendable {
    /// The tick as the room recorded it.
    public var tick: RecordedTick
    /// Wall-clock time the tick ran, microseconds since 1970.
    public var recordedAt: Int64

    /// Creates a stored tick.
    public init(tick: RecordedTick, recordedAt: Int64) {
        self.tick = tick
        self.recordedAt = recordedAt
    }
}
