public import NIOCore
public import RedisClient
public import RoomEngine

/// Why a cluster directory request failed.
public enum RoomDirectoryError: Error, Sendable, Hashable {
    /// The room's answer: already a member, not a member, unknown room.
    case room(RoomError)
    /// Redis could not be asked, or answered something this build does not know.
    case unreachable(String)
}

/// A seat a member got from the cluster directory.
public struct ClusterJoin: Sendable, Equatable {
    /// The room, its member count (this member included) and capacity.
    public var listing: RoomListing
    /// The node that owns the room (named in the directory).
    public var owner: String
    /// Whether this request created the room (its owner is then this node,
    /// which must now take the room's lease and start it).
    public var created: Bool

    /// A seat as the directory hands it out.
    public init(listing: RoomListing, owner: String, created: Bool) {
        self.listing = listing
        self.owner = owner
        self.created = created
    }
}

/// One room as the cluster lists it.
public struct ClusterRoomListing: Sendable, Equatable {
    /// The room as ``RoomDirectory`` would list it.
    public var listing: RoomListing
    /// The node named as its owner.
    public var owner: String

    /// A listing with its owner.
    public init(listing: RoomListing, owner: String) {
        self.listing = listing
        self.owner = owner
    }
}

/// The rooms of every node, in Redis: join-or-create by kind with a
/// capacity that holds when joins race on several nodes (each request is
/// one Lua script, atomic in Redis), listing, leaving, and the removal of
/// empty rooms. It keeps no state of its own: every node reads and writes
/// the same keys (``ClusterKeys``).
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
public final class RedisRoomDirectory: Sendable {
    /// This node's name.
    public let node: String
    /// The keys it uses.
    public let keys: ClusterKeys
    /// How long a request waits for Redis before it fails with
    /// ``RoomDirectoryError/unreachable(_:)`` (a request sent while Redis is
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
    /// Throws ``RoomDirectoryError/room(_:)`` with ``RoomError/alreadyAMember(_:)``
    /// when the member holds a seat in a room of that kind.
    public func joinOrCreate(kind: RoomKind, capacity: Int, member: MemberID) async throws(RoomDirectoryError) -> ClusterJoin {
        precondition(capacity > 0)
        let reply = try await run(RoomDirectoryScripts.joinOrCreate, [keys.prefix, kind.name, member.rawValue, "\(capacity)", node])
        guard let parts = reply.array, parts.count == 5, let status = parts[0].string, let id = parts[1].string,
              let owner = parts[2].string, let members = parts[3].int, let roomCapacity = parts[4].int else {
            throw .unreachable("unexpected reply to join-or-create: \(reply)")
        }
        switch status {
        case "member":
            throw .room(.alreadyAMember(member))
        case "joined", "created":
            return ClusterJoin(
                listing: RoomListing(id: RoomID(id), kind: kind, members: members, capacity: roomCapacity),
                owner: owner, created: status == "created"
            )
        default:
            throw .unreachable("unexpected status of join-or-create: \(status)")
        }
    }

    /// Frees `member`'s seat in `room`; returns the members left there.
    /// Throws ``RoomError/notAMember(_:)`` when it holds no seat there.
    @discardableResult
    public func leave(_ member: MemberID, kind: RoomKind, from room: RoomID) async throws(RoomDirectoryError) -> Int {
        let reply = try await run(RoomDirectoryScripts.leave, [keys.prefix, kind.name, member.rawValue, room.rawValue])
        guard let left = reply.int else { throw .unreachable("unexpected reply to leave: \(reply)") }
        guard left >= 0 else { throw .room(.notAMember(member)) }
        return left
    }

    /// The rooms of `kind`, oldest first, with their owners.
    public func rooms(of kind: RoomKind) async throws(RoomDirectoryError) -> [ClusterRoomListing] {
        let reply = try await run(RoomDirectoryScripts.list, [keys.prefix, kind.name])
        guard let values = reply.array, values.count % 4 == 0 else { throw .unreachable("unexpected reply to list: \(reply)") }
        var listings: [ClusterRoomListing] = []
        for index in stride(from: 0, to: values.count, by: 4) {
            guard let id = values[index].string, let members = values[index + 1].int, let capacity = values[index + 2].int,
                  let owner = values[index + 3].string else { throw .unreachable("unexpected room in list: \(reply)") }
            listings.append(ClusterRoomListing(listing: RoomListing(id: RoomID(id), kind: kind, members: members, capacity: capacity), owner: owner))
        }
        return listings
    }

    /// Removes `room` from the directory if it is empty; `false` when a
    /// member joined meanwhile (the room must then go on).
    public func removeIfEmpty(_ room: RoomID, kind: RoomKind) async throws(RoomDirectoryError) -> Bool {
        let reply = try await run(RoomDirectoryScripts.remove, [keys.prefix, kind.name, room.rawValue])
        return reply.int == 1
    }

    /// Names this node the owner of `room` (after it took the room's lease,
    /// e.g. when resuming the room of a node that died); `false` when the
    /// room is not in the directory.
    public func claimOwnership(of room: RoomID) async throws(RoomDirectoryError) -> Bool {
        let reply = try await run(RoomDirectoryScripts.setOwner, [keys.prefix, room.rawValue, node])
        return reply.int == 1
    }

    private func run(_ script: String, _ arguments: [String]) async throws(RoomDirectoryError) -> RedisValue {
        let loop = connection.eventLoop
        let answer = loop.makePromise(of: RedisValue.self)
        let timeout = loop.scheduleTask(in: requestTimeout) {
            answer.fail(RoomDirectoryError.unreachable("no answer from Redis within \(self.requestTimeout)"))
        }
        connection.send("EVAL", [RedisArgument(script), "0"] + arguments.map { RedisArgument($0) }).whenComplete { result in
            timeout.cancel()
            answer.completeWith(result)
        }
        do {
            return try await answer.futureResult.get()
        } catch let error as RoomDirectoryError {
            throw error
        } catch {
            throw .unreachable("\(error)")
        }
    }
}
