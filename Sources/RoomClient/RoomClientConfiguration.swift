/// How a ``RoomClient`` plays the room protocol: the namespace, how long it
/// waits for answers, how it acknowledges deltas, whether it rejoins, and
/// its buffer bounds.
///
/// | bound | default | on overflow |
/// | --- | --- | --- |
/// | ``updateBufferLimit`` (updates waiting for the consumer of ``RemoteRoom/updates``) | 4096 | the sequence ends with `updatesOverflow` after the buffered ones; the room goes on |
/// | position frames waiting per consumer of ``RemoteRoom/positionFrames(bufferingNewest:)`` | 1 (its argument) | older frames are replaced by newer ones |
/// | ``positionHistoryLength`` (tables of recent ticks held by the mirror) | 64 | the oldest is forgotten; a delta against it is repaired by acknowledging the newest |
/// | ``maxSnapshotBytes`` (a snapshot sent in chunks, assembled before it is decoded) | 32 MiB | the join (or rejoin) fails with `protocolViolation`, before any byte is kept |
/// | emits while disconnected | none: inputs are refused (`notInRoom`) while not in a room, never buffered for a later room | — |
///
/// ```swift
/// var configuration = RoomClientConfiguration()
/// configuration.requestTimeout = .seconds(5)
/// configuration.deltaAcknowledgementDelay = .milliseconds(100)
/// let client = try RoomClient(url: "http://127.0.0.1:3000", configuration: configuration)
/// ```
public struct RoomClientConfiguration: Sendable {
    /// The Socket.IO namespace of the rooms.
    public var namespace = "/rooms"
    /// How long a join, leave, listing or acknowledged input waits for its
    /// answer (nil: until the answer or the disconnection). A join's answer
    /// comes at the room's next tick, an input's after the tick that applied it.
    public var requestTimeout: Duration? = .seconds(20)
    /// How long an applied delta waits for an input to carry its
    /// acknowledgement before a `delta-ack` is sent; nil: four ticks of the
    /// room's rate (200 ms at 20 Hz), as the protocol suggests.
    public var deltaAcknowledgementDelay: Duration?
    /// Whether a membership lost to a dropped connection (or a closed room)
    /// is taken up again once the client is connected: with the seat when
    /// the server gave one (`rejoin`: the same member, the operations
    /// missed), else by joining a room of the kind afresh. Without it, the
    /// room ends with `connectionLost` (or `roomClosed`).
    public var rejoin = true
    /// How long to wait before joining again after a rejoin was refused for
    /// a passing reason (`serverBusy`, `rateLimited`, `shuttingDown`) on a
    /// connection that stays open.
    public var rejoinRetryDelay: Duration = .seconds(1)
    /// Updates waiting for the consumer of ``RemoteRoom/updates`` at most.
    public var updateBufferLimit = 4096
    /// Position tables of recent ticks the mirror keeps (the server keeps 64).
    public var positionHistoryLength = 64
    /// The largest snapshot the client accepts in chunks (a join or rejoin
    /// answer's `snapshotStream`): twice the whiteboard's board limit
    /// (16,711,680 bytes), room for its members and header and for a kind
    /// of your own with a larger state.
    public var maxSnapshotBytes = 32 << 20

    /// The defaults above.
    public init() {}
}
