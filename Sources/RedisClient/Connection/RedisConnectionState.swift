/// What a connection or subscriber reports when its link to Redis changes,
/// so a server can log it and report readiness.
///
/// ```swift
/// for await state in connection.states {
///     if case .disconnected(let error) = state { logger.warning("redis: \(error)") }
/// }
/// ```
public enum RedisConnectionState: Sendable {
    /// Connected, authenticated, database selected (and, for a subscriber,
    /// every subscription restored): commands flow.
    case connected
    /// The connection dropped, or an attempt failed while none was up
    /// (reported once per outage, not per attempt); reconnection is under way.
    case disconnected(any Error)
}
