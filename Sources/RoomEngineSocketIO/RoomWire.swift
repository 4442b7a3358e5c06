public import NIOCore
public import RoomEngine
public import SocketIOCore

/// The vocabulary of the room protocol on Socket.IO: event names and the
/// JSON shapes of requests and answers (the full protocol, with the binary
/// layouts, is in `docs/room-protocol.md`).
///
/// Every name is here once, so the server, the tests and the documentation
/// cannot drift apart.
///
/// ```swift
/// socket.emit(RoomWire.Event.delta, .binary(bytes))
/// ack.send([RoomWire.joined(room: "whiteboard-1", kind: .whiteboard, member: "abc", tickRate: 20,
///                           seat: token, graceMilliseconds: 10_000, snapshot: buffer)])
/// ```
public enum RoomWire {
    /// Event names, in both directions.
    public enum Event {
        /// Client → server, with ack: `{kind}`; the ack carries the room, the
        /// member id, the seat and the snapshot (binary) once the snapshot exists.
        public static let join = "join"
        /// Client → server, with ack: `{seat, sequence?}` from a new socket;
        /// the ack gives the member back with the operations it missed or a snapshot.
        public static let rejoin = "rejoin"
        /// Client → server, with ack: leave the current room.
        public static let leave = "leave"
        /// Client → server, with ack: `{kind?}`; the ack lists live rooms.
        public static let list = "list"
        /// Client → server: one encoded room input as a binary attachment;
        /// with ack, answered once the tick that applied it has run.
        public static let input = "input"
        /// Client → server: `tick` (a number), the newest position delta applied.
        public static let deltaAck = "delta-ack"
        /// Server → client, volatile and uncompressed: one position delta (binary).
        public static let delta = "delta"
        /// Server → client, reliable and acknowledged: the tick's operations (binary).
        public static let operations = "ops"
        /// Server → client: an error that no ack could carry.
        public static let error = "room-error"
        /// Server → client, acknowledged: `{offset, total}` and one chunk of
        /// a snapshot the join or rejoin answer announced (`snapshotStream`).
        public static let snapshotChunk = "snapshot-chunk"
        /// Server → client: the socket is no longer in its room: `{room, reason}`.
        public static let closed = "room-closed"
    }

    /// The `reason` of `room-closed`.
    public enum ClosedReason {
        /// The server is stopping (sent before its connections close).
        public static let shutdown = "shutdown"
        /// A `rejoin` from another socket took this socket's seat.
        public static let seatMoved = "seatMoved"
        /// The room's owner, another node of a cluster, died and nobody
        /// took the room: it is over (join again).
        public static let ownerLost = "ownerLost"
    }

    /// The join answer: `{room, kind, member, tickRate, seat, grace, snapshot}`.
    public static func joined(
        room: RoomID, kind: RoomKind, member: MemberID, tickRate: Int,
        seat: String, graceMilliseconds: Int64, views: Bool = false, snapshot: ByteBuffer
    ) -> JSONValue {
        var object = membership(
            room: room, kind: kind, member: member, tickRate: tickRate, seat: seat, grace: graceMilliseconds, views: views
        )
        object["snapshot"] = .binary(snapshot)
        return .object(object)
    }

    /// The join answer of a snapshot sent in chunks: `{room, kind, member,
    /// tickRate, seat, grace, snapshotStream: {length, chunks}}`; the
    /// snapshot follows as `snapshot-chunk` events.
    public static func joined(
        room: RoomID, kind: RoomKind, member: MemberID, tickRate: Int,
        seat: String, graceMilliseconds: Int64, views: Bool = false, snapshotStream: SnapshotStream
    ) -> JSONValue {
        var object = membership(
            room: room, kind: kind, member: member, tickRate: tickRate, seat: seat, grace: graceMilliseconds, views: views
        )
        object["snapshotStream"] = snapshotStream.json
        return .object(object)
    }

    /// The rejoin answer of a snapshot sent in chunks: the rejoin answer's
    /// fields with `snapshotStream` in place of `snapshot`.
    public static func rejoined(
        room: RoomID, kind: RoomKind, member: MemberID, tickRate: Int, seat: String, graceMilliseconds: Int64,
        views: Bool = false, tick: UInt64, snapshotStream: SnapshotStream
    ) -> JSONValue {
        var object = membership(
            room: room, kind: kind, member: member, tickRate: tickRate, seat: seat, grace: graceMilliseconds, views: views
        )
        object["tick"] = .int(Int64(clamping: tick))
        object["snapshotStream"] = snapshotStream.json
        return .object(object)
    }

