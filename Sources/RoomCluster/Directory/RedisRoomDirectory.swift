public import NIOCore
public import RedisClient
public import RoomEngine

/// The rooms of every node, in Redis: join-or-create by kind with a
/// capacity that holds when joins race on several nodes (each request is
/// one Lua script, atomic in Redis), listing, leaving, and the removal of
/// empty rooms: the ``RoomPlacement`` of a cluster node. It keeps no state
/// of its own: every node reads and writes the same keys (``ClusterKeys``).
///
/// Errors are the room's (``RoomError``): already or not a member; a Redis
/// that cannot be asked, or answers what this build does not know, is
/// ``RoomError/joinRefused(_:)`` naming the directory.
///
/// Rooms are named `KIND-N`, N from one counter per kind shared by every
/// node. A join takes the oldest room of the kind with a free seat, or
/// creates one owned by the joining node: that node then takes the room's
/// lease (``RedisRoomLease``) and runs it; members on other nodes reach it
/// through the owner.
///
/// ```swift
/// let directory = RedisRoomDirectory(node: "node-a", connection: redis)
/// let seat = try await directory.joinOrCreate(kind: "whiteboard", capacity: 8, member: "alice")
/// if seat.created { /* take the lease, start the room */ }
/// ```
public final class RedisRoomDirectory: RoomPlacement {
    /// This node's name.
    public let node: String
    /// The keys it uses.
    public let keys: ClusterKeys
    /// How long a request waits for Redis before it fails with
    /// ``RoomError/joinRefused(_:)`` (a request sent while Redis is
    /// down waits in the connection's queue until it reconnects).
    public let requestTimeout: TimeAmount
    private let connection: RedisConnection

    /// A directory for `node` on `connection`.
    public init(node: String, connection: RedisConnection, keys: ClusterKeys = ClusterKeys(), requestTimeout: TimeAmount = .seconds(2)) {
        self.node = node
        self.connection = connection
        self.keys = keys
        self.requestTimeout = requestTimeout
    }

    /// Puts `member` into the oldest room of `kind` with a free seat, or into
    /// a new room of `capacity` owned by this node.
    ///
    /// Throws ``RoomError/alreadyAMember(_:)`` when the member holds a seat
    /// in a room of that kind.
    public func joinOrCreate(kind: RoomKind, capacity: Int, member: MemberID) async throws(RoomError) -> RoomPlacementResult {
        precondition(capacity > 0)
        let seatKey = Self.newSeatKey()
        let reply = try await run(RoomDirectoryScripts.joinOrCreate, [keys.prefix, kind.name, member.rawValue, "\(capacity)", node, seatKey])
        guard let parts = reply.array, parts.count == 6, let status = parts[0].string, let id = parts[1].string,
              let owner = parts[2].string, let members = parts[3].int, let roomCapacity = parts[4].int else {
            throw Self.unexpected("join-or-create", reply)
        }
        switch status {
        case "member":
            throw .alreadyAMember(member)
        case "joined", "created":
            return RoomPlacementResult(
                listing: RoomListing(id: RoomID(id), kind: kind, members: members, capacity: roomCapacity),
                owner: owner, created: status == "created", seatKey: status == "created" ? seatKey : nil
            )
        default:
            throw Self.unexpected("join-or-create", reply)
        }
    }

    /// Frees `member`'s seat in `room`. Throws ``RoomError/notAMember(_:)``
    /// when it holds no seat there.
    public func leave(_ member: MemberID, kind: RoomKind, from room: RoomID) async throws(RoomError) {
        _ = try await leaveCounting(member, kind: kind, from: room)
    }

    /// ``leave(_:kind:from:)``, returning the members left in the room.
    public func leaveCounting(_ member: MemberID, kind: RoomKind, from room: RoomID) async throws(RoomError) -> Int {
        let reply = try await run(RoomDirectoryScripts.leave, [keys.prefix, kind.name, member.rawValue, room.rawValue])
        guard let left = reply.int else { throw Self.unexpected("leave", reply) }
        guard left >= 0 else { throw .notAMember(member) }
        return left
    }

    /// The rooms of `kind` (of every kind when nil), oldest first.
    public func rooms(of kind: RoomKind?) async throws(RoomError) -> [RoomListing] {
        try await roomsWithOwners(of: kind).map(\.listing)
    }

    /// The rooms of `kind` (of every kind when nil), oldest first (by kind), with their owners.
    public func roomsWithOwners(of kind: RoomKind?) async throws(RoomError) -> [PlacedRoom] {
        let reply = try await run(RoomDirectoryScripts.list, [keys.prefix, kind?.name ?? ""])
        guard let values = reply.array, values.count % 5 == 0 else { throw Self.unexpected("list", reply) }
        var listings: [PlacedRoom] = []
        for index in stride(from: 0, to: values.count, by: 5) {
            guard let kind = values[index].string, let id = values[index + 1].string, let members = values[index + 2].int,
                  let capacity = values[index + 3].int, let owner = values[index + 4].string else { throw Self.unexpected("list", reply) }
            listings.append(PlacedRoom(
                listing: RoomListing(id: RoomID(id), kind: RoomKind(kind), members: members, capacity: capacity), owner: owner
            ))
        }
        return listings
    }

