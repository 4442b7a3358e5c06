import NIOCore
import RoomEngine

/// How a room's fan-out holds the seats of members whose connection
/// dropped: for how long, how many operations it keeps per member for a
/// `rejoin`, and whom it tells when a grace period ends.
///
/// ```swift
/// let seats = SeatPolicy(grace: .seconds(10), replayLimits: .init(batches: 256, bytes: 1 << 20)) { member in
///     core.depart(member, from: room, endpoint: nil)
/// }
/// ```
struct SeatPolicy: Sendable {
    /// How long a seat is held (``RoomRules/seatGracePeriod``, or the
    /// service's override); zero frees it at once.
    var grace: TimeAmount
    /// What one member's ``OperationReplay`` keeps.
    var replayLimits: OperationReplay.Limits
    /// Called on the room's loop when a member's grace period ends: the
    /// member must now leave as if it had sent `leave`.
    var expired: @Sendable (MemberID) -> Void
    /// The room's seat key, for a cluster room that another node may
    /// resume (failover): seats are derived from it, so they outlive this
    /// owner, and a room that loses its lease tells its members to
    /// reconnect and `rejoin` (resync) rather than that it closed. Nil:
    /// random seats, held here only.
    var key: SeatKey?

    /// A policy; by default a 10 s grace, 256 batches and 1 MiB, an
    /// expiry nobody hears (for tests that never let a grace end) and
    /// random seats.
    init(
        grace: TimeAmount = .seconds(10),
        replayLimits: OperationReplay.Limits = .init(batches: 256, bytes: 1 << 20),
        key: SeatKey? = nil,
        expired: @escaping @Sendable (MemberID) -> Void = { _ in }
    ) {
        self.grace = grace
        self.replayLimits = replayLimits
        self.key = key
        self.expired = expired
    }

    /// The secret of `member`'s new seat: derived from ``key``, or random.
    func newSeat(for member: MemberID) -> String {
        key?.secret(for: member) ?? SeatToken.newSecret()
    }
}

extension TimeAmount {
    /// The same length as `duration`, to the nanosecond (saturating).
    init(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        self = .nanoseconds(overflow ? .max : scaled &+ attoseconds / 1_000_000_000)
    }
}
