/// Where a connection's or subscriber's state changes go: its `states`
/// stream (newest 64 kept if nobody reads) and the callback given at init.
/// One for ``RedisConnection`` and ``RedisSubscriber`` alike.
struct RedisStateReports: Sendable {
    let states: AsyncStream<RedisConnectionState>
    /// Reports a change to both.
    let report: @Sendable (RedisConnectionState) -> Void
    /// Ends the stream (the connection closed).
    let finish: @Sendable () -> Void

    init(onStateChange: (@Sendable (RedisConnectionState) -> Void)?) {
        let (states, continuation) = AsyncStream.makeStream(of: RedisConnectionState.self, bufferingPolicy: .bufferingNewest(64))
        self.states = states
        report = { state in
            continuation.yield(state)
            onStateChange?(state)
        }
        finish = { continuation.finish() }
    }
}
