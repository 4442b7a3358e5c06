/// Every failure the Redis client reports, so callers can react by case
/// (retry on ``backlogFull``, alert on ``authenticationFailed(_:)``...).
///
/// ```swift
/// do { _ = try await connection.send("GET", ["k"]) }
/// catch RedisError.server(let message) { print("Redis said", message) }
/// ```
public enum RedisError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Redis answered with an error reply (`-ERR ...`, `-WRONGTYPE ...`);
    /// the message is Redis's text, prefix included.
    case server(String)
    /// AUTH was refused (wrong password or user): the message is Redis's.
    /// Commands waiting for the connection fail with it; reconnection goes on.
    case authenticationFailed(String)
    /// The queue of commands not yet answered is full
    /// (``RedisConfiguration/maxPendingCommands``): the new command was not sent.
    case backlogFull
    /// The connection dropped after the command was written: it may or may not
    /// have run, so it is not retried.
    case connectionLost
    /// ``RedisConnection/close()`` or ``RedisSubscriber/close()`` was called.
    case closed
    /// The bytes from Redis are not valid RESP, or exceed a ``RESPDecoderLimits`` limit.
    case protocolError(String)
    /// The `redis://` URL could not be parsed.
    case invalidURL(String)
    /// Redis answered with a value of the wrong type for the command
    /// (e.g. not an integer for PUBLISH).
    case unexpectedReply(String)

    /// A line for logs.
    public var description: String {
        switch self {
        case .server(let message): return "Redis error reply: \(message)"
        case .authenticationFailed(let message): return "Redis authentication failed: \(message)"
        case .backlogFull: return "Redis command queue full"
        case .connectionLost: return "Redis connection lost"
        case .closed: return "Redis client closed"
        case .protocolError(let message): return "Redis protocol error: \(message)"
        case .invalidURL(let message): return "invalid Redis URL: \(message)"
        case .unexpectedReply(let message): return "unexpected Redis reply: \(message)"
        }
    }
}