    /// How a snapshot sent in chunks is announced: its length in bytes and
    /// the number of `snapshot-chunk` events that carry it.
    public struct SnapshotStream: Sendable, Equatable {
        /// The snapshot's length in bytes.
        public var length: Int
        /// How many chunks carry it.
        public var chunks: Int

        /// An announcement of `length` bytes in `chunks` chunks.
        public init(length: Int, chunks: Int) {
            self.length = length
            self.chunks = chunks
        }

        /// `{length, chunks}`.
        public var json: JSONValue {
            .object(["length": .int(Int64(length)), "chunks": .int(Int64(chunks))])
        }
    }

    /// The first argument of a `snapshot-chunk` event: `{offset, total}`,
    /// where the chunk's bytes (the second argument) start in the snapshot
    /// and the snapshot's length.
    public static func snapshotChunk(offset: Int, total: Int) -> JSONValue {
        .object(["offset": .int(Int64(offset)), "total": .int(Int64(total))])
    }

    /// The rejoin answer: the join answer's fields (no snapshot) plus
    /// `tick` and exactly one of `operations` (the missed operations, the
    /// `ops` layout) or `snapshot`.
    public static func rejoined(
        room: RoomID, kind: RoomKind, member: MemberID, tickRate: Int, seat: String, graceMilliseconds: Int64,
        views: Bool = false, tick: UInt64, operations: ByteBuffer? = nil, snapshot: ByteBuffer? = nil
    ) -> JSONValue {
        var object = membership(
            room: room, kind: kind, member: member, tickRate: tickRate, seat: seat, grace: graceMilliseconds, views: views
        )
        object["tick"] = .int(Int64(clamping: tick))
        if let snapshot {
            object["snapshot"] = .binary(snapshot)
        } else {
            object["operations"] = .binary(operations ?? ByteBuffer())
        }
        return .object(object)
    }

    private static func membership(
        room: RoomID, kind: RoomKind, member: MemberID, tickRate: Int, seat: String, grace: Int64, views: Bool
    ) -> JSONObject {
        var object: JSONObject = [
            "room": .string(room.rawValue),
            "kind": .string(kind.name),
            "member": .string(member.rawValue),
            "tickRate": .int(Int64(tickRate)),
            "seat": .string(seat),
            "grace": .int(grace),
        ]
        // Only a kind with member views says so: its operation sequences may skip.
        if views { object["views"] = .bool(true) }
        return object
    }

    /// The answer to an input acknowledged after its tick: `{receipt, tick}`.
    public static func applied(receipt: UInt64, tick: UInt64) -> JSONValue {
        .object(["receipt": .int(Int64(clamping: receipt)), "tick": .int(Int64(clamping: tick))])
    }

    /// The answer to `leave`: `{ok: true, room}`.
    public static func left(room: RoomID) -> JSONValue {
        .object(["ok": .bool(true), "room": .string(room.rawValue)])
    }

    /// The answer to `list`: `{rooms: [{id, kind, members, capacity}]}`.
    public static func listing(_ rooms: [RoomListing]) -> JSONValue {
        .object(["rooms": .array(rooms.map { room in
            .object([
                "id": .string(room.id.rawValue),
                "kind": .string(room.kind.name),
                "members": .int(Int64(room.members)),
                "capacity": .int(Int64(room.capacity)),
            ])
        })])
    }

    /// The `room-closed` event: `{room, reason}`.
    public static func closed(room: RoomID, reason: String) -> JSONValue {
        .object(["room": .string(room.rawValue), "reason": .string(reason)])
    }

    /// Reads the `kind` of a join or list request: `{kind: "whiteboard"}`,
    /// the one documented shape. `nil` when the argument is not an object
    /// whose `kind` is a string of 1…64 bytes (a bare string included).
    static func kind(in arguments: [JSONValue]) -> RoomKind? {
        guard case .object(let object)? = arguments.first, let name = object["kind"]?.stringValue,
              !name.isEmpty, name.utf8.count <= 64 else { return nil }
        return RoomKind(name)
    }

    /// Reads a rejoin request: `{seat: string, sequence?: integer ≥ 0}`.
    /// `nil` when it has another shape (a `seat` that cannot be one of ours
    /// is reported later as `unknownSeat`, like any seat not held).
    static func rejoin(in arguments: [JSONValue]) -> (seat: String, sequence: UInt64?)? {
        guard case .object(let object)? = arguments.first, let seat = object["seat"]?.stringValue,
              !seat.isEmpty, seat.utf8.count <= SeatToken.maxLength else { return nil }
        guard let sequence = object["sequence"], !sequence.isNull else { return (seat, nil) }
        guard let value = sequence.int64Value, value >= 0 else { return nil }
        return (seat, UInt64(value))
    }
}
