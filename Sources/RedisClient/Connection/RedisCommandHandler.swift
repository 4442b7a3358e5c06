internal import DequeModule
internal import NIOCore

/// One encoded command on its way to Redis, with the promise its reply
/// completes (`nil` for commands whose replies are pub/sub confirmations).
struct RedisRequest: Sendable {
    var bytes: ByteBuffer
    var promise: EventLoopPromise<RedisValue>?
}

/// The Redis channel's command handler: writes requests and matches replies
/// to them in order (Redis answers in the order it receives, which is what
/// makes pipelining work).
///
/// Its queue of promises awaiting a reply is bounded by the owner
/// (``RedisConfiguration/maxPendingCommands`` counts them). Replies that are
/// pub/sub events are offered to ``onPush`` first. When the channel goes
/// inactive every promise awaiting a reply fails with ``failure`` (by default
/// ``RedisError/connectionLost``: the command may have run, so it is not retried).
final class RedisCommandHandler: ChannelDuplexHandler {
    typealias InboundIn = RedisValue
    typealias OutboundIn = RedisRequest
    typealias OutboundOut = ByteBuffer

    private var awaiting: Deque<EventLoopPromise<RedisValue>> = []
    private var isActive = true
    /// Offered every value before reply matching; returns `true` when it took
    /// the value (a subscriber's messages and confirmations).
    var onPush: ((RedisValue) -> Bool)?
    /// What the promises still awaiting a reply fail with when the channel closes.
    var failure: RedisError = .connectionLost
    /// The error that made the handler close the channel, if any (reported
    /// as the cause of the disconnection).
    private(set) var closeReason: (any Error)?

    /// The number of commands written and not yet answered.
    var awaitingCount: Int { awaiting.count }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let request = unwrapOutboundIn(data)
        guard isActive else {
            request.promise?.fail(failure)
            promise?.fail(failure)
            return
        }
        if let reply = request.promise { awaiting.append(reply) }
        context.write(wrapOutboundOut(request.bytes), promise: promise)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let value = unwrapInboundIn(data)
        if let onPush, onPush(value) { return }
        guard let reply = awaiting.popFirst() else {
            closeReason = RedisError.protocolError("a reply arrived with no command awaiting one")
            context.close(promise: nil)
            return
        }
        if case .error(let message) = value {
            reply.fail(RedisError.server(message))
        } else {
            reply.succeed(value)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if closeReason == nil { closeReason = error }
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        failAll()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        failAll()
    }

    private func failAll() {
        isActive = false
        while let reply = awaiting.popFirst() { reply.fail(failure) }
    }
}
