public import NIOCore

/// Where a member was placed by the cluster's directory.
public struct RoomPlacementResult: Sendable, Equatable {
    /// The room, with its member count (the member included) and capacity.
    public var listing: RoomListing
    /// The node that owns the room.
    public var owner: String
    /// Whether the request created the room (then the owner is this node).
    public var created: Bool

    /// A placement.
    public init(listing: RoomListing, owner: String, created: Bool) {
        self.listing = listing
        self.owner = owner
        self.created = created
    }
}

/// One room as the cluster's directory lists it, with its owner.
public struct PlacedRoom: Sendable, Equatable {
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

/// The rooms of every node: which room a member joins, who owns it, and
/// what is listed. One implementation keeps it in Redis
/// (`RoomCluster.RedisRoomDirectory`); the seam lets the Socket.IO binding
/// (`RoomService`) place members without knowing where the directory lives.
///
/// Every method answers for the whole cluster. Errors are the room's
/// (``RoomError``, mapped to the wire in one place by the binding); a
/// directory that cannot be asked throws ``RoomError/joinRefused(_:)`` with
/// the reason.
///
/// ```swift
/// let placed = try await placement.joinOrCreate(kind: "whiteboard", capacity: 8, member: "alice")
/// print(placed.listing.id, "owned by", placed.owner)
/// ```
public protocol RoomPlacement: Sendable {
    /// A seat in the oldest room of `kind` with one free, or in a new room owned by this node.
    func joinOrCreate(kind: RoomKind, capacity: Int, member: MemberID) async throws(RoomError) -> RoomPlacementResult
    /// Frees `member`'s seat in `room`.
    func leave(_ member: MemberID, kind: RoomKind, from room: RoomID) async throws(RoomError)
    /// The rooms of `kind` (every kind when nil), oldest first.
    func rooms(of kind: RoomKind?) async throws(RoomError) -> [RoomListing]
    /// The same, with each room's owner.
    func roomsWithOwners(of kind: RoomKind?) async throws(RoomError) -> [PlacedRoom]
    /// The node that owns `room`, if the room is listed.
    func owner(of room: RoomID) async throws(RoomError) -> String?
    /// Drops an empty room from the directory; `false` when someone joined meanwhile.
    func removeIfEmpty(_ room: RoomID, kind: RoomKind) async throws(RoomError) -> Bool
    /// Drops a room its owner closed, with every seat in it.
    func remove(_ room: RoomID, kind: RoomKind) async throws(RoomError)
}

/// The right to tick a room: a lease taken when this node creates a room,
/// given up when the room is disposed of. One implementation is a lease in
/// Redis (`RoomCluster.RedisRoomLease`).
///
/// ```swift
/// guard let ownership = await leasing.acquire("whiteboard-1", onLost: { print("lost") }) else { return }
/// ```
public protocol RoomLeasing: Sendable {
    /// Takes `room`'s lease; nil when it could not be taken. `onLost` runs
    /// once if the lease ends without ``release(_:)`` (the room is then fenced
    /// through the returned ownership).
    func acquire(_ room: RoomID, onLost: @escaping @Sendable () -> Void) async -> (any RoomOwnership)?
    /// Gives `room`'s lease up.
    func release(_ room: RoomID) async
    /// Whether some node holds `room`'s lease now (`true` when that cannot
    /// be asked: no room is given up for a doubt).
    func isHeld(_ room: RoomID) async -> Bool
}

/// Messages between the nodes of a cluster: each node receives what is sent
/// to its name, in the order each sender sent it. One implementation is
/// Redis pub/sub (`RoomCluster.RedisRoomRelayTransport`). Delivery is at most
/// once: a message to a node that is down is lost (what that costs is in
/// docs/room-cluster.md).
///
/// ```swift
/// try await transport.start { message in handle(message) }
/// transport.send(ByteBuffer(string: "hello"), to: "node-b")
/// ```
public protocol RoomRelayTransport: Sendable {
    /// This node's name.
    var node: String { get }
    /// Starts receiving this node's messages; returns once receiving.
    func start(receiving: @escaping @Sendable (ByteBuffer) -> Void) async throws
    /// Sends `message` to `node` (this node included).
    func send(_ message: ByteBuffer, to node: String)
    /// Whether `node` receives its messages now (a node that died does
    /// not): members of a silent node are treated as gone away. When the
    /// answer cannot be had, `true` (nobody loses a seat for a doubt).
    func isListening(_ node: String) async -> Bool
    /// Stops receiving.
    func stop() async
}

/// What makes a room service (`RoomService`) one node of a cluster: members connect to
/// any node, each room is ticked by the node that holds its lease, and
/// members on other nodes reach it through the relay.
///
/// ```swift
/// var configuration = RoomServiceConfiguration()
/// configuration.cluster = RoomClustering(placement: directory, leasing: leases, transport: relay)
/// ```
public struct RoomClustering: Sendable {
    /// The cluster's room directory.
    public var placement: any RoomPlacement
    /// Leases of the rooms this node owns.
    public var leasing: any RoomLeasing
    /// Messages to and from the other nodes.
    public var transport: any RoomRelayTransport

    /// A cluster membership.
    public init(placement: any RoomPlacement, leasing: any RoomLeasing, transport: any RoomRelayTransport) {
        self.placement = placement
        self.leasing = leasing
        self.transport = transport
    }
}
