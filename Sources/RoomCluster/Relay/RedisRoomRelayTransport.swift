public import Logging
public import NIOCore
public import RedisClient
public import RoomEngine
import Synchronization

/// Messages between the nodes of a cluster over Redis pub/sub: the
/// ``RoomRelayTransport`` of a cluster node. Each node subscribes to its own
/// channel (``ClusterKeys/relay(to:)``); a message to a node is one
/// `PUBLISH` on that node's channel.
///
/// Order: messages from one node to another arrive in the order they were
/// sent (one publishing connection, one subscriber, Redis keeps the order).
/// Delivery is at most once: a node that is not subscribed (down,
/// reconnecting) misses what is published meanwhile, as with every
/// Redis pub/sub (docs/room-cluster.md says what that costs). Sending never
/// waits: the publishing connection's queue is bounded (``RedisConfiguration/maxPendingCommands``),
/// and a message it refuses is dropped, counted and logged.
///
/// ```swift
/// let relay = try RedisRoomRelayTransport(node: "node-a", url: "redis://127.0.0.1:6379", group: group)
/// try await relay.start { message in print(message.readableBytes) }
/// relay.send(ByteBuffer(string: "hello"), to: "node-b")
/// ```
public final class RedisRoomRelayTransport: RoomRelayTransport {
    /// This node's name.
    public let node: String
    private let configuration: RedisConfiguration
    private let publisher: RedisConnection
    private let eventLoop: any EventLoop
    private let keys: ClusterKeys
    private let logger: Logger
    private let subscriber = Mutex<RedisSubscriber?>(nil)
    private let dropped = Atomic<Int>(0)

    /// A transport for `node` on the Redis at `configuration`; it publishes on
    /// `publisher` (shared with the directory and leases, or its own).
    public init(
        node: String, configuration: RedisConfiguration, publisher: RedisConnection, eventLoop: any EventLoop,
        keys: ClusterKeys = ClusterKeys(), logger: Logger = Logger(label: "huddle.cluster.relay")
    ) {
        self.node = node
        self.configuration = configuration
        self.publisher = publisher
        self.eventLoop = eventLoop
        self.keys = keys
        self.logger = logger
    }

    /// Messages not sent because the publishing connection refused them.
    public var droppedMessages: Int { dropped.load(ordering: .relaxed) }

    /// Subscribes to this node's channel; returns once subscribed.
    public func start(receiving: @escaping @Sendable (ByteBuffer) -> Void) async throws {
        let channel = keys.relay(to: node)
        let subscriber = RedisSubscriber(configuration: configuration, eventLoop: eventLoop, logger: logger) { message in
            guard message.channel == channel else { return }
            receiving(message.payload)
        }
        self.subscriber.withLock { $0 = subscriber }
        try await subscriber.subscribe([channel])
    }

    /// Publishes `message` on `node`'s channel.
    public func send(_ message: ByteBuffer, to node: String) {
        publisher.publish(channel: keys.relay(to: node), message: message).whenFailure { error in
            self.dropped.add(1, ordering: .relaxed)
            self.logger.warning("a relay message was not published", metadata: ["to": "\(node)", "error": "\(error)"])
        }
    }

    /// Whether `node`'s channel has a subscriber (`PUBSUB NUMSUB`): a node
    /// killed outright loses its subscription as soon as Redis sees its
    /// connection close. `true` when Redis cannot be asked (within 2 s).
    public func isListening(_ node: String) async -> Bool {
        do {
            let reply = try await publisher.send("PUBSUB", ["NUMSUB", RedisArgument(keys.relay(to: node))], timeout: .seconds(2))
            guard let parts = reply.array, parts.count == 2, let count = parts[1].int else { return true }
            return count > 0
        } catch {
            return true
        }
    }

    /// Unsubscribes and closes the subscriber.
    public func stop() async {
        guard let subscriber = subscriber.withLock({ current -> RedisSubscriber? in
            defer { current = nil }
            return current
        }) else { return }
        await subscriber.close()
    }
}
