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
/// ack.send([RoomWire.joined(room: "whiteboard-1", kind: .whiteboard, member: "abc",
///                           tickRate: 20, snapshot: buffer)])
/// ```
public enum RoomWire {
    /// Event names, in both directions.
    public enum Event {
        /// Client → server, with ack: `{kind}`; the ack carries the room, the
        /// member id and the snapshot (binary) once the snapshot exists.
        public static let join = "join"
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
        /// Server → client: the room stopped (server shutdown).
        public static let closed = "room-closed"
    }

    /// The join answer: `{room, kind, member, tickRate, snapshot}`.
    public static func joined(room: RoomID, kind: RoomKind, member: MemberID, tickRate: Int, snapshot: ByteBuffer) -> JSONValue {
        .object([
            "room": .string(room.rawValue),
            "kind": .string(kind.name),
            "member": .string(member.rawValue),
            "tickRate": .int(Int64(tickRate)),
            "snapshot": .binary(snapshot),
        ])
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

    /// Reads the `kind` of a join or list request: `{kind: "whiteboard"}`
    /// (a bare string is accepted too). `nil` when absent or not a string of
    /// at most 64 bytes.
    static func kind(in arguments: [JSONValue]) -> RoomKind? {
        let value = arguments.first?["kind"] ?? arguments.first
        guard let name = value?.stringValue, !name.isEmpty, name.utf8.count <= 64 else { return nil }
        return RoomKind(name)
    }
}
