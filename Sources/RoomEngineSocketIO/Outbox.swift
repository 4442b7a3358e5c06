import NIOCore
import RoomEngine
import SocketIOCore

/// Where a member's deliveries go: its socket's loop and its session, which
/// only that loop may touch, or, for a member connected to another node of
/// a cluster, that node (through the relay). Rooms and the service hold
/// endpoints; they never touch a session directly.
struct MemberEndpoint: Sendable {
    /// How deliveries reach the session.
    enum Route: Sendable {
        /// A session of this process, on `loop`.
        case local(loop: any EventLoop, session: NIOLoopBound<MemberSession>)
        /// A session of node `node`, reached through `relay`.
        case relayed(node: String, relay: RoomRelay)
    }

    let route: Route
    /// The session's socket id: tells two sessions of one seat apart.
    let socketID: String
    /// The identity the socket proved at connection, when the service checks
    /// identities (``RoomServiceConfiguration/identify``): a seat of another
    /// member is not its to take back, whatever token it presents.
    var provenIdentity: MemberID? = nil

    /// An endpoint of a session of this process.
    init(loop: any EventLoop, session: NIOLoopBound<MemberSession>, socketID: String, provenIdentity: MemberID? = nil) {
        self.route = .local(loop: loop, session: session)
        self.socketID = socketID
        self.provenIdentity = provenIdentity
    }

    /// An endpoint of a session of another node.
    init(relayedTo node: String, through relay: RoomRelay, socketID: String, provenIdentity: MemberID?) {
        self.route = .relayed(node: node, relay: relay)
        self.socketID = socketID
        self.provenIdentity = provenIdentity
    }

    /// The loop of a session of this process (nil for one of another node).
    var loop: (any EventLoop)? {
        if case .local(let loop, _) = route { return loop }
        return nil
    }

    /// Hands one delivery to the session on its loop (or to its node).
    func deliver(_ delivery: Delivery) {
        switch route {
        case .local(let loop, let session):
            loop.execute { session.value.receive(delivery) }
        case .relayed(let node, let relay):
            relay.send(.deliveries([relay.addressed(delivery, to: socketID, at: node)], sentAt: NIODeadline.now().uptimeNanoseconds), to: node)
        }
    }
}

/// Something a room or the service tells one member's session.
enum Delivery: Sendable {
    /// The join went through: the snapshot has arrived.
    case joined(JoinAccepted)
    /// The join was refused; `room` is set when the member had been admitted
    /// (so the session must leave it again).
    case joinFailed(RoomWireError, admittedTo: RoomID?)
    /// The member left `room`.
    case left(RoomID)
    /// A leave was refused.
    case leaveFailed(RoomWireError)
    /// The answer to a request the session keeps an ack for.
    case reply(token: UInt32, JSONValue)
    /// An error for the `room-error` event (no ack to carry it).
    case error(RoomWireError, event: String, receipt: UInt64?)
    /// A position delta of `room`, bringing the member to `tick`.
    case delta(RoomID, tick: UInt64, ByteBuffer)
    /// The operations of one tick of `room`.
    case operations(RoomID, ByteBuffer)
    /// `room` stopped.
    case closed(RoomID)
    /// The member's seat in `room` moved to another socket (a `rejoin`).
    case detached(RoomID)
    /// What the member was sent through the cluster's relay may be lost:
    /// its seat in `room` is held, its transport closes, and its client
    /// reconnects and rejoins (the owner replays what it missed).
    case resync(RoomID)
    /// `room`'s owner (another node of the cluster) died and nobody took
    /// the room: it is over (`room-closed`, reason `ownerLost`).
    case ownerLost(RoomID)
}

/// What a session learns when its join or rejoin completes.
struct JoinAccepted: Sendable {
    /// What the member starts from.
    enum Start: Sendable {
        /// A snapshot (every join; a rejoin that cannot be replayed).
        case snapshot(ByteBuffer)
        /// The operations a rejoining member missed (possibly none).
        case operations(ByteBuffer)
    }

    let room: any RoomEndpoint
    let member: MemberID
    /// The seat token (``SeatToken/text``).
    let seat: String
    /// How long the seat is held when the connection drops.
    let grace: TimeAmount
    /// The tick the snapshot is at, or the room's tick for operations.
    let tick: UInt64
    let start: Start
    /// Whether it answers `rejoin` (else `join`).
    let isRejoin: Bool
}

/// One tick's deliveries, grouped by the loop of their sessions, so a room
/// hops once per loop per tick instead of once per member and delivery, and
/// by node for the sessions of other nodes (one relay message per node per
/// tick). Order is kept per loop and per node, hence per member: a member
/// sees its join answer, operations and deltas in the order the room
/// produced them.
struct Outbox {
    /// One delivery to one session. A struct, not a tuple: arrays of tuples
    /// are copied and destroyed through the runtime's generic tuple witnesses,
    /// which showed in the profile of every tick.
    private struct Item {
        let session: NIOLoopBound<MemberSession>
        let delivery: Delivery
    }

    private struct Batch {
        let loop: any EventLoop
        var items: [Item]
    }

    private struct RelayedBatch {
        let relay: RoomRelay
        var items: [RelayMessage.AddressedDelivery]
    }

    private var batches: [ObjectIdentifier: Batch] = [:]
    private var relayed: [String: RelayedBatch] = [:]

    var isEmpty: Bool { batches.isEmpty && relayed.isEmpty }

    mutating func add(_ delivery: Delivery, to endpoint: MemberEndpoint) {
        switch endpoint.route {
        case .local(let loop, let session):
            let item = Item(session: session, delivery: delivery)
            let key = ObjectIdentifier(loop)
            if batches[key] == nil {
                batches[key] = Batch(loop: loop, items: [item])
            } else {
                batches[key]!.items.append(item)
            }
        case .relayed(let node, let relay):
            let item = relay.addressed(delivery, to: endpoint.socketID, at: node)
            if relayed[node] == nil {
                relayed[node] = RelayedBatch(relay: relay, items: [item])
            } else {
                relayed[node]!.items.append(item)
            }
        }
    }

    /// Sends every batch to its loop and empties the outbox.
    mutating func flush() {
        for batch in batches.values {
            let items = batch.items
            batch.loop.execute {
                for item in items { item.session.value.receive(item.delivery) }
            }
        }
        batches.removeAll(keepingCapacity: true)
        if !relayed.isEmpty {
            let now = NIODeadline.now().uptimeNanoseconds
            for (node, batch) in relayed {
                batch.relay.send(.deliveries(batch.items, sentAt: now), to: node)
            }
        }
        relayed.removeAll(keepingCapacity: true)
    }
}
