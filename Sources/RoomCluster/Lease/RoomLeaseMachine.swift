public import NIOCore

/// Why a lease was not obtained.
public enum LeaseRefusal: Error, Sendable, Hashable {
    /// Another node holds it (its value in Redis: node and fence).
    case heldElsewhere(String)
    /// The answer came after the validity it would have given had passed.
    case answeredTooLate
    /// Redis could not be asked (down, or the command failed).
    case unreachable
    /// ``RoomLeaseMachine/release(now:)`` came first.
    case released
}

/// Why a held lease ended.
public enum LeaseLoss: Sendable, Hashable {
    /// No renewal succeeded before the holder's own validity ran out
    /// (Redis unreachable or too slow).
    case expired
    /// A renewal found the key gone or someone else's: another node may
    /// already tick the room.
    case takenOver
    /// The holder gave it up.
    case released
}

/// One room's lease as its would-be holder sees it: a pure state machine,
/// events in (what was sent and answered, timers), actions out (what to
/// send, when to wake up, and when the room may or may not tick). The I/O
/// driver (``RedisRoomLease``) sends the commands and runs the timers; this
/// type decides, with no clock of its own: every event carries `now`.
///
/// ```text
/// idle ──acquire──► acquiring ──acquired──► held ◄──renewed──┐
///   ▲                  │ refused/failed       │ timer: renew ─┘
///   └──────────────────┘                      ├─ renewal answered "not yours" ─► lost(takenOver)
///                                             ├─ timer past validity ──────────► lost(expired)
///                                             └─ release ──────────────────────► released
/// ```
///
/// One renewal is in flight at a time; its answer extends the validity from
/// the moment it was sent (``LeaseTiming/validity(sentAt:)``).
///
/// ```swift
/// var lease = RoomLeaseMachine(timing: LeaseTiming())
/// lease.acquire(now: .now())                       // [.sendAcquire]
/// lease.acquired(fence: 7, now: .now())            // [.grant(fence: 7, validUntil: …), .wake(at: …)]
/// ```
public struct RoomLeaseMachine: Sendable {
    /// What the holder knows while it holds the lease.
    public struct Holding: Sendable, Hashable {
        /// The fencing token of this acquisition (grows with every acquisition of the room).
        public var fence: UInt64
        /// Until when the room may tick here.
        public var validUntil: NIODeadline
        /// When the next renewal is due.
        public var nextRenewal: NIODeadline
        /// When the renewal in flight was sent, if one is.
        public var renewalSentAt: NIODeadline?
    }

    /// Where the lease stands.
    public enum State: Sendable, Hashable {
        /// Not held and not asked for.
        case idle
        /// An acquisition sent at `sentAt` awaits its answer.
        case acquiring(sentAt: NIODeadline)
        /// Held.
        case held(Holding)
        /// Given up (an acquisition in flight is released when answered).
        case released
        /// Lost while held.
        case lost(LeaseLoss)
    }

    /// What the driver must do.
    public enum Action: Sendable, Hashable {
        /// Send the acquisition (`SET NX` with a new fence).
        case sendAcquire
        /// Send a renewal of the acquisition with `fence`.
        case sendRenewal(fence: UInt64)
        /// Send a release of the acquisition with `fence`.
        case sendRelease(fence: UInt64)
        /// The room may tick here until `validUntil` (a first grant or an extension).
        case grant(fence: UInt64, validUntil: NIODeadline)
        /// The room must stop ticking here now.
        case revoke(LeaseLoss)
        /// The acquisition did not give the lease.
        case notAcquired(LeaseRefusal)
        /// Call ``timerFired(now:)`` at this time (replaces any earlier wake-up).
        case wake(at: NIODeadline)
    }

    /// The lease's timing.
    public let timing: LeaseTiming
    /// Where the lease stands.
    public private(set) var state = State.idle

    /// A lease not yet asked for.
    public init(timing: LeaseTiming) {
        self.timing = timing
    }

    /// Whether the room may tick here at `now`.
    public func holds(at now: NIODeadline) -> Bool {
        if case .held(let holding) = state { return now < holding.validUntil }
        return false
    }

    /// Asks for the lease (from `idle`, or again after it was lost or refused).
    public mutating func acquire(now: NIODeadline) -> [Action] {
        switch state {
        case .idle, .lost:
            state = .acquiring(sentAt: now)
            return [.sendAcquire]
        case .acquiring, .held, .released:
            return []
        }
    }

