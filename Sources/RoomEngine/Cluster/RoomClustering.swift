public import NIOCore

/// Where a member was placed by the cluster's directory.
public struct RoomPlacementResult: Sendable, Equatable {
    /// The room, with its member count (the member included) and capacity.
    public var listing: RoomListing
    /// The node that owns the room.
    public var owner: String
    /// Whether the request created the room (then the owner is this node).
    public var created: Bool
    /// The new room's seat key (``ClaimedRoom/seatKey``), when the request
    /// created it; nil otherwise.
    public var seatKey: String?

    /// A placement.
    public init(listing: RoomListing, owner: String, created: Bool, seatKey: String? = nil) {
        self.listing = listing
        self.owner = owner
        self.created = created
        self.seatKey = seatKey
    }
}

/// A room this node took over in the directory (``RoomPlacement/claim(_:)``),
/// after taking its lease: what resuming it needs besides its recording.
public struct ClaimedRoom: Sendable, Equatable {
    /// The room as listed, with the seats the directory holds.
    public var listing: RoomListing
    /// The room's seat key: the secret its seats are derived from, kept in
    /// the directory from the room's creation on, so that the seats members
    /// hold stay valid on whichever node owns the room.
    public var seatKey: String
    /// The node that owned it before.
    public var previousOwner: String
    /// The members the directory seats in it, in order.
    public var members: [MemberID]

    /// A claimed room.
    public init(listing: RoomListing, seatKey: String, previousOwner: String, members: [MemberID]) {
        self.listing = listing
        self.seatKey = seatKey
        self.previousOwner = previousOwner
        self.members = members
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
    /// `room` as listed, with its owner; nil when it is not listed.
    func placedRoom(_ room: RoomID) async throws(RoomError) -> PlacedRoom?
    /// Drops an empty room from the directory; `false` when someone joined meanwhile.
    func removeIfEmpty(_ room: RoomID, kind: RoomKind) async throws(RoomError) -> Bool
    /// Drops a room its owner closed, with every seat in it.
    func remove(_ room: RoomID, kind: RoomKind) async throws(RoomError)
    /// ``remove(_:kind:)``, only while this node is named the room's owner;
    /// `false` when another node owns it now (it resumed the room).
    func removeOwned(_ room: RoomID, kind: RoomKind) async throws(RoomError) -> Bool
    /// Names this node the owner of `room` (once it holds the room's lease:
    /// the failover of a room whose owner died); nil when the room is no
    /// longer listed.
    func claim(_ room: RoomID) async throws(RoomError) -> ClaimedRoom?
    /// The members the directory seats in `room` (none when it is not listed).
    func seatedMembers(of room: RoomID) async throws(RoomError) -> [MemberID]
    /// Names no owner for `room` while this node owns it: it hands the room
    /// over as it stops, and the next node to take its lease claims it.
    /// `false` when another node owns it, or it is not listed.
    func disown(_ room: RoomID) async throws(RoomError) -> Bool
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
/// // With a store every node reads, a dead node's rooms are resumed elsewhere:
/// configuration.cluster?.states = StoredRoomStates(store: sharedStore)
/// ```
public struct RoomClustering: Sendable {
    /// The cluster's room directory.
    public var placement: any RoomPlacement
    /// Leases of the rooms this node owns.
    public var leasing: any RoomLeasing
    /// Messages to and from the other nodes.
    public var transport: any RoomRelayTransport
    /// Where rooms' durable state is read to resume the rooms of a node
    /// that died (a store every node shares). Nil: no failover; a room
    /// whose owner died is closed (`room-closed`, `ownerLost`).
    public var states: (any RoomStateSource)?

    /// A cluster membership; with `states`, rooms of a node that dies are
    /// resumed on the others (docs/room-cluster.md, "Failover").
    public init(
        placement: any RoomPlacement, leasing: any RoomLeasing, transport: any RoomRelayTransport,
        states: (any RoomStateSource)? = nil
    ) {
        self.placement = placement
        self.leasing = leasing
        self.transport = transport
        self.states = states
    }
}
