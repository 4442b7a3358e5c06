import NIOCore

/// The server side of the Engine.IO v4 heartbeat as a pure value: the server
/// pings every `pingInterval` and closes the session when no pong arrives
/// within `pingTimeout`.
///
/// One timer is pending at a time (the ping is due, or the pong is) and it is
/// not cancelled when the pong comes: cancelling a NIO timer scans the loop's
/// whole timer queue, once per pong per session. When the pending deadline
/// passes with the pong in, the timer is simply set for the next ping. Only
/// when pingInterval is shorter than pingTimeout does a pong need an earlier
/// timer; it then gets a new generation, so the old timer fires into nothing.
///
/// ```
/// waiting(ping due at T) --timer--> awaitingPong(deadline T+timeout), send ping
/// awaitingPong --pong--> waiting(next ping at now+interval)
/// awaitingPong --timer--> timed out
/// ```
struct EngineIOHeartbeat: Sendable, Hashable {
    /// What the session does after an event.
    enum Action: Sendable, Hashable {
        /// Nothing.
        case none
        /// Arm the timer: it fires at `deadline` and reports `generation`.
        case schedule(at: NIODeadline, generation: UInt32)
        /// Send a ping packet, then arm the timer.
        case sendPing(thenScheduleAt: NIODeadline, generation: UInt32)
        /// No pong in time: close the session ("ping timeout").
        case timedOut
    }

    let pingInterval: TimeAmount
    let pingTimeout: TimeAmount
    /// How late a ping may leave and still count from when it was due.
    static let lateTolerance = TimeAmount.milliseconds(10)
    /// Which armed timer counts.
    private(set) var generation: UInt32 = 0
    /// When the armed timer fires.
    private(set) var deadline = NIODeadline.uptimeNanoseconds(0)
    /// A ping went out and its pong has not come.
    private(set) var awaitingPong = false
    /// When the next ping is due, once a pong came while a later timer was armed.
    private var nextPingAt: NIODeadline?

    init(pingInterval: TimeAmount, pingTimeout: TimeAmount) {
        self.pingInterval = pingInterval
        self.pingTimeout = pingTimeout
    }

    /// The session opened at `now`: the first ping is due after pingInterval.
    mutating func start(now: NIODeadline) -> Action {
        arm(at: now + pingInterval)
    }

    /// A timer of `generation` fired at `now`.
    mutating func timerFired(generation fired: UInt32, now: NIODeadline) -> Action {
        guard fired == generation else { return .none }
        if awaitingPong { return .timedOut }
        if let due = nextPingAt, due > now {
            nextPingAt = nil
            return arm(at: due)
        }
        nextPingAt = nil
        awaitingPong = true
        // The pong is due pingTimeout after the ping was due, so that a
        // session without pongs closes pingInterval + pingTimeout after its
        // last sign of life, whatever the timers' small lateness; a timer
        // that ran later than `lateTolerance` (a busy loop) still leaves the
        // client nearly its whole pingTimeout from when the ping leaves.
        deadline = max(deadline + pingTimeout, now + pingTimeout - Self.lateTolerance)
        return .sendPing(thenScheduleAt: deadline, generation: generation)
    }

    /// Whether the pong deadline has passed at `now` with no pong.
    func hasTimedOut(at now: NIODeadline) -> Bool {
        awaitingPong && now >= deadline
    }

    /// A pong arrived at `now`.
    mutating func pongReceived(now: NIODeadline) -> Action {
        guard awaitingPong else { return .none }
        awaitingPong = false
        let due = now + pingInterval
        if due < deadline {
            // The armed timer would fire after the next ping is due.
            generation &+= 1
            return arm(at: due)
        }
        nextPingAt = due
        return .none
    }

    private mutating func arm(at due: NIODeadline) -> Action {
        deadline = due
        return .schedule(at: due, generation: generation)
    }
}
