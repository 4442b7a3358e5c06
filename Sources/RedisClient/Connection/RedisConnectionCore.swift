internal import DequeModule
internal import Logging
internal import NIOCore

/// The mutable side of a ``RedisConnection``: the backlog, the count of
/// commands not yet answered, the current channel. Loop-bound: every method
/// runs on the connection's event loop, so no lock is needed.
final class RedisConnectionCore {
    let eventLoop: any EventLoop
    let maxPending: Int
    private let reconnector: RedisReconnector
    /// Commands waiting for a connection, oldest first. Bounded with the
    /// in-flight ones by `maxPending`.
    private var backlog: Deque<RedisRequest> = []
    /// Commands accepted and not yet answered (backlog plus in flight).
    private var pending = 0
    private var channel: (any Channel)?
    private var isClosed = false

    /// Called once at close (finishes the state stream).
    private let finished: () -> Void

    init(
        configuration: RedisConfiguration,
        eventLoop: any EventLoop,
        logger: Logger,
        report: @escaping (RedisConnectionState) -> Void,
        finished: @escaping () -> Void
    ) {
        self.eventLoop = eventLoop
        self.finished = finished
        self.maxPending = configuration.maxPendingCommands
        self.reconnector = RedisReconnector(configuration: configuration, eventLoop: eventLoop, logger: logger, report: report)
    }

    func start() {
        reconnector.prepare = { channel, _ in self.connected(channel) }
        reconnector.lost = { error in self.disconnected(error) }
        reconnector.start()
    }

    /// Sends now when connected, else queues; fails at once when closed or full.
    func send(_ bytes: ByteBuffer, promise: EventLoopPromise<RedisValue>) {
        guard !isClosed else {
            promise.fail(RedisError.closed)
            return
        }
        guard pending < maxPending else {
            promise.fail(RedisError.backlogFull)
            return
        }
        pending += 1
        promise.futureResult.assumeIsolated().whenComplete { _ in self.pending -= 1 }
        let request = RedisRequest(bytes: bytes, promise: promise)
        if let channel, channel.isActive {
            channel.writeAndFlush(request, promise: nil)
        } else {
            backlog.append(request)
        }
    }

    /// Fails everything pending with ``RedisError/closed`` and stops reconnecting.
    func close() {
        guard !isClosed else { return }
        isClosed = true
        if let channel, let handler = try? channel.pipeline.syncOperations.handler(type: RedisCommandHandler.self) {
            handler.failure = .closed
        }
        channel = nil
        reconnector.close()
        while let request = backlog.popFirst() { request.promise?.fail(RedisError.closed) }
        finished()
    }

    /// A new prepared channel: the backlog goes out first, in order.
    private func connected(_ channel: any Channel) -> EventLoopFuture<Void> {
        self.channel = channel
        while let request = backlog.popFirst() { channel.write(request, promise: nil) }
        channel.flush()
        return eventLoop.makeSucceededVoidFuture()
    }

    /// The channel dropped (its in-flight commands already failed with
    /// ``RedisError/connectionLost``) or an attempt failed. A refused AUTH
    /// or SELECT fails the backlog too: those commands could not run on
    /// any connection made with this configuration.
    private func disconnected(_ error: any Error) {
        channel = nil
        switch error {
        case RedisError.authenticationFailed, RedisError.server:
            while let request = backlog.popFirst() { request.promise?.fail(error) }
        default:
            break
        }
    }
}
