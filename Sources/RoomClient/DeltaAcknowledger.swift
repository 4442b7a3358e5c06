/// When to acknowledge position deltas, as `docs/room-protocol.md` asks:
/// not every delta, but the newest one applied, either with the next input
/// (its second argument) or, when no input goes first, by a `delta-ack`
/// after a short delay.
///
/// A pure value; the room arms a timer when ``applied(_:)`` says so and
/// calls ``timerFired()`` when it fires.
///
/// ```swift
/// var acks = DeltaAcknowledger()
/// if acks.applied(12) { armTimer() }          // the first unacknowledged delta arms the timer
/// let piggyback = acks.takeForInput()          // 12: sent with the input; the timer then finds nothing
/// ```
struct DeltaAcknowledger: Sendable, Equatable {
    /// The newest tick applied and not acknowledged yet.
    private(set) var pending: UInt64?
    /// The newest tick acknowledged (sent) in this membership.
    private(set) var acknowledged: UInt64?
    /// Whether a `delta-ack` timer is running.
    private(set) var timerArmed = false

    /// A delta of `tick` was applied. True when a timer must be armed now.
    mutating func applied(_ tick: UInt64) -> Bool {
        if let acknowledged, tick <= acknowledged { return false }
        pending = max(pending ?? 0, tick)
        if timerArmed { return false }
        timerArmed = true
        return true
    }

    /// A delta did not apply (its baseline is not held): acknowledge the
    /// newest tick held again, so the server encodes against it. True when
    /// a timer must be armed now.
    mutating func reacknowledge(_ tick: UInt64) -> Bool {
        pending = max(pending ?? 0, tick)
        if timerArmed { return false }
        timerArmed = true
        return true
    }

    /// The tick an input about to be sent should carry (then it counts as sent).
    mutating func takeForInput() -> UInt64? {
        take()
    }

    /// The timer fired: the tick a `delta-ack` should carry, if any.
    mutating func timerFired() -> UInt64? {
        timerArmed = false
        return take()
    }

    /// A new membership: nothing acknowledged yet (the snapshot's tick is
    /// the server's first baseline). A running timer stays armed and finds
    /// nothing when it fires.
    mutating func reset() {
        pending = nil
        acknowledged = nil
    }

    private mutating func take() -> UInt64? {
        guard let tick = pending else { return nil }
        pending = nil
        acknowledged = tick
        return tick
    }
}
