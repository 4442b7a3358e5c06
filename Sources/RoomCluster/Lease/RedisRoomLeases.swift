public import Logging
public import RedisClient
public import RoomEngine
import Synchronization

/// The leases of the rooms this node owns, in Redis: the ``RoomLeasing`` of
/// a cluster node. One ``RedisRoomLease`` per room, kept from acquisition
/// to release (or loss).
///
/// ```swift
/// let leases = RedisRoomLeases(node: "node-a", connection: redis)
/// if let ownership = await leases.acquire("whiteboard-1", onLost: {}) {
///     let room = entry.startRoom(id: "whiteboard-1", seed: seed, loop: loop, sink: sink, ownership: ownership)
/// }
/// ```
public final class RedisRoomLeases: RoomLeasing {
    /// This node's name.
    public let node: String
    /// The leases' timing.
    public let timing: LeaseTiming
    private let connection: RedisConnection
    private let keys: ClusterKeys
    private let logger: Logger
    private let leases = Mutex<[RoomID: RedisRoomLease]>([:])

    /// Leases of `node` on `connection`.
    public init(
        node: String, connection: RedisConnection, keys: ClusterKeys = ClusterKeys(), timing: LeaseTiming = LeaseTiming(),
        logger: Logger = Logger(label: "huddle.cluster.lease")
    ) {
        self.node = node
        self.connection = connection
        self.keys = keys
        self.timing = timing
        self.logger = logger
    }

    /// Takes `room`'s lease; nil when another node holds it or Redis cannot be asked.
    public func acquire(_ room: RoomID, onLost: @escaping @Sendable () -> Void) async -> (any RoomOwnership)? {
        let lease = RedisRoomLease(room: room, node: node, connection: connection, keys: keys, timing: timing, logger: logger) { [weak self] _ in
            _ = self?.leases.withLock { $0.removeValue(forKey: room) }
            onLost()
        }
        switch await lease.acquire() {
        case .success:
            leases.withLock { $0[room] = lease }
            return lease.grant
        case .failure(let refusal):
            logger.warning("room lease not acquired", metadata: ["room": "\(room)", "reason": "\(refusal)"])
            return nil
        }
    }

    /// Gives `room`'s lease up (nothing when it is not held).
    public func release(_ room: RoomID) async {
        guard let lease = leases.withLock({ $0.removeValue(forKey: room) }) else { return }
        await lease.release()
    }

    /// Whether any node holds `room`'s lease (`EXISTS` on its key; `true`
    /// when Redis cannot be asked).
    public func isHeld(_ room: RoomID) async -> Bool {
        do {
            return try await connection.send("EXISTS", [RedisArgument(keys.lease(of: room))], timeout: .seconds(2)).int != 0
        } catch {
            return true
        }
    }

    /// The rooms whose leases this node holds now.
    public var heldRooms: [RoomID] {
        leases.withLock { Array($0.keys) }
    }
}
