public import NIOCore
public import SocketIOCore

/// A Socket.IO socket id (15 URL-safe characters, see `SessionID` in
/// EngineIOCore; the first names the event loop that owns the socket).
public typealias SocketID = String

/// A room name. Every socket is in the room named by its own id. (Named
/// apart from the room engine's `Room`, an authoritative room, which an
/// application often imports beside this.)
public typealias RoomName = String

/// How a broadcast is delivered: the flags of Socket.IO's broadcast operator.
public struct BroadcastFlags: Sendable, Hashable {
    /// Dropped for clients that are not ready to receive (never queued).
    public var volatile = false
    /// Compressed (permessage-deflate) when the client agreed and the packet is large enough.
    public var compress = true
    /// Only this server's clients (matters with a cluster adapter).
    public var local = false
    /// For broadcasts with acks: how long to wait for every answer.
    public var timeout: TimeAmount?

    /// Default flags: reliable, compressible, cluster-wide, no timeout.
    public init(volatile: Bool = false, compress: Bool = true, local: Bool = false, timeout: TimeAmount? = nil) {
        self.volatile = volatile
        self.compress = compress
        self.local = local
        self.timeout = timeout
    }
}

/// Who receives a broadcast: sockets in any of `rooms` (all sockets when
/// empty), minus those in any of `except`.
public struct BroadcastOptions: Sendable, Hashable {
    /// Target rooms; empty means every socket of the namespace.
    public var rooms: Set<RoomName>
    /// Rooms whose sockets are excluded (a socket id excludes that socket).
    public var except: Set<RoomName>
    /// Delivery flags.
    public var flags: BroadcastFlags

    /// Options for a broadcast.
    public init(rooms: Set<RoomName> = [], except: Set<RoomName> = [], flags: BroadcastFlags = BroadcastFlags()) {
        self.rooms = rooms
        self.except = except
        self.flags = flags
    }

    /// Whether a socket in `socketRooms` is a recipient.
    public func matches(socketRooms: Set<RoomName>) -> Bool {
        if !except.isDisjoint(with: socketRooms) { return false }
        return rooms.isEmpty || !rooms.isDisjoint(with: socketRooms)
    }
}

/// What the outside sees of a socket that may live on another loop or
/// another server: what `fetchSockets()` returns.
public struct SocketSnapshot: Sendable, Hashable {
    /// Socket id.
    public var id: SocketID
    /// The handshake as JSON (headers, query, auth, address, time, ...).
    public var handshake: JSONValue
    /// Rooms, the socket's own id first.
    public var rooms: [RoomName]
    /// The application's per-socket data.
    public var data: JSONValue

    /// A snapshot.
    public init(id: SocketID, handshake: JSONValue, rooms: [RoomName], data: JSONValue) {
        self.id = id
        self.handshake = handshake
        self.rooms = rooms
        self.data = data
    }
}

/// What connection state recovery keeps of a socket that lost its
/// connection: enough to give it back its id, rooms and data.
public struct PersistedSession: Sendable, Hashable {
    /// The public socket id.
    public var id: SocketID
    /// The private session id the client presents to recover.
    public var pid: String
    /// Rooms (the socket's own id included).
    public var rooms: [RoomName]
    /// The application's per-socket data.
    public var data: JSONValue

    /// A session.
    public init(id: SocketID, pid: String, rooms: [RoomName], data: JSONValue) {
        self.id = id
        self.pid = pid
        self.rooms = rooms
        self.data = data
    }
}

/// A recovered session and the packets the client missed while away.
public struct RecoveredSession: Sendable {
    /// The session as it was persisted.
    public var session: PersistedSession
    /// EVENT packets sent to the socket's rooms after the client's offset.
    public var missedPackets: [SocketIOPacket]

    /// A recovered session.
    public init(session: PersistedSession, missedPackets: [SocketIOPacket]) {
        self.session = session
        self.missedPackets = missedPackets
    }
}
