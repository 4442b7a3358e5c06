public import NIOCore

/// The options of the classic Redis adapter, named as upstream's
/// `createAdapter(pub, sub, opts)` names them (spec section 1.1).
///
/// ```swift
/// var options = RedisAdapterOptions()
/// options.key = "myapp"
/// options.requestsTimeout = .seconds(2)
/// ```
public struct RedisAdapterOptions: Sendable, Hashable {
    /// The prefix of every channel (`socket.io`): servers with the same key
    /// on the same Redis form one cluster.
    public var key: String
    /// How long `fetchSockets`, `serverSideEmitWithAck` and the legacy
    /// requests wait for the other servers' answers (5 s).
    public var requestsTimeout: TimeAmount
    /// Answers go to the requesting server's own channel instead of the
    /// shared one (upstream's option of the same name; off by default).
    public var publishOnSpecificResponseChannel: Bool

    /// The upstream defaults.
    public init(key: String = "socket.io", requestsTimeout: TimeAmount = .seconds(5), publishOnSpecificResponseChannel: Bool = false) {
        self.key = key
        self.requestsTimeout = requestsTimeout
        self.publishOnSpecificResponseChannel = publishOnSpecificResponseChannel
    }
}
