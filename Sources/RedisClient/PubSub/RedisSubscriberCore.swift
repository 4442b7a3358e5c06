internal import Logging
internal import NIOCore

/// The mutable side of a ``RedisSubscriber``: the subscriptions it should
/// have, the requests awaiting Redis's confirmation, the current channel.
/// Loop-bound: every method runs on the subscriber's event loop.
final class RedisSubscriberCore {
    /// A (p)subscribe or (p)unsubscribe written to Redis, done when Redis has
    /// confirmed every name in it.
    private struct Awaiting {
        var kind: RedisPubSubEvent.Kind
        var remaining: Set<String>
        var promise: EventLoopPromise<Void>
        /// `true` for the resubscription made when a connection comes up.
        var isRestore: Bool
    }

    let eventLoop: any EventLoop
    private let maxPending: Int
    private let reconnector: RedisReconnector
    private let onMessage: @Sendable (RedisPubSubMessage) -> Void
    private let finished: () -> Void
    /// What the subscriber should be subscribed to: restored on every connection.
    private var channels: Set<String> = []
    private var patterns: Set<String> = []
    /// Requests written and awaiting confirmation, oldest first.
    private var awaiting: [Awaiting] = []
    /// Subscribe requests made while disconnected: done once the next
    /// connection has restored every subscription.
    private var waitingForConnection: [EventLoopPromise<Void>] = []
    private var channel: (any Channel)?
    private var isClosed = false

    init(
        configuration: RedisConfiguration,
        eventLoop: any EventLoop,
        logger: Logger,
        onMessage: @escaping @Sendable (RedisPubSubMessage) -> Void,
        report: @escaping (RedisConnectionState) -> Void,
        finished: @escaping () -> Void
    ) {
        self.eventLoop = eventLoop
        self.maxPending = configuration.maxPendingCommands
        self.onMessage = onMessage
        self.finished = finished
        self.reconnector = RedisReconnector(configuration: configuration, eventLoop: eventLoop, logger: logger, report: report)
    }

    func start() {
        reconnector.prepare = { channel, handler in self.restore(on: channel, handler) }
        reconnector.lost = { error in self.disconnected(error) }
        reconnector.start()
    }

    /// Changes the subscriptions by `names` (all of the kind's when empty,
    /// for unsubscribing) and completes `promise` when Redis has confirmed.
    func request(_ kind: RedisPubSubEvent.Kind, _ names: [String], promise: EventLoopPromise<Void>) {
        guard !isClosed else {
            promise.fail(RedisError.closed)
            return
        }
        guard awaiting.count + waitingForConnection.count < maxPending else {
            promise.fail(RedisError.backlogFull)
            return
        }
        var seen: Set<String> = []
        var unique = names.filter { seen.insert($0).inserted }
        switch kind {
        case .subscribe:
            channels.formUnion(unique)
        case .psubscribe:
            patterns.formUnion(unique)
        case .unsubscribe:
            if unique.isEmpty { unique = channels.sorted() }
            channels.subtract(unique)
        case .punsubscribe:
            if unique.isEmpty { unique = patterns.sorted() }
            patterns.subtract(unique)
        }
        guard !unique.isEmpty else {
            promise.succeed()
            return
        }
        if let channel {
            write(kind, unique, on: channel, promise: promise, isRestore: false)
            channel.flush()
        } else if kind == .subscribe || kind == .psubscribe {
            waitingForConnection.append(promise)
        } else {
            promise.succeed()  // no connection: Redis holds no subscription to drop
        }
    }

    /// Fails every request with ``RedisError/closed`` and stops reconnecting.
    func close() {
        guard !isClosed else { return }
        isClosed = true
        channel = nil
        reconnector.close()
        let pending = awaiting.map(\.promise) + waitingForConnection
        awaiting = []
        waitingForConnection = []
        for promise in pending { promise.fail(RedisError.closed) }
        finished()
    }

    /// A new channel: take over its pub/sub replies, subscribe again to
    /// everything, and be ready once Redis has confirmed it all.
    private func restore(on channel: any Channel, _ handler: RedisCommandHandler) -> EventLoopFuture<Void> {
        self.channel = channel
        handler.onPush = { value in
            guard let event = RedisPubSubEvent(value) else { return false }
            self.handle(event)
            return true
        }
        channel.closeFuture.assumeIsolated().whenComplete { _ in self.closed(channel) }
        var restored: [EventLoopFuture<Void>] = []
        for (kind, names) in [(RedisPubSubEvent.Kind.subscribe, channels), (.psubscribe, patterns)] where !names.isEmpty {
            let promise = eventLoop.makePromise(of: Void.self)
            write(kind, names.sorted(), on: channel, promise: promise, isRestore: true)
            restored.append(promise.futureResult)
        }
        channel.flush()
        return EventLoopFuture.andAllSucceed(restored, on: eventLoop).assumeIsolated().map {
            let waiting = self.waitingForConnection
            self.waitingForConnection = []
            for promise in waiting { promise.succeed() }
        }.nonisolated()
    }

    private func write(_ kind: RedisPubSubEvent.Kind, _ names: [String], on channel: any Channel, promise: EventLoopPromise<Void>, isRestore: Bool) {
        var bytes = channel.allocator.buffer(capacity: 32 + names.reduce(0) { $0 + $1.utf8.count + 16 })
        RESPEncoder.writeCommand(kind.rawValue.uppercased(), names.map { RedisArgument($0) }, into: &bytes)
        awaiting.append(Awaiting(kind: kind, remaining: Set(names), promise: promise, isRestore: isRestore))
        channel.write(RedisRequest(bytes: bytes, promise: nil), promise: nil)
    }

    private func handle(_ event: RedisPubSubEvent) {
        switch event {
        case .message(let message):
            onMessage(message)
        case .confirmation(let kind, let name):
            guard let index = awaiting.firstIndex(where: { $0.kind == kind && $0.remaining.contains(name) }) else { return }
            awaiting[index].remaining.remove(name)
            if awaiting[index].remaining.isEmpty {
                awaiting.remove(at: index).promise.succeed()
            }
        }
    }

    /// The connection is down. A refused AUTH or SELECT also fails the
    /// subscribe requests waiting for a connection (as ``RedisConnection``
    /// fails its backlog): no connection made with this configuration could
    /// confirm them. The subscriptions stay wanted and are made if a later
    /// connection is accepted.
    private func disconnected(_ error: any Error) {
        channel = nil
        switch error {
        case RedisError.authenticationFailed, RedisError.server:
            let waiting = waitingForConnection
            waitingForConnection = []
            for promise in waiting { promise.fail(error) }
        default:
            break
        }
    }

    /// The channel closed: unsubscribes are done (the connection's
    /// subscriptions are gone), a resubscription in progress fails (the
    /// reconnector tries again), subscribes wait for the next connection.
    private func closed(_ closedChannel: any Channel) {
        guard let current = channel, current === closedChannel else { return }
        channel = nil
        let interrupted = awaiting
        awaiting = []
        for request in interrupted {
            switch request.kind {
            case _ where request.isRestore: request.promise.fail(RedisError.connectionLost)
            case .subscribe, .psubscribe: waitingForConnection.append(request.promise)
            case .unsubscribe, .punsubscribe: request.promise.succeed()
            }
        }
    }
}
