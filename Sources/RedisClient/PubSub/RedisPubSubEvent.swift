internal import NIOCore

/// What a RESP2 pub/sub reply means: a message, or Redis confirming a
/// (p)subscribe or (p)unsubscribe of one name. Anything else is a normal reply.
enum RedisPubSubEvent: Equatable {
    enum Kind: String {
        case subscribe, unsubscribe, psubscribe, punsubscribe
    }

    case message(RedisPubSubMessage)
    case confirmation(Kind, name: String)

    /// Reads `value` as a pub/sub event: `[message, channel, payload]`,
    /// `[pmessage, pattern, channel, payload]`, `[subscribe, name, count]`...
    /// `nil` when it is not one.
    init?(_ value: RedisValue) {
        guard case .array(let items) = value, let kind = items.first?.string else { return nil }
        switch kind.lowercased() {
        case "message":
            guard items.count == 3, let channel = items[1].string, let payload = items[2].bytes else { return nil }
            self = .message(RedisPubSubMessage(channel: channel, payload: payload))
        case "pmessage":
            guard items.count == 4, let pattern = items[1].string, let channel = items[2].string, let payload = items[3].bytes
            else { return nil }
            self = .message(RedisPubSubMessage(channel: channel, pattern: pattern, payload: payload))
        default:
            guard items.count == 3, let confirmed = Kind(rawValue: kind.lowercased()) else { return nil }
            self = .confirmation(confirmed, name: items[1].string ?? "")
        }
    }
}
