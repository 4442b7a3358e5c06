public import NIOCore

/// One message received by a ``RedisSubscriber``: the channel it was
/// published to, the pattern that matched (for PSUBSCRIBE), and the bytes.
///
/// ```swift
/// let subscriber = RedisSubscriber(configuration: configuration, eventLoop: loop) { message in
///     print(message.channel, message.pattern ?? "-", message.payload.readableBytes)
/// }
/// ```
public struct RedisPubSubMessage: Sendable, Hashable {
    /// The channel the message was published to.
    public var channel: String
    /// The pattern it matched when it came through ``RedisSubscriber/psubscribe(_:)``; `nil` for a channel subscription.
    public var pattern: String?
    /// The published bytes, unchanged.
    public var payload: ByteBuffer

    /// A message (tests and fakes build them).
    public init(channel: String, pattern: String? = nil, payload: ByteBuffer) {
        self.channel = channel
        self.pattern = pattern
        self.payload = payload
    }
}
