/// The event names of the room protocol (`docs/room-protocol.md`), as the
/// client sends and receives them. The server spells them in
/// `RoomEngineSocketIO.RoomWire.Event`; a test checks the two agree.
enum RoomEvents {
    /// Client → server, with ack: `{kind}`.
    static let join = "join"
    /// Client → server, with ack: `{seat, sequence?}`, back into a held seat.
    static let rejoin = "rejoin"
    /// Client → server, with ack: leave the current room.
    static let leave = "leave"
    /// Client → server, with ack: `{kind?}`.
    static let list = "list"
    /// Client → server: one encoded input, optionally the newest delta tick applied.
    static let input = "input"
    /// Client → server: the newest delta tick applied.
    static let deltaAck = "delta-ack"
    /// Server → client, volatile: one position delta.
    static let delta = "delta"
    /// Server → client, reliable and acknowledged: sequenced operations.
    static let operations = "ops"
    /// Server → client, acknowledged: `{offset, total}` and one chunk of an
    /// announced snapshot (`snapshotStream` in a join or rejoin answer).
    static let snapshotChunk = "snapshot-chunk"
    /// Server → client: an error no ack could carry.
    static let error = "room-error"
    /// Server → client: the socket is no longer in its room.
    static let closed = "room-closed"
    /// The `room-closed` reason when another socket took the seat.
    static let seatMovedReason = "seatMoved"
}
