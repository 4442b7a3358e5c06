internal import Logging
internal import NIOCore

/// Keeps one prepared channel to Redis up: connects, and after a failed
/// attempt or a dropped connection waits as ``RedisBackoff`` says and tries
/// again, until closed. Reports ``RedisConnectionState`` changes.
///
/// Loop-bound: created, used and completed on one event loop (its owner
/// hops there), so its state needs no lock. Its owner supplies what to do
/// with a new channel (`prepare`, which may take time: a subscriber
/// resubscribes) and when it is lost (`lost`); both are dropped at `close()`.
final class RedisReconnector {
    private enum Phase {
        case idle
        case connecting
        case connected(any Channel)
        case waiting(Scheduled<Void>)
        case closed
    }

    let configuration: RedisConfiguration
    let eventLoop: any EventLoop
    let logger: Logger
    /// Runs on each new channel before it is reported connected.
    var prepare: ((any Channel, RedisCommandHandler) -> EventLoopFuture<Void>)?
    /// Runs when a connected channel closes, or an attempt fails.
    var lost: ((any Error) -> Void)?
    private let report: (RedisConnectionState) -> Void
    private var phase: Phase = .idle
    private var failures = 0
    private var reportedDown = false

    init(configuration: RedisConfiguration, eventLoop: any EventLoop, logger: Logger, report: @escaping (RedisConnectionState) -> Void) {
        self.configuration = configuration
        self.eventLoop = eventLoop
        self.logger = logger
        self.report = report
    }

    func start() {
        eventLoop.preconditionInEventLoop()
        guard case .idle = phase else { return }
        attempt()
    }

    /// Stops reconnecting and closes the channel, if any.
    func close() {
        eventLoop.preconditionInEventLoop()
        let previous = phase
        phase = .closed
        prepare = nil
        lost = nil
        switch previous {
        case .connected(let channel): channel.close(promise: nil)
        case .waiting(let scheduled): scheduled.cancel()
        case .idle, .connecting, .closed: break
        }
    }

    private func attempt() {
        phase = .connecting
        logger.debug("connecting to Redis", metadata: ["redis.host": "\(configuration.host)", "redis.port": "\(configuration.port)"])
        // The connector's futures complete on the channel's loop, which is ours.
        RedisChannelConnector.connect(configuration, on: eventLoop).assumeIsolated().flatMap { channel -> EventLoopFuture<any Channel> in
            guard case .connecting = self.phase,
                  let handler = try? channel.pipeline.syncOperations.handler(type: RedisCommandHandler.self),
                  let prepare = self.prepare
            else {
                channel.close(promise: nil)
                return self.eventLoop.makeFailedFuture(RedisError.closed)
            }
            return prepare(channel, handler).assumeIsolated().map { channel }.flatMapError { error in
                channel.close(promise: nil)
                return self.eventLoop.makeFailedFuture(error)
            }.nonisolated()
        }.whenComplete { result in
            switch result {
            case .success(let channel): self.up(channel)
            case .failure(let error): self.failed(error)
            }
        }
    }

    private func up(_ channel: any Channel) {
        guard case .connecting = phase else {
            channel.close(promise: nil)
            return
        }
        phase = .connected(channel)
        failures = 0
        reportedDown = false
        logger.info("connected to Redis", metadata: ["redis.host": "\(configuration.host)", "redis.port": "\(configuration.port)"])
        report(.connected)
        channel.closeFuture.assumeIsolated().whenComplete { _ in
            guard case .connected(let current) = self.phase, current === channel else { return }
            let handler = try? channel.pipeline.syncOperations.handler(type: RedisCommandHandler.self)
            self.failed(handler?.closeReason ?? RedisError.connectionLost)
        }
    }

    private func failed(_ error: any Error) {
        if case .closed = phase { return }
        lost?(error)
        failures += 1
        if !reportedDown {
            reportedDown = true
            logger.warning("Redis unavailable, reconnecting", metadata: ["redis.error": "\(error)"])
            report(.disconnected(error))
        } else {
            logger.debug("Redis reconnection attempt failed", metadata: ["redis.error": "\(error)", "redis.failures": "\(failures)"])
        }
        let delay = configuration.backoff.delay(afterFailures: failures)
        let scheduled = eventLoop.assumeIsolated().scheduleTask(in: delay) { self.attempt() }
        phase = .waiting(scheduled)
    }
}
