public import RoomEngine

/// The identifier of one recorded session: the row id the store assigned
/// when the room started. Room ids repeat (a room can be restarted); session
/// ids never do.
///
/// ```swift
/// let id: SessionID = 42
/// let summary = try store.summary(of: id)
/// ```
public struct SessionID: Hashable, Comparable, Sendable, CustomStringConvertible, ExpressibleByIntegerLiteral {
    /// The row id.
    public let rawValue: Int64

    /// Wraps a row id.
    public init(_ rawValue: Int64) { self.rawValue = rawValue }

    /// Creates an identifier from an integer literal (handy in tests and docs).
    public init(integerLiteral value: Int64) { self.rawValue = value }

    /// The decimal row id, as the CLI prints and parses it.
    public var description: String { String(rawValue) }

    /// Orders by row id, which is the order sessions started in.
    public static func < (lhs: SessionID, rhs: SessionID) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// Where a session's recording stands.
public enum SessionStatus: String, Equatable, Sendable, CaseIterable {
    /// Still being recorded by a live recorder.
    case live
    /// The room stopped and the recorder wrote its end.
    case ended
    /// The recorder died before the end (a crash or `kill -9`): the
    /// recording is valid up to its last committed tick.
    case incomplete
}

/// One row of `huddle sessions`: what a session is, when it ran, how far
/// its recording goes.
public struct SessionSummary: Equatable, Sendable {
    /// The session.
    public var id: SessionID
    /// The room it recorded.
    public var roomID: RoomID
    /// The room's kind.
    public var kind: RoomKind
    /// The logic version that ran it.
    public var logicVersion: UInt32
    /// The seed the initial state was created with (0 for a room restored
    /// from a snapshot).
    public var seed: UInt64
    /// The creation parameters.
    public var config: RoomConfig
    /// Wall-clock start, microseconds since 1970.
    public var startedAt: Int64
    /// Wall-clock end (for an incomplete session: its last committed tick).
    public var endedAt: Int64?
    /// Live, ended or incomplete.
    public var status: SessionStatus
    /// The tick the room was at when recording began (0 for a new room).
    public var startTick: UInt64
    /// The last tick in the store.
    public var lastTick: UInt64
    /// Wall-clock time the last stored tick ran at, microseconds since 1970.
    public var lastTickAt: Int64?
    /// The final tick and state hash the room reported when it stopped.
    public var final: (tick: UInt64, stateHash: UInt64)?
    /// Ticks stored.
    public var tickCount: Int
    /// Inputs stored, over all ticks.
    public var inputCount: Int
    /// Distinct members who joined.
    public var memberCount: Int
    /// The first tick missing because the recorder's queue overflowed
    /// (drop-and-mark); `nil` when the recording has no gap.
    public var gapFromTick: UInt64?
    /// Events the recorder dropped for this session (after the gap).
    public var droppedEvents: Int

    /// Wall-clock length in microseconds: start to end, or to the last tick.
    public var durationMicroseconds: Int64 {
        max(0, (endedAt ?? lastTickAt ?? startedAt) - startedAt)
    }

    /// Compares every field (`final` is a tuple, so this is spelled out).
    public static func == (lhs: SessionSummary, rhs: SessionSummary) -> Bool {
        lhs.id == rhs.id && lhs.roomID == rhs.roomID && lhs.kind == rhs.kind
            && lhs.logicVersion == rhs.logicVersion && lhs.seed == rhs.seed && lhs.config == rhs.config
            && lhs.startedAt == rhs.startedAt && lhs.endedAt == rhs.endedAt && lhs.status == rhs.status
            && lhs.startTick == rhs.startTick && lhs.lastTick == rhs.lastTick && lhs.lastTickAt == rhs.lastTickAt
            && lhs.final?.tick == rhs.final?.tick && lhs.final?.stateHash == rhs.final?.stateHash
            && lhs.tickCount == rhs.tickCount && lhs.inputCount == rhs.inputCount
            && lhs.memberCount == rhs.memberCount && lhs.gapFromTick == rhs.gapFromTick
            && lhs.droppedEvents == rhs.droppedEvents
    }

    /// The session description a replay starts from.
    public var recordedSession: RecordedSession {
        RecordedSession(roomID: roomID, kind: kind, logicVersion: logicVersion, seed: seed, config: config)
    }
}

/// Which sessions `SessionStore.sessions(matching:)` returns.
public struct SessionFilter: Equatable, Sendable {
    /// Only this kind.
    public var kind: RoomKind?
    /// Only this room.
    public var roomID: RoomID?
    /// Only sessions that started at or after this time (µs since 1970).
    public var startedFrom: Int64?
    /// Only sessions that started before this time (µs since 1970).
    public var startedBefore: Int64?
    /// Only sessions in this status.
    public var status: SessionStatus?
    /// At most this many, newest first.
    public var limit: Int?

    /// Creates a filter; every field defaults to "any".
    public init(
        kind: RoomKind? = nil, roomID: RoomID? = nil, startedFrom: Int64? = nil,
        startedBefore: Int64? = nil, status: SessionStatus? = nil, limit: Int? = nil
    ) {
        self.kind = kind
        self.roomID = roomID
        self.startedFrom = startedFrom
        self.startedBefore = startedBefore
        self.status = status
        self.limit = limit
    }
}

/// A join or leave as stored: who, after which tick, with which metadata.
public struct MembershipEvent: Equatable, Sendable {
    /// The member.
    public var member: MemberID
    /// True for a join, false for a leave.
    public var joined: Bool
    /// The tick after which it happened (before the next tick ran).
    public var afterTick: UInt64
    /// The join attempt's metadata (empty for leaves).
    public var metadata: [String: String]
    /// Wall-clock time, microseconds since 1970.
    public var at: Int64

    /// Creates an event.
    public init(member: MemberID, joined: Bool, afterTick: UInt64, metadata: [String: String], at: Int64) {
        self.member = member
        self.joined = joined
        self.afterTick = afterTick
        self.metadata = metadata
        self.at = at
    }

    /// The same event as ``RoomReplay`` consumes it.
    public var recordedEvent: RecordedEvent { joined ? .joined(member, metadata: metadata) : .left(member) }
}

/// A stored snapshot, without its state bytes.
public struct SnapshotInfo: Equatable, Sendable {
    /// The tick the snapshot is at.
    public var tick: UInt64
    /// The state hash it carries.
    public var stateHash: UInt64
    /// Encoded snapshot size before compression.
    public var rawBytes: Int
    /// Size in the store (zlib).
    public var storedBytes: Int
}

/// One stored tick: its inputs, its hash and when it ran.
public struct StoredTick: Equatable, Sendable {
    /// The tick as the room recorded it.
    public var tick: RecordedTick
    /// Wall-clock time the tick ran, microseconds since 1970.
    public var recordedAt: Int64
}
