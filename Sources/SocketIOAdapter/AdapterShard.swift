import NIOCore

/// One loop's part of a namespace's index: its own sockets and their rooms.
///
/// Joins and leaves touch only the socket's loop; a broadcast visits each
/// loop once and each loop writes to its own members.
///
/// Confined to `eventLoop`; every method asserts it.
final class AdapterShard: @unchecked Sendable {
    let eventLoop: any EventLoop
    private(set) var sockets: [SocketID: any AdapterSocket] = [:]
    /// Each room's members, with the sockets themselves: a broadcast to a
    /// room walks this table and never hashes an id (that lookup, with its
    /// cold string and bucket, was a sizeable part of a delivery's CPU).
    private var members: [RoomName: [SocketID: any AdapterSocket]] = [:]
    private var roomsOf: [SocketID: Set<RoomName>] = [:]
    /// Recovered sockets and the last stored broadcast their recovery
    /// already gave them: a live delivery of one up to it is skipped (it was
    /// on its way when the session was restored). Kept until the socket
    /// leaves; empty unless connection state recovery is on.
    private var recoveredThrough: [SocketID: UInt64] = [:]

    /// The rooms of every shard, for a cluster adapter's filter (nil: not kept).
    private let presence: RoomPresence?

    init(eventLoop: any EventLoop, presence: RoomPresence? = nil) {
        self.eventLoop = eventLoop
        self.presence = presence
    }

    func register(_ socket: any AdapterSocket) {
        eventLoop.assertInEventLoop()
        if sockets.updateValue(socket, forKey: socket.id) == nil { presence?.appeared(socket.id) }
    }

    /// A socket's own room (its id) is not stored: `sockets` already finds
    /// it, which saves two small sets per connection. A socket that is not
    /// registered joins nothing (it could never be reached).
    func add(_ id: SocketID, rooms: [RoomName]) {
        eventLoop.assertInEventLoop()
        guard let socket = sockets[id] else { return }
        for room in rooms where room != id {
            if members[room] == nil { presence?.appeared(room) }
            members[room, default: [:]][id] = socket
            roomsOf[id, default: []].insert(room)
        }
    }

    func del(_ id: SocketID, room: RoomName) {
        eventLoop.assertInEventLoop()
        roomsOf[id]?.remove(room)
        if members[room]?.removeValue(forKey: id) != nil, members[room]?.isEmpty == true {
            members[room] = nil
            presence?.disappeared(room)
        }
    }

    /// The socket `id`, recovered on this loop, already got every stored
    /// broadcast up to `sequence` among its missed packets.
    func skipStoredBroadcasts(to id: SocketID, through sequence: UInt64) {
        eventLoop.assertInEventLoop()
        recoveredThrough[id] = sequence
    }

    func delAll(_ id: SocketID) {
        eventLoop.assertInEventLoop()
        recoveredThrough[id] = nil
        for room in roomsOf.removeValue(forKey: id) ?? [] {
            if members[room]?.removeValue(forKey: id) != nil, members[room]?.isEmpty == true {
                members[room] = nil
                presence?.disappeared(room)
            }
        }
        if sockets.removeValue(forKey: id) != nil { presence?.disappeared(id) }
    }

    /// The local sockets a broadcast with `options` reaches, each once.
    func recipients(_ options: BroadcastOptions) -> [any AdapterSocket] {
        var result: [any AdapterSocket] = []
        forEachRecipient(options) { result.append($0) }
        return result
    }

    /// Calls `body` with each local socket a broadcast with `options`
    /// reaches, once each, without building a list (the fanout hot path).
    /// `sequence`: the broadcast's place among those stored for connection
    /// state recovery; a recovered socket that got it among its missed
    /// packets is skipped.
    func forEachRecipient(_ options: BroadcastOptions, storedAs sequence: UInt64?, _ body: (any AdapterSocket) -> Void) {
        guard let sequence, !recoveredThrough.isEmpty else { return forEachRecipient(options, body) }
        forEachRecipient(options) { socket in
            if let through = recoveredThrough[socket.id], sequence <= through { return }
            body(socket)
        }
    }

    /// Calls `body` with each local socket a broadcast with `options`
    /// reaches, once each, without building a list (the fanout hot path).
    func forEachRecipient(_ options: BroadcastOptions, _ body: (any AdapterSocket) -> Void) {
        eventLoop.assertInEventLoop()
        var excluded = Set<SocketID>()
        for room in options.except {
            if let ids = members[room]?.keys { excluded.formUnion(ids) }
            if sockets[room] != nil { excluded.insert(room) }
        }
        if options.rooms.isEmpty {
            for (id, socket) in sockets where excluded.isEmpty || !excluded.contains(id) {
                body(socket)
            }
            return
        }
        if options.rooms.count == 1, let room = options.rooms.first {
            if members[room] == nil {
                // One socket by its id: the common case of an emit to one socket.
                if let socket = sockets[room], !excluded.contains(room) { body(socket) }
                return
            }
            if sockets[room] == nil {
                // One plain room: members are unique already.
                for (id, socket) in members[room]! where excluded.isEmpty || !excluded.contains(id) {
                    body(socket)
                }
                return
            }
        }
        var seen = Set<SocketID>()
        for room in options.rooms {
            if let socket = sockets[room], !excluded.contains(room), seen.insert(room).inserted {
                body(socket)
            }
            for (id, socket) in members[room] ?? [:] where !excluded.contains(id) && seen.insert(id).inserted {
                body(socket)
            }
        }
    }

    /// The ids of local sockets in any of `rooms` (all when empty).
    func ids(in rooms: Set<RoomName>) -> Set<SocketID> {
        eventLoop.assertInEventLoop()
        if rooms.isEmpty { return Set(sockets.keys) }
        var result = Set<SocketID>()
        for room in rooms {
            if let ids = members[room]?.keys { result.formUnion(ids) }
            if sockets[room] != nil { result.insert(room) }
        }
        return result
    }

    /// The rooms with a member on this loop (sockets' own rooms included).
    func roomNames() -> Set<RoomName> {
        eventLoop.assertInEventLoop()
        return Set(members.keys).union(sockets.keys)
    }

    /// Runs `body` on this shard's loop: at once when already there.
    func run(_ body: @escaping @Sendable (AdapterShard) -> Void) {
        if eventLoop.inEventLoop {
            body(self)
        } else {
            eventLoop.execute { body(self) }
        }
    }
}
