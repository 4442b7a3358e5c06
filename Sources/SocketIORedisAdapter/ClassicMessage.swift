import NIOCore
import SocketIOAdapter
import SocketIOCore

/// The request types of the classic adapter (spec section 1.5).
enum ClassicRequestType: Int64, Sendable {
    case sockets = 0
    case allRooms = 1
    case remoteJoin = 2
    case remoteLeave = 3
    case remoteDisconnect = 4
    case remoteFetch = 5
    case serverSideEmit = 6
    case broadcast = 7
    case broadcastClientCount = 8
    case broadcastAck = 9
}

/// A broadcast as it crosses Redis: `[uid, P, O]` on a broadcast channel,
/// or inside a type-7 request when acks are wanted.
struct ClassicBroadcast: Sendable, Equatable {
    /// The sending server's uid for the namespace.
    var uid: String
    /// An EVENT packet (no ack id: each server assigns its own).
    var packet: SocketIOPacket
    /// Target rooms, excluded rooms and flags (`local` never travels).
    var options: BroadcastOptions
}

/// A message on a namespace's request channel (`K-request#N#`).
enum ClassicRequest: Sendable, Equatable {
    /// `socketsJoin` (type 2 with `opts`).
    case socketsJoin(uid: String, options: BroadcastOptions, rooms: [RoomName])
    /// `socketsLeave` (type 3 with `opts`).
    case socketsLeave(uid: String, options: BroadcastOptions, rooms: [RoomName])
    /// `disconnectSockets` (type 4 with `opts`).
    case disconnectSockets(uid: String, options: BroadcastOptions, close: Bool)
    /// A pre-8.0 sender's per-socket join (type 2 without `opts`); answered `{requestId}`.
    case legacyJoin(requestID: String, socket: SocketID, room: RoomName)
    /// A pre-8.0 sender's per-socket leave (type 3 without `opts`).
    case legacyLeave(requestID: String, socket: SocketID, room: RoomName)
    /// A pre-8.0 sender's per-socket disconnect (type 4 without `opts`).
    case legacyDisconnect(requestID: String, socket: SocketID, close: Bool)
    /// `fetchSockets` (type 5).
    case fetchSockets(uid: String, requestID: String, options: BroadcastOptions)
    /// `serverSideEmit` (type 6): `arguments` is `[event, args...]`; a
    /// request id when the sender wants one answer per server.
    case serverSideEmit(uid: String, requestID: String?, arguments: [JSONValue])
    /// A broadcast with acks (type 7, msgpack).
    case broadcastWithAck(requestID: String, broadcast: ClassicBroadcast)
    /// The legacy `allRooms()` (type 1).
    case allRooms(uid: String, requestID: String)
    /// The legacy `sockets(rooms)` (type 0, receive-only).
    case sockets(requestID: String, rooms: [RoomName])
}

/// A message on a response channel (`K-response#N#`, or the one of the
/// requesting server). Plain responses carry no type: the requester knows
/// what it asked.
enum ClassicResponse: Sendable, Equatable {
    /// How many of its clients a server sent a broadcast with acks to (type 8).
    case clientCount(requestID: String, count: Int)
    /// One client's ack of a broadcast: its first argument (type 9).
    case broadcastAck(requestID: String, argument: JSONValue)
    /// One server's answer to `serverSideEmit` with an ack (type 6).
    case serverSideEmit(requestID: String, argument: JSONValue)
    /// An answer to fetchSockets, sockets, allRooms or a legacy request:
    /// the whole object (`sockets`, `rooms`, or nothing).
    case plain(requestID: String, body: JSONObject)
}

/// What a malformed message was (dropped, as upstream does; counted and logged).
struct ClassicMessageError: Error, Equatable, CustomStringConvertible {
    let description: String
}
