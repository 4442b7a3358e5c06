public import Logging
public import NIOCore

/// A reconnecting Redis connection in subscribe mode: SUBSCRIBE and
/// PSUBSCRIBE, and every message handed to one handler, in order.
///
/// After a reconnection it subscribes again to every channel and pattern it
/// had, and reports ``RedisConnectionState/connected`` only once Redis has
/// confirmed them all. Messages published while it was disconnected are
/// lost (Redis pub/sub keeps nothing). Requests awaiting confirmation are
/// bounded by ``RedisConfiguration/maxPendingCommands``: one over the bound
/// fails at once with ``RedisError/backlogFull``.
///
/// All state lives on one event loop; the type is `Sendable`. It starts
/// connecting when created. Call ``close()`` when done (dropping the last
/// reference closes it too).
///
/// ```swift
/// let subscriber = RedisSubscriber(configuration: configuration, eventLoop: group.next()) { message in
///     print("\(message.channel): \(message.payload.readableBytes) bytes")
/// }
/// try await subscriber.subscribe(["socket.io#/#"])
/// try await subscriber.psubscribe(["socket.io#/#*"])
/// ```
public final class RedisSubscriber: Sendable {
    /// The loop that owns the subscriber's state and runs the message handler.
    public let eventLoop: any EventLoop
    /// The configuration it connects with.
    public let configuration: RedisConfiguration
    /// State changes as they happen (newest 64 kept if not read); finishes at
    /// ``close()``. The callback given at init sees the same changes.
    public let states: AsyncStream<RedisConnectionState>
    private let core: NIOLoopBoundBox<RedisSubscriberCore>

    /// Creates the subscriber and starts connecting at once.
    ///
    /// - Parameters:
    ///   - configuration: where Redis is, credentials, backoff and bounds.
    ///   - eventLoop: the loop for the channel, all state and `onMessage`.
    ///   - logger: connection events (`info` on connect, `warning` once per outage).
    ///   - onStateChange: called on `eventLoop` at each ``RedisConnectionState`` change.
    ///   - onMessage: called on `eventLoop` for each message, in the order Redis sent them.
    public init(
        configuration: RedisConfiguration,
        eventLoop: any EventLoop,
        logger: Logger = Logger(label: "huddle.redis.subscriber"),
        onStateChange: (@Sendable (RedisConnectionState) -> Void)? = nil,
        onMessage: @escaping @Sendable (RedisPubSubMessage) -> Void
    ) {
        self.eventLoop = eventLoop
        self.configuration = configuration
        let reports = RedisStateReports(onStateChange: onStateChange)
        self.states = reports.states
        let core = RedisSubscriberCore(
            configuration: configuration, eventLoop: eventLoop, logger: logger, onMessage: onMessage,
            report: reports.report, finished: reports.finish
        )
        self.core = NIOLoopBoundBox.makeBoxSendingValue(core, eventLoop: eventLoop)
        let box = self.core
        RedisConnection.onLoop(eventLoop) { box.value.start() }
    }

    deinit {
        let core = self.core
        RedisConnection.onLoop(eventLoop) { core.value.close() }
    }

    /// Subscribes to `channels`; completes when Redis has confirmed each
    /// (or, while disconnected, once the next connection has restored them).
    public func subscribe(_ channels: [String]) -> EventLoopFuture<Void> {
        request(.subscribe, channels)
    }

    /// Subscribes to glob-style `patterns` (`news.*`); messages carry the
    /// matching pattern. Completes as ``subscribe(_:)`` does.
    public func psubscribe(_ patterns: [String]) -> EventLoopFuture<Void> {
        request(.psubscribe, patterns)
    }

    /// Unsubscribes from `channels` (every channel when empty); completes
    /// when Redis has confirmed, at once when disconnected.
    public func unsubscribe(_ channels: [String] = []) -> EventLoopFuture<Void> {
        request(.unsubscribe, channels)
    }

    /// Unsubscribes from `patterns` (every pattern when empty), as ``unsubscribe(_:)``.
    public func punsubscribe(_ patterns: [String] = []) -> EventLoopFuture<Void> {
        request(.punsubscribe, patterns)
    }

    /// ``subscribe(_:)`` for async code.
    public func subscribe(_ channels: [String]) async throws {
        try await subscribe(channels).get()
    }

    /// ``psubscribe(_:)`` for async code.
    public func psubscribe(_ patterns: [String]) async throws {
        try await psubscribe(patterns).get()
    }

    /// ``unsubscribe(_:)`` for async code.
    public func unsubscribe(_ channels: [String] = []) async throws {
        try await unsubscribe(channels).get()
    }

    /// ``punsubscribe(_:)`` for async code.
    public func punsubscribe(_ patterns: [String] = []) async throws {
        try await punsubscribe(patterns).get()
    }

    /// Stops reconnecting and closes the connection; requests awaiting
    /// confirmation fail with ``RedisError/closed``, and so do later ones.
    @discardableResult
    public func close() -> EventLoopFuture<Void> {
        let core = self.core
        return eventLoop.submit { core.value.close() }
    }

    /// ``close()`` for async code.
    public func close() async {
        try? await close().get()
    }

    private func request(_ kind: RedisPubSubEvent.Kind, _ names: [String]) -> EventLoopFuture<Void> {
        let promise = eventLoop.makePromise(of: Void.self)
        let core = self.core
        RedisConnection.onLoop(eventLoop) { core.value.request(kind, names, promise: promise) }
        return promise.futureResult
    }
}
