import NIOCore
import RoomEngine

/// One member of a room's fan-out: how far its join has come, its seat, the
/// operations it was sent (for a `rejoin`) and the input answers it is
/// owed, in one value (the fan-out keeps one map of these).
///
/// ```text
/// admitted ──attach──► attached(endpoint, room) ──snapshot──► joined(endpoint) ◄──rejoin──┐
///    │ snapshot                                                  ▲    │ connection lost    │
///    ▼                                                           │    ▼                    │
/// parked(snapshot, operations) ───────────attach─────────────────┘  away(grace timer) ─────┘
///    │ more operations than the park limit                              │ grace over
///    ▼                                                                  ▼
/// overflowed (its attach is answered `serverBusy`)                   expired (its leave is on its way)
/// ```
///
/// A snapshot the room left for the fan-out to encode off its loop
/// (``RoomTickOutput/deferredSnapshots``) puts an `admitted` or `attached`
/// member in `encoding` until the bytes are back: then it goes on as if the
/// snapshot had just come (`parked`, or `joined` with the answer); an
/// attach while encoding is remembered there.
struct FanoutMember {
    /// Where the member's join stands.
    enum Stage {
        /// The room admitted it; neither its session nor its snapshot is here yet.
        case admitted
        /// The session is attached; the snapshot comes with the next tick. The
        /// room is held only until then, to name it in the join answer.
        case attached(MemberEndpoint, room: any RoomEndpoint)
        /// The snapshot came before the session: it and the operations after
        /// it wait here (at most ``FanoutState/parkLimit`` batches).
        case parked(snapshot: ByteBuffer, tick: UInt64, operations: [Delivery])
        /// Its snapshot (of `tick`) is being encoded off the room's loop
        /// (``SnapshotWorker``): the operations after it wait here (at most
        /// ``FanoutState/parkLimit`` batches), with its session once attached.
        case encoding(tick: UInt64, session: (endpoint: MemberEndpoint, room: any RoomEndpoint)?, operations: [Delivery])
        /// The join answer went out: operations and deltas flow.
        case joined(MemberEndpoint)
        /// Its connection dropped: the seat is held (operations are kept in
        /// its replay) until the timer ends the grace period or a `rejoin`
        /// takes the seat back.
        case away(grace: Scheduled<Void>?)
        /// The grace period is over: its leave is on its way, the seat can
        /// no longer be taken back.
        case expired
        /// Too much waited for a session that never attached: its join fails.
        case overflowed
    }

    var stage = Stage.admitted
    /// The secret of its seat (``SeatToken``), issued at admission.
    let seat: String
    /// The `ops` batches sent to it (or owed while away), for a `rejoin`.
    var replay: OperationReplay
    /// Inputs waiting for their tick's answer: receipt and reply token.
    var awaitingAnswers: [(receipt: UInt64, token: UInt32)] = []

    /// A member admitted with a new seat.
    init(stage: Stage = .admitted, seat: String = SeatToken.newSecret(), replay: OperationReplay) {
        self.stage = stage
        self.seat = seat
        self.replay = replay
    }

    /// Where its deliveries go, once its session is attached.
    var endpoint: MemberEndpoint? {
        switch stage {
        case .attached(let endpoint, _), .joined(let endpoint): endpoint
        case .admitted, .parked, .encoding, .away, .expired, .overflowed: nil
        }
    }
}
