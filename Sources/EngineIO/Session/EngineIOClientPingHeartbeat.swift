import NIOCore

/// The Engine.IO v3 heartbeat as a pure value: the client pings (`2`), the
/// server answers each ping with a pong (`3`, sent by the session), and the
/// session closes when no ping came for pingInterval + pingTimeout (the
/// reference server's `resetPingTimeout` for protocol 3).
///
/// As in ``EngineIOHeartbeat``, a ping does not cancel the armed timer
/// (cancelling scans the loop's whole timer queue): it moves the deadline,
/// and a timer that fires before the deadline is simply armed again for it.
///
/// ```
/// start --> timer at now + interval + timeout
/// ping  --> deadline = now + interval + timeout (timer left alone)
/// timer --> before the deadline: re-armed for it; at or past it: timed out
/// ```
struct EngineIOClientPingHeartbeat: Sendable, Hashable {
    /// How long the session lives without a ping: pingInterval + pingTimeout.
    let window: TimeAmount
    /// When the session times out unless a ping comes first.
    private(set) var deadline = NIODeadline.uptimeNanoseconds(0)
    /// Timers are never superseded here: one generation serves the session.
    let generation: UInt32 = 0

    init(pingInterval: TimeAmount, pingTimeout: TimeAmount) {
        self.window = pingInterval + pingTimeout
    }

    /// The session opened at `now`: the first ping is due within the window.
    mutating func start(now: NIODeadline) -> EngineIOHeartbeat.Action {
        deadline = now + window
        return .schedule(at: deadline, generation: generation)
    }

    /// A client ping arrived at `now`: the window starts again. (The caller
    /// answers with a pong.)
    mutating func pingReceived(now: NIODeadline) -> EngineIOHeartbeat.Action {
        deadline = now + window
        return .none
    }

    /// The armed timer fired at `now`.
    mutating func timerFired(generation fired: UInt32, now: NIODeadline) -> EngineIOHeartbeat.Action {
        guard fired == generation else { return .none }
        if now >= deadline { return .timedOut }
        return .schedule(at: deadline, generation: generation)
    }

    /// Whether the window has passed at `now` with no ping.
    func hasTimedOut(at now: NIODeadline) -> Bool {
        now >= deadline
    }
}