    /// Redis gave the lease with `fence`.
    public mutating func acquired(fence: UInt64, now: NIODeadline) -> [Action] {
        switch state {
        case .acquiring(let sentAt):
            let validUntil = timing.validity(sentAt: sentAt)
            guard now < validUntil else {
                state = .idle
                return [.sendRelease(fence: fence), .notAcquired(.answeredTooLate)]
            }
            let holding = Holding(fence: fence, validUntil: validUntil, nextRenewal: sentAt + timing.renewalInterval)
            state = .held(holding)
            return [.grant(fence: fence, validUntil: validUntil), .wake(at: min(holding.nextRenewal, validUntil))]
        case .released:
            return [.sendRelease(fence: fence)]
        case .idle, .held, .lost:
            return []
        }
    }

    /// Redis refused the acquisition: `holder` holds the lease.
    public mutating func refused(holder: String, now: NIODeadline) -> [Action] {
        guard case .acquiring = state else { return [] }
        state = .idle
        return [.notAcquired(.heldElsewhere(holder))]
    }

    /// The acquisition could not be sent or answered.
    public mutating func acquireFailed(now: NIODeadline) -> [Action] {
        switch state {
        case .acquiring:
            state = .idle
            return [.notAcquired(.unreachable)]
        case .released:
            // Nothing to release: if Redis did take it, the key expires.
            return []
        case .idle, .held, .lost:
            return []
        }
    }

    /// A timer set by ``Action/wake(at:)`` fired.
    public mutating func timerFired(now: NIODeadline) -> [Action] {
        guard case .held(var holding) = state else { return [] }
        if now >= holding.validUntil {
            state = .lost(.expired)
            return [.revoke(.expired)]
        }
        if holding.renewalSentAt == nil, now >= holding.nextRenewal {
            holding.renewalSentAt = now
            state = .held(holding)
            return [.sendRenewal(fence: holding.fence), .wake(at: holding.validUntil)]
        }
        let next = holding.renewalSentAt == nil ? min(holding.nextRenewal, holding.validUntil) : holding.validUntil
        return [.wake(at: next)]
    }

    /// The renewal in flight was answered: `stillHeld` when the key was
    /// still this acquisition's (and was extended).
    public mutating func renewed(stillHeld: Bool, now: NIODeadline) -> [Action] {
        guard case .held(var holding) = state, let sentAt = holding.renewalSentAt else { return [] }
        guard stillHeld else {
            state = .lost(.takenOver)
            return [.revoke(.takenOver)]
        }
        if now >= holding.validUntil {
            // Too late: the room already had to stop (the timer may not have fired yet).
            state = .lost(.expired)
            return [.revoke(.expired)]
        }
        holding.validUntil = max(holding.validUntil, timing.validity(sentAt: sentAt))
        holding.renewalSentAt = nil
        holding.nextRenewal = sentAt + timing.renewalInterval
        state = .held(holding)
        return [.grant(fence: holding.fence, validUntil: holding.validUntil), .wake(at: min(holding.nextRenewal, holding.validUntil))]
    }

    /// The renewal in flight failed (Redis unreachable, or an error reply):
    /// it is retried after ``LeaseTiming/retryInterval`` while the validity lasts.
    public mutating func renewalFailed(now: NIODeadline) -> [Action] {
        guard case .held(var holding) = state, holding.renewalSentAt != nil else { return [] }
        if now >= holding.validUntil {
            state = .lost(.expired)
            return [.revoke(.expired)]
        }
        holding.renewalSentAt = nil
        holding.nextRenewal = now + timing.retryInterval
        state = .held(holding)
        return [.wake(at: min(holding.nextRenewal, holding.validUntil))]
    }

    /// Gives the lease up: the room stops ticking here at once, then the key
    /// is deleted if it is still this acquisition's.
    public mutating func release(now: NIODeadline) -> [Action] {
        switch state {
        case .held(let holding):
            state = .released
            return [.revoke(.released), .sendRelease(fence: holding.fence)]
        case .acquiring:
            state = .released
            return []
        case .idle, .lost:
            state = .released
            return []
        case .released:
            return []
        }
    }
}
