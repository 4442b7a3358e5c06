import NIOCore
import EngineIOCore

/// A session's heartbeat, whichever side pings: the server in v4
/// (``EngineIOHeartbeat``), the client in v3 (``EngineIOClientPingHeartbeat``).
/// The session forwards what happens; each value decides for its revision.
enum EngineIOSessionHeartbeat: Sendable, Hashable {
    /// v4: the server pings, the client answers.
    case serverPings(EngineIOHeartbeat)
    /// v3: the client pings, the server answers.
    case clientPings(EngineIOClientPingHeartbeat)

    /// The heartbeat of `version` with these durations.
    init(version: EngineIOProtocolVersion, pingInterval: TimeAmount, pingTimeout: TimeAmount) {
        switch version {
        case .v4: self = .serverPings(EngineIOHeartbeat(pingInterval: pingInterval, pingTimeout: pingTimeout))
        case .v3: self = .clientPings(EngineIOClientPingHeartbeat(pingInterval: pingInterval, pingTimeout: pingTimeout))
        }
    }

    /// Which armed timer counts.
    var generation: UInt32 {
        switch self {
        case .serverPings(let heartbeat): heartbeat.generation
        case .clientPings(let heartbeat): heartbeat.generation
        }
    }

    /// The session opened at `now`.
    mutating func start(now: NIODeadline) -> EngineIOHeartbeat.Action {
        update { $0.start(now: now) } client: { $0.start(now: now) }
    }

    /// A timer of `generation` fired at `now`.
    mutating func timerFired(generation: UInt32, now: NIODeadline) -> EngineIOHeartbeat.Action {
        update { $0.timerFired(generation: generation, now: now) } client: { $0.timerFired(generation: generation, now: now) }
    }

    /// A pong (only v4 sessions are told: in v3 a pong closes the session).
    mutating func pongReceived(now: NIODeadline) -> EngineIOHeartbeat.Action {
        update { $0.pongReceived(now: now) } client: { _ in .none }
    }

    /// A client ping (only v3 sessions are told: in v4 a ping closes the session).
    mutating func pingReceived(now: NIODeadline) -> EngineIOHeartbeat.Action {
        update { _ in .none } client: { $0.pingReceived(now: now) }
    }

    /// Whether the session's deadline has passed at `now` with no sign of life.
    func hasTimedOut(at now: NIODeadline) -> Bool {
        switch self {
        case .serverPings(let heartbeat): heartbeat.hasTimedOut(at: now)
        case .clientPings(let heartbeat): heartbeat.hasTimedOut(at: now)
        }
    }

    /// Runs the body for the value held, in place.
    private mutating func update(
        _ server: (inout EngineIOHeartbeat) -> EngineIOHeartbeat.Action,
        client: (inout EngineIOClientPingHeartbeat) -> EngineIOHeartbeat.Action
    ) -> EngineIOHeartbeat.Action {
        switch self {
        case .serverPings(var heartbeat):
            defer { self = .serverPings(heartbeat) }
            return server(&heartbeat)
        case .clientPings(var heartbeat):
            defer { self = .clientPings(heartbeat) }
            return client(&heartbeat)
        }
    }
}
