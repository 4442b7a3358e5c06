import NIOCore
import RoomEngine
import SocketIOCore

/// Where a member's deliveries go: its socket's loop and its session, which
/// only that loop may touch. Rooms and the service hold endpoints; they
/// never touch a session directly.
struct MemberEndpoint: Sendable {
    let loop: any EventLoop
    let session: NIOLoopBound<MemberSession>
    /// The session's socket id: tells two sessions of one seat apart.
    let socketID: String
    /// The identity the socket proved at connection, when the service checks
    /// identities (``RoomServiceConfiguration/identify``): a seat of another
    /// member is not its to take back, whatever token it presents.
    var provenIdentity: MemberID? = nil

    /// Hands one delivery to the session on its loop.
    func deliver(_ delivery: Delivery) {
        let session = session
        loop.execute { session.value.receive(delivery) }
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
/// hops once per loop per tick instead of once per member and delivery.
/// Order is kept per loop, hence per member: a member sees its join answer,
/// operations and deltas in the order the room produced them.
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

    private var batches: [ObjectIdentifier: Batch] = [:]

    var isEmpty: Bool { batches.isEmpty }

    mutating func add(_ delivery: Delivery, to endpoint: MemberEndpoint) {
        let item = Item(session: endpoint.session, delivery: delivery)
        let key = ObjectIdentifier(endpoint.loop)
        if batches[key] == nil {
            batches[key] = Batch(loop: endpoint.loop, items: [item])
        } else {
            batches[key]!.items.append(item)
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
    }
}
