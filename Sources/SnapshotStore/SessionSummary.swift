public import RoomEngine

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
    public var id: RecordedSessionID
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
    /// Which hash of the state the recorded ticks hold (recordings made
    /// before fingerprints hold ``StateHashing/canonicalBytes``).
    public var stateHashing: StateHashing
    /// The earlier session this one continues, when the room was resumed on
    /// another node after its owner died; nil for a room that started here
    /// (and every session recorded before the link was stored).
    public var resumedFrom: SessionLink?

    /// Creates a summary (a store builds it from its rows).
    public init(
        id: RecordedSessionID, roomID: RoomID, kind: RoomKind, logicVersion: UInt32, seed: UInt64, config: RoomConfig,
        startedAt: Int64, endedAt: Int64?, status: SessionStatus, startTick: UInt64, lastTick: UInt64,
        lastTickAt: Int64?, final: (tick: UInt64, stateHash: UInt64)?, tickCount: Int, inputCount: Int,
        memberCount: Int, gapFromTick: UInt64?, droppedEvents: Int, stateHashing: StateHashing = .fingerprint,
        resumedFrom: SessionLink? = nil
    ) {
        self.id = id
        self.roomID = roomID
        self.kind = kind
        self.logicVersion = logicVersion
        self.seed = seed
        self.config = config
        self.startedAt = startedAt
        self.endedAt = endedAt
        self.status = status
        self.startTick = startTick
        self.lastTick = lastTick
        self.lastTickAt = lastTickAt
        self.final = final
        self.tickCount = tickCount
        self.inputCount = inputCount
        self.memberCount = memberCount
        self.gapFromTick = gapFromTick
        self.droppedEvents = droppedEvents
        self.stateHashing = stateHashing
        self.resumedFrom = resumedFrom
    }

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
            && lhs.droppedEvents == rhs.droppedEvents && lhs.stateHashing == rhs.stateHashing
            && lhs.resumedFrom == rhs.resumedFrom
    }

    /// The session description a replay starts from.
    public var recordedSession: RecordedSession {
        RecordedSession(
            roomID: roomID, kind: kind, logicVersion: logicVersion, seed: seed, config: config, stateHashing: stateHashing,
            resumedFrom: resumedFrom
        )
    }
}
