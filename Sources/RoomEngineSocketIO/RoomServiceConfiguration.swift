public import NIOCore
public import RoomEngine

/// How a ``RoomService`` binds rooms to Socket.IO: the namespace, how long
/// empty rooms live, and every per-client bound with its overflow policy.
///
/// | bound | default | on overflow |
/// | --- | --- | --- |
/// | `eventsPerSecond` / `eventBurst` (token bucket per socket) | 200 / 400 | the event is refused with `rateLimited` (in its ack, or one `room-error` per second at most) and never reaches a room |
/// | `floodDisconnectAfter` (refusals in a row, no event admitted between) | 400 | the socket gets `room-error` `rateLimited` ("disconnected: …") and is disconnected from the namespace (a seat is not held: it left) |
/// | `pendingRepliesPerSocket` (answers a socket waits for) | 256 | the request is refused with `rateLimited` |
/// | `maxUnacknowledgedOperationBatches` (`ops` packets not acked) | 128 | the client gets `room-error` `tooSlow` and is disconnected from the namespace |
/// | `snapshotChunkBytes` × `snapshotChunksInFlight` (a joiner's snapshot bytes handed to its connection and not yet acknowledged) | 256 KiB × 2 | the next chunk waits for an acknowledgement: a slow joiner slows only its own stream |
/// | `snapshotStreamHeldBytes` (`ops` held for a joiner while its snapshot streams) | 4 MiB | the client gets `room-error` `tooSlow` and is disconnected from the namespace |
/// | `snapshotEncodingsQueued` (joiners' snapshots of states of `snapshotOffloadBytes` or more waiting for, or in, the encoding worker, over the whole service) | 4 | that snapshot is encoded on the room's loop, in its join tick, as smaller ones are (the joiner is never refused for it) |
/// | `maxQueuedRequests` (joins, rejoins and listings waiting for the directory) | 1024 | the request is refused with `serverBusy` |
/// | `rejoinOperationBatches` / `rejoinOperationBytes` (`ops` batches kept per member for a `rejoin`) | 256 / 1 MiB | the oldest batch goes; a `rejoin` from before it gets a snapshot |
/// | seats held for members whose connection dropped | one per member, for `seatGracePeriod` (default: the kind's ``RoomRules/seatGracePeriod``) | the member leaves |
/// | leaves waiting for the directory | one per member, so bounded by the members | never refused: a lost leave would leave a ghost seat |
///
/// ```swift
/// var configuration = RoomServiceConfiguration()
/// configuration.roomCapacity = 8          // 8 members per room, whatever the kind allows
/// configuration.emptyGracePeriod = .seconds(5)
/// ```
public struct RoomServiceConfiguration: Sendable {
    /// The Socket.IO namespace the rooms live in.
    public var namespace = "/rooms"
    /// Who a connecting socket is (``MemberIdentification``): checked once
    /// per connection, before the socket is in the namespace; the member
    /// joins rooms under that identity, the same after a reconnection. `nil`:
    /// every socket joins as its socket id, and anyone may connect.
    public var identify: MemberIdentifier?
    /// How long an empty room is kept before it is closed (a reconnecting
    /// client finds it again).
    public var emptyGracePeriod: TimeAmount = .seconds(30)
    /// How often empty rooms past their grace period are looked for.
    public var disposalInterval: TimeAmount = .seconds(1)
    /// Members per room at most, below the kind's own capacity; `nil` keeps
    /// each kind's capacity (``RoomRules/capacity``).
    public var roomCapacity: Int?
    /// Sustained events per second one socket may send.
    public var eventsPerSecond = 200
    /// Events one socket may send in a burst above the sustained rate.
    public var eventBurst = 400
    /// Rate-limit refusals in a row (no event admitted in between) after
    /// which a socket counts as a flooder and is disconnected; `nil` never.
    /// A client over its rate by a little is refused now and then and never
    /// reaches it; one that keeps sending into a closed bucket does.
    public var floodDisconnectAfter: Int? = 400
    /// Answers (acks of inputs and listings) one socket may wait for at once.
    public var pendingRepliesPerSocket = 256
    /// `ops` packets a client may leave unacknowledged before it counts as
    /// too slow and is disconnected.
    public var maxUnacknowledgedOperationBatches = 128
    /// Binary payloads (operations, snapshots) of at least this many bytes
    /// are sent with compression allowed; smaller ones, and every delta, are not.
    public var compressionThreshold = 1024
    /// A snapshot (join or rejoin answer) of more bytes than this is sent
    /// in chunks of this size, `snapshot-chunk` events after an answer that
    /// announces it (`docs/room-protocol.md`, "Large snapshots"); a smaller
    /// one travels in the answer itself. Keep `snapshotChunkBytes ×
    /// snapshotChunksInFlight` below the Engine.IO backlog bound
    /// (`EngineIOConfiguration.effectiveMaxBufferedBytes`, 1 MiB or more by default).
    public var snapshotChunkBytes = 256 * 1024
    /// Chunks of one snapshot handed to the connection and not yet
    /// acknowledged by the client at most: the next one is sent when the
    /// client acknowledges one (the stream's backpressure).
    public var snapshotChunksInFlight = 2
    /// Bytes of `ops` held for a member while its snapshot streams (they are
    /// sent after the last chunk, as one batch); past it the client counts
    /// as too slow and is disconnected.
    public var snapshotStreamHeldBytes = 4 << 20
    /// A joiner's snapshot of a state of at least this many bytes (the
    /// kind's ``RoomState/encodedSizeHint``, or the room's last encoding)
    /// is encoded and hashed on a worker thread, not on the room's loop in
    /// its join tick (issue 22: a 16 MB board took 20–30 ms of the loop
    /// shared with other rooms); the operations of the ticks after it wait
    /// for it. Smaller states are encoded in the tick (cheaper than a hop).
    /// `nil`: every snapshot is encoded in its tick.
    public var snapshotOffloadBytes: Int? = 1 << 20
    /// Snapshot encodings queued or running on the worker at most (see
    /// ``snapshotOffloadBytes``); past it a snapshot is encoded on its
    /// room's loop.
    public var snapshotEncodingsQueued = 4
    /// The worker (tests: a paused one); nil makes one of
    /// ``snapshotEncodingsQueued`` on `NIOThreadPool.singleton`.
    var snapshotWorker: SnapshotWorker?
    /// Joins and listings waiting for the room directory at most.
    public var maxQueuedRequests = 1024
    /// Ticks between the snapshots handed to the recorder.
    public var snapshotInterval: UInt64 = 600
    /// How long the seat of a member whose connection dropped is held for
    /// it, for every kind; `nil` keeps each kind's ``RoomRules/seatGracePeriod``.
    public var seatGracePeriod: TimeAmount?
    /// `ops` batches kept per member so that a `rejoin` can replay what it
    /// missed; older ones go, and a rejoin from before them gets a snapshot.
    public var rejoinOperationBatches = 256
    /// Bytes of `ops` batches kept per member (with ``rejoinOperationBatches``).
    public var rejoinOperationBytes = 1 << 20

