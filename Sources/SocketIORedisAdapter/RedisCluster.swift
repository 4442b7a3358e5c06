public import Logging
public import NIOCore
public import RedisClient
public import SocketIOAdapter
import NIOConcurrencyHelpers
import Synchronization

/// A Socket.IO server's place in a cluster on Redis, wire-compatible with
/// Node servers running `@socket.io/redis-adapter` 8.x in its classic
/// format (`createAdapter`) with the same key: broadcasts, rooms,
/// `fetchSockets`, `serverSideEmit` and the rest span every server.
///
/// Two Redis connections per server, as upstream: one for commands
/// (PUBLISH, PUBSUB NUMSUB) and one subscriber shared by every namespace,
/// each reconnecting on its own (docs/redis.md). What is published while
/// Redis is unreachable waits in the command connection's bounded queue
/// (``RedisConfiguration/maxPendingCommands``) and goes out on reconnect;
/// past the bound it is dropped, counted in ``unpublishedMessages`` and
/// logged. Messages other servers publish while this one's subscriber is
/// down are not seen (Redis pub/sub keeps nothing). This server keeps
/// serving its own clients throughout.
///
/// ```swift
/// let cluster = RedisCluster(configuration: try RedisConfiguration(url: "redis://127.0.0.1:6379"),
///                            eventLoop: group.next())
/// var configuration = SocketIOConfiguration()
/// configuration.adapter = cluster.makeAdapter(context:)
/// ```
public final class RedisCluster: Sendable {
    /// The adapter options (key, requests timeout, response channels).
    public let options: RedisAdapterOptions
    /// The loop of the subscriber: messages from Redis are handled there, in order.
    public let eventLoop: any EventLoop
    let publisher: RedisConnection
    let subscriber: RedisSubscriber
    private let routes: NIOLockedValueBox<[String: Route]>
    private let links = NIOLockedValueBox((publisher: false, subscriber: false))
    private let lost = Atomic<Int>(0)
    private let logger: Logger

    enum Route {
        case broadcast(RedisAdapter)
        case request(RedisAdapter)
        case response(RedisAdapter)
    }

    /// Connects to Redis (in the background: the server starts whether or
    /// not Redis is up, and joins the cluster when it is).
    public init(configuration: RedisConfiguration, options: RedisAdapterOptions = RedisAdapterOptions(), eventLoop: any EventLoop, logger: Logger = Logger(label: "huddle.redis-adapter")) {
        self.options = options
        self.eventLoop = eventLoop
        self.logger = logger
        let routes = NIOLockedValueBox([String: Route]())
        self.routes = routes
        let links = self.links
        publisher = RedisConnection(configuration: configuration, eventLoop: eventLoop, logger: logger) { state in
            links.withLockedValue { $0.publisher = state.isConnected }
        }
        subscriber = RedisSubscriber(configuration: configuration, eventLoop: eventLoop, logger: logger, onStateChange: { state in
            links.withLockedValue { $0.subscriber = state.isConnected }
        }, onMessage: { message in
            Self.route(message, routes: routes)
        })
    }

    /// The adapter of one namespace; pass this function as the server's
    /// `SocketIOConfiguration.adapter`.
    public func makeAdapter(context: AdapterContext) -> any SocketIOAdapter {
        let adapter = RedisAdapter(context: context, cluster: self, logger: logger)
        let channels = adapter.channels
        routes.withLockedValue { routes in
            routes[channels.broadcastPattern] = .broadcast(adapter)
            routes[channels.request] = .request(adapter)
            routes[channels.response] = .response(adapter)
            routes[channels.ownResponse] = .response(adapter)
        }
        subscriber.psubscribe([channels.broadcastPattern]).whenFailure { [logger] error in
            logger.warning("could not subscribe to the namespace's broadcasts", metadata: ["namespace": "\(context.namespace)", "error": "\(error)"])
        }
        subscriber.subscribe([channels.request, channels.response, channels.ownResponse]).whenFailure { [logger] error in
            logger.warning("could not subscribe to the namespace's requests", metadata: ["namespace": "\(context.namespace)", "error": "\(error)"])
        }
        return adapter
    }

    /// Both connections are up (a server's readiness).
    public var isConnected: Bool { links.withLockedValue { $0.publisher && $0.subscriber } }

    /// Messages dropped because Redis could not take them (the command
    /// queue was full, or the connection broke with them in flight).
    public var unpublishedMessages: Int { lost.load(ordering: .relaxed) }

    /// Closes both connections; pending requests time out.
    public func close() async {
        await subscriber.close()
        await publisher.close()
    }

    // MARK: for the adapters

    func publish(_ channel: String, _ message: ByteBuffer) {
        publisher.publish(channel: channel, message: message).whenFailure { [self] error in
            let count = lost.wrappingAdd(1, ordering: .relaxed).newValue
            // One line per power of two: an outage does not flood the log.
            if count & (count - 1) == 0 {
                logger.warning("could not publish to Redis; dropped", metadata: ["channel": "\(channel)", "error": "\(error)", "dropped so far": "\(count)"])
            }
        }
    }

    /// `PUBSUB NUMSUB` of a request channel: the servers that have the namespace.
    func serverCount(_ requestChannel: String) -> EventLoopFuture<Int> {
        publisher.pubsubNumsub(requestChannel)
    }

    private static func route(_ message: RedisPubSubMessage, routes: NIOLockedValueBox<[String: Route]>) {
        let route = routes.withLockedValue { $0[message.pattern ?? message.channel] }
        switch route {
        case .broadcast(let adapter)?: adapter.receiveBroadcast(channel: message.channel, payload: message.payload)
        case .request(let adapter)?: adapter.receiveRequest(message.payload)
        case .response(let adapter)?: adapter.receiveResponse(message.payload)
        case nil: break
        }
    }
}

extension RedisConnectionState {
    var isConnected: Bool {
        if case .connected = self { return true }
        return false
    }
}