    /// The node named as `room`'s owner; nil when the room is not listed.
    public func owner(of room: RoomID) async throws(RoomError) -> String? {
        let reply = try await send("HGET", [RedisArgument(keys.room(room)), "owner"])
        return reply.string
    }

    /// `room` as listed, with its owner; nil when it is not listed.
    public func placedRoom(_ room: RoomID) async throws(RoomError) -> PlacedRoom? {
        let reply = try await send("HMGET", [RedisArgument(keys.room(room)), "kind", "members", "capacity", "owner"])
        guard let fields = reply.array, fields.count == 4 else { throw Self.unexpected("room", reply) }
        guard let kind = fields[0].string else { return nil }
        guard let members = fields[1].string.flatMap({ Int($0) }), let capacity = fields[2].string.flatMap({ Int($0) }),
              let owner = fields[3].string else { throw Self.unexpected("room", reply) }
        return PlacedRoom(listing: RoomListing(id: room, kind: RoomKind(kind), members: members, capacity: capacity), owner: owner)
    }

    /// Removes `room` from the directory if it is empty; `false` when a
    /// member joined meanwhile (the room must then go on).
    public func removeIfEmpty(_ room: RoomID, kind: RoomKind) async throws(RoomError) -> Bool {
        let reply = try await run(RoomDirectoryScripts.remove, [keys.prefix, kind.name, room.rawValue, "", ""])
        return reply.int == 1
    }

    /// Removes `room` from the directory with every seat in it (its owner
    /// closed it: the members are told `room-closed` and may join again).
    public func remove(_ room: RoomID, kind: RoomKind) async throws(RoomError) {
        _ = try await run(RoomDirectoryScripts.remove, [keys.prefix, kind.name, room.rawValue, "force", ""])
    }

    /// Removes `room` with its seats while this node is named its owner;
    /// `false` when another node owns it now.
    public func removeOwned(_ room: RoomID, kind: RoomKind) async throws(RoomError) -> Bool {
        let reply = try await run(RoomDirectoryScripts.remove, [keys.prefix, kind.name, room.rawValue, "force", node])
        return reply.int == 1
    }

    /// Names this node the owner of `room` (after it took the room's lease:
    /// it resumes the room of a node that died); nil when the room is not
    /// in the directory.
    public func claim(_ room: RoomID) async throws(RoomError) -> ClaimedRoom? {
        let reply = try await run(RoomDirectoryScripts.claim, [keys.prefix, room.rawValue, node])
        if reply.int == 0 { return nil }
        guard let parts = reply.array, parts.count == 6, let kind = parts[0].string, let members = parts[1].int,
              let capacity = parts[2].int, let seatKey = parts[3].string, let previous = parts[4].string,
              let seated = parts[5].array?.compactMap(\.string) else {
            throw Self.unexpected("claim", reply)
        }
        return ClaimedRoom(
            listing: RoomListing(id: room, kind: RoomKind(kind), members: members, capacity: capacity),
            seatKey: seatKey, previousOwner: previous, members: seated.map { MemberID($0) }
        )
    }

    /// Names no owner for `room` while this node owns it (it hands the room
    /// over as it stops: the next node to take the lease claims it); `false`
    /// when another node owns it, or it is not listed.
    public func disown(_ room: RoomID) async throws(RoomError) -> Bool {
        try await run(RoomDirectoryScripts.disown, [keys.prefix, room.rawValue, node]).int == 1
    }

    /// The members the directory seats in `room`, sorted (none when it is not listed).
    public func seatedMembers(of room: RoomID) async throws(RoomError) -> [MemberID] {
        let reply = try await send("SMEMBERS", [RedisArgument(keys.room(room) + ":members")])
        guard let members = reply.array?.compactMap(\.string) else { throw Self.unexpected("seated members", reply) }
        return members.sorted().map { MemberID($0) }
    }

    /// 128 random bits in hex: a new room's seat key.
    private static func newSeatKey() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<2).map { _ in
            let word = String(generator.next() as UInt64, radix: 16)
            return String(repeating: "0", count: 16 - word.count) + word
        }.joined()
    }

    private static func unexpected(_ request: String, _ reply: RedisValue) -> RoomError {
        .joinRefused("the room directory answered \(request) with \(reply)")
    }

    private func run(_ script: String, _ arguments: [String]) async throws(RoomError) -> RedisValue {
        try await send("EVAL", [RedisArgument(script), "0"] + arguments.map { RedisArgument($0) })
    }

    private func send(_ command: String, _ arguments: [RedisArgument]) async throws(RoomError) -> RedisValue {
        do {
            return try await connection.send(command, arguments, timeout: requestTimeout)
        } catch {
            throw .joinRefused("the room directory (Redis) is unreachable: \(error)")
        }
    }
}