    /// Makes the service one node of a cluster (rooms across nodes: the
    /// directory, leases and relay of ``RoomClustering``; docs/room-cluster.md).
    /// With its `states` (a store every node reads), rooms of a node that
    /// dies are resumed on the others, and ``RoomService/run()`` hands this node's rooms
    /// with members over as it stops instead of closing them.
    /// Nil (the default): every room lives in this process.
    public var cluster: RoomClustering?
    /// How often a cluster node checks that the nodes with members in its
    /// rooms still listen (their members keep their seats for the grace
    /// period when one does not).
    public var memberNodeCheckInterval: TimeAmount = .seconds(1)
    /// How long a cluster node gathers its messages to another node before
    /// it sends them as one (inputs, acknowledgements, deltas, operations):
    /// what a relayed delta waits at most, for fewer Redis publishes.
    /// `.zero` sends at the relay loop's next turn.
    public var relayFlushDelay: TimeAmount = .milliseconds(1)

    /// The defaults above.
    public init() {}
}

/// A token bucket: `burst` tokens, refilled at `perSecond`; each event takes
/// one. Owned by one socket's loop (a value inside its session).
///
/// ```swift
/// var limiter = EventRateLimiter(perSecond: 200, burst: 400, now: .now())
/// if !limiter.take(now: .now()) { refuse(.rateLimited) }
/// ```
struct EventRateLimiter {
    private let perSecond: Int64
    private let burst: Int64
    /// Tokens scaled by 10^9 so that refills are integer nanosecond math.
    private var scaledTokens: Int64
    private var refilledAt: NIODeadline
    private var lastRefusalReport: NIODeadline?

    init(perSecond: Int, burst: Int, now: NIODeadline) {
        precondition(perSecond > 0 && burst > 0)
        self.perSecond = Int64(perSecond)
        self.burst = Int64(burst)
        self.scaledTokens = Int64(burst) * 1_000_000_000
        self.refilledAt = now
    }

    /// Refusals since the last admitted event.
    private(set) var refusalsInARow = 0

    /// Takes a token; false when the bucket is empty.
    mutating func take(now: NIODeadline) -> Bool {
        let admitted = refill(now: now)
        refusalsInARow = admitted ? 0 : refusalsInARow + 1
        return admitted
    }

    private mutating func refill(now: NIODeadline) -> Bool {
        let elapsed = max(0, (now - refilledAt).nanoseconds)
        refilledAt = now
        let capacity = burst * 1_000_000_000
        let (refill, overflow) = elapsed.multipliedReportingOverflow(by: perSecond)
        scaledTokens = overflow ? capacity : min(capacity, scaledTokens + refill)
        guard scaledTokens >= 1_000_000_000 else { return false }
        scaledTokens -= 1_000_000_000
        return true
    }

    /// Whether a refusal without an ack should be reported now: at most one
    /// `room-error` per second, so a flood does not get a flood back.
    mutating func shouldReportRefusal(now: NIODeadline) -> Bool {
        if let last = lastRefusalReport, now - last < .seconds(1) { return false }
        lastRefusalReport = now
        return true
    }
}
