internal import Logging
internal import NIOCore
internal import NIOPosix

/// Opens one TCP connection to Redis and prepares it: the RESP decoder and
/// the command handler in the pipeline, then `AUTH` and `SELECT` as the
/// configuration asks. Succeeds with a channel ready for commands.
enum RedisChannelConnector {
    static func connect(_ configuration: RedisConfiguration, on eventLoop: any EventLoop) -> EventLoopFuture<any Channel> {
        let limits = configuration.decoderLimits
        let connected = ClientBootstrap(group: eventLoop)
            .connectTimeout(configuration.connectTimeout)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            // A Redis host that vanishes without a FIN is noticed eventually (the OS keepalive timers).
            .channelOption(.socketOption(.so_keepalive), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        ByteToMessageHandler(RESPMessageDecoder(decoder: RESPDecoder(limits: limits)))
                    )
                    try channel.pipeline.syncOperations.addHandler(RedisCommandHandler())
                }
            }
            .connect(host: configuration.host, port: configuration.port)
        return connected.flatMap { channel in
            handshake(channel, configuration).flatMapError { error in
                channel.close(promise: nil)
                return channel.eventLoop.makeFailedFuture(error)
            }
        }
    }

    /// AUTH (a refusal becomes ``RedisError/authenticationFailed(_:)``), then SELECT.
    private static func handshake(_ channel: any Channel, _ configuration: RedisConfiguration) -> EventLoopFuture<any Channel> {
        var steps: [EventLoopFuture<Void>] = []
        if let password = configuration.password {
            var arguments: [RedisArgument] = []
            if let username = configuration.username { arguments.append(RedisArgument(username)) }
            arguments.append(RedisArgument(password))
            steps.append(command(channel, "AUTH", arguments).flatMapErrorThrowing { error in
                if case RedisError.server(let message) = error { throw RedisError.authenticationFailed(message) }
                throw error
            }.map { _ in })
        }
        if let database = configuration.database, database != 0 {
            steps.append(command(channel, "SELECT", [RedisArgument(database)]).map { _ in })
        }
        channel.flush()
        return EventLoopFuture.andAllSucceed(steps, on: channel.eventLoop).map { channel }
    }

    private static func command(_ channel: any Channel, _ name: String, _ arguments: [RedisArgument]) -> EventLoopFuture<RedisValue> {
        var bytes = channel.allocator.buffer(capacity: 64)
        RESPEncoder.writeCommand(name, arguments, into: &bytes)
        let promise = channel.eventLoop.makePromise(of: RedisValue.self)
        channel.write(RedisRequest(bytes: bytes, promise: promise), promise: nil)
        return promise.futureResult
    }
}
