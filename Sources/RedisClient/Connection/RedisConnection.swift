public import Logging
public import NIOCore

/// A pipelined, reconnecting connection to Redis for commands.
///
/// Many commands may be in flight; replies are matched in order. While the
/// connection is down (Redis not yet up at start, or the connection
/// dropped) commands wait in a queue and are sent, in order, on reconnect.
/// The queue, together with the commands awaiting a reply, is bounded by
/// ``RedisConfiguration/maxPendingCommands``: a command over the bound fails
/// at once with ``RedisError/backlogFull``. Commands already written when the
/// connection drops fail with ``RedisError/connectionLost`` and are not
/// retried (they may have run). Reconnection follows
/// ``RedisConfiguration/backoff`` until ``close()``.
///
/// All state lives on one event loop; the type is `Sendable` and may be
/// used from any thread or task. It starts connecting when created. Call
/// ``close()`` when done (dropping the last reference closes it too).
///
/// ```swift
/// let redis = RedisConnection(configuration: try RedisConfiguration(url: "redis://127.0.0.1:6379"),
///                             eventLoop: group.next())
/// let count = try await redis.send("INCR", ["visits"])
/// try await redis.publish(channel: "news", message: ByteBuffer(string: "hello"))
/// await redis.close()
/// ```
public final class RedisConnection: Sendable {
    /// The loop that owns the connection's state and its channel.
    public let eventLoop: any EventLoop
    /// The configuration it connects with.
    public let configuration: RedisConfiguration
    /// State changes as they happen (newest 64 kept if not read); finishes at
    /// ``close()``. The callback given at init sees the same changes.
    public let states: AsyncStream<RedisConnectionState>
    private let core: NIOLoopBoundBox<RedisConnectionCore>
    private let allocator = ByteBufferAllocator()

    /// Creates the connection and starts connecting at once.
    ///
    /// - Parameters:
    ///   - configuration: where Redis is, credentials, backoff and bounds.
    ///   - eventLoop: the loop for the channel and all state.
    ///   - logger: connection events (`info` on connect, `warning` once per outage).
    ///   - onStateChange: called on `eventLoop` at each ``RedisConnectionState`` change.
    public init(
        configuration: RedisConfiguration,
        eventLoop: any EventLoop,
        logger: Logger = Logger(label: "huddle.redis"),
        onStateChange: (@Sendable (RedisConnectionState) -> Void)? = nil
    ) {
        self.eventLoop = eventLoop
        self.configuration = configuration
        let reports = RedisStateReports(onStateChange: onStateChange)
        self.states = reports.states
        let core = RedisConnectionCore(
            configuration: configuration, eventLoop: eventLoop, logger: logger, report: reports.report, finished: reports.finish
        )
        self.core = NIOLoopBoundBox.makeBoxSendingValue(core, eventLoop: eventLoop)
        let box = self.core
        Self.onLoop(eventLoop) { box.value.start() }
    }

    deinit {
        let core = self.core
        Self.onLoop(eventLoop) { core.value.close() }
    }

    /// Sends `command` with `arguments`; the future completes with the reply
    /// on ``eventLoop``. An error reply fails it with ``RedisError/server(_:)``.
    ///
    /// ```swift
    /// connection.send("SET", ["key", RedisArgument(bytes)]).whenSuccess { _ in }
    /// ```
    public func send(_ command: String, _ arguments: [RedisArgument] = []) -> EventLoopFuture<RedisValue> {
        var bytes = allocator.buffer(capacity: 32 + arguments.reduce(0) { $0 + $1.byteCount + 16 })
        RESPEncoder.writeCommand(command, arguments, into: &bytes)
        let promise = eventLoop.makePromise(of: RedisValue.self)
        let core = self.core
        let encoded = bytes
        Self.onLoop(eventLoop) { core.value.send(encoded, promise: promise) }
        return promise.futureResult
    }

    /// ``send(_:_:)`` for async code.
    ///
    /// ```swift
    /// let pong = try await connection.send("PING")
    /// ```
    public func send(_ command: String, _ arguments: [RedisArgument] = []) async throws -> RedisValue {
        try await send(command, arguments).get()
    }

    /// Stops reconnecting; everything not yet answered fails with
    /// ``RedisError/closed``, and so does every later command. The future
    /// completes when that is done.
    @discardableResult
    public func close() -> EventLoopFuture<Void> {
        let core = self.core
        return eventLoop.submit { core.value.close() }
    }

    /// ``close()`` for async code.
    public func close() async {
        try? await close().get()
    }

    static func onLoop(_ eventLoop: any EventLoop, _ body: @escaping @Sendable () -> Void) {
        if eventLoop.inEventLoop { body() } else { eventLoop.execute(body) }
    }
}
