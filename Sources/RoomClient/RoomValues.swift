public import RoomEngine

/// One operation of the room's sequenced stream, decoded with the logic's
/// `Operation` type.
///
/// ```swift
/// for try await update in room.updates {
///     if case .operation(let op) = update { print(op.sequence, op.tick, op.operation) }
/// }
/// ```
public struct RoomOperation<Operation: Sendable & Equatable>: Sendable, Equatable {
    /// The room-wide sequence number (1, 2, 3, ... without gaps).
    public var sequence: UInt64
    /// The tick during (or, for joins and leaves, after) which it happened.
    public var tick: UInt64
    /// The decoded operation.
    public var operation: Operation

    /// An operation with every field given.
    public init(sequence: UInt64, tick: UInt64, operation: Operation) {
        self.sequence = sequence
        self.tick = tick
        self.operation = operation
    }
}

/// Who and where the client is: the join answer of the current membership.
///
/// A rejoin after a lost connection makes a new membership: another member
/// id (the new Socket.IO socket's), possibly another room of the kind.
///
/// ```swift
/// print("I am", room.membership.member, "in", room.membership.room)
/// ```
public struct RoomMembership: Sendable, Equatable {
    /// The room joined.
    public var room: RoomID
    /// Its kind.
    public var kind: RoomKind
    /// The client's member id in it (its Socket.IO socket id).
    public var member: MemberID
    /// The room's ticks per second.
    public var tickRate: Int
    /// The snapshot the join answer carried (after a resumed seat: the
    /// snapshot the membership started from).
    public var snapshot: RoomSnapshot
    /// The seat that brings this member back after a dropped connection,
    /// from a server with seats (`docs/room-protocol.md`, Seats); nil otherwise.
    public var seat: RoomSeat?

    /// A membership with every field given.
    public init(room: RoomID, kind: RoomKind, member: MemberID, tickRate: Int, snapshot: RoomSnapshot, seat: RoomSeat? = nil) {
        self.room = room
        self.kind = kind
        self.member = member
        self.tickRate = tickRate
        self.snapshot = snapshot
        self.seat = seat
    }
}

/// A member's seat: the secret that brings it back to its room, as the
/// same member, after its connection dropped (within ``grace``). The client
/// uses it by itself when it reconnects; it prints as `RoomSeat(…)`, so
/// logging a membership does not leak it.
///
/// ```swift
/// if let seat = room.membership.seat { print("held for", seat.grace, "after a drop") }
/// ```
public struct RoomSeat: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The opaque seat string of the join answer (at most 128 characters). A
    /// secret: whoever presents it gets the member.
    public let token: String
    /// How long the server holds the seat after the connection drops.
    public let grace: Duration

    /// A seat with both fields given.
    public init(token: String, grace: Duration) {
        self.token = token
        self.grace = grace
    }

    /// `RoomSeat(…, grace: …)`: never the token.
    public var description: String { "RoomSeat(…, grace: \(grace))" }

    /// The same as ``description``.
    public var debugDescription: String { description }
}

/// The mirrored position table at one tick (what ``RemoteRoom/positionFrames(bufferingNewest:)`` yields).
///
/// ```swift
/// for await frame in room.positionFrames() { draw(frame.table, at: frame.tick) }
/// ```
public struct PositionFrame: Sendable, Equatable {
    /// The server tick the table is at.
    public var tick: UInt64
    /// Every entity's position at that tick, ascending by id (the kind's slots).
    public var table: PositionTable

    /// A frame with both fields given.
    public init(tick: UInt64, table: PositionTable) {
        self.tick = tick
        self.table = table
    }
}

/// Counters of one room since it was joined (rejoins included), for
/// diagnostics and tests.
///
/// ```swift
/// let stats = room.statistics
/// print(stats.deltasApplied, stats.acknowledgementsSent, stats.newestBaseline)
/// ```
public struct RoomStatistics: Sendable, Equatable {
    /// Deltas applied to the mirror.
    public var deltasApplied = 0
    /// Deltas older than the mirror's newest tick, ignored.
    public var deltasIgnored = 0
    /// Deltas that did not apply (undecodable, or their baseline not held);
    /// the next acknowledgement repairs the stream.
    public var deltasFailed = 0
    /// Full tables received (the server had no acknowledged baseline).
    public var fullTables = 0
    /// The newest baseline tick a delta was encoded against: the newest
    /// acknowledgement the server had taken.
    public var newestBaseline: UInt64 = 0
    /// Acknowledgements sent (`delta-ack` events and inputs carrying one).
    public var acknowledgementsSent = 0
    /// Operations applied, in sequence.
    public var operationsApplied = 0
    /// Operations received again (a sequence already applied), ignored.
    public var operationsIgnored = 0
    /// Memberships after the first (rejoins after lost connections or
    /// closed rooms, when the seat could not be resumed).
    public var rejoins = 0
    /// Seats resumed after lost connections (the same member, the
    /// operations missed replayed).
    public var resumes = 0

    /// Zero counters.
    public init() {}
}

/// Where a ``RemoteRoom`` stands.
public enum RoomStatus: Sendable, Equatable {
    /// In the room: inputs go, updates come.
    case joined
    /// The membership was lost (the connection dropped, or the room
    /// closed); the client rejoins a room of the kind once connected.
    /// Inputs are refused meanwhile (`notInRoom`).
    case rejoining
    /// ``RemoteRoom/leave()`` ended it.
    case left
    /// The client was closed (``RoomClient/close()``, or the socket disconnected by the application).
    case closed
    /// It ended with an error (a refused rejoin, the server disconnecting
    /// the client, reconnection given up).
    case failed(RoomClientError)

    /// Whether the room is over for this handle (left, closed or failed).
    public var isEnded: Bool {
        switch self {
        case .joined, .rejoining: false
        case .left, .closed, .failed: true
        }
    }
}
