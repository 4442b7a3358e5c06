/// The hook a session store implements to capture everything needed to
/// replay a room tick for tick (`SessionRecorder` in SnapshotStore refines
/// it; the SQLite recorder is `SQLiteSessionRecorder`).
///
/// The runner calls these methods on the room's loop, right after the work
/// they describe, handing over immutable values and nothing else; an
/// implementation must not block (hand the values to its own queue or actor
/// and return). Replaying a recording — ``RoomReplay`` — re-creates the room
/// from ``RecordedSession``, applies joins, leaves and each tick's recorded
/// input batch in order, and checks every recorded state hash.
///
/// ```swift
/// final class QueueingRecorder: RoomRecorder {
///     func tickCompleted(_ tick: RecordedTick) { queue.enqueue(tick) }
///     // …
/// }
/// ```
public protocol RoomRecorder: Sendable {
    /// A room started: everything needed to re-create its initial state.
    func sessionStarted(_ session: RecordedSession)
    /// A member joined after tick `afterTick` (before the next tick).
    func memberJoined(_ member: MemberID, metadata: [String: String], room: RoomID, afterTick: UInt64)
    /// A member left after tick `afterTick`.
    func memberLeft(_ member: MemberID, room: RoomID, afterTick: UInt64)
    /// A member's connection dropped after tick `afterTick`: it keeps its
    /// seat for the grace period, and sends no inputs until it is back. The
    /// room's state does not change (replay ignores it).
    func memberAway(_ member: MemberID, room: RoomID, afterTick: UInt64)
    /// A member that was away is back (on a new connection) after tick `afterTick`.
    func memberBack(_ member: MemberID, room: RoomID, afterTick: UInt64)
    /// A tick ran with this ordered input batch and produced this state hash.
    func tickCompleted(_ tick: RecordedTick)
    /// A periodic snapshot (every K ticks, as configured on the runner).
    func snapshotTaken(_ snapshot: RoomSnapshot)
    /// A periodic snapshot of a large state, not encoded yet: a copy of the
    /// state (copy-on-write) that ``DeferredSnapshot/encode()`` encodes on
    /// whatever thread calls it. The runner hands it over instead of
    /// encoding on the room's loop when the state is at least the room's
    /// ``Room/snapshotOffloadBytes``. The default encodes it at once (on
    /// the caller's thread) and calls ``snapshotTaken(_:)``; a recorder
    /// with a thread of its own encodes it there.
    func snapshotTaken(encoding snapshot: DeferredSnapshot)
    /// The room stopped at `finalTick` with this state hash.
    func sessionEnded(room: RoomID, finalTick: UInt64, finalStateHash: UInt64)
    /// Blocks until everything handed over before the call is durable;
    /// never call it on a room loop. A cluster node calls it when it hands
    /// its rooms over as it stops: the node resuming them reads what was
    /// made durable. The default returns at once (a recorder that keeps
    /// nothing, or writes as it is called).
    func flush()
}

extension RoomRecorder {
    /// Nothing waits (see the requirement).
    public func flush() {}

    /// Encodes it here (see the requirement).
    public func snapshotTaken(encoding snapshot: DeferredSnapshot) {
        snapshotTaken(snapshot.encode())
    }

    /// Ignores the gap: a recorder that keeps only what replays needs no presence.
    public func memberAway(_ member: MemberID, room: RoomID, afterTick: UInt64) {}
    /// Ignores the return (see ``memberAway(_:room:afterTick:)``).
    public func memberBack(_ member: MemberID, room: RoomID, afterTick: UInt64) {}
}

/// What a recording needs to re-create a room's initial state.
public struct RecordedSession: Equatable, Sendable {
    /// The room.
    public var roomID: RoomID
    /// Its kind.
    public var kind: RoomKind
    /// The logic version that ran it.
    public var logicVersion: UInt32
    /// The seed given to ``RoomLogic/create(config:seed:)``.
    public var seed: UInt64
    /// The configuration given to ``RoomLogic/create(config:seed:)``.
    public var config: RoomConfig
    /// Which hash of the state the recorded ticks hold (the runner records
    /// ``StateHashing/fingerprint``; older recordings hold canonical bytes).
    public var stateHashing: StateHashing
    /// The earlier session this one continues, when the room was resumed
    /// on another node after its owner died (``RoomResumePoint``); nil for
    /// a room that started here.
    public var resumedFrom: SessionLink?

    /// Creates a session description.
    public init(
        roomID: RoomID, kind: RoomKind, logicVersion: UInt32, seed: UInt64, config: RoomConfig,
        stateHashing: StateHashing = .fingerprint, resumedFrom: SessionLink? = nil
    ) {
        self.roomID = roomID
        self.kind = kind
        self.logicVersion = logicVersion
        self.seed = seed
        self.config = config
        self.stateHashing = stateHashing
        self.resumedFrom = resumedFrom
    }
}

/// One input as it was applied: sender, arrival number and exact bytes.
public struct RecordedInput: Equatable, Sendable, BinaryCodable {
    /// The sender.
    public var member: MemberID
    /// The arrival number (the sender's receipt).
    public var sequence: UInt64
    /// The input's bytes as received (decoded again on replay).
    public var bytes: [UInt8]

    /// Creates a recorded input.
    public init(member: MemberID, sequence: UInt64, bytes: [UInt8]) {
        self.member = member
        self.sequence = sequence
        self.bytes = bytes
    }

    /// Writes `string member, varint sequence, varint length, bytes`.
    public func encode(into writer: inout BinaryWriter) {
        writer.writeString(member.rawValue)
        writer.writeVarint(sequence)
        writer.writeLengthPrefixed(bytes)
    }

    /// Reads what ``encode(into:)`` wrote.
    public init(from reader: inout BinaryReader) throws(RoomError) {
        member = MemberID(try reader.readString())
        sequence = try reader.readVarint()
        bytes = try reader.readLengthPrefixed()
    }
}

/// One tick as it ran: the ordered input batch and the resulting state hash.
public struct RecordedTick: Equatable, Sendable {
    /// The room.
    public var roomID: RoomID
    /// The tick number.
    public var tick: UInt64
    /// The batch the tick applied, in order.
    public var inputs: [RecordedInput]
    /// The state's hash after the tick, as the session's
    /// ``RecordedSession/stateHashing`` says.
    public var stateHash: UInt64

    /// Creates a recorded tick.
    public init(roomID: RoomID, tick: UInt64, inputs: [RecordedInput], stateHash: UInt64) {
        self.roomID = roomID
        self.tick = tick
        self.inputs = inputs
        self.stateHash = stateHash
    }
}

/// One entry of a recording after its session start, in the order it happened.
public enum RecordedEvent: Equatable, Sendable {
    /// A member joined (with the metadata of its join attempt).
    case joined(MemberID, metadata: [String: String])
    /// A member left.
    case left(MemberID)
    /// A member's connection dropped; it kept its seat (no state change).
    case away(MemberID)
    /// A member that was away came back (no state change).
    case back(MemberID)
    /// A tick ran.
    case tick(RecordedTick)
}
