public import NIOCore

/// How long a room's lease lasts and how its holder keeps it.
///
/// The holder renews every ``renewalInterval``; a renewal that fails is
/// retried every ``retryInterval`` until the lease's validity runs out. The
/// validity a holder computes for itself is the lease's ``duration`` from the
/// moment the acquiring or renewing command was *sent*, less
/// ``clockDriftAllowance(for:)``: Redis starts the key's expiry when it
/// processes the command, which is later, so the holder's own view always
/// ends first (a stale holder stops ticking before the key can expire and
/// another node can take it).
///
/// ```swift
/// let timing = LeaseTiming(duration: .milliseconds(1500))   // renewed every 500 ms
/// ```
public struct LeaseTiming: Sendable, Hashable {
    /// How long the lease lives in Redis after each acquisition or renewal.
    public var duration: TimeAmount
    /// Time between two renewals.
    public var renewalInterval: TimeAmount
    /// Time between two attempts after a renewal failed.
    public var retryInterval: TimeAmount

    /// A lease of `duration`, renewed three times per duration by default
    /// (so two renewals in a row can fail without losing it) and retried
    /// every tenth of it.
    public init(duration: TimeAmount = .milliseconds(1500), renewalInterval: TimeAmount? = nil, retryInterval: TimeAmount? = nil) {
        precondition(duration.nanoseconds >= 30_000_000, "a lease shorter than 30 ms cannot be renewed in time")
        self.duration = duration
        self.renewalInterval = renewalInterval ?? .nanoseconds(duration.nanoseconds / 3)
        self.retryInterval = retryInterval ?? .nanoseconds(duration.nanoseconds / 10)
        precondition(self.renewalInterval < duration && self.retryInterval < duration)
    }

    /// What a holder takes off the lease's duration for clocks that run at
    /// different rates (Redis's and this process's): 1 % of it plus 2 ms.
    public static func clockDriftAllowance(for duration: TimeAmount) -> TimeAmount {
        .nanoseconds(duration.nanoseconds / 100 + 2_000_000)
    }

    /// The end of a holder's own validity for a command sent at `sentAt`.
    public func validity(sentAt: NIODeadline) -> NIODeadline {
        sentAt + duration - Self.clockDriftAllowance(for: duration)
    }
}
