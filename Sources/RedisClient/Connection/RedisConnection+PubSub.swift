public import NIOCore

extension RedisConnection {
    /// `PUBLISH channel message`: how many subscribers (on this Redis) got it.
    /// The message is sent as bytes, unchanged (binary-safe).
    ///
    /// ```swift
    /// let receivers = try await connection.publish(channel: "socket.io#/#", message: packet).get()
    /// ```
    public func publish(channel: String, message: ByteBuffer) -> EventLoopFuture<Int> {
        send("PUBLISH", [RedisArgument(channel), RedisArgument(message)]).flatMapThrowing { reply in
            guard case .integer(let receivers) = reply else { throw RedisError.unexpectedReply("PUBLISH answered \(reply)") }
            return receivers
        }
    }

    /// ``publish(channel:message:)`` for async code.
    @discardableResult
    public func publish(channel: String, message: ByteBuffer) async throws -> Int {
        try await publish(channel: channel, message: message).get()
    }

    /// `PUBSUB NUMSUB channel`: how many connections are subscribed to
    /// `channel` (patterns not counted), as the Socket.IO Redis adapter counts
    /// servers.
    ///
    /// ```swift
    /// let servers = try await connection.pubsubNumsub("socket.io-request#/#").get()
    /// ```
    public func pubsubNumsub(_ channel: String) -> EventLoopFuture<Int> {
        send("PUBSUB", ["NUMSUB", RedisArgument(channel)]).flatMapThrowing { reply in
            guard case .array(let pair) = reply, pair.count == 2, let count = pair[1].int else {
                throw RedisError.unexpectedReply("PUBSUB NUMSUB answered \(reply)")
            }
            return count
        }
    }

    /// ``pubsubNumsub(_:)`` for async code.
    public func pubsubNumsub(_ channel: String) async throws -> Int {
        try await pubsubNumsub(channel).get()
    }
}
